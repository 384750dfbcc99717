import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/**
 * Segments: rule-defined sets of customers, and their members kept up to date as profiles change (and refreshed in
 * full, as a background job with progress, when a definition changes or time moves a relative condition).
 */
export function segments(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  const ws = 'workspace_id';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('segments')
        .addColumn(ws, 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('name_zh', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('description_zh', 'text', (c) => c.notNull())
        .addColumn('description_en', 'text', (c) => c.notNull())
        .addColumn('condition', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('member_count', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        // The full refresh: which definition version it computes, where it is, how far it got.
        .addColumn('refresh_status', 'text', (c) => c.notNull())
        .addColumn('refresh_version', 'integer', (c) => c.notNull())
        .addColumn('refresh_cursor', 'text')
        .addColumn('refresh_processed', 'bigint', (c) => c.notNull())
        .addColumn('refresh_total', 'bigint', (c) => c.notNull())
        .addColumn('refresh_error', 'text')
        .addColumn('refreshed_at', 'bigint')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('segments_pk', [ws, 'id'])
        .addUniqueConstraint('segments_key_unique', [ws, 'key'])
        .execute();

      await db.schema
        .createTable('segment_members')
        .addColumn(ws, 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('segment_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('segment_members_pk', [ws, 'segment_id', 'profile_id'])
        .execute();
      // "Which segments is this customer in?" — the profile view, breakdowns and targeting.
      await db.schema
        .createIndex('segment_members_profile_idx')
        .on('segment_members')
        .columns([ws, 'profile_id', 'segment_id'])
        .execute();
    },
  };
}
