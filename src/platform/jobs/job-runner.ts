import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { fromJson, type Db } from '../db/index.js';
import { claimJobs, markJobDone, markJobFailed, markJobForRetry, renewLease } from './jobs.repository.js';
import type { JobsTable } from './jobs.tables.js';

/** What a handler is given for one run of a job. */
export interface JobContext {
  id: string;
  type: string;
  payload: unknown;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  workspaceId: string | null;
}

/**
 * Does the work of one job type. Resolving marks the job done; throwing schedules a retry (or fails the job once its
 * attempts are used up). A job can run more than once (a retry, or a worker that lost its lease), so handlers must
 * be idempotent.
 */
export type JobHandler = (job: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  db: Db;
  /** Names this worker in `locked_by`; must differ between runners. Defaults to host:pid:random. */
  workerId?: string;
  /** Jobs run at the same time by this runner. Default 4. */
  concurrency?: number;
  /** Wait between polls when the queue is empty. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long a claim holds without renewal; a dead worker's jobs are taken over after it. Default 60 000 ms. */
  leaseMs?: number;
  handlers: Record<string, JobHandler>;
  logger?: Logger;
  /** Clock in epoch ms, injectable so tests can move time. */
  now?: () => number;
}

const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * Delay before retry after failed attempt `attempt` (1-based): 1 s, 2 s, 4 s, … with ±20 % jitter so that jobs that
 * failed together (an outage) do not retry in lockstep, capped at one hour.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = 1000 * 2 ** Math.max(0, attempt - 1);
  return Math.round(Math.min(base * (0.8 + 0.4 * random()), MAX_RETRY_DELAY_MS));
}

/**
 * Runs durable jobs from the `jobs` table. Any number of runners, in one process or many, can share a database:
 * each claim is one atomic statement, so a job is handed to one runner at a time, and a runner that dies leaves
 * its jobs to be taken over once their lease runs out. Delivery is therefore at least once.
 */
export class JobRunner {
  readonly workerId: string;
  private readonly db: Db;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly handlers: Record<string, JobHandler>;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;

  private readonly running = new Map<string, Promise<void>>();
  // Claims go one at a time so that the free-slot count each one uses is not stale.
  private claimQueue: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** The last claim filled every free slot, so more may be due: claim again as soon as a slot frees. */
  private backlog = false;
  private wake: (() => void) | undefined;

