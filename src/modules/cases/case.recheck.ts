/**
 * Keeps the stored SLA due times and next engine checks of open cases exact when the configuration they derive from
 * changes: escalation rules (created, edited, enabled, disabled, deleted), an SLA policy's targets, or the business
 * calendar. The change writes a `case_rechecks` row and enqueues a durable job in its own transaction; the job walks
 * the affected active cases in keyset chunks (by id), recomputes each case in memory and writes per chunk with
 * set-based statements (compare-and-swap on each version), committing the chunk with its progress, so a job that dies
 * resumes after the last committed chunk. Re-targeted cases (new due times) get a new version and an `sla` timeline
 * entry; cases whose only change is the next check keep their version, like the sweep's moves.
 */
import { sql } from 'kysely';
import { dialectOf, fromJson, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { profileTraits } from '../profiles/index.js';
import { compileCalendar, type BusinessCalendar } from './business-hours.js';
import {
  CHECK_COLUMNS,
  checkInputsOf,
  FACT_COLUMNS,
  facts,
  flushEntries,
  readWithChecks,
  rowsParam,
  sinkEntry,
  sqliteUpdateFrom,
  usesCustomerFacts,
  type DueCase,
  type EntrySink,
} from './case.engine.js';
import { moveChecks, writeChecks, type CheckInputs, type NextCheckMove } from './case.checks.js';
import { moveQueueSorts } from './case.queue.js';
import { scheduleCheck } from './case.service.js';
import { loadConfig } from './case.settings.js';
import { nextCheckAt, rebaseOnCalendar, shiftTargets, summarize, type SlaColumns } from './case.sla.js';
import type { CaseRechecksTable, CasesTable } from './cases.tables.js';

export const RECHECK_JOB = 'cases.recheck';
/** Cases per chunk transaction. */
const RECHECK_CHUNK = 5_000;

export type RecheckReason = 'escalation_rules' | 'sla_policy' | 'calendar';

/** What changed, as stored with the recheck. */
export type RecheckDetails =
  | { ruleId: string }
  | {
      policyId: string;
      before: { firstResponseMinutes: number | null; resolutionMinutes: number | null };
      after: { firstResponseMinutes: number | null; resolutionMinutes: number | null };
    }
  | { before: BusinessCalendar; after: BusinessCalendar };

/**
 * Records a configuration change whose effect on open cases must be recomputed, and enqueues the job, inside the
 * caller's transaction (the recheck exists only if the change commits).
 */
export async function requestRecheck(
  trx: Db,
  workspaceId: string,
  reason: RecheckReason,
  details: RecheckDetails,
  at: number,
): Promise<string> {
  const id = newId('crk');
  let total = trx
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('is_active', '=', 1);
  if ('policyId' in details) total = total.where('sla_policy_id', '=', details.policyId);
  const count = Number((await total.executeTakeFirst())?.n ?? 0);
  await trx
    .insertInto('case_rechecks')
    .values({
      workspace_id: workspaceId,
      id,
      reason,
      details: toJson(details),
      status: 'running',
      cursor: '',
      total: count,
      processed: 0,
      retargeted: 0,
      moved: 0,
      error: null,
      requested_at: at,
      finished_at: null,
    })
    .execute();
  await enqueueJob(trx, {
    type: RECHECK_JOB,
    workspaceId,
    payload: { id },
    uniqueKey: `${RECHECK_JOB}:${workspaceId}:${id}`,
  });
  return id;
}

/** The latest rechecks of a workspace, newest first (progress: processed of total). */
export async function listRechecks(db: Db, workspaceId: string, limit = 20): Promise<CaseRechecksTable[]> {
  return db
    .selectFrom('case_rechecks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The columns a recheck reads of a case besides those the sweep's decision reads (a function: no import cycle). */
const recheckColumns = (needFacts: boolean) =>
  [
    ...CHECK_COLUMNS,
    'sla_policy_id',
    'fr_remaining_ms',
    'fr_at',
    'res_remaining_ms',
    'sla_state',
    'sla_due_at',
    'due_sort',
    ...(needFacts ? FACT_COLUMNS : []),
  ] as const;

/** A re-targeted case: its new SLA columns, written with a version bump. */
interface Retarget {
  id: string;
  version: number;
  fr_due_at: number | null;
  fr_remaining_ms: number | null;
  res_due_at: number | null;
  res_remaining_ms: number | null;
  sla_due_at: number | null;
  due_sort: number;
  next_check_at: number | null;
  /** The case's columns copied to its check row, as written. */
  inputs: CheckInputs;
}

/** Writes re-targeted cases with one statement per chunk; returns the ids changed (the others changed meanwhile). */
async function applyRetargets(
  db: Db,
  workspaceId: string,
  at: number,
  rows: readonly Retarget[],
): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const values = rows.map((r) => [
    r.id,
    r.version,
    r.fr_due_at,
    r.fr_remaining_ms,
    r.res_due_at,
    r.res_remaining_ms,
    r.sla_due_at,
    r.due_sort,
    at,
  ]);
  const changed =
    dialectOf(db) === 'sqlite'
      ? new Set(
          await sqliteUpdateFrom(
            db,
            workspaceId,
            `fr_due_at = v.column4, fr_remaining_ms = v.column5, res_due_at = v.column6,
              res_remaining_ms = v.column7, sla_due_at = v.column8, due_sort = v.column9, updated_at = v.column10,
              version = cases.version + 1`,
            9,
            values,
          ),
        )
      : new Set(
          (
            await sql<{ id: string }>`update cases set fr_due_at = cast(j.value ->> 2 as bigint),
                fr_remaining_ms = cast(j.value ->> 3 as bigint), res_due_at = cast(j.value ->> 4 as bigint),
                res_remaining_ms = cast(j.value ->> 5 as bigint), sla_due_at = cast(j.value ->> 6 as bigint),
                due_sort = cast(j.value ->> 7 as bigint), updated_at = cast(j.value ->> 8 as bigint),
                version = cases.version + 1
              from jsonb_array_elements(cast(${rowsParam(values)} as jsonb)) as j(value)
              where cases.workspace_id = ${workspaceId} and cases.id = j.value ->> 0
                and cases.version = cast(j.value ->> 1 as integer)
              returning cases.id`.execute(db)
          ).rows.map((r) => r.id),
        );
  // Their queue rows and checks, with the new version (the others were changed meanwhile: their writers wrote both).
  await moveQueueSorts(
    db,
    workspaceId,
    rows.filter((r) => changed.has(r.id)),
  );
  await writeChecks(
    db,
    workspaceId,
    rows
      .filter((r) => changed.has(r.id))
      .map((r) => ({ id: r.id, version: r.version + 1, next: r.next_check_at, inputs: r.inputs })),
  );
  return changed;
}

/** How a recheck changes the SLA columns of one case (nothing for escalation rule changes). */
function retargeter(
  reason: RecheckReason,
  details: RecheckDetails,
  at: number,
  calendar: ReturnType<typeof compileCalendar>,
): ((row: CasesTable) => Partial<SlaColumns>) | null {
  // A case created or acted on since the change got its due times from the new configuration already (creation,
  // resuming and reopening compute them); it is left as it is.
  const settled = (row: CasesTable) => row.created_at >= at || row.last_activity_at >= at;
  if (reason === 'calendar' && 'before' in details && !('policyId' in details)) {
    const before = compileCalendar(details.before);
    const after = compileCalendar(details.after);
    return (row) => (settled(row) ? {} : rebaseOnCalendar(row, before, after, at));
  }
  if (reason === 'sla_policy' && 'policyId' in details) {
    const delta = (b: number | null, a: number | null) => (b === null || a === null ? 0 : (a - b) * 60_000);
    const fr = delta(details.before.firstResponseMinutes, details.after.firstResponseMinutes);
    const res = delta(details.before.resolutionMinutes, details.after.resolutionMinutes);
    if (fr === 0 && res === 0) return null;
    return (row) =>
      row.sla_policy_id === details.policyId && !settled(row) ? shiftTargets(row, fr, res, calendar, at) : {};
  }
  return null;
}

/** Recomputes one recheck, chunk by chunk from its cursor; each chunk commits with its progress. */
async function runRecheck(db: Db, run: CaseRechecksTable): Promise<void> {
  const workspaceId = run.workspace_id;
  const details = fromJson<RecheckDetails>(run.details);
  const at = Number(run.requested_at);
  let cursor = run.cursor;
  let earliest = Infinity;
  for (;;) {
    // The configuration as it is now (a later change has its own recheck, run after this one).
    const config = await loadConfig(db, workspaceId, true);
    const needFacts = config.escalation.some((r) => r.enabled && r.conditions.conditions.length > 0);
    const needTraits = usesCustomerFacts(config.escalation);
    const columns = recheckColumns(needFacts);
    const retarget = retargeter(run.reason as RecheckReason, details, at, config.compiled);
    const finished = await inTransaction(db, async (trx) => {
      let rows = await readWithChecks(trx, workspaceId, columns, {
        after: cursor,
        limit: RECHECK_CHUNK,
        ...('policyId' in details && { policyId: details.policyId }),
      });
      if (!rows.length) {
        await trx
          .updateTable('case_rechecks')
          .set({ status: 'done', finished_at: Date.now() })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', run.id)
          .where('status', '=', 'running')
          .execute();
        return true;
      }
      const last = (rows[rows.length - 1] as DueCase).id;
      const count = rows.length;
      const sink: EntrySink = [];
      let retargeted = 0;
      let moved = 0;
      // A case changed between the read and the write is read again: its writer kept its old due times.
      for (let attempt = 0; rows.length && attempt < 5; attempt++) {
        const traits = needTraits
          ? await profileTraits(
              trx,
              workspaceId,
              rows.map((r) => r.profile_id).filter((p): p is string => p !== null),
            )
          : new Map<string, Record<string, unknown>>();
        const moves: NextCheckMove[] = [];
        const changes: { row: CasesTable; set: Partial<SlaColumns>; target: Retarget }[] = [];
        for (const row of rows) {
          const f = needFacts
            ? facts(row, row.profile_id ? (traits.get(row.profile_id) ?? null) : null)
            : null;
          const set = retarget ? retarget(row) : {};
          const next: DueCase = Object.keys(set).length ? { ...row, ...set } : row;
          const nextCheck = nextCheckAt(next, f, config.escalation);
          if (nextCheck !== null) earliest = Math.min(earliest, nextCheck);
          if (next !== row) {
            const s = summarize(next);
            changes.push({
              row,
              set,
              target: {
                id: row.id,
                version: row.version,
                fr_due_at: next.fr_due_at,
                fr_remaining_ms: next.fr_remaining_ms,
                res_due_at: next.res_due_at,
                res_remaining_ms: next.res_remaining_ms,
                sla_due_at: s.sla_due_at,
                due_sort: s.due_sort,
                next_check_at: nextCheck,
                inputs: checkInputsOf(next),
              },
            });
          } else if (nextCheck !== row.next_check_at)
            moves.push({ id: row.id, checkVersion: row.check_version, next: nextCheck });
        }
        const now = Date.now();
        const changed = await applyRetargets(
          trx,
          workspaceId,
          now,
          changes.map((c) => c.target),
        );
        for (const c of changes) {
          if (!changed.has(c.row.id)) continue;
          retargeted++;
          const targets: Record<string, unknown>[] = [];
          for (const [target, due, rem] of [
            ['first_response', 'fr_due_at', 'fr_remaining_ms'],
            ['resolution', 'res_due_at', 'res_remaining_ms'],
          ] as const)
            if (due in c.set || rem in c.set)
              targets.push({
                target,
                ...(due in c.set && { dueAt: c.row[due], newDueAt: c.set[due] }),
                ...(rem in c.set && { remainingMs: c.row[rem], newRemainingMs: c.set[rem] }),
              });
          sinkEntry(sink, c.row, {
            kind: 'sla',
            data: { event: 'retargeted', reason: run.reason, recheckId: run.id, targets },
            at: now,
          });
        }
        const movedIds = new Set(await moveChecks(trx, workspaceId, moves));
        moved += movedIds.size;
        const conflicts = [
          ...changes.filter((c) => !changed.has(c.row.id)).map((c) => c.row.id),
          ...moves.filter((m) => !movedIds.has(m.id)).map((m) => m.id),
        ];
        rows = conflicts.length
          ? await readWithChecks(trx, workspaceId, columns, { ids: conflicts, activeOnly: true })
          : [];
      }
      await flushEntries(trx, sink);
      // Progress commits with the chunk; the cursor is compared, so two runners never both apply a chunk.
      const progressed = await trx
        .updateTable('case_rechecks')
        .set((eb) => ({
          cursor: last,
          processed: eb('processed', '+', count),
          retargeted: eb('retargeted', '+', retargeted),
          moved: eb('moved', '+', moved),
        }))
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', run.id)
        .where('status', '=', 'running')
        .where('cursor', '=', cursor)
        .executeTakeFirst();
      if (Number(progressed.numUpdatedRows) !== 1) throw new Error(`recheck ${run.id} moved on meanwhile`);
      cursor = last;
      return false;
    });
    if (finished) break;
  }
  // A check made earlier than every scheduled sweep (a new rule, a shorter target) gets its sweep.
  if (Number.isFinite(earliest)) await scheduleCheck(db, workspaceId, earliest);
}

/** The job: runs the workspace's unfinished rechecks in the order they were requested. */
export function recheckJobHandler(db: Db): JobHandler {
  return async (job) => {
    const workspaceId = job.workspaceId ?? '';
    for (;;) {
      const run = await db
        .selectFrom('case_rechecks')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', 'running')
        .orderBy('requested_at')
        .orderBy('id')
        .executeTakeFirst();
      if (!run) return;
      try {
        await runRecheck(db, run);
      } catch (err) {
        if (job.attempt >= 5)
          await db
            .updateTable('case_rechecks')
            .set({
              status: 'failed',
              finished_at: Date.now(),
              error: err instanceof Error ? err.message : String(err),
            })
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', run.id)
            .execute();
        throw err;
      }
    }
  };
}
