import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  actor,
  createTestApp,
  type TestApp,
  type TestWorkspace,
} from '../../../test/support/app.js';
import { newId, toJson } from '../../platform/db/index.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { createWriteKey } from '../workspaces/index.js';

const MIN = 60_000;
const ALL_DAY = [{ start: '00:00', end: '24:00' }];

describe('SLA, escalation and the survey closed loop', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let agent: string;
  let supervisor: string;
  let teamId: string;

  const auth = (role: keyof TestWorkspace['keys'] = 'admin') => ({
    authorization: `Bearer ${ws.keys[role]}`,
  });
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    payload?: unknown,
    role: keyof TestWorkspace['keys'] = 'admin',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: auth(role),
      ...(payload !== undefined && { payload: payload as object }),
    });
  const timeline = async (id: string) =>
    (await call('GET', `/cases/${id}/timeline?limit=200`)).json().data as {
      kind: string;
      data: Record<string, unknown>;
      body: string | null;
    }[];

  /** Publishes a domain event the way the EventBus does (record + one delivery job for the cases subscriber). */
  const publishFlagged = async (payload: Record<string, unknown>, deliveries = 1) => {
    const db = h.t.handle.db;
    const id = newId('evt');
    await db
      .insertInto('domain_events')
      .values({
        workspace_id: ws.id,
        id,
        type: 'survey.response.flagged',
        payload: toJson(payload),
        occurred_at: Date.now(),
        deliveries,
      })
      .execute();
    for (let i = 0; i < deliveries; i++)
      await enqueueJob(db, {
        type: 'event:cases.survey-follow-up',
        workspaceId: ws.id,
        payload: { eventId: id },
      });
  };

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('sla-a');
    const db = h.t.handle.db;
    agent = (
      await addMember(db, actor, null, ws.id, {
        email: 'agent@sla.test',
        name: '坐席',
        role: 'agent',
        password: 'correct-horse-battery',
      })
    ).member.user_id;
    supervisor = (
      await addMember(db, actor, null, ws.id, {
        email: 'boss@sla.test',
        name: 'Boss',
        role: 'admin',
        password: 'correct-horse-battery',
      })
    ).member.user_id;
    // Round-the-clock calendar: business time equals wall time, so expectations are plain arithmetic.
    await call('PUT', '/cases/settings/calendar', {
      timeZone: 'UTC',
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY])),
    });
    teamId = (
      await call('POST', '/cases/teams', {
        name: { 'zh-CN': '一线', en: 'Frontline' },
        supervisorId: supervisor,
        members: [{ userId: agent, capacity: 50 }],
      })
    ).json().id;
    await call('POST', '/cases/rules/routing', { name: 'all', target: { type: 'team', teamId } });
    const sla = await call('POST', '/cases/rules/sla', {
      name: 'standard',
      firstResponseMinutes: 30,
      resolutionMinutes: 120,
    });
    expect(sla.statusCode).toBe(201);
    const soon = await call('POST', '/cases/rules/escalation', {
      name: '首响即将超时',
      trigger: { type: 'sla_due_soon', target: 'first_response', minutes: 10 },
      actions: [{ type: 'notify', recipients: ['assignee'] }],
    });
    expect(soon.statusCode).toBe(201);
    const breach = await call('POST', '/cases/rules/escalation', {
      name: 'Resolution breach',
      conditions: [{ type: 'priority', values: ['low', 'normal', 'high'] }],
      trigger: { type: 'sla_breached', target: 'resolution' },
      actions: [
        { type: 'raise_priority' },
        { type: 'reassign', toSupervisor: true },
        { type: 'notify', recipients: ['supervisor'], emails: ['duty@sla.test'], webhook: true },
      ],
    });
    expect(breach.statusCode).toBe(201);
    const invalid = await call('POST', '/cases/rules/escalation', {
      name: 'x',
      trigger: { type: 'sla_breached', target: 'lunch' },
      actions: [{ type: 'raise_priority' }],
    });
    expect(invalid.json().error).toMatchObject({
      code: 'CASE_RULE_INVALID',
      details: { path: 'trigger.target' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('runs SLA timers on the job runner: warning, first-response breach, resolution breach with escalation', async () => {
    const start = Date.now();
    const c = (
      await call('POST', '/cases', { description: '网络信号差，一直没有解决', channel: 'app' })
    ).json().case;
    expect(c.assigneeId).toBe(agent);
    expect(c.sla.state).toBe('active');
    const due = Date.parse(c.sla.firstResponse.dueAt);
    expect(due - start).toBeGreaterThanOrEqual(30 * MIN - 5000);
    expect(due - start).toBeLessThanOrEqual(30 * MIN + 5000);

    await h.runJobs(() => start + 25 * MIN);
    let entries = await timeline(c.id);
    expect(entries.filter((e) => e.kind === 'escalation').map((e) => e.data.rule)).toEqual(['首响即将超时']);

    await h.runJobs(() => start + 31 * MIN);
    let view = (await call('GET', `/cases/${c.id}`)).json();
    expect(view.sla.firstResponse.status).toBe('breached');
    expect(view.sla.state).toBe('breached');
    entries = await timeline(c.id);
    expect(entries.filter((e) => e.kind === 'sla').map((e) => e.data.target)).toEqual(['first_response']);

    // A late reply keeps the breach; the breach filter finds the case.
    await call('POST', `/cases/${c.id}/messages`, { body: '您好，正在处理' }, 'agent');
    view = (await call('GET', `/cases/${c.id}`)).json();
    expect(view.sla.firstResponse.status).toBe('breached');
    const breached = (await call('GET', '/cases?slaState=breached')).json();
    expect(breached.data.map((x: { id: string }) => x.id)).toContain(c.id);

    await h.runJobs(() => start + 3 * 60 * MIN);
    view = (await call('GET', `/cases/${c.id}`)).json();
    expect(view).toMatchObject({ priority: 'high', assigneeId: supervisor });
    expect(view.sla.resolution.status).toBe('breached');
    entries = await timeline(c.id);
    const actions = entries.filter((e) => e.kind === 'escalation').map((e) => e.data.action);
    expect(actions).toEqual(['notify', 'raise_priority', 'reassign', 'notify']);
    const mails = await h.t.handle.db
      .selectFrom('email_log')
      .select(['to_address', 'status', 'subject'])
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual([
      'agent@sla.test',
      'boss@sla.test',
      'duty@sla.test',
    ]);
    // No SMTP server configured in this app: e-mails are skipped and logged, not lost silently.
    expect(mails.every((m) => m.status === 'skipped')).toBe(true);
    expect(mails.some((m) => m.subject.includes(view.number))).toBe(true);
    const breachEvents = await h.t.handle.db
      .selectFrom('domain_events')
      .select('type')
      .where('workspace_id', '=', ws.id)
      .where('type', '=', 'case.sla.breached')
      .execute();
    expect(breachEvents).toHaveLength(2);
    // Running the timers again changes nothing (each rule fires once).
    await h.runJobs(() => start + 6 * 60 * MIN);
    expect((await timeline(c.id)).filter((e) => e.kind === 'escalation')).toHaveLength(4);
  });

  it('pauses the clocks while pending the customer and resumes with the time that was left', async () => {
    const c = (
      await call('POST', '/cases', { description: 'Bill question', channel: 'web', language: 'en' })
    ).json().case;
    const pending = (
      await call('POST', `/cases/${c.id}/transition`, { status: 'pending_customer' }, 'agent')
    ).json();
    expect(pending.sla).toMatchObject({ state: 'paused', dueAt: null });
    expect(pending.sla.resolution.remainingBusinessMs).toBeGreaterThan(119 * MIN);
    // Time passes while paused: no breach.
    await h.runJobs(() => Date.now() + 5 * 60 * MIN);
    expect((await call('GET', `/cases/${c.id}`)).json().sla.state).toBe('paused');
    const resumed = (
      await call(
        'POST',
        `/cases/${c.id}/messages`,
        { body: 'Here is my bill', direction: 'inbound' },
        'agent',
      )
    ).json().case;
    expect(resumed.status).toBe('open');
    expect(resumed.sla.state).toBe('active');
    const left = Date.parse(resumed.sla.resolution.dueAt) - Date.now();
    expect(left).toBeGreaterThan(118 * MIN);
    expect(left).toBeLessThanOrEqual(120 * MIN);
  });

  it('opens a detractor follow-up case from survey.response.flagged, once per response', async () => {
    const key = (await createWriteKey(h.t.handle.db, actor, ws.id, { name: 'app' })).key;
    await h.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { 'x-write-key': key },
      payload: { userId: 'u-detractor', traits: { vip: true } },
    });
    const profile = await h.t.handle.db
      .selectFrom('profiles')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    const payload = {
      surveyId: 'srv_1',
      responseId: 'rsp_detractor',
      profileId: profile.id,
      touchpointKey: 'use',
      channel: 'sms',
      reasons: ['nps_detractor'],
      score: 2,
      metric: 'nps',
      comment: '网速太慢了，不会推荐给朋友',
      language: 'zh-CN',
      hidden: {},
    };
    await publishFlagged(payload, 2);
    await h.runJobs();
    const cases = (await call('GET', `/cases?profileId=${profile.id}`)).json().data;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      source: 'survey',
      touchpointKey: 'use',
      channel: 'sms',
      category: 'network_quality',
    });
    expect(cases[0].tags).toContain('nps_detractor');
  });

  it('reopens a resolved case on a low follow-up rating, or opens a follow-up task, per settings', async () => {
    const resolution = {
      code: 'fixed',
      rootCause: '基站故障',
      steps: ['listen', 'apologise', 'solve_on_the_spot'],
    };
    const c = (
      await call('POST', '/cases', {
        description: '宽带又断了',
        channel: 'call_center',
        category: 'network_quality',
      })
    ).json().case;
    await call('POST', `/cases/${c.id}/resolve`, { resolution });
    const rating = (responseId: string, caseId: string) => ({
      surveyId: 'srv_csat',
      responseId,
      profileId: null,
      touchpointKey: null,
      channel: 'sms',
      reasons: ['low_csat'],
      score: 1,
      metric: 'csat',
      comment: '根本没修好',
      language: 'zh-CN',
      hidden: { caseId },
    });
    await publishFlagged(rating('rsp_low_1', c.id), 2);
    await h.runJobs();
    let view = (await call('GET', `/cases/${c.id}`)).json();
    expect(view).toMatchObject({ status: 'open', reopenCount: 1, followUp: { score: 1, metric: 'csat' } });

    await call('PATCH', '/cases/settings/general', { lowRatingAction: 'task' });
    await call('POST', `/cases/${c.id}/resolve`, { resolution });
    await publishFlagged(rating('rsp_low_2', c.id));
    await h.runJobs();
    view = (await call('GET', `/cases/${c.id}`)).json();
    expect(view.status).toBe('resolved');
    const all = (await call('GET', '/cases?status=all&q=' + encodeURIComponent('根本没修好'))).json().data;
    const task = all.find((x: { id: string }) => x.id !== c.id);
    expect(task).toBeDefined();
    expect((await call('GET', `/cases/${task.id}`)).json()).toMatchObject({
      parentCaseId: c.id,
      priority: 'high',
      source: 'survey',
    });
    const summary = (await call('GET', '/cases/analytics/summary')).json();
    expect(summary.followUpRatings).toEqual([
      { category: 'network_quality', metric: 'csat', count: 2, average: 1, low: 2 },
    ]);
  });

  it('rejects malformed settings', async () => {
    const res = await call('PATCH', '/cases/settings/general', { duplicateWindowHours: -1 });
    expect(res.statusCode).toBe(400);
    const tax = await call('PUT', '/cases/settings/taxonomy', {
      categories: [{ key: 'billing', name: { 'zh-CN': '计费', en: 'Billing' } }],
    });
    expect(tax.json().error.code).toBe('CASE_TAXONOMY_INVALID');
    const ok = await call('PUT', '/cases/settings/taxonomy', {
      categories: [
        {
          key: 'billing',
          name: { 'zh-CN': '计费', en: 'Billing' },
          subcategories: [{ key: 'refund', name: { 'zh-CN': '退费', en: 'Refund' } }],
        },
        { key: 'other', name: { 'zh-CN': '其他', en: 'Other' } },
      ],
    });
    expect(ok.statusCode).toBe(200);
    expect(
      (await call('POST', '/cases', { description: 'x', channel: 'web', category: 'network_quality' })).json()
        .error.code,
    ).toBe('CASE_UNKNOWN_CATEGORY');
  });
});
