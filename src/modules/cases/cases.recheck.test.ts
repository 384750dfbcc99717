import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { EventBus } from '../../platform/events/index.js';
import { compileCalendar } from './business-hours.js';
import { sweepWorkspace } from './case.engine.js';

const MIN = 60_000;
const ALL_DAY = [{ start: '00:00', end: '24:00' }];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('rechecks: stored due times and next checks follow rule, policy and calendar changes', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let policyId: string;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
  /** The cases with their pending checks (table case_checks; null when none). */
  const rows = async () =>
    (
      await h.t.handle.db
        .selectFrom('cases')
        .leftJoin('case_checks as k', (j) =>
          j.onRef('k.workspace_id', '=', 'cases.workspace_id').onRef('k.case_id', '=', 'cases.id'),
        )
        .select([
          'cases.id',
          'cases.status',
          'cases.version',
          'cases.fr_status',
          'cases.fr_due_at',
          'cases.fr_remaining_ms',
          'cases.res_due_at',
          'cases.sla_due_at',
          'cases.due_sort',
          'k.next_check_at',
        ])
        .where('cases.workspace_id', '=', ws.id)
        .orderBy('cases.id')
        .execute()
    ).map((r) => ({ ...r, next_check_at: r.next_check_at === null ? null : Number(r.next_check_at) }));
  const rechecks = async () =>
    (await call('GET', '/cases/settings/rechecks')).json().data as {
      reason: string;
      status: string;
      total: number;
      processed: number;
      retargeted: number;
      moved: number;
      details: Record<string, unknown>;
    }[];
  /** Runs the recheck jobs only (no sweep: the clock stays before every check). */
  const runRechecks = () => h.runJobs(() => Date.now());

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('recheck-a');
    await call('PUT', '/cases/settings/calendar', {
      timeZone: 'UTC',
      weekly: Object.fromEntries(DAYS.map((d) => [d, ALL_DAY])),
    });
    policyId = (
      await call('POST', '/cases/rules/sla', {
        name: 'std',
        firstResponseMinutes: 60,
        resolutionMinutes: 600,
      })
    ).json().id;
    for (let i = 0; i < 6; i++)
      expect(
        (await call('POST', '/cases', { description: `网络信号差 ${i}`, channel: 'app' })).statusCode,
      ).toBe(201);
    const ids = (await rows()).map((r) => r.id);
    // One case pending the customer (paused targets), one resolved (no checks).
    await call('POST', `/cases/${ids[4]}/transition`, { status: 'pending_customer' });
    await call('POST', `/cases/${ids[5]}/resolve`, {
      resolution: { code: 'fixed', rootCause: 'x', steps: ['listen'] },
    });
    await runRechecks();
  });
  afterAll(async () => {
    await h.close();
  });

  it('moves stored checks when an escalation rule is added, disabled, enabled or deleted', async () => {
    const before = await rows();
    const running = before.filter((r) => r.fr_status === 'active');
    expect(running).toHaveLength(4);
    for (const r of running) expect(r.next_check_at).toBe(r.fr_due_at);

    // A rule firing 20 minutes before the first-response due time: every running case must be checked earlier.
    const rule = (
      await call('POST', '/cases/rules/escalation', {
        name: 'soon',
        trigger: { type: 'sla_due_soon', target: 'first_response', minutes: 20 },
        actions: [{ type: 'raise_priority' }],
      })
    ).json();
    await runRechecks();
    let after = await rows();
    for (const r of after.filter((x) => x.fr_status === 'active'))
      expect(r.next_check_at).toBe((r.fr_due_at as number) - 20 * MIN);
    // Only the next check moved: versions are unchanged.
    expect(after.map((r) => r.version)).toEqual(before.map((r) => r.version));
    expect(after.find((r) => r.status === 'resolved')?.next_check_at).toBeNull();
    expect(after.find((r) => r.status === 'pending_customer')?.next_check_at).toBeNull();
    const [latest] = await rechecks();
    expect(latest).toMatchObject({
      reason: 'escalation_rules',
      status: 'done',
      total: 5,
      processed: 5,
      moved: 4,
      retargeted: 0,
      details: { ruleId: rule.id },
    });

    // Disabled: the checks go back to the due times.
    await call('PUT', `/cases/rules/escalation/${rule.id}`, {
      name: 'soon',
      enabled: false,
      trigger: { type: 'sla_due_soon', target: 'first_response', minutes: 20 },
      actions: [{ type: 'raise_priority' }],
    });
    await runRechecks();
    after = await rows();
    for (const r of after.filter((x) => x.fr_status === 'active')) expect(r.next_check_at).toBe(r.fr_due_at);

    // Enabled again, then deleted.
    await call('PUT', `/cases/rules/escalation/${rule.id}`, {
      name: 'soon',
      trigger: { type: 'sla_due_soon', target: 'first_response', minutes: 20 },
      actions: [{ type: 'raise_priority' }],
    });
    await runRechecks();
    expect((await rows()).filter((x) => x.fr_status === 'active').map((r) => r.next_check_at)).toEqual(
      running.map((r) => (r.fr_due_at as number) - 20 * MIN),
    );
    expect((await call('DELETE', `/cases/rules/escalation/${rule.id}`)).statusCode).toBe(204);
    await runRechecks();
    for (const r of (await rows()).filter((x) => x.fr_status === 'active'))
      expect(r.next_check_at).toBe(r.fr_due_at);
    expect((await rechecks()).every((r) => r.status === 'done')).toBe(true);
  });

  it('keeps the sweep exact after a rule change: it reads only the cases where something happens', async () => {
    const at = Date.now() + 45 * MIN;
    // Without a recheck, a rule due 30 minutes before the targets would be missed until the targets fall due.
    await call('POST', '/cases/rules/escalation', {
      name: 'half hour before',
      conditions: [{ type: 'channel', values: ['app'] }],
      trigger: { type: 'sla_due_soon', target: 'first_response', minutes: 30 },
      actions: [{ type: 'raise_priority' }],
    });
    await runRechecks();
    const result = await sweepWorkspace(h.t.handle.db, { events: new EventBus() }, ws.id, at);
    expect(result).toMatchObject({ examined: 4, escalations: 4, breaches: 0, conflicts: 0 });
    const after = await rows();
    for (const r of after.filter((x) => x.fr_status === 'active')) expect(r.next_check_at).toBe(r.fr_due_at);
  });

  it('shifts running and paused targets when the SLA policy changes, with a new version and a timeline entry', async () => {
    const before = await rows();
    expect(
      (
        await call('PUT', `/cases/rules/sla/${policyId}`, {
          name: 'std',
          firstResponseMinutes: 90,
          resolutionMinutes: 600,
        })
      ).statusCode,
    ).toBe(200);
    await runRechecks();
    const after = await rows();
    for (const [i, r] of after.entries()) {
      const b = before[i] as (typeof before)[number];
      if (b.fr_status === 'active') {
        expect(r.fr_due_at).toBe((b.fr_due_at as number) + 30 * MIN);
        expect(r.version).toBe(b.version + 1);
        expect(r.due_sort).toBe(r.fr_due_at);
        expect(r.sla_due_at).toBe(r.fr_due_at);
        expect(r.res_due_at).toBe(b.res_due_at);
        // The half-hour rule fired in the sweep above: the next check is the new due time.
        expect(r.next_check_at).toBe(r.fr_due_at);
      } else if (b.fr_status === 'paused') {
        expect(r.fr_remaining_ms).toBe((b.fr_remaining_ms as number) + 30 * MIN);
        expect(r.version).toBe(b.version + 1);
      } else expect(r).toEqual(b);
    }
    const running = after.find((r) => r.fr_status === 'active') as (typeof after)[number];
    const entries = (await call('GET', `/cases/${running.id}/timeline`)).json().data as {
      kind: string;
      data: Record<string, unknown>;
    }[];
    expect(entries.find((e) => e.data.event === 'retargeted')).toMatchObject({
      kind: 'sla',
      data: {
        reason: 'sla_policy',
        targets: [{ target: 'first_response', newDueAt: running.fr_due_at }],
      },
    });
    expect((await rechecks())[0]).toMatchObject({ reason: 'sla_policy', status: 'done', retargeted: 5 });
    // A stale version is now a conflict: the recheck changed the case.
    const stale = await call('PATCH', `/cases/${running.id}`, {
      priority: 'high',
      version: running.version - 1,
    });
    expect(stale.statusCode).toBe(409);
  });

  it('keeps the business time left of running targets when the calendar changes', async () => {
    const before = await rows();
    const changedAt = Date.now();
    const weekly = Object.fromEntries(DAYS.map((d) => [d, [{ start: '09:00', end: '18:00' }]]));
    expect((await call('PUT', '/cases/settings/calendar', { timeZone: 'UTC', weekly })).statusCode).toBe(200);
    await runRechecks();
    const after = await rows();
    const [recheck] = await rechecks();
    expect(recheck).toMatchObject({ reason: 'calendar', status: 'done' });
    const oldCal = compileCalendar({
      timeZone: 'UTC',
      weekly: Object.fromEntries(DAYS.map((d) => [d, ALL_DAY])),
    } as never);
    const newCal = compileCalendar({ timeZone: 'UTC', weekly } as never);
    const requestedAt = Number(
      (
        await h.t.handle.db
          .selectFrom('case_rechecks')
          .select('requested_at')
          .where('workspace_id', '=', ws.id)
          .where('reason', '=', 'calendar')
          .orderBy('requested_at', 'desc')
          .executeTakeFirstOrThrow()
      ).requested_at,
    );
    expect(requestedAt).toBeGreaterThanOrEqual(changedAt);
    for (const [i, r] of after.entries()) {
      const b = before[i] as (typeof before)[number];
      if (b.fr_status !== 'active') {
        expect(r.fr_due_at).toBe(b.fr_due_at);
        continue;
      }
      const expected = (due: number) =>
        newCal.addBusinessMs(requestedAt, oldCal.businessMsBetween(requestedAt, due));
      expect(r.fr_due_at).toBe(expected(b.fr_due_at as number));
      expect(r.res_due_at).toBe(expected(b.res_due_at as number));
      expect(r.due_sort).toBe(r.fr_due_at);
    }
  });

  it('sweeps stale checks set-based: moved to the exact check, versions kept, nothing recorded', async () => {
    const db = h.t.handle.db;
    const now = Date.now();
    const exact = await rows();
    await db
      .updateTable('case_checks')
      .set({ next_check_at: now - 1000 })
      .where('workspace_id', '=', ws.id)
      .execute();
    const entries = async () =>
      Number(
        (
          await db
            .selectFrom('case_entries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('workspace_id', '=', ws.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await entries();
    const result = await sweepWorkspace(db, { events: new EventBus() }, ws.id, now);
    expect(result).toMatchObject({
      examined: exact.filter((r) => r.next_check_at !== null).length,
      breaches: 0,
      escalations: 0,
    });
    expect(await rows()).toEqual(exact);
    expect(await entries()).toBe(before);
  });

  it('resumes after the last committed chunk and ignores other workspaces', async () => {
    const other = await h.workspace('recheck-b');
    const db = h.t.handle.db;
    const ids = (await rows()).filter((r) => r.status !== 'resolved').map((r) => r.id);
    // Knock every stored check off, then a recheck that already committed the first two cases.
    await sql`insert into case_checks (workspace_id, case_id, version, next_check_at)
      select workspace_id, id, version, 1 from cases where workspace_id = ${ws.id} and is_active = 1
      on conflict (workspace_id, case_id) do update set next_check_at = 1`.execute(db);
    await db
      .insertInto('case_rechecks')
      .values({
        workspace_id: ws.id,
        id: 'crk_resume',
        reason: 'escalation_rules',
        details: JSON.stringify({ ruleId: 'esc_x' }),
        status: 'running',
        cursor: ids[1] as string,
        total: ids.length,
        processed: 2,
        retargeted: 0,
        moved: 2,
        error: null,
        requested_at: Date.now(),
        finished_at: null,
      })
      .execute();
    const { recheckJobHandler } = await import('./case.recheck.js');
    await recheckJobHandler(db)({
      id: 'job',
      type: 'cases.recheck',
      payload: {},
      attempt: 1,
      workspaceId: ws.id,
    });
    await recheckJobHandler(db)({
      id: 'job',
      type: 'cases.recheck',
      payload: {},
      attempt: 1,
      workspaceId: other.id,
    });
    const after = await rows();
    expect(after.filter((r) => ids.slice(0, 2).includes(r.id)).map((r) => r.next_check_at)).toEqual([1, 1]);
    for (const r of after.filter((x) => ids.slice(2).includes(x.id) && x.status === 'open'))
      expect(r.next_check_at).not.toBe(1);
    const run = await db
      .selectFrom('case_rechecks')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', 'crk_resume')
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'done' });
    expect(Number(run.processed)).toBe(ids.length);
  });
});
