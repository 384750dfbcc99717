import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * Every event in one time index, not two: `events_time_idx` (workspace, time) keeps the events that map to no
 * touchpoint only (`where touchpoint_key is null`), since the mapped ones are in `events_touchpoint_time_idx`
 * (workspace, touchpoint, time, customer) already. Mapping an event then moves its time-index entry instead of adding
 * a second one: an event costs the same index writes with touchpoint rules as without. Events of one name in a period
 * (a funnel whose first step is an event) are read from both: the unmapped ones by time, the mapped ones by
 * touchpoint and time (`eventArrivalsSql` in src/modules/profiles).
 */
export function eventTimeIndex(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('events_time_idx').execute();
      await sql`create index events_time_idx on events (workspace_id, "timestamp") where touchpoint_key is null`.execute(
        db,
      );
      if (kind === 'postgres') await sql`analyze events`.execute(db);
    },
  };
}
