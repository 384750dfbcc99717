import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { EventBus } from '../../platform/events/index.js';
import { sweepWorkspace } from './case.engine.js';
import { createCase, updateCase } from './case.service.js';

const MIN = 60_000;
const ALL_DAY = [{ start: '00:00', end: '24:00' }];

/**
 * The SLA sweep on its own (no job runner): breach boundaries, idempotence, concurrent sweeps, stale checks, and a
 * breach that falls due while someone else writes the case.
 */
describe('SLA sweep', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  const events = new EventBus();

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
  const db = () => h.t.handle.db;
  const open = async (at: number, description = '网络信号差', category = 'network_quality') =>
    (
      await createCase(db(), { events }, null, ws.id, {
        description,
        channel: 'app',
        source: 'api',
        category,
        at,
      })
    ).case;
  /** The case with its pending check (table case_checks; null when none). */
  const row = async (id: string) => {
    const c = await db()
      .selectFrom('cases')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const k = await db()
      .selectFrom('case_checks')
      .select('next_check_at')
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', id)
      .executeTakeFirst();
    return { ...c, next_check_at: k ? Number(k.next_check_at) : null };
  };
  const entries = (id: string, kind: string) =>
    db()
      .selectFrom('case_entries')
      .select(['kind', 'data'])
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', id)
      .where('kind', '=', kind)
      .execute();
  const breachEvents = async (id: string) =>
    (
      await db()
        .selectFrom('domain_events')
        .select('payload')
        .where('workspace_id', '=', ws.id)
        .where('type', '=', 'case.sla.breached')
        .execute()
    ).filter((e) => String(e.payload).includes(id));

  /** A fresh workspace per test, so one test's cases never fall due in another's sweep. */
  let n = 0;
  const fresh = async () => {
    ws = await h.workspace(`sweep-${++n}`);
    await call('PUT', '/cases/settings/calendar', {
      timeZone: 'UTC',
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY])),
    });
    expect(
      (
        await call('POST', '/cases/rules/sla', {
          name: 'std',
          firstResponseMinutes: 30,
          resolutionMinutes: 120,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await call('POST', '/cases/rules/escalation', {
          name: 'first response breached',
          trigger: { type: 'sla_breached', target: 'first_response' },
          actions: [{ type: 'raise_priority' }],
        })
      ).statusCode,
    ).toBe(201);
    // Billing cases are also notified when their resolution target is breached: evaluated one by one.
    expect(
      (
        await call('POST', '/cases/rules/escalation', {
          name: 'billing resolution breached',
          conditions: [{ type: 'category', values: ['billing'] }],
          trigger: { type: 'sla_breached', target: 'resolution' },
          actions: [{ type: 'notify', emails: ['duty@sweep.test'] }],
        })
      ).statusCode,
    ).toBe(201);
  };

  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(async () => {
    await h.close();
  });

  it('breaches exactly at the due instant, not a millisecond before, and only once', async () => {
    await fresh();
    const t0 = Date.UTC(2030, 0, 7, 8, 0, 0);
    const c = await open(t0);
    const due = t0 + 30 * MIN;
    expect(c.fr_due_at).toBe(due);
    expect(c.next_check_at).toBe(due);

    const before = await sweepWorkspace(db(), { events }, ws.id, due - 1);
    expect(before.breaches).toBe(0);
    expect(await row(c.id)).toMatchObject({ fr_status: 'active', next_check_at: due, version: c.version });

    const at = await sweepWorkspace(db(), { events }, ws.id, due);
    expect(at.breaches).toBe(1);
    expect(at.escalations).toBe(1);
    const after = await row(c.id);
    expect(after).toMatchObject({
      fr_status: 'breached',
      sla_state: 'breached',
      priority: 'high',
      next_check_at: c.res_due_at,
      sla_due_at: c.res_due_at,
      due_sort: c.res_due_at,
      version: c.version + 1,
      updated_at: due,
    });
    expect((await entries(c.id, 'sla')).map((e) => JSON.parse(String(e.data)))).toEqual([
      { target: 'first_response', event: 'breached', dueAt: due },
    ]);
    expect((await entries(c.id, 'escalation')).map((e) => JSON.parse(String(e.data)))).toMatchObject([
      { action: 'raise_priority', from: 'normal', to: 'high' },
    ]);
    const [event] = await breachEvents(c.id);
    expect(JSON.parse(String(event?.payload))).toMatchObject({
      caseId: c.id,
      number: expect.stringMatching(/^C-\d+/),
      category: 'network_quality',
      priority: 'normal',
      target: 'first_response',
      dueAt: due,
    });

    // Sweeping the same instant again (a retried job) and a later one changes nothing more.
    await sweepWorkspace(db(), { events }, ws.id, due);
    await sweepWorkspace(db(), { events }, ws.id, due + 10 * MIN);
    expect(await entries(c.id, 'sla')).toHaveLength(1);
    expect(await entries(c.id, 'escalation')).toHaveLength(1);
    expect(await breachEvents(c.id)).toHaveLength(1);
    expect((await row(c.id)).version).toBe(c.version + 1);
  });

  it('never escalates twice when sweeps of the same instant run concurrently', async () => {
    await fresh();
    const t0 = Date.UTC(2030, 0, 8, 8, 0, 0);
    const cases = [];
    for (let i = 0; i < 12; i++)
      cases.push(
        await open(
          t0 + i,
          i % 3 === 0 ? '账单多扣费' : '信号差',
          i % 3 === 0 ? 'billing' : 'network_quality',
        ),
      );
    // Both first response and resolution are overdue: breach, raise priority, and for billing a notification.
    const at = t0 + 200 * MIN;
    const results = await Promise.all([
      sweepWorkspace(db(), { events }, ws.id, at),
      sweepWorkspace(db(), { events }, ws.id, at),
      sweepWorkspace(db(), { events }, ws.id, at),
    ]);
    const total = results.reduce((n, r) => n + r.breaches, 0);
    expect(total).toBe(24);
    for (const c of cases) {
      const now = await row(c.id);
      expect(now).toMatchObject({ fr_status: 'breached', res_status: 'breached', priority: 'high' });
      expect(now.res_breached_at).toBe(c.res_due_at);
      expect(await entries(c.id, 'sla')).toHaveLength(2);
      expect(await breachEvents(c.id)).toHaveLength(2);
      const escalations = (await entries(c.id, 'escalation')).map((e) => JSON.parse(String(e.data)).action);
      expect(escalations.sort()).toEqual(
        c.category === 'billing' ? ['notify', 'raise_priority'] : ['raise_priority'],
      );
    }
    const mails = await db()
      .selectFrom('email_log')
      .select('to_address')
      .where('workspace_id', '=', ws.id)
      .where('to_address', '=', 'duty@sweep.test')
      .execute();
    expect(mails).toHaveLength(4);
  });

  it('keeps a breach that fell due while an agent was changing the case', async () => {
    await fresh();
    const c = await open(Date.now() - 31 * MIN, 'Slow mobile data', 'network_quality');
    // The first-response target passed a minute ago; no sweep has run yet. An agent changes the case.
    const changed = await updateCase(db(), { actor: { type: 'api_key', id: 'k' } } as never, ws.id, c.id, {
      tags: ['vip-call'],
    });
    expect(changed.next_check_at).toBe(c.fr_due_at);
    const result = await sweepWorkspace(db(), { events }, ws.id, Date.now());
    expect(result.breaches).toBe(1);
    expect(await row(c.id)).toMatchObject({ fr_status: 'breached', tags: JSON.stringify(['vip-call']) });
  });

  it('moves a stale check without touching the case when nothing is due', async () => {
    await fresh();
    const t0 = Date.UTC(2030, 0, 9, 8, 0, 0);
    const c = await open(t0);
    // As after a rule change: the stored check is earlier than anything pending.
    await db()
      .updateTable('case_checks')
      .set({ next_check_at: t0 + MIN })
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', c.id)
      .execute();
    const r = await sweepWorkspace(db(), { events }, ws.id, t0 + 2 * MIN);
    expect(r.breaches).toBe(0);
    expect(await row(c.id)).toMatchObject({
      next_check_at: c.fr_due_at,
      version: c.version,
      fr_status: 'active',
    });
    const job = await db()
      .selectFrom('jobs')
      .select('run_at')
      .where('workspace_id', '=', ws.id)
      .where('type', '=', 'cases.check')
      .where('status', '=', 'pending')
      .orderBy('run_at')
      .executeTakeFirst();
    expect(job).toBeDefined();
  });

  it('does not count time while pending the customer', async () => {
    await fresh();
    const t0 = Date.UTC(2030, 0, 10, 8, 0, 0);
    const c = await open(t0);
    await db()
      .updateTable('cases')
      .set({
        status: 'pending_customer',
        fr_status: 'paused',
        fr_due_at: null,
        fr_remaining_ms: 10 * MIN,
        res_status: 'paused',
        res_due_at: null,
        res_remaining_ms: 100 * MIN,
        version: c.version + 1,
      })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', c.id)
      .execute();
    await db()
      .deleteFrom('case_checks')
      .where('workspace_id', '=', ws.id)
      .where('case_id', '=', c.id)
      .execute();
    const r = await sweepWorkspace(db(), { events }, ws.id, t0 + 1000 * MIN);
    expect(await entries(c.id, 'sla')).toHaveLength(0);
    expect(r.examined).toBe(0);
    expect(await row(c.id)).toMatchObject({ fr_status: 'paused', res_status: 'paused' });
  });
});
