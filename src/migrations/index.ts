import type { DatabaseKind, Migrations } from '../platform/db/index.js';
import { foundation } from './0001-foundation.js';
import { customerData } from './0002-customer-data.js';
import { text } from './0003-text.js';
import { domainEvents } from './0004-domain-events.js';
import { touchpoints } from './0005-touchpoints.js';
import { surveys } from './0006-surveys.js';
import { cases } from './0007-cases.js';
import { textReanalysis } from './0008-text-reanalysis.js';
import { caseSearch } from './0009-case-search.js';
import { touchpointArrivals } from './0010-touchpoint-arrivals.js';
import { segments } from './0011-segments.js';
import { caseRechecks } from './0012-case-rechecks.js';
import { ingestInbox } from './0013-ingest-inbox.js';
import { caseChecks } from './0014-case-checks.js';
import { touchpointKeyOnEvents } from './0015-touchpoint-key-on-events.js';
import { caseQueue } from './0016-case-queue.js';
import { caseChecksHeapOnly } from './0017-case-checks-heap-only.js';
import { touchpointWrites } from './0018-touchpoint-writes.js';
import { eventTimeIndex } from './0019-event-time-index.js';

/**
 * Every migration of the application, in order. Names sort lexically; never rename or edit one that has shipped —
 * add a new one.
 */
export function allMigrations(kind: DatabaseKind): Migrations {
  return {
    '0001_foundation': foundation(kind),
    '0002_customer_data': customerData(kind),
    '0003_text': text(kind),
    '0004_domain_events': domainEvents(kind),
    '0005_touchpoints': touchpoints(kind),
    '0006_surveys': surveys(kind),
    '0007_cases': cases(kind),
    '0008_text_reanalysis': textReanalysis(kind),
    '0009_case_search': caseSearch(kind),
    '0010_touchpoint_arrivals': touchpointArrivals(kind),
    '0011_segments': segments(kind),
    '0012_case_rechecks': caseRechecks(kind),
    '0013_ingest_inbox': ingestInbox(kind),
    '0014_case_checks': caseChecks(kind),
    '0015_touchpoint_key_on_events': touchpointKeyOnEvents(kind),
    '0016_case_queue': caseQueue(kind),
    '0017_case_checks_heap_only': caseChecksHeapOnly(kind),
    '0018_touchpoint_writes': touchpointWrites(kind),
    '0019_event_time_index': eventTimeIndex(kind),
  };
}
