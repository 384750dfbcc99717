import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/** Touchpoints and journeys: the catalogue, events mapped to touchpoints, and the rollups dashboards read. */
export function touchpoints(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  const ws = 'workspace_id';
  return {
    async up(db: Kysely<unknown>) {
      const workspace = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn(ws, 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'));

      await workspace('touchpoints')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('name_zh', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('description_zh', 'text', (c) => c.notNull())
        .addColumn('description_en', 'text', (c) => c.notNull())
        .addColumn('core_need_zh', 'text', (c) => c.notNull())
        .addColumn('core_need_en', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('channels', json, (c) => c.notNull())
        .addColumn('owner_team', 'text')
        .addColumn('target_score', 'double precision')
        .addColumn('target_conversion', 'double precision')
        .addColumn('rule', json, (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoints_pk', [ws, 'id'])
        .addUniqueConstraint('touchpoints_key_unique', [ws, 'key'])
        .execute();

      await workspace('journeys')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('name_zh', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('description_zh', 'text', (c) => c.notNull())
        .addColumn('description_en', 'text', (c) => c.notNull())
        .addColumn('steps', json, (c) => c.notNull())
        .addColumn('conversion_window_days', 'integer', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('journeys_pk', [ws, 'id'])
        .addUniqueConstraint('journeys_key_unique', [ws, 'key'])
        .execute();

      await workspace('touchpoint_events')
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('touchpoint_key', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_events_pk', [ws, 'event_id'])
        .execute();
      await db.schema
        .createIndex('touchpoint_events_key_time_idx')
        .on('touchpoint_events')
        .columns([ws, 'touchpoint_key', 'timestamp'])
        .execute();
      await db.schema
        .createIndex('touchpoint_events_profile_idx')
        .on('touchpoint_events')
        .columns([ws, 'profile_id', 'touchpoint_key', 'timestamp'])
        .execute();

      await workspace('touchpoint_daily')
        .addColumn('touchpoint_key', 'text', (c) => c.notNull())
        .addColumn('day', 'bigint', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('events', 'bigint', (c) => c.notNull())
        .addColumn('customers', 'bigint', (c) => c.notNull())
        .addColumn('new_customers', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_daily_pk', [ws, 'touchpoint_key', 'day', 'channel'])
        .execute();
      await db.schema
        .createIndex('touchpoint_daily_day_idx')
        .on('touchpoint_daily')
        .columns([ws, 'day'])
        .execute();

      await workspace('touchpoint_profiles')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('touchpoint_key', 'text', (c) => c.notNull())
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        .addColumn('first_day', 'bigint', (c) => c.notNull())
        .addColumn('first_channel', 'text', (c) => c.notNull())
        .addColumn('last_day', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_profiles_pk', [ws, 'profile_id', 'touchpoint_key'])
        .execute();

      await workspace('touchpoint_conversions')
        .addColumn('from_key', 'text', (c) => c.notNull())
        .addColumn('to_key', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('converted_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_conversions_pk', [ws, 'from_key', 'to_key', 'profile_id'])
        .execute();

      await workspace('touchpoint_conversion_daily')
        .addColumn('from_key', 'text', (c) => c.notNull())
        .addColumn('to_key', 'text', (c) => c.notNull())
        .addColumn('day', 'bigint', (c) => c.notNull())
        .addColumn('converted', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_conversion_daily_pk', [ws, 'from_key', 'to_key', 'day'])
        .execute();

      await workspace('touchpoint_remaps')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('upto_event_id', 'text', (c) => c.notNull())
        .addColumn('cursor_event_id', 'text')
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addColumn('processed', 'bigint', (c) => c.notNull())
        .addColumn('mapped', 'bigint', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_by', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addPrimaryKeyConstraint('touchpoint_remaps_pk', [ws, 'id'])
        .execute();
    },
  };
}
