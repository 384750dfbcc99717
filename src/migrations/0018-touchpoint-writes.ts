import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * Fewer writes per mapped event (src/modules/touchpoints/touchpoint.mapping.ts):
 * - a customer's arrivals at a touchpoint are found through the profiles module's per-customer event index, which
 *   now ends with the touchpoint (`events_profile_idx` on (workspace, customer, time, touchpoint)), instead of a
 *   second customer-keyed index of the mapped events (`events_touchpoint_profile_idx`, dropped). A live stream hits
 *   customers at random, so that index cost a page of its own per customer and batch;
 * - `touchpoint_profiles.counted_day` keeps, per customer and touchpoint, the last day counted before the row's
 *   latest write, so the one upsert of a batch's customers also returns what the rollups need (no read before it);
 * - `touchpoint_conversions.from_day` keeps the local day of the first arrival at `from` that a conversion is
 *   counted under, returned by the insert that finds the conversions in SQL.
 */
export function touchpointWrites(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('events_touchpoint_profile_idx').execute();
      await db.schema.dropIndex('events_profile_idx').execute();
      await db.schema
        .createIndex('events_profile_idx')
        .on('events')
        .columns(['workspace_id', 'profile_id', 'timestamp', 'touchpoint_key'])
        .execute();
      await db.schema
        .alterTable('touchpoint_profiles')
        .addColumn('counted_day', 'bigint', (c) => c.notNull().defaultTo(-1))
        .execute();
      await db.schema.alterTable('touchpoint_conversions').addColumn('from_day', 'bigint').execute();
      if (kind === 'postgres') await sql`analyze events`.execute(db);
    },
  };
}
