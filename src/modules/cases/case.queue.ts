/**
 * The queue positions of cases (table `case_queue`, migration 0016): one narrow row per case with what the agent
 * inbox and queue pages walk in SLA-due order — assignee, team, status, active flag and the sort key `due_sort` —
 * and the four due-ordered indexes. The wide `cases` row keeps these columns but no index holding `due_sort`, so an
 * SLA breach or an escalation that raises the priority changes no indexed column of `cases` (on PostgreSQL a
 * heap-only update of the case row, on SQLite no re-indexing of the case row) and writes only this row's entries.
 * Every writer of a case that changes one of these columns writes the row in the same transaction.
 */
import { CompiledQuery, sql } from 'kysely';
import { dialectOf, type Db } from '../../platform/db/index.js';
import type { CasesTable } from './cases.tables.js';

/** Rows per fixed SQLite statement (the last one padded with rows that match nothing). */
const ROWS = 128;
const SQLITE_MOVE = `update case_queue set due_sort = v.column3
  from (values ${Array.from({ length: ROWS }, () => '(?, ?, ?)').join(', ')}) as v
  where case_queue.workspace_id = v.column1 and case_queue.case_id = v.column2`;

/** The columns of `cases` copied to its queue row. */
export const QUEUE_COLUMNS = ['assignee_id', 'team_id', 'status', 'is_active', 'due_sort'] as const;
type QueueColumns = Pick<CasesTable, (typeof QUEUE_COLUMNS)[number]>;

/**
 * After a write of one case that set `columns` of `cases` (the changed ones): the same values of the copied columns
 * on its queue row, when there are any.
 */
export async function writeQueueColumns(
  db: Db,
  workspaceId: string,
  caseId: string,
  columns: Partial<CasesTable>,
): Promise<void> {
  const set: Partial<QueueColumns> = {};
  let any = false;
  for (const c of QUEUE_COLUMNS)
    if (c in columns) {
      (set as Record<string, unknown>)[c] = columns[c];
      any = true;
    }
  if (!any) return;
  await db
    .updateTable('case_queue')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', caseId)
    .execute();
}

/** Writes the queue row of a new case (or of a case as a whole). */
export async function writeQueueRow(
  db: Db,
  workspaceId: string,
  caseId: string,
  c: QueueColumns,
): Promise<void> {
  const values = {
    assignee_id: c.assignee_id,
    team_id: c.team_id,
    status: c.status,
    is_active: c.is_active,
    due_sort: c.due_sort,
  };
  await db
    .insertInto('case_queue')
    .values({ workspace_id: workspaceId, case_id: caseId, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'case_id']).doUpdateSet(values))
    .execute();
}

/**
 * Moves the queue rows of cases whose sort key changed (the sweep's breaches, rechecks): one statement per call,
 * the rows as one JSON parameter. Callers pass only cases whose compare-and-swap on `cases.version` they won, in
 * the same transaction, so the row cannot be moved by anyone else meanwhile.
 */
export async function moveQueueSorts(
  db: Db,
  workspaceId: string,
  rows: readonly { id: string; due_sort: number }[],
): Promise<void> {
  if (!rows.length) return;
  if (dialectOf(db) === 'sqlite') {
    // Fixed statement texts of ROWS rows (prepared once per connection), each row carrying the workspace id, so the
    // only way to a queue row is its primary key (with `json_each` SQLite walked the table for every statement).
    for (let i = 0; i < rows.length; i += ROWS) {
      const params: unknown[] = [];
      for (let r = i; r < i + ROWS; r++) {
        const row = rows[r];
        params.push(row ? workspaceId : null, row ? row.id : null, row ? row.due_sort : null);
      }
      await db.executeQuery(CompiledQuery.raw(SQLITE_MOVE, params));
    }
    return;
  }
  const json = JSON.stringify(rows.map((r) => [r.id, r.due_sort]));
  await sql`update case_queue set due_sort = cast(j.value ->> 1 as bigint)
      from jsonb_array_elements(cast(${json} as jsonb)) as j(value)
      where case_queue.workspace_id = ${workspaceId} and case_queue.case_id = j.value ->> 0`.execute(db);
}
