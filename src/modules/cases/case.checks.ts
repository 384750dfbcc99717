/**
 * The pending SLA/escalation checks of cases (table `case_checks`, migration 0014): one narrow row per case with
 * something pending — its next check and the case version it was computed from. Every writer of a case writes its
 * check in the same transaction (with the case's new version, or deletes it when nothing is pending), so a move
 * computed from an older state of the case fails its compare-and-swap on `version` and is left to that writer.
 * Moving a check writes only this small row, never the wide case row with its queue and search indexes; since
 * migration 0017 no index holds the check time (only the primary key on the case), so a move changes no index entry:
 * on PostgreSQL a heap-only update (fillfactor 50), on SQLite a rewrite of the row in place.
 */
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import { dialectOf, inTransaction, placeholders, type Db } from '../../platform/db/index.js';
import type { CasesTable } from './cases.tables.js';

/**
 * The columns of the case copied to its check row with the version they belong to (migration 0016): everything the
 * check expression reads when no escalation rule has conditions (running targets, fired rules, the trigger times'
 * inputs), so a sweep can move stale checks from this narrow row alone, without reading the wide case rows.
 */
export const CHECK_INPUTS = [
  'status',
  'assignee_id',
  'fr_status',
  'fr_due_at',
  'res_status',
  'res_due_at',
  'escalations',
  'created_at',
  'last_activity_at',
] as const;
export type CheckInputs = Pick<CasesTable, (typeof CHECK_INPUTS)[number]>;

/** The copied columns of a case, in CHECK_INPUTS order. */
function inputValues(c: CheckInputs): unknown[] {
  return CHECK_INPUTS.map((k) => c[k]);
}

/**
 * A check as its case's writer sets it: `version` is the case's version after the write, `inputs` the case's copied
 * columns at that version; null = nothing pending.
 */
export interface CheckWrite {
  id: string;
  version: number;
  next: number | null;
  inputs: CheckInputs;
}

/**
 * A move of a check computed from a case as it was read: applied only while the check row still has the version
 * read with the case (`checkVersion`; null = the case had no check row, and the move inserts one unless a writer
 * made one meanwhile). Moves never change the version: they are not writes of the case.
 */
export interface NextCheckMove {
  id: string;
  checkVersion: number | null;
  next: number | null;
}

/** Rows per fixed SQLite statement text (prepared once per connection and reused). */
const ROWS = 128;
const INPUT_LIST = CHECK_INPUTS.join(', ');
const INPUT_SET = CHECK_INPUTS.map((c) => `${c} = excluded.${c}`).join(', ');
const texts = new Map<string, string>();

function text(key: string, build: () => string): string {
  let t = texts.get(key);
  if (t === undefined) {
    t = build();
    texts.set(key, t);
  }
  return t;
}

/** `n` row tuples of `width` parameters in the dialect's marker syntax. */
function tuples(kind: 'sqlite' | 'postgres', width: number, n: number): string {
  return Array.from({ length: n }, (_, r) => `(${placeholders(kind, width, r * width).join(', ')})`).join(
    ', ',
  );
}

/**
 * SQLite: runs `statement(n)` over `rows` in pieces of ROWS rows and power-of-two remainders (few distinct texts,
 * each prepared once per connection), the workspace id bound first (a one-row CTE `w`). Returns the `id` column of
 * the rows the statements return.
 */
async function inPieces<R>(
  db: Db,
  workspaceId: string,
  rows: readonly R[],
  statement: (n: number) => string,
  params: (row: R) => unknown[],
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < rows.length;) {
    const left = rows.length - i;
    const n = left >= ROWS ? ROWS : 2 ** Math.floor(Math.log2(left));
    const values: unknown[] = [workspaceId];
    for (let r = i; r < i + n; r++) values.push(...params(rows[r] as R));
    const result = await db.executeQuery<{ id: string }>(CompiledQuery.raw(statement(n), values));
    for (const row of result.rows) out.push(row.id);
    i += n;
  }
  return out;
}

/** The pending check of one case (null when none). */
export async function readCheck(db: Db, workspaceId: string, caseId: string): Promise<number | null> {
  const row = await db
    .selectFrom('case_checks')
    .select('next_check_at')
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return row ? Number(row.next_check_at) : null;
}

