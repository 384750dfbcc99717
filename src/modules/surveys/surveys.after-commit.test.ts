import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { fromJson } from '../../platform/db/index.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { analyzeForWorkspace } from '../text/index.js';
import { AFTER_RESPONSE_JOB, finishResponses, type AfterResponseRef } from './response.after-commit.js';

/**
 * The post-commit job of completed responses: the open-text analysis, the closed-loop rule that depends on it and
 * the timeline event run after the response is committed (and acknowledged), store the same analysis the
 * synchronous path stored, and are idempotent.
 */
describe('survey responses: post-commit analysis and closed loop', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let surveyId: string;
  let writeKey: string;
  let seq = 0;
  const ANGRY = '网络信号太差了，打电话总是断线，客服也不管，非常失望！';

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const submit = (token: string, payload: unknown) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${token}/responses`,
      payload: payload as object,
    });
  const db = () => h.t.handle.db;
  const customer = async (userId: string): Promise<string> => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: { batch: [{ type: 'track', messageId: `m-${++seq}`, userId, event: 'Signed Up' }] },
    });
    expect(res.json().rejected).toEqual([]);
    const found = await api('GET', `/customers/lookup?type=userId&value=${userId}`);
    expect(found.statusCode).toBe(200);
    return found.json().id as string;
  };
  const personalLink = async (profileId: string) => {
    const res = await api('POST', `/surveys/${surveyId}/links`, { profileId, singleUse: false });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().token as string;
  };
  const texts = (responseId: string) =>
    db()
      .selectFrom('survey_answer_texts')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('response_id', '=', responseId)
      .execute();
  const response = (responseId: string) =>
    db()
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', responseId)
      .executeTakeFirstOrThrow();
  const flaggedEvents = async (responseId: string) =>
    (await api('GET', '/surveys/closed-loop-events?limit=200'))
      .json()
      .data.filter((e: { payload: { responseId: string } }) => e.payload.responseId === responseId);
  const casesOf = async (profileId: string) =>
    (await api('GET', `/cases?profileId=${profileId}`)).json().data as { source: string; tags: string[] }[];

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('after-commit');
    writeKey = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: { authorization: `Bearer ${ws.keys.owner}` },
        payload: { name: 'web' },
      })
    ).json().key;
    surveyId = (await api('POST', '/surveys', { template: 'nps-relationship' })).json().id;
    expect((await api('POST', `/surveys/${surveyId}/publish`)).statusCode).toBe(200);
  });
  afterAll(() => h.close());

  it('acknowledges first, then stores the analysis, flags the detractor and opens the follow-up case', async () => {
    const profileId = await customer('angry-1');
    const token = await personalLink(profileId);
    const res = await submit(token, {
      answers: { nps: 2, reason: ANGRY },
      complete: true,
      language: 'zh-CN',
    });
    expect(res.statusCode, res.body).toBe(201);
    const { responseId } = res.json();

    // Committed and acknowledged: the response, its rollups and the post-commit job are stored; nothing else yet.
    const stored = await response(responseId);
    expect(stored.status).toBe('completed');
    expect(stored.flags).toBeNull();
    expect(await texts(responseId)).toEqual([]);
    expect(await flaggedEvents(responseId)).toEqual([]);
    const jobs = await db()
      .selectFrom('jobs')
      .select(['type', 'payload', 'workspace_id'])
      .where('type', '=', AFTER_RESPONSE_JOB)
      .where('status', '=', 'pending')
      .execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.workspace_id).toBe(ws.id);
    expect(fromJson<{ responses: unknown }>(jobs[0]?.payload ?? '{}').responses).toEqual([
      { id: responseId, u: stored.updated_at, source: 'page' },
    ]);

    await h.runJobs();

    // The stored analysis is the one the text module gives for the comment (as the synchronous path stored it).
    const [expected] = await analyzeForWorkspace(db(), ws.id, [ANGRY]);
    const rows = await texts(responseId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      question_id: 'reason',
      survey_id: surveyId,
      text: ANGRY,
      sentiment: 'negative',
      sentiment_score: expected?.sentiment.score,
      language: expected?.language,
      completed_at: stored.completed_at,
    });
    expect(fromJson(rows[0]?.topics ?? '[]')).toEqual(expected?.topics.map((t) => t.key));
    expect(fromJson((await response(responseId)).flags ?? 'null')).toEqual([
      'nps_detractor',
      'negative_comment',
    ]);
    const events = await flaggedEvents(responseId);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({
      profileId,
      reasons: ['nps_detractor', 'negative_comment'],
      score: 2,
      metric: 'nps',
      comment: ANGRY,
    });
    // The cases module's subscriber opened the follow-up case; the timeline has the response.
    const cases = await casesOf(profileId);
    expect(cases).toHaveLength(1);
    expect(cases[0]?.source).toBe('survey');
    expect(cases[0]?.tags).toEqual(expect.arrayContaining(['nps_detractor', 'negative_comment']));
    const timeline = (await api('GET', `/customers/${profileId}/timeline`)).json().data;
    expect(timeline.filter((e: { name: string }) => e.name === 'Survey Responded')).toHaveLength(1);
    // The negative-topics aggregate sees the comment.
    const topics = (await api('GET', `/surveys/${surveyId}/analytics/negative-topics`)).json();
    expect(topics.negativeComments).toBe(1);
  });

  it('a passive with an angry comment is flagged for the comment alone, once the comment is analysed', async () => {
    const profileId = await customer('angry-2');
    const token = await personalLink(profileId);
    const res = await submit(token, { answers: { nps: 8, reason: ANGRY }, complete: true });
    expect(res.statusCode, res.body).toBe(201);
    expect(await casesOf(profileId)).toEqual([]);
    await h.runJobs();
    const events = await flaggedEvents(res.json().responseId);
    expect(events.map((e: { payload: { reasons: string[] } }) => e.payload.reasons)).toEqual([
      ['negative_comment'],
    ]);
    expect(await casesOf(profileId)).toHaveLength(1);
  });

  it('is idempotent: running the same work again changes nothing and publishes nothing twice', async () => {
    const profileId = await customer('angry-3');
    const token = await personalLink(profileId);
    const res = await submit(token, { answers: { nps: 1, reason: ANGRY }, complete: true });
    const { responseId } = res.json();
    const ref: AfterResponseRef = {
      id: responseId,
      u: (await response(responseId)).updated_at,
      source: 'page',
    };
    await h.runJobs();
    const before = { row: await response(responseId), texts: await texts(responseId) };
    const ctxRun = () => finishResponsesThroughJob(ref);
    // A second run of the same job (at-least-once delivery), and the same ref twice in one run.
    await ctxRun();
    await ctxRun();
    await h.runJobs();
    expect(await response(responseId)).toEqual(before.row);
    expect(await texts(responseId)).toEqual(before.texts);
    expect(await flaggedEvents(responseId)).toHaveLength(1);
    expect(await casesOf(profileId)).toHaveLength(1);
    const timeline = (await api('GET', `/customers/${profileId}/timeline`)).json().data;
    expect(timeline.filter((e: { name: string }) => e.name === 'Survey Responded')).toHaveLength(1);
  });

  it('a correction supersedes the pending work: the new comment is analysed, the flag is not published again', async () => {
    const profileId = await customer('changes-mind');
    const token = await personalLink(profileId);
    const first = await submit(token, { answers: { nps: 3, reason: ANGRY }, complete: true });
    const { responseId, responseToken } = first.json();
    await h.runJobs();
    expect(await flaggedEvents(responseId)).toHaveLength(1);
    const praise = '客服很耐心，很快就帮我解决了问题，非常满意。';
    const again = await submit(token, { answers: { nps: 9, reason: praise }, complete: true, responseToken });
    expect(again.statusCode, again.body).toBe(200);
    // Until the job runs, the old analysis is gone and the new one not there yet.
    expect(await texts(responseId)).toEqual([]);
    await h.runJobs();
    const rows = await texts(responseId);
    expect(rows.map((r) => [r.text, r.sentiment])).toEqual([[praise, 'positive']]);
    expect((await response(responseId)).flags).toBeNull();
    expect(await flaggedEvents(responseId)).toHaveLength(1);

    // Two quick corrections: the work asked for by the first is superseded by the second (same updated_at guard).
    const stale: AfterResponseRef = {
      id: responseId,
      u: (await response(responseId)).updated_at,
      source: 'page',
    };
    await submit(token, { answers: { nps: 2, reason: ANGRY }, complete: true, responseToken });
    const ctx = { db: db() } as Parameters<typeof finishResponses>[0];
    expect(await finishResponses(ctx, ws.id, [stale])).toEqual({ finished: 0, flagged: 0, texts: 0 });
    expect(await texts(responseId)).toEqual([]);
    await h.runJobs();
    expect((await texts(responseId)).map((r) => r.sentiment)).toEqual(['negative']);
    // Flagged again after being cleared: a new closed-loop event (as the synchronous rule did).
    expect(await flaggedEvents(responseId)).toHaveLength(2);
  });

  it('anonymous responses without comments still get their closed-loop event', async () => {
    const publicToken = (await api('GET', `/surveys/${surveyId}`)).json().publicUrl.split('/s/')[1] as string;
    const res = await submit(publicToken, { answers: { nps: 0 }, complete: true });
    expect(res.statusCode, res.body).toBe(201);
    await h.runJobs();
    const events = await flaggedEvents(res.json().responseId);
    expect(events.map((e: { payload: { reasons: string[]; profileId: null } }) => e.payload)).toMatchObject([
      { reasons: ['nps_detractor'], profileId: null, comment: null },
    ]);
  });

  /** Enqueues the post-commit work of one ref again (twice in one payload) and runs it, as a redelivery would. */
  async function finishResponsesThroughJob(ref: AfterResponseRef) {
    await enqueueJob(db(), {
      type: AFTER_RESPONSE_JOB,
      workspaceId: ws.id,
      payload: { responses: [ref, ref] },
    });
    await h.runJobs();
  }

  it('finishResponses on nothing, or on unknown ids, does nothing', async () => {
    const ctx = { db: db() } as Parameters<typeof finishResponses>[0];
    expect(await finishResponses(ctx, ws.id, [])).toEqual({ finished: 0, flagged: 0, texts: 0 });
    expect(await finishResponses(ctx, ws.id, [{ id: 'rsp_nope', u: 1, source: 'page' }])).toEqual({
      finished: 0,
      flagged: 0,
      texts: 0,
    });
  });
});
