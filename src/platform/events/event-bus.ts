import type { Selectable } from 'kysely';
import { fromJson, insertRows, newId, toJson, type Db } from '../db/index.js';
import { enqueueJobs, type JobHandler } from '../jobs/index.js';
import type { DomainEventsTable } from './events.tables.js';

/** What a module publishes: a type such as `survey.response.flagged`, the workspace and a JSON payload. */
export interface DomainEvent<P = unknown> {
  type: string;
  workspaceId: string;
  payload: P;
  /** Epoch ms; defaults to the time of publishing. */
  occurredAt?: number;
}

/** A published event as a subscriber receives it. */
export interface DeliveredEvent<P = unknown> {
  id: string;
  type: string;
  workspaceId: string;
  payload: P;
  occurredAt: number;
  /** 1 on the first delivery, more on retries: handlers must be idempotent. */
  attempt: number;
}

export type EventSubscriber = (event: DeliveredEvent) => Promise<void>;

interface Subscription {
  name: string;
  handler: EventSubscriber;
}

const JOB_PREFIX = 'event:';

/**
 * In-process domain events with a transactional outbox. `publish` runs inside the publisher's transaction: it
 * records the event and enqueues one durable job per subscriber, so the side effects happen if and only if the
 * publishing change commits, each at least once, with the job runner's retries and backoff. Modules subscribe by
 * type under a stable name (the job type), which keeps deliveries apart when several modules listen to one event.
 */
export class EventBus {
  private readonly byType = new Map<string, Subscription[]>();
  private readonly byName = new Map<string, EventSubscriber>();

  /** Registers `handler` for events of `type`. `name` must be unique and stable across releases. */
  subscribe(type: string, name: string, handler: EventSubscriber): void {
    if (this.byName.has(name)) throw new Error(`EventBus: subscriber "${name}" is already registered`);
    this.byName.set(name, handler);
    const list = this.byType.get(type) ?? [];
    list.push({ name, handler });
    this.byType.set(type, list);
  }

  /** Records the event and schedules its deliveries, on `db` (pass the open transaction). Returns the event id. */
  async publish(db: Db, event: DomainEvent): Promise<string> {
    return (await this.publishMany(db, [event]))[0] as string;
  }

  /** `publish` for many events in a few multi-row statements (a sweep's breaches). Returns the ids in order. */
  async publishMany(db: Db, events: readonly DomainEvent[]): Promise<string[]> {
    const now = Date.now();
    const rows = events.map((event) => ({
      workspace_id: event.workspaceId,
      id: newId('evt'),
      type: event.type,
      payload: toJson(event.payload),
      occurred_at: event.occurredAt ?? now,
      deliveries: (this.byType.get(event.type) ?? []).length,
    }));
    await insertRows(db, 'domain_events', rows);
    await enqueueJobs(
      db,
      rows.flatMap((row) =>
        (this.byType.get(row.type) ?? []).map((s) => ({
          type: JOB_PREFIX + s.name,
          workspaceId: row.workspace_id,
          payload: { eventId: row.id },
          maxAttempts: 8,
        })),
      ),
    );
    return rows.map((r) => r.id);
  }

  /** The job handlers that deliver events, to merge into the job runner's handlers. */
  jobHandlers(db: Db): Record<string, JobHandler> {
    const handlers: Record<string, JobHandler> = {};
    for (const [name, handler] of this.byName) {
      handlers[JOB_PREFIX + name] = async (job) => {
        const { eventId } = job.payload as { eventId: string };
        const row = await db
          .selectFrom('domain_events')
          .selectAll()
          .where('workspace_id', '=', job.workspaceId ?? '')
          .where('id', '=', eventId)
          .executeTakeFirst();
        // The workspace was deleted since: nothing left to act on.
        if (!row) return;
        await handler(toDelivered(row, job.attempt));
      };
    }
    return handlers;
  }
}

function toDelivered(row: Selectable<DomainEventsTable>, attempt: number): DeliveredEvent {
  return {
    id: row.id,
    type: row.type,
    workspaceId: row.workspace_id,
    payload: fromJson<unknown>(row.payload),
    occurredAt: row.occurred_at,
    attempt,
  };
}

/** A workspace's recorded events, newest first, for inspection (e.g. closed-loop events awaiting a handler). */
export async function listDomainEvents(
  db: Db,
  workspaceId: string,
  options: { type?: string; limit: number; before?: string },
): Promise<DeliveredEvent[]> {
  const rows = await db
    .selectFrom('domain_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(options.type !== undefined, (q) => q.where('type', '=', options.type ?? ''))
    .$if(options.before !== undefined, (q) => q.where('id', '<', options.before ?? ''))
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map((r) => toDelivered(r, 0));
}