/**
 * Writes the checks of cases their caller has just written (in the same transaction, after winning each case's
 * compare-and-swap): an upsert with the case's new version, or a delete when nothing is pending.
 */
export async function writeChecks(db: Db, workspaceId: string, rows: readonly CheckWrite[]): Promise<void> {
  const set = rows.filter((r) => r.next !== null);
  const cleared = rows.filter((r) => r.next === null).map((r) => r.id);
  if (dialectOf(db) === 'postgres') {
    // One statement per call, the rows as arrays (round trips cost more than parsing on PostgreSQL).
    if (set.length) {
      const col = <K extends (typeof CHECK_INPUTS)[number]>(k: K) => set.map((r) => r.inputs[k]);
      await sql`insert into case_checks (workspace_id, case_id, version, next_check_at, ${sql.raw(INPUT_LIST)})
        select ${workspaceId}, v.*
        from unnest(${set.map((r) => r.id)}::text[], ${set.map((r) => r.version)}::integer[],
          ${set.map((r) => r.next)}::bigint[], ${col('status')}::text[], ${col('assignee_id')}::text[],
          ${col('fr_status')}::text[], ${col('fr_due_at')}::bigint[], ${col('res_status')}::text[],
          ${col('res_due_at')}::bigint[], ${col('escalations')}::text[], ${col('created_at')}::bigint[],
          ${col('last_activity_at')}::bigint[])
          as v(id, version, next, ${sql.raw(INPUT_LIST)})
        on conflict (workspace_id, case_id)
        do update set version = excluded.version, next_check_at = excluded.next_check_at, ${sql.raw(INPUT_SET)}`.execute(
        db,
      );
    }
    if (cleared.length)
      await sql`delete from case_checks where workspace_id = ${workspaceId}
        and case_id = any(${cleared}::text[])`.execute(db);
    return;
  }
  await inPieces(
    db,
    workspaceId,
    set,
    (n) =>
      text(`upsert:${n}`, () => {
        const width = 3 + CHECK_INPUTS.length;
        const values = Array.from({ length: width }, (_, i) => `v.column${i + 1}`).join(', ');
        return `with w(id) as (select ?) insert into case_checks (workspace_id, case_id, version, next_check_at,
            ${INPUT_LIST})
          select w.id, ${values} from (values ${tuples('sqlite', width, n)}) as v, w
          where true
          on conflict (workspace_id, case_id)
          do update set version = excluded.version, next_check_at = excluded.next_check_at, ${INPUT_SET}
          returning case_id as id`;
      }),
    (r) => [r.id, r.version, r.next, ...inputValues(r.inputs)],
  );
  for (let i = 0; i < cleared.length; i += 1000)
    await db
      .deleteFrom('case_checks')
      .where('workspace_id', '=', workspaceId)
      .where('case_id', 'in', cleared.slice(i, i + 1000))
      .execute();
}

/** One case's check after its writer changed it (see writeChecks); `c` is the case as written. */
export async function writeCheck(
  db: Db,
  workspaceId: string,
  caseId: string,
  version: number,
  next: number | null,
  c: CheckInputs,
): Promise<void> {
  if (next === null)
    await db
      .deleteFrom('case_checks')
      .where('workspace_id', '=', workspaceId)
      .where('case_id', '=', caseId)
      .execute();
  else {
    const inputs = Object.fromEntries(CHECK_INPUTS.map((k) => [k, c[k]])) as CheckInputs;
    await db
      .insertInto('case_checks')
      .values({ workspace_id: workspaceId, case_id: caseId, version, next_check_at: next, ...inputs })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'case_id']).doUpdateSet({ version, next_check_at: next, ...inputs }),
      )
      .execute();
  }
}

/**
 * Moves checks computed from cases as they were read (see NextCheckMove); returns the ids moved. A check whose row
 * changed version meanwhile keeps its writer's value.
 */
