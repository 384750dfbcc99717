import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * The queue sort key leaves the indexes of the wide `cases` row (src/modules/cases/case.queue.ts): a narrow table
 * `case_queue` holds, per case, what the agent inbox and queue pages walk in SLA-due order (assignee, team, status,
 * active flag, `due_sort`) with the four due-ordered indexes that were on `cases`. `cases` keeps `due_sort` as a plain
 * column and gets the same three lookups without it (assignee, team, status), so no index of `cases` holds a column
 * that an SLA breach, an escalation raising the priority or a fired rule changes. On PostgreSQL such an update of a
 * case row is then a heap-only (HOT) update — no entry in any of the table's indexes (the GIN token index among
 * them) — when the new row version fits on its page: `cases` is stored with a fillfactor of 50 (rewritten here once,
 * so the existing pages get that room). Existing cases get their queue rows here.
 *
 * The pending checks (`case_checks`, migration 0014) get copies of the case columns their check derives from, at the
 * case version the row holds, so a sweep moves stale checks from the narrow rows alone (backfilled here).
 */
export function caseQueue(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('case_queue')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('assignee_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull())
        .addColumn('due_sort', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_queue_pk', ['workspace_id', 'case_id'])
        .addForeignKeyConstraint(
          'case_queue_case_fk',
          ['workspace_id', 'case_id'],
          'cases',
          ['workspace_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();
      // Backfill before the indexes (one build each instead of row-by-row inserts).
      await sql`insert into case_queue (workspace_id, case_id, assignee_id, team_id, status, is_active, due_sort)
        select workspace_id, id, assignee_id, team_id, status, is_active, due_sort from cases`.execute(db);
      for (const [name, columns] of [
        ['case_queue_assignee_idx', ['workspace_id', 'assignee_id', 'is_active', 'due_sort', 'case_id']],
        ['case_queue_team_idx', ['workspace_id', 'team_id', 'is_active', 'due_sort', 'case_id']],
        ['case_queue_status_idx', ['workspace_id', 'status', 'due_sort', 'case_id']],
      ] as const)
        await db.schema
          .createIndex(name)
          .on('case_queue')
          .columns([...columns])
          .execute();
      // Every active case in SLA-due order (text search over the active cases walks it, reading each case by key).
      await db.schema
        .createIndex('case_queue_active_idx')
        .on('case_queue')
        .columns(['workspace_id', 'due_sort', 'case_id'])
        .where(sql.ref('is_active'), '=', 1)
        .execute();

      // `cases`: the same lookups without the sort key (loads per assignee, team members, status counts).
      for (const name of ['cases_assignee_idx', 'cases_team_idx', 'cases_status_idx', 'cases_active_idx'])
        await db.schema.dropIndex(name).execute();
      for (const [name, columns] of [
        ['cases_assignee_active_idx', ['workspace_id', 'assignee_id', 'is_active']],
        ['cases_team_active_idx', ['workspace_id', 'team_id', 'is_active']],
        ['cases_status_only_idx', ['workspace_id', 'status']],
      ] as const)
        await db.schema
          .createIndex(name)
          .on('cases')
          .columns([...columns])
          .execute();

      // The check rows carry the case columns their check derives from (rules without conditions read nothing
      // else), copied at the version the row holds (src/modules/cases/case.checks.ts CHECK_INPUTS).
      for (const [name, type] of [
        ['status', 'text'],
        ['assignee_id', 'text'],
        ['fr_status', 'text'],
        ['fr_due_at', 'bigint'],
        ['res_status', 'text'],
        ['res_due_at', 'bigint'],
        ['escalations', 'text'],
        ['created_at', 'bigint'],
        ['last_activity_at', 'bigint'],
      ] as const)
        await db.schema.alterTable('case_checks').addColumn(name, type).execute();
      await sql`update case_checks set status = c.status, assignee_id = c.assignee_id, fr_status = c.fr_status,
          fr_due_at = c.fr_due_at, res_status = c.res_status, res_due_at = c.res_due_at, escalations = c.escalations,
          created_at = c.created_at, last_activity_at = c.last_activity_at
        from cases as c where c.workspace_id = case_checks.workspace_id and c.id = case_checks.case_id`.execute(
        db,
      );

      if (kind === 'postgres') {
        // Room on every page for the next version of each of its rows (active cases sit together, and a catch-up
        // updates nearly all of them at once: at 70 only 44 % of 100,000 such updates found room and stayed HOT, at 50
        // all did, with 7.6 MB of WAL instead of 408 MB), then one rewrite so the existing pages have it too (CLUSTER
        // may run inside the migration's transaction; VACUUM FULL may not). The price: the case heap takes about
        // twice the space.
        await sql`alter table cases set (fillfactor = 50)`.execute(db);
        await sql`cluster cases using cases_pk`.execute(db);
        await sql`analyze cases, case_queue, case_checks`.execute(db);
      } else {
        await sql`analyze case_queue`.execute(db);
        await sql`analyze case_checks`.execute(db);
        await sql`analyze cases`.execute(db);
      }
    },
  };
}
