import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/** Background re-analysis of stored texts (survey answers, case descriptions) after the vocabulary changed. */
export function textReanalysis(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('text_reanalyses')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sources', json, (c) => c.notNull())
        .addColumn('source_index', 'integer', (c) => c.notNull())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addColumn('processed', 'bigint', (c) => c.notNull())
        .addColumn('changed', 'bigint', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_by', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addPrimaryKeyConstraint('text_reanalyses_pk', ['workspace_id', 'id'])
        .execute();
    },
  };
}