export async function moveChecks(
  db: Db,
  workspaceId: string,
  moves: readonly NextCheckMove[],
): Promise<string[]> {
  if (!moves.length) return [];
  const updates = moves.filter((m) => m.checkVersion !== null && m.next !== null);
  const deletes = moves.filter((m) => m.checkVersion !== null && m.next === null);
  const inserts = moves.filter((m) => m.checkVersion === null && m.next !== null);
  if (dialectOf(db) === 'postgres') return moveChecksPg(db, workspaceId, updates, deletes, inserts);
  const moved = await inPieces(
    db,
    workspaceId,
    updates,
    (n) =>
      text(`move:${n}`, () => {
        return `with w(id) as (select ?) update case_checks set next_check_at = v.column3
          from (values ${tuples('sqlite', 3, n)}) as v, w
          where case_checks.workspace_id = w.id and case_checks.case_id = v.column1
            and case_checks.version = v.column2
          returning case_checks.case_id as id`;
      }),
    (m) => [m.id, m.checkVersion, m.next],
  );
  moved.push(
    ...(await inPieces(
      db,
      workspaceId,
      deletes,
      (n) =>
        text(
          `unset:${n}`,
          () => `delete from case_checks where workspace_id = ? and (case_id, version) in
            (values ${tuples('sqlite', 2, n)}) returning case_id as id`,
        ),
      (m) => [m.id, m.checkVersion],
    )),
  );
  // A case without a check row: inserted unless a writer made one meanwhile (its own, from fresher data). A stale
  // insert could only add a check earlier than needed, where the next sweep finds nothing and moves it on.
  moved.push(
    ...(await inPieces(
      db,
      workspaceId,
      inserts,
      (n) =>
        text(
          `insert:${n}`,
          () => `with w(id) as (select ?) insert into case_checks (workspace_id, case_id, version, next_check_at,
              ${INPUT_LIST})
            select w.id, cases.id, cases.version, v.column2, ${CHECK_INPUTS.map((c) => `cases.${c}`).join(', ')}
            from (values ${tuples('sqlite', 2, n)}) as v, w
            join cases on cases.workspace_id = w.id and cases.id = v.column1
            where true
            on conflict (workspace_id, case_id) do nothing
            returning case_id as id`,
        ),
      (m) => [m.id, m.next],
    )),
  );
  return moved;
}

/** moveChecks on PostgreSQL: one statement per kind of move, the rows as arrays. */
async function moveChecksPg(
  db: Db,
  workspaceId: string,
  updates: readonly NextCheckMove[],
  deletes: readonly NextCheckMove[],
  inserts: readonly NextCheckMove[],
): Promise<string[]> {
  const moved: string[] = [];
  const ids = (rows: readonly NextCheckMove[]) => rows.map((m) => m.id);
  if (updates.length)
    for (const r of (
      await sql<{ id: string }>`update case_checks set next_check_at = v.next
        from unnest(${ids(updates)}::text[], ${updates.map((m) => m.checkVersion)}::integer[],
          ${updates.map((m) => m.next)}::bigint[]) as v(id, version, next)
        where case_checks.workspace_id = ${workspaceId} and case_checks.case_id = v.id
          and case_checks.version = v.version
        returning case_checks.case_id as id`.execute(db)
    ).rows)
      moved.push(r.id);
  if (deletes.length)
    for (const r of (
      await sql<{ id: string }>`delete from case_checks
        using unnest(${ids(deletes)}::text[], ${deletes.map((m) => m.checkVersion)}::integer[]) as v(id, version)
        where case_checks.workspace_id = ${workspaceId} and case_checks.case_id = v.id
          and case_checks.version = v.version
        returning case_checks.case_id as id`.execute(db)
    ).rows)
      moved.push(r.id);
  if (inserts.length)
    for (const r of (
      await sql<{ id: string }>`insert into case_checks (workspace_id, case_id, version, next_check_at,
          ${sql.raw(INPUT_LIST)})
        select ${workspaceId}, cases.id, cases.version, v.next, ${sql.raw(CHECK_INPUTS.map((c) => `cases.${c}`).join(', '))}
        from unnest(${ids(inserts)}::text[], ${inserts.map((m) => m.next)}::bigint[]) as v(id, next)
        join cases on cases.workspace_id = ${workspaceId} and cases.id = v.id
        on conflict (workspace_id, case_id) do nothing
        returning case_id as id`.execute(db)
    ).rows)
      moved.push(r.id);
  return moved;
}

/** A row of ids. */
type IdRow = { id: string };

