import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * Arrivals by touchpoint and time, with the customer in the index: a funnel finds its entrants — customers whose
 * arrival at step 1 falls in the period — with one range scan of an index that covers the query, instead of a pass
 * over every customer (first arrivals) or a table read per mapped event (every event).
 */
export function touchpointArrivals(_kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('touchpoint_profiles_first_idx')
        .on('touchpoint_profiles')
        .columns(['workspace_id', 'touchpoint_key', 'first_at', 'profile_id'])
        .execute();
      await db.schema.dropIndex('touchpoint_events_key_time_idx').execute();
      await db.schema
        .createIndex('touchpoint_events_key_time_idx')
        .on('touchpoint_events')
        .columns(['workspace_id', 'touchpoint_key', 'timestamp', 'profile_id'])
        .execute();
    },
  };
}
