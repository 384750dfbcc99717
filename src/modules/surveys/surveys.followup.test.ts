import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { newId, toJson } from '../../platform/db/index.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { surveyResponsesOfProfile } from './survey.exports.js';
import { ALL_TYPES } from './survey.test-support.js';

describe('case follow-up, the 360° view and the hosted page of every question type', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let profileId: string;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('follow');
    const writeKey = (await api('POST', '/write-keys', { name: 'web' })).json().key;
    await h.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { 'x-write-key': writeKey },
      payload: { userId: 'c-1', event: 'Complaint Filed', messageId: 'm-1' },
    });
    profileId = (await api('GET', '/customers/lookup?type=userId&value=c-1')).json().id;
  });
  afterAll(() => h.close());

  /** What the cases module does when a case is resolved: publish `case.resolved` (here through the outbox tables). */
  const caseResolved = async (caseId: string) => {
    const db = h.t.handle.db;
    const id = newId('evt');
    await db
      .insertInto('domain_events')
      .values({
        workspace_id: ws.id,
        id,
        type: 'case.resolved',
        payload: toJson({
          caseId,
          profileId,
          category: 'billing',
          language: 'zh-CN',
          resolvedAt: Date.now(),
        }),
        occurred_at: Date.now(),
        deliveries: 1,
      })
      .execute();
    await enqueueJob(db, {
      type: 'event:surveys.case-followup',
      workspaceId: ws.id,
      payload: { eventId: id },
    });
    await h.runJobs();
  };

  it('case.resolved invites the customer to the follow-up survey; a low rating flags back with hidden.caseId', async () => {
    const created = await api('POST', '/surveys', {
      template: 'csat-touchpoint',
      key: 'case-csat',
      touchpointKey: 'complain',
    });
    const surveyId = created.json().id;
    await api('POST', `/surveys/${surveyId}/publish`);
    await caseResolved('cas_nothing_configured');
    expect((await api('GET', `/surveys/${surveyId}/deliveries`)).json().data).toHaveLength(0);

    const settings = (await api('GET', '/surveys/settings')).json();
    await api('PUT', '/surveys/settings', { ...settings, caseFollowUpSurveyId: surveyId });
    await caseResolved('cas_1');
    await caseResolved('cas_1'); // at-least-once delivery: still one invitation
    const deliveries = (await api('GET', `/surveys/${surveyId}/deliveries`)).json().data;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ profileId, reason: 'case_followup', cause: 'case:cas_1' });

    const token = (deliveries[0].url as string).split('/s/')[1];
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${token}/responses`,
      payload: { answers: { csat: 1, comment: '问题处理太慢了，等了一个星期' }, complete: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    await h.runJobs();
    const loop = (await api('GET', '/surveys/closed-loop-events')).json().data;
    expect(loop).toHaveLength(1);
    expect(loop[0].payload).toMatchObject({
      surveyId,
      profileId,
      touchpointKey: 'complain',
      reasons: expect.arrayContaining(['low_csat']),
      score: 1,
      metric: 'csat',
      hidden: { caseId: 'cas_1' },
    });

    const mine = await surveyResponsesOfProfile(h.t.handle.db, ws.id, profileId, 10);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      surveyId,
      surveyKey: 'case-csat',
      status: 'completed',
      metric: 'csat',
      score: 1,
      score100: 0,
      touchpointKey: 'complain',
      comment: { text: '问题处理太慢了，等了一个星期', sentiment: 'negative' },
    });
    const topics = (await api('GET', `/surveys/${surveyId}/analytics/negative-topics`)).json();
    expect(topics.negativeComments).toBe(1);
    expect(topics.groups[0].touchpointKey).toBe('complain');
  });

  it('renders every question type with labels, fieldsets and escaped texts', async () => {
    const def = structuredClone(ALL_TYPES) as typeof ALL_TYPES & { intro?: unknown };
    def.intro = { 'zh-CN': '<img src=x onerror=alert(1)>', en: '<b>hi</b>' };
    const created = await api('POST', '/surveys', {
      key: 'every',
      name: { 'zh-CN': '全<部>', en: 'All & <more>' },
      definition: def,
    });
    expect(created.statusCode, created.body).toBe(201);
    await api('POST', `/surveys/${created.json().id}/publish`);
    const token = (created.json().publicUrl as string).split('/s/')[1];
    const page = await h.app.inject({ method: 'GET', url: `/s/${token}?lang=en&caseId=%22%3E%3Cscript%3E` });
    expect(page.statusCode).toBe(200);
    const html = page.body;
    expect(html).toContain('<title>All &amp; &lt;more&gt;</title>');
    expect(html).toContain('&lt;b&gt;hi&lt;/b&gt;');
    expect(html).not.toContain('<b>hi</b>');
    expect(html).not.toContain('"><script>');
    for (const q of def.questions) expect(html).toContain(`<fieldset id="q-${q.id}"`);
    expect(html.match(/type="radio" name="q\.nps"/g)).toHaveLength(11);
    expect(html.match(/type="radio" name="q\.stars"/g)).toHaveLength(4);
    expect(html).toContain('name="q.ep.expectation"');
    expect(html).toContain('<th scope="row" id="q-grid-r1">');
    expect(html).toContain('<script src="/s/assets/survey.js" defer></script>');
    // The hidden field from the query string travels in the page's JSON config, escaped for a script element.
    expect(html).toContain('\\u003cscript\\u003e');
    const js = await h.app.inject({ method: 'GET', url: '/s/assets/survey.js' });
    expect(js.statusCode).toBe(200);
    const json = await h.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}?lang=zh-CN` });
    expect(json.json()).toMatchObject({ language: 'zh-CN', name: '全<部>', status: 'live' });
  });

  it('follows profile merges: responses, links and contact history move to the surviving customer', async () => {
    const writeKey = (await api('POST', '/write-keys', { name: 'merge' })).json().key;
    const send = (payload: Record<string, unknown>) =>
      h.app.inject({ method: 'POST', url: '/v1/track', headers: { 'x-write-key': writeKey }, payload });
    await send({ anonymousId: 'anon-merge-1', event: 'Page Viewed', messageId: 'mm-1' });
    await send({ userId: 'merge-user', event: 'Signed Up', messageId: 'mm-2' });
    const anon = (await api('GET', '/customers/lookup?type=anonymousId&value=anon-merge-1')).json().id;
    const known = (await api('GET', '/customers/lookup?type=userId&value=merge-user')).json().id;
    expect(anon).not.toBe(known);
    const created = await api('POST', '/surveys', { template: 'ces', key: 'merge-ces' });
    const surveyId = created.json().id;
    await api('POST', `/surveys/${surveyId}/publish`);
    const link = (await api('POST', `/surveys/${surveyId}/links`, { profileId: anon })).json();
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${link.token}/responses`,
      payload: { answers: { ces: 6 }, complete: true },
    });
    expect(res.statusCode).toBe(201);
    // The visitor signs in: the anonymous profile merges into the known one.
    await send({ userId: 'merge-user', anonymousId: 'anon-merge-1', event: 'Logged In', messageId: 'mm-3' });
    expect((await api('GET', '/customers/lookup?type=anonymousId&value=anon-merge-1')).json().id).toBe(known);
    const mine = await surveyResponsesOfProfile(h.t.handle.db, ws.id, known, 10);
    expect(mine.map((r) => r.responseId)).toEqual([res.json().responseId]);
    const links = (await api('GET', `/surveys/${surveyId}/links`)).json().data;
    expect(links[0].profileId).toBe(known);
    const contacts = await h.t.handle.db
      .selectFrom('survey_contacts')
      .select(['profile_id', 'answered_at'])
      .where('workspace_id', '=', ws.id)
      .where('survey_id', '=', surveyId)
      .execute();
    expect(contacts).toEqual([{ profile_id: known, answered_at: expect.any(Number) }]);
  });
});
