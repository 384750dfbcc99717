import './segments.tables.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Db } from '../../platform/db/index.js';
import type { JobHandler } from '../../platform/jobs/index.js';
import type { ProfilesChangedHook } from '../profiles/index.js';
import {
  changeHook,
  PURGE_JOB,
  purgeJobHandler,
  REFRESH_JOB,
  refreshJobHandler,
  SCHEDULE_JOB,
  scheduleJobHandler,
  SegmentRegistry,
} from './segment.membership.js';
import { SegmentService } from './segment.service.js';
import { segmentRoutes } from './segments.routes.js';

export { segmentMemberSql } from './segment.membership.js';
export { inAnySegment, resolveSegments, segmentsOfProfiles, type SegmentRef } from './segment.service.js';
export { validateCondition, type SegmentCondition } from './segment.rules.js';
export { seedDemoSegments } from './demo-segments.js';

/**
 * The segments module as the app composes it: the profile-change hook that keeps members current, the routes, and
 * the jobs (full refresh with progress, hourly refresh of time-dependent rules, purge of deleted segments).
 */
export function segmentsModule(db: Db, options: { cipher: FieldCipher }) {
  const registry = new SegmentRegistry();
  const service = new SegmentService(db, registry);
  return {
    service,
    changeHook: changeHook(registry) satisfies ProfilesChangedHook,
    routes: segmentRoutes({ db, cipher: options.cipher, service }),
    jobs: {
      [REFRESH_JOB]: refreshJobHandler(db, options.cipher),
      [SCHEDULE_JOB]: scheduleJobHandler(db),
      [PURGE_JOB]: purgeJobHandler(db),
    } satisfies Record<string, JobHandler>,
  };
}
