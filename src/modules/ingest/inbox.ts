import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { dialectOf, fromJson, inTransaction, insertRows, toJson, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { recordEvents, type IncomingEvent, type ProfilesContext } from '../profiles/index.js';

export interface InboxOptions {
  db: Db;
  profiles: ProfilesContext;
  logger?: Logger | false;
  /** Most unprocessed events kept; beyond it the collection API answers 429 (INGEST_MAX_BACKLOG). */
  maxBacklog?: number;
  /** Events folded into profiles per transaction. */
  chunkEvents?: number;
  /**
   * The processor waits until no collection request is in progress and none has come or gone for this long, so that
   * answering comes first while a burst lasts — unless the oldest waiting event is older than `maxLagMs`, or half of `maxBacklog` waits: then it shares
   * the time with answering, so that under a sustained load profiles lag by about `maxLagMs` at most.
   */
  quietMs?: number;
  maxLagMs?: number;
}

interface InboxRow {
  seq: number;
  workspace_id: string;
  received_at: number;
  event: string;
}

/** A workspace's backlog, for the status route. */
export interface InboxStatus {
  pending: number;
  failed: number;
  /** Received time of the oldest pending event (epoch ms), null when none waits. */
  oldestReceivedAt: number | null;
}

/** Serialises the processors of all server processes on PostgreSQL, so events are folded in arrival order. */
const PG_LOCK_KEY = 0x7470_1b0c;
/** How long the processor waits before it looks again whether the server is busy. */
const RECHECK_MS = 2;
/** How often an idle process looks for events staged by another process (or left by a crash). */
const RESCAN_MS = 5_000;

/**
 * The collection API's inbox. While the server keeps up, the group commit folds each request's events into
 * profiles before answering. When requests overlap, it commits their events here instead and answers at once —
 * the answer still means "durably stored" — and this processor folds them into profiles behind the answers, in
 * arrival order, one transaction per chunk that also deletes the chunk's rows: a crash loses or repeats nothing
 * (messageIds de-duplicate anything resent meanwhile). This is how Segment's and RudderStack's pipelines absorb
 * bursts; the price is that profiles lag behind the answers while a burst lasts (see `status`).
 *
 * An event that fails on its own (a bug, not a bad payload: payloads are validated before they get here) stays in
 * the inbox with its error, counted in `failed`, and can be retried; it never blocks the events behind it.
 */
export class EventInbox {
  /** Events this process knows to be waiting. */
  backlog = 0;
  /** Events this process has put in the inbox since it started (the rest were folded in before their answer). */
  stagedTotal = 0;
  private readonly maxBacklog: number;
  private readonly chunkEvents: number;
  private readonly quietMs: number;
  private readonly maxLagMs: number;
  private lastActivity = 0;
  /** Collection requests received and not yet answered. */
  private activeRequests = 0;
  /** Received time of the oldest event waiting, as far as this process knows (epoch ms); null when none. */
  private oldestWaiting: number | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private rescan: NodeJS.Timeout | null = null;
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly options: InboxOptions) {
    this.maxBacklog = options.maxBacklog ?? 1_000_000;
    this.chunkEvents = options.chunkEvents ?? 500;
    this.quietMs = options.quietMs ?? 2;
    this.maxLagMs = options.maxLagMs ?? 10_000;
  }

  /** Whether `events` more would exceed the backlog limit. */
  full(events: number): boolean {
    return this.backlog + events > this.maxBacklog;
  }

  /** Events were handed over: the processor keeps out of the way while they keep coming. */
  noteActivity(): void {
    this.lastActivity = performance.now();
  }

  /** A collection request arrived (its body may still be on its way): the server is busy answering. */
  readonly requestStarted = (): void => {
    this.activeRequests++;
    this.lastActivity = performance.now();
  };

  /** A collection request was answered, or its connection closed. */
  readonly requestFinished = (): void => {
    this.activeRequests--;
    this.lastActivity = performance.now();
  };

  /** Stores events for the processor, in the caller's transaction; call `staged` once it has committed. */
  async stage(trx: Db, byWorkspace: Map<string, IncomingEvent[]>): Promise<number> {
    let n = 0;
    for (const [workspaceId, events] of byWorkspace) {
      n += await insertRows(
        trx,
        'ingest_inbox',
        events.map((e) => ({ workspace_id: workspaceId, received_at: e.receivedAt, event: toJson(e) })),
      );
    }
    return n;
  }

  /** `n` staged events are committed: wake the processor. */
  staged(n: number): void {
    if (this.backlog === 0) this.oldestWaiting = Date.now();
    this.backlog += n;
    this.stagedTotal += n;
    this.kick();
  }

  /** Counts what earlier runs or other processes left, and looks again every few seconds while idle. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.recount();
    this.rescan = setInterval(() => {
      if (!this.running && !this.stopped) void this.recount().catch(() => undefined);
    }, RESCAN_MS);
    this.rescan.unref();
  }

  /** Finishes the chunk in progress; what still waits stays in the inbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rescan) clearInterval(this.rescan);
    this.rescan = null;
    await this.running;
    this.releaseWaiters();
  }

  /** Resolves once every event this process knows of is folded into profiles (or failed). */
  settled(): Promise<void> {
    if (this.backlog === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  async status(workspaceId: string): Promise<InboxStatus> {
    const row = await this.options.db
      .selectFrom('ingest_inbox')
      .select((eb) => [
        eb.fn.count<number>(sql`case when failed_at is null then 1 end`).as('pending'),
        eb.fn.count<number>('failed_at').as('failed'),
        eb.fn.min<number>(sql`case when failed_at is null then received_at end`).as('oldest'),
      ])
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return {
      pending: Number(row.pending),
      failed: Number(row.failed),
      oldestReceivedAt: row.oldest === null ? null : Number(row.oldest),
    };
  }

  /** Puts a workspace's failed events back in line (audited); returns how many. */
  async retryFailed(ctx: ActorContext, workspaceId: string): Promise<number> {
    const n = await inTransaction(this.options.db, async (trx) => {
      const result = await trx
        .updateTable('ingest_inbox')
        .set({ failed_at: null, error: null })
        .where('workspace_id', '=', workspaceId)
        .where('failed_at', 'is not', null)
        .executeTakeFirst();
      const count = Number(result.numUpdatedRows);
      await recordAudit(trx, ctx, {
        workspaceId,
        action: 'ingest.failed_retried',
        targetType: 'ingest_inbox',
        targetId: null,
        details: { events: count },
      });
      return count;
    });
    if (n > 0) this.staged(n);
    return n;
  }

  private async recount(): Promise<void> {
    const row = await this.options.db
      .selectFrom('ingest_inbox')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('received_at').as('oldest')])
      .where('failed_at', 'is', null)
      .executeTakeFirstOrThrow();
    this.backlog = Number(row.n);
    this.oldestWaiting = row.oldest === null ? null : Number(row.oldest);
    if (this.backlog > 0) this.kick();
    else this.releaseWaiters();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    const run = this.drain().catch((err: unknown) => {
      if (this.options.logger) this.options.logger.error({ err }, 'ingest inbox processor stopped');
    });
    this.running = run;
    void run.finally(() => {
      this.running = null;
      if (this.backlog > 0 && !this.stopped) setTimeout(() => this.kick(), 100).unref();
      else this.releaseWaiters();
    });
  }

  private releaseWaiters(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const w of waiters) w();
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.backlog > 0) {
      const busy = this.activeRequests > 0 || performance.now() - this.lastActivity < this.quietMs;
      const late = this.oldestWaiting !== null && Date.now() - this.oldestWaiting > this.maxLagMs;
      if (busy && !late && this.backlog < this.maxBacklog / 2) {
        await sleep(RECHECK_MS);
        continue;
      }
      const done = await this.processChunk();
      if (done === null) {
        await sleep(50); // another process holds the processor lock (PostgreSQL)
        await this.recount();
        continue;
      }
      if (done === 0) {
        await this.recount();
        return;
      }
      this.backlog = Math.max(0, this.backlog - done);
      // The count can run ahead of `staged`: a chunk may take rows committed by a transaction whose `staged` call is
      // still to come. Before calling the inbox empty, ask the table.
      if (this.backlog === 0) await this.recount();
      // A timer, not setImmediate: the loop must poll the sockets first, so that requests that came in during the
      // chunk are seen (and keep the processor waiting) before the next chunk starts.
      await sleep(RECHECK_MS);
    }
  }

  /** Folds the oldest chunk into profiles; the number of events taken, or null when another process holds the lock. */
  private async processChunk(): Promise<number | null> {
    try {
      return await inTransaction(this.options.db, async (trx) => {
        if (!(await this.lock(trx))) return null;
        const rows = await sql<InboxRow>`
          delete from ingest_inbox where seq in (
            select seq from ingest_inbox where failed_at is null order by seq limit ${this.chunkEvents}
          ) returning seq, workspace_id, received_at, event`.execute(trx);
        await this.record(trx, rows.rows);
        return rows.rows.length;
      });
    } catch (err) {
      if (this.options.logger)
        this.options.logger.warn({ err }, 'ingest inbox chunk failed; processing its events one by one');
      return this.processOneByOne();
    }
  }

  /** After a failed chunk: each event of the chunk in a transaction of its own; a failing one is set aside. */
  private async processOneByOne(): Promise<number | null> {
    const seqs = await this.options.db
      .selectFrom('ingest_inbox')
      .select('seq')
      .where('failed_at', 'is', null)
      .orderBy('seq')
      .limit(this.chunkEvents)
      .execute();
    let done = 0;
    for (const { seq } of seqs) {
      try {
        const took = await inTransaction(this.options.db, async (trx) => {
          if (!(await this.lock(trx))) return null;
          const rows = await sql<InboxRow>`
            delete from ingest_inbox where seq = ${seq} and failed_at is null
            returning seq, workspace_id, received_at, event`.execute(trx);
          await this.record(trx, rows.rows);
          return rows.rows.length;
        });
        if (took === null) return done || null;
        done += took;
      } catch (err) {
        await this.options.db
          .updateTable('ingest_inbox')
          .set({ failed_at: Date.now(), error: String((err as Error)?.message ?? err).slice(0, 1000) })
          .where('seq', '=', seq)
          .execute();
        done++;
      }
    }
    return done;
  }

  private async lock(trx: Db): Promise<boolean> {
    if (dialectOf(trx) !== 'postgres') return true; // SQLite: the transaction already holds the write lock
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(${PG_LOCK_KEY}) as locked`.execute(trx);
    return rows[0]?.locked === true;
  }

  /** Each workspace's events in arrival order, handed to the profiles module together. */
  private async record(trx: Db, rows: readonly InboxRow[]): Promise<void> {
    const byWorkspace = new Map<string, { seq: number; event: IncomingEvent }[]>();
    for (const r of rows) {
      // What waits now arrived after what this chunk takes: the chunk's newest event bounds the lag from below.
      this.oldestWaiting = Math.max(this.oldestWaiting ?? 0, Number(r.received_at));
      let list = byWorkspace.get(r.workspace_id);
      if (!list) byWorkspace.set(r.workspace_id, (list = []));
      list.push({ seq: Number(r.seq), event: fromJson<IncomingEvent>(r.event) });
    }
    // Workspaces in id order: recordEvents locks each one on PostgreSQL, and every caller takes them in that order.
    for (const [workspaceId, list] of [...byWorkspace].sort(([a], [b]) => (a < b ? -1 : 1))) {
      list.sort((a, b) => a.seq - b.seq);
      await recordEvents(
        trx,
        this.options.profiles,
        workspaceId,
        list.map((x) => x.event),
      );
    }
  }
}
