import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createTestApp,
  actor,
  type TestApp,
  type TestWorkspace,
} from '../../../test/support/app.js';
import { createWriteKey } from '../workspaces/index.js';

describe('cases API', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let agentA: string;
  let agentB: string;
  let foreignAgent: string;

  const as = (w: TestWorkspace, role: keyof TestWorkspace['keys'] = 'agent') => ({
    authorization: `Bearer ${w.keys[role]}`,
  });
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    w = ws,
    role: keyof TestWorkspace['keys'] = 'admin',
    headers: Record<string, string> = {},
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...as(w, role), ...headers },
      ...(payload !== undefined && { payload: payload as object }),
    });

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('cases-a');
    other = await h.workspace('cases-b');
    const db = h.t.handle.db;
    agentA = (
      await addMember(db, actor, null, ws.id, {
        email: 'a1@cases.test',
        name: 'Agent One 坐席一',
        role: 'agent',
        password: 'correct-horse-battery',
      })
    ).member.user_id;
    agentB = (
      await addMember(db, actor, null, ws.id, {
        email: 'a2@cases.test',
        name: 'Agent Two',
        role: 'agent',
        password: 'correct-horse-battery',
      })
    ).member.user_id;
    foreignAgent = (
      await addMember(db, actor, null, other.id, {
        email: 'x@other.test',
        name: 'Foreign',
        role: 'agent',
        password: 'correct-horse-battery',
      })
    ).member.user_id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('opens a case with a human number, analysis, timeline, and finds it by number', async () => {
    const res = await call('POST', '/cases', {
      description: '本月账单多扣了流量费，客服态度也很差，我要去工信部投诉！',
      channel: 'call_center',
      category: 'billing',
      subcategory: 'overcharge',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.created).toBe(true);
    expect(body.case.number).toMatch(/^C-\d{6}$/);
    expect(body.case.status).toBe('new');
    expect(body.case.analysis.urgent).toBe(true);
    // Urgency (regulator complaint) raised the default priority to the workspace's urgent priority.
    expect(body.case.priority).toBe('high');
    const byNumber = await call('GET', `/cases/${body.case.number}`);
    expect(byNumber.statusCode).toBe(200);
    expect(byNumber.json().id).toBe(body.case.id);
    expect(byNumber.headers.etag).toBe('"1"');
    const timeline = (await call('GET', `/cases/${body.case.id}/timeline`)).json();
    expect(timeline.data.map((e: { kind: string }) => e.kind)).toEqual(['created', 'message']);
  });

  it('rejects unknown categories, foreign agents and unknown teams with clear codes', async () => {
    const unknownCat = await call('POST', '/cases', { description: 'x', channel: 'web', category: 'nope' });
    expect(unknownCat.statusCode).toBe(400);
    expect(unknownCat.json().error.code).toBe('CASE_UNKNOWN_CATEGORY');
    const foreign = await call('POST', '/cases', {
      description: 'x',
      channel: 'web',
      assigneeId: foreignAgent,
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.code).toBe('CASE_ASSIGNEE_NOT_MEMBER');
    const team = await call('POST', '/cases', { description: 'x', channel: 'web', teamId: 'team_nope' });
    expect(team.json().error.code).toBe('CASE_UNKNOWN_TEAM');
    const id = (await call('POST', '/cases', { description: '信号差', channel: 'app' })).json().case.id;
    const assign = await call('POST', `/cases/${id}/assign`, { assigneeId: foreignAgent });
    expect(assign.statusCode).toBe(400);
    expect(assign.json().error.code).toBe('CASE_ASSIGNEE_NOT_MEMBER');
  });

  it('walks the state machine and refuses invalid transitions with 409', async () => {
    const c = (
      await call('POST', '/cases', { description: 'Slow data at home', channel: 'app', language: 'en' })
    ).json().case;
    const bad = await call('POST', `/cases/${c.id}/transition`, { status: 'new' });
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error).toMatchObject({
      code: 'CASE_INVALID_TRANSITION',
      details: { from: 'new', to: 'new' },
    });
    const noResolution = await call('POST', `/cases/${c.id}/transition`, { status: 'resolved' });
    expect(noResolution.json().error.code).toBe('CASE_RESOLUTION_REQUIRED');
    const reply = await call('POST', `/cases/${c.id}/messages`, { body: 'We are on it.' }, ws, 'agent');
    expect(reply.statusCode).toBe(201);
    expect(reply.json().case.status).toBe('open');
    const pending = await call(
      'POST',
      `/cases/${c.id}/transition`,
      { status: 'pending_customer' },
      ws,
      'agent',
    );
    expect(pending.json().status).toBe('pending_customer');
    const inbound = await call(
      'POST',
      `/cases/${c.id}/messages`,
      { body: 'Still slow.', direction: 'inbound' },
      ws,
      'agent',
    );
    expect(inbound.json().case.status).toBe('open');
    const resolved = await call(
      'POST',
      `/cases/${c.id}/resolve`,
      {
        resolution: {
          code: 'fixed',
          rootCause: 'Cell congestion',
          steps: ['listen', 'apologise', 'solve_on_the_spot'],
        },
      },
      ws,
      'agent',
    );
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: { code: 'fixed' } });
    const closed = await call('POST', `/cases/${c.id}/transition`, { status: 'closed' }, ws, 'agent');
    expect(closed.json().status).toBe('closed');
    const pendingFromClosed = await call('POST', `/cases/${c.id}/transition`, { status: 'pending_customer' });
    expect(pendingFromClosed.statusCode).toBe(409);
    const message = await call('POST', `/cases/${c.id}/messages`, { body: 'hello' });
    expect(message.json().error.code).toBe('CASE_CLOSED');
    const reopened = await call(
      'POST',
      `/cases/${c.id}/reopen`,
      { comment: 'customer called back' },
      ws,
      'agent',
    );
    expect(reopened.json()).toMatchObject({ status: 'open', reopenCount: 1, resolvedAt: null });
    // case.resolved was published with the agreed payload.
    const events = await h.t.handle.db
      .selectFrom('domain_events')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('type', '=', 'case.resolved')
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload)).toMatchObject({
      caseId: c.id,
      profileId: null,
      category: c.category,
      language: 'en',
    });
  });

  it('uses optimistic concurrency: a stale version gets 409 CASE_VERSION_CONFLICT and changes are not lost', async () => {
    const c = (await call('POST', '/cases', { description: '宽带断网', channel: 'call_center' })).json().case;
    const first = await call('PATCH', `/cases/${c.id}`, { priority: 'urgent', version: c.version });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(c.version + 1);
    const stale = await call('PATCH', `/cases/${c.id}`, { tags: ['vip'] }, ws, 'admin', {
      'if-match': `"${c.version}"`,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CASE_VERSION_CONFLICT');
    // Concurrent writers without a version: every change lands.
    await Promise.all([
      call('PATCH', `/cases/${c.id}`, { tags: ['a'] }),
      call('POST', `/cases/${c.id}/notes`, { body: '内部备注' }),
      call('PATCH', `/cases/${c.id}`, { subject: '新标题' }),
    ]);
    const now = (await call('GET', `/cases/${c.id}`)).json();
    expect(now).toMatchObject({ priority: 'urgent', tags: ['a'], subject: '新标题' });
    const mismatch = await call('PATCH', `/cases/${c.id}`, { priority: 'low', version: 1 }, ws, 'admin', {
      'if-match': '2',
    });
    expect(mismatch.statusCode).toBe(400);
  });

  it('routes by rules to a team, round-robins within capacity and queues when everyone is full', async () => {
    const team = await call('POST', '/cases/teams', {
      name: { 'zh-CN': '网络组', en: 'Network team' },
      members: [
        { userId: agentA, capacity: 1 },
        { userId: agentB, capacity: 1 },
      ],
    });
    expect(team.statusCode).toBe(201);
    const teamId = team.json().id;
    const rule = await call('POST', '/cases/rules/routing', {
      name: 'network → team',
      conditions: [{ type: 'category', values: ['network_quality'] }],
      target: { type: 'team', teamId },
    });
    expect(rule.statusCode).toBe(201);
    const open = async (text: string) =>
      (
        await call('POST', '/cases', { description: text, channel: 'app', category: 'network_quality' })
      ).json().case;
    const c1 = await open('信号差一');
    const c2 = await open('信号差二');
    const c3 = await open('信号差三');
    expect([c1.assigneeId, c2.assigneeId].sort()).toEqual([agentA, agentB].sort());
    expect(c3).toMatchObject({ teamId, assigneeId: null });
    const queue = (await call('GET', `/cases?view=unassigned&teamId=${teamId}`)).json();
    expect(queue.data.map((c: { id: string }) => c.id)).toEqual([c3.id]);
    // Capacity frees when c1 is resolved: the queued case goes to c1's agent.
    await call('POST', `/cases/${c1.id}/resolve`, {
      resolution: { code: 'fixed', rootCause: 'x', steps: ['listen'] },
    });
    const after = (await call('GET', `/cases/${c3.id}`)).json();
    expect(after.assigneeId).toBe(c1.assigneeId);
    const mine = (await call('GET', `/cases?view=mine&assigneeId=${c1.assigneeId}`)).json();
    expect(mine.data.map((c: { id: string }) => c.id)).toEqual([c3.id]);
    // Rules are validated on write.
    const badRule = await call('POST', '/cases/rules/routing', {
      name: 'x',
      conditions: [{ type: 'category', values: ['nope'] }],
      target: { type: 'team', teamId },
    });
    expect(badRule.json().error.code).toBe('CASE_UNKNOWN_CATEGORY');
    const foreignRule = await call('POST', '/cases/rules/routing', {
      name: 'x',
      target: { type: 'agent', userId: foreignAgent },
    });
    expect(foreignRule.json().error.code).toBe('CASE_ASSIGNEE_NOT_MEMBER');
    const foreignTeam = await call('POST', '/cases/teams', {
      name: { 'zh-CN': 'x', en: 'x' },
      members: [{ userId: foreignAgent }],
    });
    expect(foreignTeam.json().error.code).toBe('CASE_ASSIGNEE_NOT_MEMBER');
    const inUse = await call('DELETE', `/cases/teams/${teamId}`);
    expect(inUse.json().error.code).toBe('CASE_TEAM_IN_USE');
    await call('DELETE', `/cases/rules/routing/${rule.json().id}`);
  });

  it('validates calendars and computes business-hours due times', async () => {
    const bad = await call('PUT', '/cases/settings/calendar', {
      timeZone: 'Mars/Olympus',
      weekly: { mon: [{ start: '09:00', end: '18:00' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'CASE_CALENDAR_INVALID', details: { path: 'timeZone' } });
    const overlap = await call('PUT', '/cases/settings/calendar', {
      timeZone: 'Asia/Shanghai',
      weekly: {
        mon: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
      },
    });
    expect(overlap.json().error.code).toBe('CASE_CALENDAR_INVALID');
    const badDate = await call('PUT', '/cases/settings/calendar', {
      timeZone: 'Asia/Shanghai',
      weekly: { mon: [{ start: '09:00', end: '18:00' }] },
      holidays: ['2026-02-30'],
    });
    expect(badDate.json().error.details.path).toBe('holidays.0');
    const ok = await call('PUT', '/cases/settings/calendar', {
      timeZone: 'Asia/Shanghai',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '18:00' }]]),
      ),
      holidays: [
        '2026-10-01',
        '2026-10-02',
        '2026-10-05',
        '2026-10-06',
        '2026-10-07',
        '2026-10-08',
        '2026-10-09',
      ],
      workdays: ['2026-10-10'],
    });
    expect(ok.statusCode).toBe(200);
    // Wednesday 30 Sep 2026 17:00 Shanghai + 2 business hours: 1 h left on Wed, 1–9 Oct are holidays or weekend, Sat 10
    // Oct is a make-up working day → Sat 10:00.
    const due = await call(
      'GET',
      `/cases/settings/calendar/due?from=${encodeURIComponent('2026-09-30T09:00:00.000Z')}&minutes=120`,
    );
    expect(due.json().dueAt).toBe('2026-10-10T02:00:00.000Z');
  });

  it('creates a case from a Complaint Filed event through a durable job, idempotently, linking duplicates', async () => {
    const key = (await createWriteKey(h.t.handle.db, actor, ws.id, { name: 'site' })).key;
    const track = (messageId: string, text: string) =>
      h.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { 'x-write-key': key },
        payload: {
          messageId,
          userId: 'u-complainer',
          event: 'Complaint Filed',
          properties: { text, category: 'billing' },
        },
      });
    expect((await track('m-1', '话费多扣了二十元')).statusCode).toBe(200);
    await h.runJobs();
    const list = (await call('GET', '/cases?q=多扣了二十元')).json();
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      source: 'complaint_event',
      category: 'billing',
      touchpointKey: 'complain',
    });
    // A repeat within the window links to the open case; the same message again is dropped by ingestion.
    await track('m-2', '又多扣了二十元，第二次投诉');
    await track('m-1', '话费多扣了二十元');
    await h.runJobs();
    const again = (await call('GET', '/cases?q=多扣了二十元')).json();
    expect(again.data).toHaveLength(1);
    const full = (await call('GET', `/cases/${again.data[0].id}`)).json();
    expect(full.duplicateCount).toBe(1);
    const timeline = (await call('GET', `/cases/${full.id}/timeline`)).json();
    expect(
      timeline.data.some(
        (e: { kind: string; body: string }) => e.kind === 'link' && e.body.includes('第二次'),
      ),
    ).toBe(true);
    // The customer's timeline shows the case.
    const events = await h.t.handle.db
      .selectFrom('events')
      .select('name')
      .where('workspace_id', '=', ws.id)
      .where('name', '=', 'Case Opened')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('keeps workspaces apart and checks permissions', async () => {
    const c = (await call('POST', '/cases', { description: 'secret case', channel: 'web' })).json().case;
    expect((await call('GET', `/cases/${c.id}`, undefined, other, 'owner')).statusCode).toBe(404);
    expect((await call('GET', `/cases/${c.number}`, undefined, other, 'owner')).statusCode).toBe(404);
    expect(
      (await call('POST', '/cases', { description: 'x', channel: 'web' }, ws, 'viewer')).statusCode,
    ).toBe(403);
    expect((await call('GET', '/cases', undefined, ws, 'viewer')).statusCode).toBe(200);
    expect(
      (await call('POST', '/cases/teams', { name: { 'zh-CN': 'x', en: 'x' } }, ws, 'agent')).statusCode,
    ).toBe(403);
  });

  it('reports analytics', async () => {
    const res = await call('GET', '/cases/analytics/summary');
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s.created).toBeGreaterThan(5);
    expect(s.resolved).toBeGreaterThanOrEqual(2);
    expect(s.topRootCauses.map((r: { rootCause: string }) => r.rootCause)).toContain('Cell congestion');
    expect(s.reopenRate).toBeGreaterThan(0);
    const byCategory = (await call('GET', '/cases/analytics/volume?by=category')).json();
    expect(
      byCategory.data.find((r: { key: string }) => r.key === 'network_quality').count,
    ).toBeGreaterThanOrEqual(3);
    const byDay = (await call('GET', '/cases/analytics/volume?by=day')).json();
    expect(byDay.data).toHaveLength(1);
  });
});