  constructor(options: JobRunnerOptions) {
    this.db = options.db;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 4;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.handlers = options.handlers;
    this.logger = options.logger?.child({ component: 'jobs', workerId: this.workerId });
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`JobRunner: concurrency must be a positive integer, got ${this.concurrency}`);
    }
    if (!(this.pollIntervalMs >= 0)) throw new RangeError('JobRunner: pollIntervalMs must be >= 0');
    if (!(this.leaseMs >= 2)) throw new RangeError('JobRunner: leaseMs must be >= 2');
  }

  /** Starts polling in the background. Its timers are unref'd, so a runner alone never keeps the process alive. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.pollLoop();
  }

  /** Stops claiming new jobs and resolves once the jobs already running have finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    // A claim may still be in flight (from runDue); whatever it launched has to finish too.
    await this.claimQueue;
    await Promise.all(this.running.values());
  }

  /**
   * Claims and runs every job that is due, keeping up to `concurrency` running, and resolves with the number of
   * jobs started once nothing more is due and all of them (and any started by the poll loop) have finished.
   * For tests and one-shot CLI runs.
   */
  async runDue(): Promise<number> {
    let started = 0;
    for (;;) {
      const claimed = this.stopping ? 0 : await this.claimAndLaunch();
      started += claimed;
      if (this.running.size === 0) {
        if (claimed === 0) return started;
        continue;
      }
      await Promise.race(this.running.values());
    }
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      let delay = this.pollIntervalMs;
      try {
        await this.claimAndLaunch();
        // With a backlog and a free slot, go straight on; with all slots busy, a finishing job wakes the loop.
        if (this.backlog && this.running.size < this.concurrency) delay = 0;
      } catch (err) {
        // A database outage must not kill the loop: log and try again after the poll interval.
        this.logger?.error({ err }, 'claiming jobs failed');
      }
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }

  private claimAndLaunch(): Promise<number> {
    const next = this.claimQueue.then(async () => {
      const free = this.concurrency - this.running.size;
      if (free <= 0) {
        this.backlog = true;
        return 0;
      }
      const rows = await claimJobs(this.db, {
        workerId: this.workerId,
        now: this.now(),
        leaseMs: this.leaseMs,
        limit: free,
        types: Object.keys(this.handlers),
      });
      this.backlog = rows.length >= free;
      let launched = 0;
      for (const row of rows) {
        if (this.running.has(row.id)) {
          // Our own lease ran out (renewals failed) and we re-claimed a job we are still running: the claim just
          // renewed the lease, so let the first run finish instead of starting a second one.
          this.logger?.warn({ jobId: row.id }, 'reclaimed a job this worker is still running');
          continue;
        }
        this.launch(row);
        launched++;
      }
      return launched;
    });
    this.claimQueue = next.catch(() => undefined);
    return next;
  }

  private launch(row: JobsTable): void {
    const run = this.execute(row).finally(() => {
      this.running.delete(row.id);
      if (this.backlog) this.wake?.();
    });
    this.running.set(row.id, run);
  }

  /** Runs one claimed job and records the outcome. Never rejects. */
  private async execute(row: JobsTable): Promise<void> {
    const log = this.logger?.child({ jobId: row.id, jobType: row.type, attempt: row.attempts });
    try {
      if (row.attempts > row.max_attempts) {
        // Only reachable by taking over an expired lease: the last allowed run died with its worker. Running it
        // again would exceed max_attempts, and a job that crashes its worker would otherwise loop forever.
        await this.recordFailure(
          row,
          'lease expired during the final attempt (worker stopped or hung)',
          true,
          log,
        );
        return;
      }
      // Claims are filtered to this runner's types, so the handler exists.
      const handler = this.handlers[row.type] as JobHandler;

      const stopRenewing = this.keepLease(row.id, log);
      let failure: { error: unknown } | undefined;
      try {
        await handler({
          id: row.id,
          type: row.type,
          payload: fromJson<unknown>(row.payload),
          attempt: row.attempts,
          workspaceId: row.workspace_id,
        });
      } catch (error) {
        failure = { error };
      } finally {
        stopRenewing();
      }

      if (failure) {
        await this.recordFailure(row, errorMessage(failure.error), false, log, failure.error);
        return;
      }
      const held = await markJobDone(this.db, { id: row.id, workerId: this.workerId, now: this.now() });
      if (held) log?.debug('job done');
      else log?.warn('job finished after its lease was taken over; outcome discarded');
    } catch (err) {
      // Recording the outcome failed (database unreachable): the lease runs out and the job is claimed again.
      log?.error({ err }, 'could not record job outcome');
    }
  }

  private async recordFailure(
    row: JobsTable,
    message: string,
    permanent: boolean,
    log: Logger | undefined,
    err?: unknown,
  ): Promise<void> {
    const now = this.now();
    const base = { id: row.id, workerId: this.workerId, now, error: message };
    if (permanent || row.attempts >= row.max_attempts) {
      const held = await markJobFailed(this.db, base);
      if (held) log?.error({ err, reason: message }, 'job failed permanently');
      else log?.warn({ err }, 'job failed after its lease was taken over; outcome discarded');
      return;
    }
    const runAt = now + retryDelayMs(row.attempts);
    const held = await markJobForRetry(this.db, { ...base, runAt });
    if (held) log?.warn({ err, runAt }, 'job failed; retry scheduled');
    else log?.warn({ err }, 'job failed after its lease was taken over; outcome discarded');
  }

  /** Renews the lease every leaseMs/2 while the handler runs; returns the function that stops renewing. */
  private keepLease(id: string, log: Logger | undefined): () => void {
    let inFlight = false;
    const timer = setInterval(
      () => {
        if (inFlight) return;
        inFlight = true;
        renewLease(this.db, { id, workerId: this.workerId, now: this.now(), leaseMs: this.leaseMs })
          .then((held) => {
            if (held) return;
            // Another worker has taken the job over; renewing further is pointless. The handler runs on, but its
            // outcome will be discarded.
            clearInterval(timer);
            log?.warn('lease lost while the job was running');
          })
          .catch((err: unknown) => log?.warn({ err }, 'lease renewal failed'))
          .finally(() => {
            inFlight = false;
          });
      },
      Math.floor(this.leaseMs / 2),
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