/** Checks moved per statement by moveStaleChecks (each in its own short transaction). */
const MOVE_CHUNK = 20_000;
/** PostgreSQL: checks moved by one sweep after which the table's statistics are refreshed. */
const REANALYZE_AFTER = 10_000;
/** SQLite: "nothing pending" inside one chunk's transaction (later than any instant; the rows are then deleted). */
const NONE = 9_000_000_000_000_000;

/**
 * Moves the check of every case due at `now` where nothing happens (the expression `next` gives a later check or
 * none) to that check, set-based, without reading the cases into the process: one statement per MOVE_CHUNK checks,
 * each computing from the case as it is when written. `narrow`: the expression reads only the columns copied to the
 * check row (no rule has conditions), so the wide case rows are not read at all; otherwise it reads the `cases` row
 * (the check row contributes only its key, version and time, so every unqualified column is the case's). Returns
 * the number of checks moved. `chunk`: checks per statement (tests make it small).
 */
export async function moveStaleChecks(
  db: Db,
  workspaceId: string,
  next: RawBuilder<unknown>,
  now: number,
  narrow = false,
  chunk = MOVE_CHUNK,
): Promise<number> {
  const range = sql`workspace_id = ${workspaceId} and next_check_at >= 0 and next_check_at <= ${now}`;
  // `cases` is not aliased: the expression refers to `cases.tags`.
  const due = narrow
    ? sql`from case_checks k where ${range}`
    : sql`from (select case_id, version, next_check_at from case_checks where ${range}) k
        join cases on cases.workspace_id = ${workspaceId} and cases.id = k.case_id where true`;
  let moved = 0;
  if (dialectOf(db) === 'sqlite') {
    // One pass of the expression per chunk: a case with nothing pending gets NONE, and its check row is deleted in
    // the same transaction (nobody sees NONE). One writer at a time: the statements read and write the same state,
    // so no compare-and-swap is needed.
    for (;;) {
      const n = await inTransaction(db, async (trx) => {
        const result = await sql`update case_checks set next_check_at = m.next
          from (select k.case_id as id, coalesce(${next}, ${NONE}) as next ${due}
            and coalesce(${next}, ${NONE}) > ${now} limit ${chunk}) as m
          where case_checks.workspace_id = ${workspaceId} and case_checks.case_id = m.id`.execute(trx);
        await sql`delete from case_checks where workspace_id = ${workspaceId} and next_check_at = ${NONE}`.execute(
          trx,
        );
        return Number(result.numAffectedRows ?? 0);
      });
      moved += n;
      if (n < chunk) return moved;
    }
  }
  if (narrow) moved = await moveNarrowPg(db, workspaceId, next, now, chunk);
  else {
    // PostgreSQL, rule conditions (the expression reads the wide case row): the moves read with the check's version
    // in one scan, then written per chunk with a compare-and-swap on that version (a case written meanwhile has its
    // writer's check), in id order, so overlapping sweeps wait for each other instead of deadlocking.
    const rows = (
      await sql<{ id: string; version: number; next: string | number | null }>`select k.case_id as id,
        k.version, ${next} as next ${due} and coalesce(${next}, ${now + 1}) > ${now} order by k.case_id`.execute(
        db,
      )
    ).rows;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const set = part.filter((r) => r.next !== null);
      const unset = part.filter((r) => r.next === null);
      if (set.length) {
        const result = await sql`update case_checks set next_check_at = m.next
          from unnest(${set.map((r) => r.id)}::text[], ${set.map((r) => r.version)}::integer[],
            ${set.map((r) => Number(r.next))}::bigint[]) as m(id, version, next)
          where case_checks.workspace_id = ${workspaceId} and case_checks.case_id = m.id
            and case_checks.version = m.version`.execute(db);
        moved += Number(result.numAffectedRows ?? 0);
      }
      if (unset.length) {
        const result = await sql`delete from case_checks using unnest(${unset.map((r) => r.id)}::text[],
            ${unset.map((r) => r.version)}::integer[]) as m(id, version)
          where case_checks.workspace_id = ${workspaceId} and case_checks.case_id = m.id
            and case_checks.version = m.version`.execute(db);
        moved += Number(result.numAffectedRows ?? 0);
      }
    }
  }
  // A mass move changes where the checks are at once (e.g. 100,000 moved from before now to the coming days): the
  // planner's statistics of the table, taken before, would estimate 100,000 due checks where a few remain, and join
  // them to the wide case rows by reading the whole `cases` table (this sweep's scan runs next). Refreshed at once
  // instead of at the next autovacuum round; ANALYZE blocks no reader or writer.
  await refreshCheckStatistics(db, moved);
  return moved;
}

