import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * The touchpoint an event maps to is stored on the event's own row (`events.touchpoint_key`, null when it maps to
 * none), decided while the event is recorded, instead of a copy of every mapped event in `touchpoint_events`
 * (a table with its primary key and two indexes: four B-tree writes per mapped event). Two partial indexes hold the
 * mapped events only (both dialects support them):
 * - `events_touchpoint_time_idx` (workspace, touchpoint, time, customer): a touchpoint's arrivals by time, covering
 *   a funnel's entrants and scanned steps, paths' anchors;
 * - `events_touchpoint_profile_idx` (workspace, customer, touchpoint, time): a customer's arrivals at a touchpoint,
 *   for a funnel's per-customer seeks and paths.
 * Existing mappings are copied onto the events (one UPDATE … FROM), then `touchpoint_events` is dropped.
 */
export function touchpointKeyOnEvents(_kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('events').addColumn('touchpoint_key', 'text').execute();
      await sql`update events set touchpoint_key = t.touchpoint_key from touchpoint_events t where t.workspace_id = events.workspace_id and t.event_id = events.id`.execute(
        db,
      );
      // Built after the backfill: one sorted build each instead of an index insert per updated row.
      await sql`create index events_touchpoint_time_idx on events (workspace_id, touchpoint_key, "timestamp", profile_id) where touchpoint_key is not null`.execute(
        db,
      );
      await sql`create index events_touchpoint_profile_idx on events (workspace_id, profile_id, touchpoint_key, "timestamp") where touchpoint_key is not null`.execute(
        db,
      );
      await db.schema.dropTable('touchpoint_events').execute();
    },
  };
}
