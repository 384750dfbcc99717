import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/**
 * Recomputation of the stored SLA due times and next engine checks of open cases after escalation rules, SLA
 * policies or the business calendar changed (src/modules/cases/case.recheck.ts): one row per change, walked by a
 * durable job in keyset chunks, each chunk committing with its progress.
 */
export function caseRechecks(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('case_rechecks')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('details', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addColumn('processed', 'bigint', (c) => c.notNull())
        .addColumn('retargeted', 'bigint', (c) => c.notNull())
        .addColumn('moved', 'bigint', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addPrimaryKeyConstraint('case_rechecks_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('case_rechecks_status_idx')
        .on('case_rechecks')
        .columns(['workspace_id', 'status', 'requested_at'])
        .execute();
    },
  };
}
