import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';
import { columnTypes } from './column-types.js';

/** The domain-event outbox: every published event, delivered to subscribers through the job runner. */
export function domainEvents(kind: DatabaseKind): Migration {
  const { json } = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('domain_events')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('deliveries', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('domain_events_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('domain_events_type_idx')
        .on('domain_events')
        .columns(['workspace_id', 'type', 'id'])
        .execute();
    },
  };
}
