import type { Logger } from 'pino';
import { inTransaction, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { recordEvents, type IncomingEvent, type ProfilesContext } from '../profiles/index.js';
import type { EventInbox } from './inbox.js';

interface Pending {
  workspaceId: string;
  events: IncomingEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  db: Db;
  profiles: ProfilesContext;
  /** Where the events of overlapping requests wait for the profiles processor. */
  inbox: EventInbox;
  logger?: Logger | false;
  /** Most events written by one transaction. */
  maxBatchEvents?: number;
  /**
   * How long the first request of a batch waits for company. 0 (the default) flushes at the end of the current
   * event-loop turn: the requests already read join it, and those arriving while a transaction runs (the SQLite
   * driver blocks the loop) queue up for the next one, so batches grow with the load without an idle wait.
   */
  maxDelayMs?: number;
  /** Events waiting beyond this are refused with 429 instead of queued without bound. */
  maxPendingEvents?: number;
}

/**
 * Group commit for the collection API: requests hand over their events and wait; one transaction at a time writes
 * everything that arrived meanwhile (a few ms), then every waiting request is answered. A 2xx therefore always means
 * committed, and the per-transaction cost is shared by many requests.
 *
 * A request that has the transaction to itself, with nothing waiting in the inbox, is folded into profiles before
 * its answer (read-your-writes for a lone SDK or a test). Requests that overlap are committed to the inbox and
 * answered at once; its processor folds them into profiles behind the answers, in arrival order (see EventInbox).
 * When more than `maxPendingEvents` wait here, or the inbox is full, new requests get 429 with Retry-After rather
 * than an ever-growing queue.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private pendingEvents = 0;
  private flushing: Promise<void> | null = null;
  private scheduled: (() => void) | null = null;
  private readonly maxBatchEvents: number;
  private readonly maxDelayMs: number;
  private readonly maxPendingEvents: number;

  constructor(private readonly options: GroupCommitOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 5000;
    this.maxDelayMs = options.maxDelayMs ?? 0;
    this.maxPendingEvents = options.maxPendingEvents ?? 50_000;
  }

  /** Resolves once the events are committed; throws 429 INGEST_OVERLOADED when the queue is full. */
  submit(workspaceId: string, events: IncomingEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.options.inbox.noteActivity();
    if (
      this.pendingEvents + events.length > this.maxPendingEvents ||
      this.options.inbox.full(this.pendingEvents + events.length)
    ) {
      return Promise.reject(
        new AppError(
          'INGEST_OVERLOADED',
          429,
          'error.ingest_overloaded',
          { seconds: 1 },
          { 'retry-after': '1' },
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ workspaceId, events, resolve, reject });
      this.pendingEvents += events.length;
      if (!this.flushing && !this.scheduled) this.schedule();
    });
  }

  /** Writes whatever is queued and waits for it (for shutdown). */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length) {
      if (!this.flushing) this.startFlush();
      await this.flushing;
    }
  }

  private schedule(): void {
    if (this.maxDelayMs > 0) {
      const timeout = setTimeout(() => this.startFlush(), this.maxDelayMs);
      this.scheduled = () => clearTimeout(timeout);
    } else {
      const immediate = setImmediate(() => this.startFlush());
      this.scheduled = () => clearImmediate(immediate);
    }
  }

  private startFlush(): void {
    this.scheduled?.();
    this.scheduled = null;
    if (this.flushing) return;
    const run = this.flushLoop();
    this.flushing = run;
    void run.then(() => {
      this.flushing = null;
      // A request may have been queued after the loop saw an empty queue but before this callback: flush it too.
      if (this.queue.length && !this.scheduled) this.startFlush();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length) {
      const batch: Pending[] = [];
      let n = 0;
      while (
        this.queue.length &&
        (batch.length === 0 || n + (this.queue[0] as Pending).events.length <= this.maxBatchEvents)
      ) {
        const p = this.queue.shift() as Pending;
        batch.push(p);
        n += p.events.length;
      }
      try {
        await this.write(batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        // One bad request must not fail the others: retry each on its own.
        if (this.options.logger)
          this.options.logger.warn(
            { err, requests: batch.length },
            'group commit failed; retrying requests one by one',
          );
        for (const p of batch) {
          try {
            await this.write([p]);
            p.resolve();
          } catch (single) {
            p.reject(single);
          }
        }
      } finally {
        this.pendingEvents -= n;
      }
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const byWorkspace = new Map<string, IncomingEvent[]>();
    for (const p of batch) {
      const list = byWorkspace.get(p.workspaceId) ?? [];
      list.push(...p.events);
      byWorkspace.set(p.workspaceId, list);
    }
    const { inbox } = this.options;
    // One request carries one workspace's events: no order of workspace locks to keep (see recordEvents).
    if (batch.length === 1 && inbox.backlog === 0) {
      await inTransaction(this.options.db, async (trx) => {
        for (const [workspaceId, events] of byWorkspace)
          await recordEvents(trx, this.options.profiles, workspaceId, events);
      });
      return;
    }
    const staged = await inTransaction(this.options.db, (trx) => inbox.stage(trx, byWorkspace));
    inbox.staged(staged);
  }
}
