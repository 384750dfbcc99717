import { type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/**
 * The collection API's inbox (src/modules/ingest/inbox.ts): when requests overlap, their events are acknowledged
 * once committed here, and a processor folds them into profiles in arrival order (`seq`) behind the answers, as
 * Segment's and RudderStack's pipelines do. A platform queue like `jobs`: ordered by one global sequence, each row
 * naming its workspace. An event that cannot be processed stays, with `failed_at` and its error, for inspection.
 */
export function ingestInbox(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ingest_inbox')
        .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('event', json, (c) => c.notNull())
        .addColumn('failed_at', 'bigint')
        .addColumn('error', 'text')
        .execute();
      // The status route counts a workspace's backlog; the processor walks `seq` alone.
      await db.schema
        .createIndex('ingest_inbox_workspace_idx')
        .on('ingest_inbox')
        .columns(['workspace_id', 'seq'])
        .execute();
    },
  };
}
