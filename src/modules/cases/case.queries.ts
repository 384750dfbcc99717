/**
 * The agent inbox and case search: my cases, a team's queue, unassigned cases or everything, filtered by status,
 * priority, category, SLA state, customer and text, sorted by SLA due time (soonest first) or by creation, with
 * keyset pagination. Queue queries walk an index of `case_queue` in due order (`workspace_id, assignee_id|team_id,
 * is_active, due_sort`) and read each case by primary key, so a page costs the same whatever the number of cases.
 */
import { sql } from 'kysely';
import { dialectOf, inTransaction, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { parseCaseNumber, type CaseStatus } from './case.model.js';
import { ftsQuery, queryTokens } from './case.search.js';
import type { CasesTable } from './cases.tables.js';

export interface CaseListFilters {
  view?: 'all' | 'mine' | 'team' | 'unassigned';
  /** For `mine`: whose cases (defaults to the caller). */
  assigneeId?: string;
  teamId?: string;
  /** Statuses; undefined = active (new, open, pending_customer); 'all' = every status. */
  status?: CaseStatus[] | 'all';
  priority?: string[];
  category?: string;
  slaState?: string;
  profileId?: string;
  q?: string;
  sort?: 'due' | 'created';
}

const badFilter = (reason: string) =>
  new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
    summary: `querystring ${reason}`,
    fields: [{ in: 'querystring', path: 'view', message: reason }],
  });

/** LIKE pattern for a literal substring (escapes % _ and the escape character itself). */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQLite: above this many cases containing a query's tokens (in any workspace), the term is common: walking the
 * cases in scope in queue order finds a page of matches sooner than reading every candidate and sorting them.
 */
const FEW_CANDIDATES = 5_000;

/** Whether FTS5 narrows a query down to a few candidates (SQLite). */
async function fewCandidates(db: Db, tokens: readonly string[]): Promise<boolean> {
  const row = await sql<{ n: number }>`select count(*) as n from (select rowid from cases_fts
    where cases_fts match ${ftsQuery(tokens)} limit ${FEW_CANDIDATES + 1})`.execute(db);
  return Number(row.rows[0]?.n ?? 0) <= FEW_CANDIDATES;
}

/**
 * One page of cases (limit + 1 rows, to tell whether more follow). `callerUserId` is the signed-in user (null for
 * API keys, which must name an assignee for `mine`).
 */
export async function listCases(
  db: Db,
  workspaceId: string,
  callerUserId: string | null,
  filters: CaseListFilters,
  limit: number,
  after?: string,
): Promise<CasesTable[]> {
  const sort = filters.sort ?? 'due';
  // The queue row (assignee, team, status, active flag, sort key; case.queue.ts) drives the page: its indexes give
  // the due order; each case is then read by primary key, where its other filters apply.
  let q = db
    .selectFrom('case_queue as q')
    .innerJoin('cases', (j) =>
      j.onRef('cases.workspace_id', '=', 'q.workspace_id').onRef('cases.id', '=', 'q.case_id'),
    )
    .selectAll('cases')
    .where('q.workspace_id', '=', workspaceId)
    .where('cases.workspace_id', '=', workspaceId);
  switch (filters.view ?? 'all') {
    case 'mine': {
      const who = filters.assigneeId ?? callerUserId;
      if (!who) throw badFilter('view=mine needs assigneeId when called with an API key');
      q = q.where('q.assignee_id', '=', who);
      break;
    }
    case 'team':
      if (!filters.teamId) throw badFilter('view=team needs teamId');
      q = q.where('q.team_id', '=', filters.teamId);
      break;
    case 'unassigned':
      q = q.where('q.assignee_id', 'is', null);
      if (filters.teamId) q = q.where('q.team_id', '=', filters.teamId);
      break;
    case 'all':
      if (filters.assigneeId) q = q.where('q.assignee_id', '=', filters.assigneeId);
      if (filters.teamId) q = q.where('q.team_id', '=', filters.teamId);
      break;
  }
  // A literal, not a parameter: partial indexes (every active case in due order) match only literal terms.
  if (filters.status === undefined) q = q.where(sql<boolean>`q.is_active = 1`);
  else if (filters.status !== 'all') {
    if (filters.status.length === 1) q = q.where('q.status', '=', filters.status[0] as string);
    else q = q.where('q.status', 'in', filters.status);
  }
  if (filters.priority?.length) q = q.where('cases.priority', 'in', filters.priority);
  if (filters.category) {
    const [cat, sub] = filters.category.split('/');
    q = q.where('cases.category', '=', cat as string);
    if (sub) q = q.where('cases.subcategory', '=', sub);
  }
  if (filters.slaState) q = q.where('cases.sla_state', '=', filters.slaState);
  if (filters.profileId) q = q.where('cases.profile_id', '=', filters.profileId);
  if (filters.q) {
    const text = filters.q.trim().toLowerCase();
    const number = parseCaseNumber(text);
    if (number !== null) q = q.where('cases.number', '=', number);
    else if (text) {
      // The substring match decides; the token index (when the query has tokens and they are rare) only narrows the
      // cases it looks at.
      q = q.where(sql<boolean>`cases.search_text like ${likePattern(text)} escape '\\'`);
      const tokens = queryTokens(text);
      // PostgreSQL's planner weighs the GIN index against the ordered scan itself (it keeps statistics of the
      // token array); SQLite's does not know how many rows an FTS5 match returns, so the choice is made here.
      if (tokens.length && dialectOf(db) === 'postgres')
        q = q.where(sql<boolean>`string_to_array(cases.search_tokens, ' ') @> cast(${tokens} as text[])`);
      else if (tokens.length && (await fewCandidates(db, tokens)))
        q = q.where(
          sql<boolean>`cases.rowid in (select rowid from cases_fts where cases_fts match ${ftsQuery(tokens)})`,
        );
    }
  }
  if (after) {
    const i = after.indexOf(':');
    const key = Number(after.slice(0, i));
    const id = after.slice(i + 1);
    if (i < 1 || !Number.isFinite(key) || !id)
      throw new AppError('INVALID_CURSOR', 400, 'error.invalid_cursor');
    q =
      sort === 'due'
        ? q.where((eb) =>
            eb.or([
              eb('q.due_sort', '>', key),
              eb.and([eb('q.due_sort', '=', key), eb('q.case_id', '>', id)]),
            ]),
          )
        : q.where((eb) =>
            eb.or([
              eb('cases.created_at', '<', key),
              eb.and([eb('cases.created_at', '=', key), eb('cases.id', '<', id)]),
            ]),
          );
  }
  q =
    sort === 'due'
      ? q.orderBy('q.due_sort').orderBy('q.case_id')
      : q.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc');
  const page = q.limit(limit + 1);
  if (dialectOf(db) !== 'postgres') return page.execute();
  // PostgreSQL plans a page of the queue walk with parallel workers when it underestimates how soon the filters
  // match (a Gather Merge: 20–40 ms of worker start-up on a loaded machine for a page found in 1 ms serially); a page
  // reads a few hundred rows at most, so it runs serially.
  return inTransaction(db, async (trx) => {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
    return (await trx.executeQuery(page.compile())).rows;
  });
}

/** The keyset position of a row for the given sort. */
export function positionOf(sort: 'due' | 'created' | undefined, r: CasesTable): string {
  return `${(sort ?? 'due') === 'due' ? r.due_sort : r.created_at}:${r.id}`;
}
