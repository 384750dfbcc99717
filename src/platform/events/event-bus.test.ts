import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { inTransaction } from '../db/index.js';
import { JobRunner } from '../jobs/index.js';
import { EventBus, listDomainEvents, type DeliveredEvent } from './index.js';

describe('domain events', () => {
  let t: TestDatabase;
  const ws = 'ws_events';

  beforeAll(async () => {
    t = await openTestDatabase();
    const now = Date.now();
    await t.handle.db
      .insertInto('workspaces')
      .values({
        id: ws,
        slug: 'events',
        name: 'Events',
        time_zone: 'UTC',
        default_locale: 'en',
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  afterAll(() => t.close());

  it('delivers to every subscriber once the publishing transaction commits, retrying failures', async () => {
    const { db } = t.handle;
    const bus = new EventBus();
    const a: DeliveredEvent[] = [];
    let bFailures = 0;
    const b: string[] = [];
    bus.subscribe('thing.happened', 'a.records', async (e) => void a.push(e));
    bus.subscribe('thing.happened', 'b.flaky', async (e) => {
      if (bFailures++ === 0) throw new Error('first delivery fails');
      b.push(e.id);
    });
    expect(() => bus.subscribe('other', 'a.records', async () => undefined)).toThrow(/already registered/);

    const id = await inTransaction(db, (trx) =>
      bus.publish(trx, { type: 'thing.happened', workspaceId: ws, payload: { n: 1 }, occurredAt: 1000 }),
    );
    // A rolled-back publish leaves neither the event nor its deliveries.
    await expect(
      inTransaction(db, async (trx) => {
        await bus.publish(trx, { type: 'thing.happened', workspaceId: ws, payload: { n: 2 } });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');

    let clock = Date.now();
    const runner = new JobRunner({ db, handlers: bus.jobHandlers(db), now: () => clock });
    expect(await runner.runDue()).toBe(2);
    expect(a).toEqual([
      { id, type: 'thing.happened', workspaceId: ws, payload: { n: 1 }, occurredAt: 1000, attempt: 1 },
    ]);
    expect(b).toEqual([]);
    clock += 60_000;
    expect(await runner.runDue()).toBe(1);
    expect(b).toEqual([id]);
    expect(a).toHaveLength(1);

    const listed = await listDomainEvents(db, ws, { type: 'thing.happened', limit: 10 });
    expect(listed.map((e) => e.payload)).toEqual([{ n: 1 }]);
    expect(await listDomainEvents(db, 'ws_other', { limit: 10 })).toEqual([]);
  });

  it('publishes many events at once: one delivery per event and subscriber, none for an event nobody follows', async () => {
    const { db } = t.handle;
    const bus = new EventBus();
    const seen: [string, number][] = [];
    bus.subscribe(
      'bulk.one',
      'bulk.first',
      async (e) => void seen.push(['first', (e.payload as { n: number }).n]),
    );
    bus.subscribe(
      'bulk.one',
      'bulk.second',
      async (e) => void seen.push(['second', (e.payload as { n: number }).n]),
    );
    await inTransaction(db, async (trx) => {
      expect(await bus.publishMany(trx, [])).toEqual([]);
      const ids = await bus.publishMany(trx, [
        ...[1, 2, 3].map((n) => ({ type: 'bulk.one', workspaceId: ws, payload: { n } })),
        { type: 'bulk.unheard', workspaceId: ws, payload: { n: 4 } },
      ]);
      expect(new Set(ids).size).toBe(4);
    });
    const runner = new JobRunner({ db, handlers: bus.jobHandlers(db) });
    expect(await runner.runDue()).toBe(6);
    expect(seen.sort()).toEqual([
      ['first', 1],
      ['first', 2],
      ['first', 3],
      ['second', 1],
      ['second', 2],
      ['second', 3],
    ]);
    const recorded = await listDomainEvents(db, ws, { type: 'bulk.unheard', limit: 5 });
    expect(recorded.map((e) => e.payload)).toEqual([{ n: 4 }]);
  });
});
