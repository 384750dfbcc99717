import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * The SLA/escalation engine's pending checks move out of the wide `cases` row into a narrow table
 * (src/modules/cases/case.checks.ts): one row per case with a pending check — its next check and the case version it
 * was computed from. Moving a check then writes a small row with two short index entries instead of a new version of
 * the wide case row (PostgreSQL) or the case row and its check index (SQLite). Existing checks are copied over, then
 * `cases.next_check_at` and its index are dropped.
 */
export function caseChecks(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let table = db.schema
        .createTable('case_checks')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('next_check_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_checks_pk', ['workspace_id', 'case_id'])
        .addForeignKeyConstraint(
          'case_checks_case_fk',
          ['workspace_id', 'case_id'],
          'cases',
          ['workspace_id', 'id'],
          (c) => c.onDelete('cascade'),
        );
      // SQLite: the rows live in their primary-key B-tree (no separate rowid table to look them up in).
      if (kind === 'sqlite') table = table.modifyEnd(sql`without rowid`);
      await table.execute();
      await db.schema
        .createIndex('case_checks_due_idx')
        .on('case_checks')
        .columns(['workspace_id', 'next_check_at'])
        .execute();
      // Backfill: every pending check of every case.
      await sql`insert into case_checks (workspace_id, case_id, version, next_check_at)
        select workspace_id, id, version, next_check_at from cases where next_check_at is not null`.execute(
        db,
      );
      await db.schema.dropIndex('cases_check_idx').execute();
      await db.schema.alterTable('cases').dropColumn('next_check_at').execute();
      if (kind === 'postgres') await sql`analyze case_checks`.execute(db);
    },
  };
}
