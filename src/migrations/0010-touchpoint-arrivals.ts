import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * First arrivals by touchpoint and time: the journey (first-arrival) funnel finds its entrants — customers whose
 * first arrival at step 1 falls in the period — with one range scan instead of a pass over every customer.
 */
export function touchpointArrivals(_kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('touchpoint_profiles_first_idx')
        .on('touchpoint_profiles')
        .columns(['workspace_id', 'touchpoint_key', 'first_at'])
        .execute();
    },
  };
}
