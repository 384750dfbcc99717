import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, testDialect, type TestDatabase } from '../../../test/support/database.js';
import { inTransaction, openDatabase, type DatabaseHandle, type Db } from '../db/index.js';
import { retryDelayMs } from './job-runner.js';
import {
  cancelJob,
  enqueueJob,
  JobRunner,
  type JobContext,
  type JobHandler,
  type JobsTable,
} from './index.js';

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await sleep(10);
  }
}

/** A promise plus the functions that settle it, to hold a handler open until the test lets it go. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe(`job runner (${testDialect})`, () => {
  let t: TestDatabase;
  let db: Db;
  const extraHandles: DatabaseHandle[] = [];

  /** A second, independent connection to the same database, as another process would have. */
  function secondHandle(): Db {
    const handle = openDatabase(t.url);
    extraHandles.push(handle);
    return handle.db;
  }

  async function job(id: string): Promise<JobsTable> {
    return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  beforeAll(async () => {
    t = await openTestDatabase();
    db = t.handle.db;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await db.deleteFrom('jobs').execute();
  });
  afterEach(async () => {
    await Promise.all(extraHandles.splice(0).map((h) => h.close()));
  });

  it('runs a due job once, with its payload, and leaves a future job until its time', async () => {
    let clock = T0;
    const runs: JobContext[] = [];
    const runner = new JobRunner({
      db,
      now: () => clock,
      handlers: { greet: async (j) => void runs.push(j) },
    });
    const due = await enqueueJob(db, {
      type: 'greet',
      payload: { name: '张伟', n: [1, 2] },
      runAt: T0,
      workspaceId: 'ws_1',
    });
    const later = await enqueueJob(db, { type: 'greet', payload: null, runAt: T0 + 60_000 });

    expect(await runner.runDue()).toBe(1);
    expect(runs).toEqual([
      { id: due, type: 'greet', payload: { name: '张伟', n: [1, 2] }, attempt: 1, workspaceId: 'ws_1' },
    ]);
    expect(await job(due)).toMatchObject({
      status: 'done',
      attempts: 1,
      finished_at: T0,
      locked_by: null,
      locked_until: null,
    });
    expect(await job(later)).toMatchObject({ status: 'pending', attempts: 0, finished_at: null });

    // Nothing more is due: the done job is not run again.
    expect(await runner.runDue()).toBe(0);
    expect(runs).toHaveLength(1);

    clock = T0 + 60_000;
    expect(await runner.runDue()).toBe(1);
    expect(runs.map((r) => r.id)).toEqual([due, later]);
    expect((await job(later)).status).toBe('done');
  });

  it('retries a failing job with exponential backoff, then succeeds', async () => {
    let clock = T0;
    const attempts: number[] = [];
    const runner = new JobRunner({
      db,
      now: () => clock,
      handlers: {
        flaky: async ({ attempt }) => {
          attempts.push(attempt);
          if (attempt < 3) throw new Error(`boom ${attempt}`);
        },
      },
    });
    const id = await enqueueJob(db, { type: 'flaky', payload: {}, runAt: T0 });

    await runner.runDue();
    let row = await job(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'boom 1', locked_by: null });
    expect(row.run_at - clock).toBeGreaterThanOrEqual(800);
    expect(row.run_at - clock).toBeLessThanOrEqual(1200);

    // Not due before the backoff has passed.
    expect(await runner.runDue()).toBe(0);

    clock = row.run_at;
    await runner.runDue();
    row = await job(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'boom 2' });
    expect(row.run_at - clock).toBeGreaterThanOrEqual(1600);
    expect(row.run_at - clock).toBeLessThanOrEqual(2400);

    clock = row.run_at;
    await runner.runDue();
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 3, finished_at: clock });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('computes backoff delays that double, jitter by ±20% and stop at one hour', () => {
    expect(retryDelayMs(1, () => 0)).toBe(800);
    expect(retryDelayMs(1, () => 1)).toBe(1200);
    expect(retryDelayMs(4, () => 0.5)).toBe(8000);
    expect(retryDelayMs(30, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(5000, () => 0)).toBe(3_600_000);
  });

  it('gives up after max_attempts with status failed and the (truncated) last error', async () => {
    let clock = T0;
    let runs = 0;
    const runner = new JobRunner({
      db,
      now: () => clock,
      handlers: {
        doomed: async () => {
          runs++;
          throw new Error(`gateway refused: ${'x'.repeat(3000)}`);
        },
      },
    });
    const id = await enqueueJob(db, {
      type: 'doomed',
      payload: {},
      runAt: T0,
      maxAttempts: 2,
      uniqueKey: 'doom',
    });

    await runner.runDue();
    clock = (await job(id)).run_at;
    await runner.runDue();
    const row = await job(id);
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 2,
      finished_at: clock,
      unique_key: null,
      locked_by: null,
    });
    expect(row.last_error?.startsWith('gateway refused: xxx')).toBe(true);
    expect(row.last_error?.length).toBe(2000);

    clock += 10 * 3_600_000;
    expect(await runner.runDue()).toBe(0);
    expect(runs).toBe(2);
    // The failed job released its unique key.
    expect(await enqueueJob(db, { type: 'doomed', payload: {}, uniqueKey: 'doom' })).not.toBe(id);
  });

  it('leaves job types it has no handler for to a worker that has one (rolling deploys)', async () => {
    const old = new JobRunner({ db, now: () => T0, handlers: { greet: async () => undefined } });
    const id = await enqueueJob(db, { type: 'newer.type', payload: {}, runAt: T0 });
    // A type named like an Object.prototype member must not find a "handler" there either.
    const proto = await enqueueJob(db, { type: 'constructor', payload: {}, runAt: T0 });
    expect(await old.runDue()).toBe(0);
    expect(await job(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await job(proto)).toMatchObject({ status: 'pending', attempts: 0 });
    const seen: string[] = [];
    const newer = new JobRunner({
      db,
      now: () => T0,
      handlers: { 'newer.type': async (j) => void seen.push(j.id) },
    });
    expect(await newer.runDue()).toBe(1);
    expect(seen).toEqual([id]);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1 });
    await cancelJob(db, { id: proto });
  });

  it('deduplicates by unique key and cancels pending jobs', async () => {
    const first = await enqueueJob(db, { type: 'remind', payload: { n: 1 }, uniqueKey: 'case_1:sla' });
    const again = await enqueueJob(db, { type: 'remind', payload: { n: 2 }, uniqueKey: 'case_1:sla' });
    expect(again).toBe(first);
    // Also inside a caller's transaction, where a failed insert must not abort the transaction on PostgreSQL.
    const inTx = await inTransaction(db, async (trx) => {
      const id = await enqueueJob(trx, { type: 'remind', payload: {}, uniqueKey: 'case_1:sla' });
      const other = await enqueueJob(trx, { type: 'remind', payload: {}, uniqueKey: 'case_2:sla' });
      return { id, other };
    });
    expect(inTx.id).toBe(first);
    expect(await db.selectFrom('jobs').select('id').execute()).toHaveLength(2);

    expect(await cancelJob(db, { uniqueKey: 'case_1:sla' })).toBe(true);
    expect(await job(first)).toMatchObject({ status: 'cancelled', unique_key: null });
    expect(await cancelJob(db, { uniqueKey: 'case_1:sla' })).toBe(false);
    expect(await cancelJob(db, { id: first })).toBe(false);

    // The key is free again once cancelled.
    const fresh = await enqueueJob(db, {
      type: 'remind',
      payload: {},
      uniqueKey: 'case_1:sla',
      runAt: T0 + 1,
    });
    expect(fresh).not.toBe(first);
    expect(await cancelJob(db, { id: inTx.other })).toBe(true);

    // Cancelled jobs never run; a job that has already run cannot be cancelled.
    const runs: string[] = [];
    const runner = new JobRunner({
      db,
      now: () => T0 + 1,
      handlers: { remind: async (j) => void runs.push(j.id) },
    });
    expect(await runner.runDue()).toBe(1);
    expect(runs).toEqual([fresh]);
    expect(await cancelJob(db, { id: fresh })).toBe(false);
    expect((await job(fresh)).status).toBe('done');
  });

  it('rolls an enqueue back with the caller’s transaction', async () => {
    await expect(
      inTransaction(db, async (trx) => {
        await enqueueJob(trx, { type: 'remind', payload: {} });
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    expect(await db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('lets another runner take over a job whose worker died, and discards the dead worker’s late outcome', async () => {
    let clock = T0;
    const started = deferred();
    const hang = deferred();
    const dead = new JobRunner({
      db: secondHandle(),
      workerId: 'dead',
      leaseMs: 10_000,
      now: () => clock,
      handlers: {
        sla: async () => {
          started.resolve();
          await hang.promise;
        },
      },
    });
    const attemptsSeen: number[] = [];
    const survivor = new JobRunner({
      db: secondHandle(),
      workerId: 'survivor',
      leaseMs: 10_000,
      now: () => clock,
      handlers: {
        sla: async ({ attempt }) => {
          attemptsSeen.push(attempt);
          if (attempt === 2) throw new Error('downstream busy');
        },
      },
    });
    const id = await enqueueJob(db, { type: 'sla', payload: {}, runAt: T0 });

    const deadRun = dead.runDue();
    await started.promise;
    expect(await job(id)).toMatchObject({ status: 'running', locked_by: 'dead', locked_until: T0 + 10_000 });

    // While the lease holds, nobody else may take the job.
    clock = T0 + 10_000;
    expect(await survivor.runDue()).toBe(0);

    clock = T0 + 10_001;
    expect(await survivor.runDue()).toBe(1);
    expect(attemptsSeen).toEqual([2]);
    expect(await job(id)).toMatchObject({ status: 'pending', attempts: 2, last_error: 'downstream busy' });

    // The "dead" worker wakes up and reports success: it no longer holds the job, so nothing changes.
    hang.resolve();
    await deadRun;
    expect(await job(id)).toMatchObject({ status: 'pending', attempts: 2, locked_by: null });

    clock = (await job(id)).run_at;
    expect(await survivor.runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('fails a job whose worker died during its final attempt instead of running it again', async () => {
    const id = await enqueueJob(db, { type: 'once', payload: {}, runAt: T0, maxAttempts: 1 });
    // Simulate a crash mid-run: claimed, lease expired, never finished.
    await db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 1, locked_by: 'crashed', locked_until: T0 + 5 })
      .where('id', '=', id)
      .execute();
    let runs = 0;
    const runner = new JobRunner({ db, now: () => T0 + 6, handlers: { once: async () => void runs++ } });
    await runner.runDue();
    expect(runs).toBe(0);
    const row = await job(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, locked_by: null });
    expect(row.last_error).toMatch(/lease expired/);
  });

  it('renews the lease of a long-running job so that no other runner takes it over', async () => {
    const release = deferred();
    let runs = 0;
    let takenOver = 0;
    const a = new JobRunner({
      db: secondHandle(),
      leaseMs: 300,
      handlers: {
        slow: async () => {
          runs++;
          await release.promise;
        },
      },
    });
    const b = new JobRunner({
      db: secondHandle(),
      leaseMs: 300,
      handlers: { slow: async () => void takenOver++ },
    });
    const id = await enqueueJob(db, { type: 'slow', payload: {} });

    const aRun = a.runDue();
    await waitFor(async () => runs === 1);
    // Keep trying with the other runner for several lease lengths.
    for (let i = 0; i < 25; i++) {
      expect(await b.runDue()).toBe(0);
      await sleep(40);
    }
    release.resolve();
    expect(await aRun).toBe(1);
    expect(runs).toBe(1);
    expect(takenOver).toBe(0);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1, locked_by: null });
  });

  it('polls for new jobs after start() and lets running jobs finish on stop()', async () => {
    const finished: string[] = [];
    const startedOne = deferred();
    const runner = new JobRunner({
      db,
      pollIntervalMs: 20,
      handlers: {
        work: async (j) => {
          startedOne.resolve();
          await sleep(150);
          finished.push(j.id);
        },
      },
    });
    runner.start();
    const id = await enqueueJob(db, { type: 'work', payload: {} });
    await startedOne.promise;
    await runner.stop();
    // stop() waited for the job in hand.
    expect(finished).toEqual([id]);
    expect((await job(id)).status).toBe('done');

    // A stopped runner claims nothing more.
    const after = await enqueueJob(db, { type: 'work', payload: {} });
    await sleep(100);
    expect(await job(after)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('never runs a job twice when two runners with their own connections share the queue', async () => {
    const total = 200;
    const ids = await inTransaction(db, async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < total; i++) out.push(await enqueueJob(trx, { type: 'send', payload: { i } }));
      return out;
    });
    const executions = new Map<string, number>();
    const byWorker = new Map<string, number>();
    const runnerFor = (workerId: string): JobRunner =>
      new JobRunner({
        db: secondHandle(),
        workerId,
        concurrency: 8,
        pollIntervalMs: 10,
        handlers: {
          send: async ({ id }) => {
            executions.set(id, (executions.get(id) ?? 0) + 1);
            byWorker.set(workerId, (byWorker.get(workerId) ?? 0) + 1);
            await sleep(Math.random() * 4);
          },
        },
      });
    const a = runnerFor('worker-a');
    const b = runnerFor('worker-b');
    a.start();
    b.start();
    try {
      await waitFor(async () => {
        const done = await db.selectFrom('jobs').select('id').where('status', '=', 'done').execute();
        return done.length === total;
      }, 15_000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }

    expect(executions.size).toBe(total);
    expect([...executions.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(executions.keys())).toEqual(new Set(ids));
    expect(byWorker.get('worker-a')).toBeGreaterThan(0);
    expect(byWorker.get('worker-b')).toBeGreaterThan(0);
    const rows = await db.selectFrom('jobs').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
  });

  it('never runs a job twice when two runners drain the queue with runDue() at the same time', async () => {
    const total = 200;
    for (let i = 0; i < total; i++) await enqueueJob(db, { type: 'send', payload: { i } });
    const executions = new Map<string, number>();
    const send: JobHandler = async ({ id }) => {
      executions.set(id, (executions.get(id) ?? 0) + 1);
      await sleep(Math.random() * 2);
    };
    const a = new JobRunner({ db: secondHandle(), concurrency: 5, handlers: { send } });
    const b = new JobRunner({ db: secondHandle(), concurrency: 5, handlers: { send } });
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);

    expect(ranA + ranB).toBe(total);
    expect(executions.size).toBe(total);
    expect([...executions.values()].every((n) => n === 1)).toBe(true);
    const notDone = await db.selectFrom('jobs').select('id').where('status', '!=', 'done').execute();
    expect(notDone).toEqual([]);
  });
});
