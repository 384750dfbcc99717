import { dialectOf, insertRows, newId, toJson, type Db } from '../db/index.js';
import type { JobsTable } from './jobs.tables.js';

export interface EnqueueJobInput {
  /** Selects the handler that runs the job. */
  type: string;
  /** Any JSON-serialisable value; handed to the handler as parsed JSON. */
  payload: unknown;
  /** Earliest time to run, epoch ms; defaults to now. */
  runAt?: number;
  workspaceId?: string | null;
  /** Total runs allowed, including the first; defaults to 5. */
  maxAttempts?: number;
  /** At most one pending or running job holds a given key; enqueueing it again returns that job's id. */
  uniqueKey?: string;
}

export type JobTarget = { id: string } | { uniqueKey: string };

/** Longest last_error kept: enough for a message with context, small enough not to bloat the table. */
const MAX_ERROR_LENGTH = 2000;

function jobRow(input: EnqueueJobInput, now: number): JobsTable {
  const maxAttempts = input.maxAttempts ?? 5;
  if (!input.type) throw new TypeError('enqueueJob: type is required');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`enqueueJob: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const runAt = input.runAt ?? now;
  if (!Number.isFinite(runAt)) throw new RangeError('enqueueJob: runAt must be a finite epoch-ms number');
  return {
    id: newId('job'),
    workspace_id: input.workspaceId ?? null,
    type: input.type,
    payload: toJson(input.payload),
    status: 'pending',
    run_at: Math.round(runAt),
    attempts: 0,
    max_attempts: maxAttempts,
    locked_by: null,
    locked_until: null,
    last_error: null,
    unique_key: input.uniqueKey ?? null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  };
}

/**
 * Adds many jobs without unique keys in a few multi-row statements (bulk producers such as a sweep publishing one
 * event per breach) and returns their ids in order.
 */
export async function enqueueJobs(
  db: Db,
  inputs: readonly Omit<EnqueueJobInput, 'uniqueKey'>[],
): Promise<string[]> {
  const now = Date.now();
  const rows = inputs.map((input) => jobRow(input, now));
  await insertRows(db, 'jobs', rows);
  return rows.map((r) => r.id);
}

/**
 * Adds a job to the queue and returns its id. Takes any `Db`, so a use case can enqueue inside its own transaction
 * and the job exists only if that transaction commits. With a `uniqueKey` already held by a pending or running
 * job, nothing is inserted and that job's id is returned.
 */
export async function enqueueJob(db: Db, input: EnqueueJobInput): Promise<string> {
  const row = jobRow(input, Date.now());
  const uniqueKey = input.uniqueKey;
  if (uniqueKey === undefined) {
    await insertRows(db, 'jobs', [row]);
    return row.id;
  }

  // A few rounds because the job holding the key can finish (and release it) between our insert and our select.
  for (let round = 0; round < 3; round++) {
    const inserted = await db
      .insertInto('jobs')
      .values(row)
      .onConflict((oc) => oc.column('unique_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return inserted.id;
    const existing = await db
      .selectFrom('jobs')
      .select('id')
      .where('unique_key', '=', uniqueKey)
      .executeTakeFirst();
    if (existing) return existing.id;
  }
  throw new Error(
    `enqueueJob: could not enqueue or find the job with unique key ${JSON.stringify(uniqueKey)}`,
  );
}

/**
 * Cancels a pending job by id or unique key and frees its unique key. Returns false when no pending job matched
 * (already running, finished, cancelled or unknown): a job that has started cannot be recalled.
 */
export async function cancelJob(db: Db, target: JobTarget): Promise<boolean> {
  const now = Date.now();
  const result = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', unique_key: null, finished_at: now, updated_at: now })
    .where('status', '=', 'pending')
    .$call((qb) =>
      'id' in target ? qb.where('id', '=', target.id) : qb.where('unique_key', '=', target.uniqueKey),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Claims up to `limit` due jobs for `workerId` in one atomic statement: pending jobs whose time has come, and running
 * jobs whose lease ran out (their worker died or hung). SQLite runs the statement under its single write lock;
 * PostgreSQL needs FOR UPDATE SKIP LOCKED so that concurrent workers skip each other's rows instead of claiming the
 * same ones or queueing behind them.
 */
export async function claimJobs(
  db: Db,
  options: { workerId: string; now: number; leaseMs: number; limit: number; types: readonly string[] },
): Promise<JobsTable[]> {
  const { workerId, now, leaseMs, limit, types } = options;
  // A worker claims only the types it can run, so an older worker in a rolling deploy leaves new job types alone.
  if (types.length === 0) return [];
  const postgres = dialectOf(db) === 'postgres';
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      locked_by: workerId,
      locked_until: now + leaseMs,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('type', 'in', types)
        .where((w) =>
          w.or([
            w.and([w('status', '=', 'pending'), w('run_at', '<=', now)]),
            w.and([w('status', '=', 'running'), w('locked_until', '<', now)]),
          ]),
        )
        .orderBy('run_at')
        .limit(limit)
        .$if(postgres, (qb) => qb.forUpdate().skipLocked()),
    )
    .returningAll()
    .execute();
  // RETURNING gives no order guarantee; callers start the oldest first.
  return rows.sort((a, b) => a.run_at - b.run_at);
}

/** Extends the lease of a job this worker still holds. False means the lease was lost to another worker. */
export async function renewLease(
  db: Db,
  options: { id: string; workerId: string; now: number; leaseMs: number },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: options.now + options.leaseMs, updated_at: options.now })
    .where('id', '=', options.id)
    .where('locked_by', '=', options.workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks a job done, only if this worker still holds it (another may have taken over after the lease ran out). */
export async function markJobDone(
  db: Db,
  options: { id: string; workerId: string; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: 'done',
      finished_at: options.now,
      updated_at: options.now,
      locked_by: null,
      locked_until: null,
      unique_key: null,
    })
    .where('id', '=', options.id)
    .where('locked_by', '=', options.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Puts a failed job back to pending for another attempt at `runAt`, only if this worker still holds it. */
export async function markJobForRetry(
  db: Db,
  options: { id: string; workerId: string; now: number; runAt: number; error: string },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: 'pending',
      run_at: options.runAt,
      updated_at: options.now,
      locked_by: null,
      locked_until: null,
      last_error: truncateError(options.error),
    })
    .where('id', '=', options.id)
    .where('locked_by', '=', options.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Fails a job for good and frees its unique key, only if this worker still holds it. */
export async function markJobFailed(
  db: Db,
  options: { id: string; workerId: string; now: number; error: string },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: 'failed',
      finished_at: options.now,
      updated_at: options.now,
      locked_by: null,
      locked_until: null,
      unique_key: null,
      last_error: truncateError(options.error),
    })
    .where('id', '=', options.id)
    .where('locked_by', '=', options.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function truncateError(message: string): string {
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}