/**
 * moveStaleChecks on PostgreSQL when the expression reads only the check row (no rule has conditions): the moves never
 * leave the database. When any due check is to move, the workspace's check rows are walked by primary key in ranges
 * of `chunk` rows, each in one short transaction with one statement that moves the range's due checks (an `UPDATE`
 * setting the expression where it gives a later check) and deletes those with nothing pending. Each row is computed
 * from itself as it is when written: a row a writer changed after the statement started is re-read and its conditions
 * and value re-evaluated (READ COMMITTED re-check of an updated row), so a writer's newer check and copied columns are
 * never overwritten with a value from older ones, and the version is kept (moves are not writes of the case). Since
 * migration 0017 nothing a move changes is indexed, so each move is a heap-only update of the narrow row. The range is
 * walked through the primary key (a plain index scan, forced for the transaction), so rows are locked in id order, as
 * by the other multi-row writers of checks: overlapping sweeps wait for each other instead of deadlocking. Returns the
 * number of checks moved or deleted.
 */
async function moveNarrowPg(
  db: Db,
  workspaceId: string,
  next: RawBuilder<unknown>,
  now: number,
  chunk: number,
): Promise<number> {
  const range = sql`workspace_id = ${workspaceId} and next_check_at >= 0 and next_check_at <= ${now}`;
  // Without an index on the check time, this reads the workspace's check rows (a sequential scan of the narrow table,
  // or its primary-key range when the workspace holds few of the rows), stopping at the first check to move.
  const any = await sql<IdRow>`select case_id as id from case_checks
    where ${range} and coalesce(${next}, ${now + 1}) > ${now} limit 1`.execute(db);
  if (!any.rows.length) return 0;
  let moved = 0;
  let after: string | null = null;
  for (;;) {
    const from: RawBuilder<unknown> = after === null ? sql`` : sql`and case_id > ${after}`;
    // The range's last id (an index-only scan of the primary key); null: the rest of the workspace's checks.
    const end: string | null =
      (
        await sql<IdRow>`select case_id as id from case_checks where workspace_id = ${workspaceId} ${from}
          order by case_id offset ${chunk - 1} limit 1`.execute(db)
      ).rows[0]?.id ?? null;
    const to = end === null ? sql`` : sql`and case_id <= ${end}`;
    moved += await inTransaction(db, async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      const r = await sql<{ moved: string | number; deleted: string | number }>`with
        u as (update case_checks set next_check_at = ${next} where ${range} ${from} ${to} and ${next} > ${now}
          returning 1),
        d as (delete from case_checks where ${range} ${from} ${to} and ${next} is null returning 1)
        select (select count(*) from u) as moved, (select count(*) from d) as deleted`.execute(trx);
      const row = r.rows[0];
      return row ? Number(row.moved) + Number(row.deleted) : 0;
    });
    if (end === null) return moved;
    after = end;
  }
}

/**
 * PostgreSQL: after `changed` checks moved at once (REANALYZE_AFTER or more), the statistics of the check time are
 * refreshed (see moveStaleChecks): only that column, the one the planner's estimates of due checks read (sampling
 * the others as well took 150 ms instead of 40–50 ms at 100,000 checks). SQLite's plan needs no statistics: the
 * workspace's check rows by primary key, each case by its primary key.
 */
export async function refreshCheckStatistics(db: Db, changed: number): Promise<void> {
  if (changed >= REANALYZE_AFTER && dialectOf(db) === 'postgres')
    await sql`analyze case_checks (next_check_at)`.execute(db);
}

/** The workspace's earliest pending check, or null. */
export async function earliestCheck(db: Db, workspaceId: string): Promise<number | null> {
  const row = await db
    .selectFrom('case_checks')
    .select((eb) => eb.fn.min('next_check_at').as('t'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}
