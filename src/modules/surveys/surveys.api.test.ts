import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';

type Role = keyof TestWorkspace['keys'];

describe('surveys API', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  let seq = 0;

  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    role: Role = 'admin',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys[role]}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const submit = (token: string, payload: unknown, ip = '10.0.0.1') =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${token}/responses`,
      payload: payload as object,
      remoteAddress: ip,
    });
  const track = async (
    userId: string,
    event: string,
    properties: Record<string, unknown> = {},
    timestamp?: string,
  ) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: {
        batch: [
          {
            type: 'track',
            messageId: `m-${++seq}`,
            userId,
            event,
            properties,
            ...(timestamp ? { timestamp } : {}),
          },
        ],
      },
    });
    expect(res.json().rejected).toEqual([]);
  };
  const profileOf = async (userId: string): Promise<string> => {
    const res = await api('GET', `/customers/lookup?type=userId&value=${userId}`);
    expect(res.statusCode).toBe(200);
    return res.json().id as string;
  };
  const linkFor = async (surveyId: string, profileId: string, extra: Record<string, unknown> = {}) => {
    const res = await api('POST', `/surveys/${surveyId}/links`, { profileId, ...extra });
    expect(res.statusCode).toBe(201);
    return res.json() as { token: string; url: string; id: string };
  };

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('voc');
    writeKey = (await api('POST', '/write-keys', { name: 'web' }, 'owner')).json().key;
    await track('u-1', 'Signed Up');
    await track('u-2', 'Signed Up');
    await track('u-3', 'Signed Up');
    await track('u-4', 'Signed Up');
  });
  afterAll(() => h.close());

  it('lists bilingual templates, including SERVQUAL with 22 items in 5 dimensions', async () => {
    const res = await api('GET', '/surveys/templates', undefined, 'viewer');
    expect(res.statusCode).toBe(200);
    const templates = res.json().data as {
      key: string;
      name: Record<string, string>;
      definition: { questions: { type: string; dimension?: string }[] };
    }[];
    expect(templates.map((t) => t.key)).toEqual([
      'nps-relationship',
      'csat-touchpoint',
      'ces',
      'servqual',
      'acsi',
      'key-account-index',
    ]);
    for (const t of templates) expect(Object.keys(t.name).sort()).toEqual(['en', 'zh-CN']);
    const sq = templates.find((t) => t.key === 'servqual');
    const items = sq?.definition.questions.filter((q) => q.type === 'expectation_perception') ?? [];
    expect(items).toHaveLength(22);
    const counts: Record<string, number> = {};
    for (const q of items) counts[q.dimension as string] = (counts[q.dimension as string] ?? 0) + 1;
    expect(counts).toEqual({ tangibles: 4, reliability: 5, responsiveness: 4, assurance: 4, empathy: 5 });
  });

  it('creates every template as a valid survey, and refuses roles without surveys.manage', async () => {
    for (const template of ['ces', 'servqual', 'acsi', 'key-account-index']) {
      const res = await api('POST', '/surveys', { template, key: `t-${template}` });
      expect(res.statusCode, res.body).toBe(201);
    }
    expect((await api('POST', '/surveys', { template: 'ces', key: 'by-agent' }, 'agent')).statusCode).toBe(
      403,
    );
    const dup = await api('POST', '/surveys', { template: 'ces', key: 't-ces' });
    expect(dup.json().error.code).toBe('SURVEY_KEY_TAKEN');
    const unknown = await api('POST', '/surveys', { template: 'nope' });
    expect(unknown.json().error.code).toBe('SURVEY_TEMPLATE_NOT_FOUND');
  });

  it('validates branching on save: unknown question ids, backward jumps, self-jumps, forward references', async () => {
    const q = (id: string) => ({ id, type: 'nps', text: { 'zh-CN': `问题 ${id}`, en: `Question ${id}` } });
    const body = (logic: unknown[]) => ({
      key: `logic-${++seq}`,
      name: { 'zh-CN': '逻辑', en: 'Logic' },
      definition: { questions: [q('a'), q('b'), q('c')], hiddenFields: ['caseId'], logic },
    });
    const cases: [unknown, string][] = [
      [
        { from: 'zz', when: { type: 'answer', question: 'a', op: 'lte', value: 6 }, then: { type: 'end' } },
        'UNKNOWN_QUESTION',
      ],
      [
        {
          from: 'b',
          when: { type: 'answer', question: 'a', op: 'lte', value: 6 },
          then: { type: 'jump', to: 'a' },
        },
        'BACKWARD_JUMP',
      ],
      [
        {
          from: 'b',
          when: { type: 'answer', question: 'a', op: 'lte', value: 6 },
          then: { type: 'jump', to: 'b' },
        },
        'LOGIC_CYCLE',
      ],
      [
        { from: 'a', when: { type: 'answer', question: 'c', op: 'lte', value: 6 }, then: { type: 'end' } },
        'FORWARD_REFERENCE',
      ],
      [
        { from: 'a', when: { type: 'hidden', field: 'orderId', op: 'answered' }, then: { type: 'end' } },
        'UNKNOWN_HIDDEN_FIELD',
      ],
      [
        {
          from: 'a',
          when: { type: 'answer', question: 'a', op: 'contains', value: 'x' },
          then: { type: 'end' },
        },
        'INVALID_OPERATOR',
      ],
      [
        {
          from: 'a',
          when: { type: 'answer', question: 'a', op: 'lte', value: 6 },
          then: { type: 'jump', to: 'nope' },
        },
        'UNKNOWN_QUESTION',
      ],
    ];
    for (const [rule, code] of cases) {
      const res = await api('POST', '/surveys', body([rule]));
      expect(res.statusCode, JSON.stringify(rule)).toBe(400);
      expect(res.json().error.code).toBe('SURVEY_DEFINITION_INVALID');
      expect(res.json().error.details.problems.map((p: { code: string }) => p.code)).toContain(code);
    }
    const ok = await api(
      'POST',
      '/surveys',
      body([
        {
          from: 'a',
          when: { type: 'answer', question: 'a', op: 'gte', value: 9 },
          then: { type: 'jump', to: 'c' },
        },
      ]),
    );
    expect(ok.statusCode).toBe(201);
    const missing = await api('POST', '/surveys', {
      key: 'no-en',
      name: { 'zh-CN': '缺英文', en: 'Missing' },
      definition: { questions: [{ id: 'a', type: 'csat', text: { 'zh-CN': '满意吗' } }] },
    });
    expect(missing.json().error.details.problems[0]).toMatchObject({
      code: 'MISSING_TRANSLATION',
      path: 'definition.questions[0].text.en',
    });
  });

  describe('a live NPS survey', () => {
    let surveyId: string;
    let publicToken: string;
    beforeAll(async () => {
      const created = await api('POST', '/surveys', { template: 'nps-relationship', channel: 'email' });
      expect(created.statusCode).toBe(201);
      surveyId = created.json().id;
      publicToken = (created.json().publicUrl as string).split('/s/')[1] as string;
      const live = await api('POST', `/surveys/${surveyId}/publish`);
      expect(live.json().status).toBe('live');
    });

    it('serves an accessible, escaped, bilingual page', async () => {
      const zh = await h.app.inject({
        method: 'GET',
        url: `/s/${publicToken}`,
        headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
      });
      expect(zh.statusCode).toBe(200);
      expect(zh.headers['content-type']).toContain('text/html');
      expect(zh.body).toContain('<html lang="zh-CN">');
      expect(zh.body).toContain('您有多大可能向朋友或同事推荐我们？');
      expect(zh.body).toMatch(/<fieldset id="q-nps"[^>]*><legend id="q-nps-legend">/);
      const en = await h.app.inject({ method: 'GET', url: `/s/${publicToken}?lang=en` });
      expect(en.body).toContain('How likely are you to recommend us');
      const xss = await h.app.inject({
        method: 'GET',
        url: `/s/${publicToken}?lang=en&source=%3Cscript%3Ealert(1)%3C/script%3E`,
      });
      expect(xss.body).not.toContain('<script>alert(1)');
      const bad = await h.app.inject({ method: 'GET', url: `/s/${publicToken}x` });
      expect(bad.statusCode).toBe(404);
      expect(bad.body).toContain('问卷链接无效或已过期');
    });

    it('rejects bad answers with one 400 listing each question', async () => {
      const res = await submit(publicToken, {
        answers: { nps: 11, reason: 5, improve: ['nope'], ghost: 1 },
        complete: true,
      });
      expect(res.statusCode).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('SURVEY_RESPONSE_INVALID');
      const byQ = Object.fromEntries(
        err.details.questions.map((p: { questionId: string; code: string }) => [p.questionId, p.code]),
      );
      expect(byQ).toEqual({
        nps: 'OUT_OF_RANGE',
        reason: 'WRONG_TYPE',
        improve: 'UNKNOWN_OPTION',
        ghost: 'UNKNOWN_QUESTION',
      });
      const required = await submit(publicToken, { answers: { reason: 'hm' }, complete: true });
      expect(required.json().error.details.questions).toEqual([
        { questionId: 'nps', code: 'REQUIRED', message: 'is required' },
      ]);
      const long = await submit(publicToken, { answers: { reason: 'x'.repeat(2001) } });
      expect(long.json().error.details.questions[0].code).toBe('TOO_LONG');
      const wrong = await submit(publicToken, { answers: { nps: '9' } });
      expect(wrong.json().error.details.questions[0].code).toBe('WRONG_TYPE');
    });

    it('saves partial answers, then completes the same response (no duplicate), storing script as text', async () => {
      const first = await submit(publicToken, { answers: { nps: 3 } });
      expect(first.statusCode).toBe(201);
      expect(first.json().status).toBe('partial');
      const script = '<script>alert("x")</script> 网络太差了，经常断线，非常失望';
      const second = await submit(publicToken, {
        answers: { reason: script },
        complete: true,
        responseToken: first.json().responseToken,
      });
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json()).toMatchObject({
        responseId: first.json().responseId,
        status: 'completed',
        created: false,
      });
      const listed = async () =>
        (await api('GET', `/surveys/${surveyId}/responses`))
          .json()
          .data.filter((r: { id: string }) => r.id === first.json().responseId);
      const rows = await listed();
      expect(rows).toHaveLength(1);
      expect(rows[0].answers).toEqual({ nps: 3, reason: script });
      // The comment is analysed and the closed-loop rule applied after the commit, by the post-commit job.
      expect(rows[0].flags).toBeNull();
      await h.runJobs();
      expect((await listed())[0].flags).toEqual(
        expect.arrayContaining(['nps_detractor', 'negative_comment']),
      );
      const forged = await submit(publicToken, {
        answers: { nps: 3 },
        responseToken: `${first.json().responseId}.AAAA`,
      });
      expect(forged.json().error.code).toBe('SURVEY_RESPONSE_TOKEN_INVALID');
    });

    it('links a personal response to the customer: timeline event, closed-loop event with hidden fields', async () => {
      const profileId = await profileOf('u-1');
      const link = await linkFor(surveyId, profileId, {
        hidden: { source: 'email-campaign' },
        singleUse: true,
      });
      const res = await submit(link.token, {
        answers: { nps: 2, reason: '客服态度很差，问题一直没有解决' },
        complete: true,
        language: 'zh-CN',
      });
      expect(res.statusCode, res.body).toBe(201);
      const again = await submit(link.token, { answers: { nps: 10 }, complete: true });
      expect(again.json().error.code).toBe('SURVEY_LINK_USED');
      const page = await h.app.inject({ method: 'GET', url: `/s/${link.token}` });
      expect(page.statusCode).toBe(409);
      await h.runJobs();

      const timeline = await api('GET', `/customers/${profileId}/timeline`);
      const ev = timeline.json().data.find((e: { name: string }) => e.name === 'Survey Responded');
      expect(ev).toBeDefined();
      expect(ev.properties).toMatchObject({
        surveyId,
        responseId: res.json().responseId,
        metric: 'nps',
        score: 2,
      });

      // The 360° profile lists the response with its score, flags and analysed comment.
      const answers = (await api('GET', `/customers/${profileId}/survey-responses`)).json().data;
      expect(answers[0]).toMatchObject({
        responseId: res.json().responseId,
        surveyId,
        status: 'completed',
        metric: 'nps',
        score: 2,
        flags: expect.arrayContaining(['nps_detractor']),
        comment: { text: '客服态度很差，问题一直没有解决', sentiment: 'negative' },
      });
      expect((await api('GET', '/customers/cus_unknown/survey-responses')).json()).toEqual({ data: [] });

      const loop = await api('GET', '/surveys/closed-loop-events');
      const flagged = loop
        .json()
        .data.find(
          (e: { payload: { responseId: string } }) => e.payload.responseId === res.json().responseId,
        );
      expect(flagged.type).toBe('survey.response.flagged');
      expect(flagged.payload).toEqual({
        surveyId,
        responseId: res.json().responseId,
        profileId,
        touchpointKey: null,
        channel: 'email',
        reasons: expect.arrayContaining(['nps_detractor']),
        score: 2,
        metric: 'nps',
        comment: '客服态度很差，问题一直没有解决',
        language: 'zh-CN',
        hidden: { source: 'email-campaign' },
      });
    });

    it('a personal link continues its own partial response', async () => {
      const profileId = await profileOf('u-3');
      const link = await linkFor(surveyId, profileId, { singleUse: false });
      const first = await submit(link.token, { answers: { nps: 9 } }, '10.4.0.1');
      expect(first.json()).toMatchObject({ status: 'partial', created: true });
      const second = await submit(link.token, { answers: { reason: 'good' }, complete: true }, '10.4.0.2');
      expect(second.json()).toMatchObject({
        responseId: first.json().responseId,
        status: 'completed',
        created: false,
      });
      const third = await submit(link.token, { answers: { nps: 10 }, complete: true }, '10.4.0.3');
      expect(third.json()).toMatchObject({ responseId: first.json().responseId, created: false });
      const rows = (await api('GET', `/surveys/${surveyId}/responses?limit=200`))
        .json()
        .data.filter((r: { profileId: string }) => r.profileId === profileId);
      expect(rows).toHaveLength(1);
      expect(rows[0].answers).toEqual({ nps: 10, reason: 'good' });
    });

    it('summarises NPS from the rollups, with SE and CI', async () => {
      for (const [i, score] of [10, 9, 9, 8, 7, 6, 10].entries())
        expect(
          (await submit(publicToken, { answers: { nps: score }, complete: true }, `10.1.0.${i}`)).statusCode,
        ).toBe(201);
      const res = await api('GET', `/surveys/${surveyId}/analytics/summary`, undefined, 'viewer');
      expect(res.statusCode, res.body).toBe(200);
      const nps = res.json().questions.find((q: { questionId: string }) => q.questionId === 'nps');
      // 3 (partial→completed), 2 (personal), then 10 9 9 8 7 6 10: 4 promoters, 2 passives, 3 detractors.
      expect(nps.nps).toMatchObject({ n: 10, promoters: 5, passives: 2, detractors: 3 });
      expect(nps.nps.score).toBeCloseTo(((5 - 3) / 10) * 100, 6);
      expect(nps.nps.standardError).toBeGreaterThan(0);
      expect(res.json().responses.completed).toBe(10);
      const trend = await api('GET', `/surveys/${surveyId}/analytics/trend?granularity=day`);
      expect(trend.statusCode, trend.body).toBe(200);
      expect(trend.json().points.reduce((s: number, p: { n: number }) => s + p.n, 0)).toBe(10);
      const by = await api('GET', `/surveys/${surveyId}/analytics/breakdown?by=channel`);
      expect(by.json().groups).toEqual([expect.objectContaining({ key: 'email', n: 10 })]);
      const hidden = await api('GET', `/surveys/${surveyId}/analytics/breakdown?by=hidden:source`);
      expect(hidden.json().groups.map((g: { key: string | null; n: number }) => [g.key, g.n])).toEqual(
        expect.arrayContaining([
          ['email-campaign', 1],
          [null, 9],
        ]),
      );
    });

    it('keeps the version a response answered when a live survey is edited', async () => {
      const current = (await api('GET', `/surveys/${surveyId}`)).json();
      const def = current.definition;
      def.questions[0].text.en = 'Would you recommend us?';
      const res = await api('PATCH', `/surveys/${surveyId}`, { definition: def });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().currentVersion).toBe(2);
      const versions = (await api('GET', `/surveys/${surveyId}/versions`)).json().data;
      expect(versions.map((v: { version: number; frozen: boolean }) => [v.version, v.frozen])).toEqual([
        [2, true],
        [1, true],
      ]);
      const r = await submit(publicToken, { answers: { nps: 9 }, complete: true }, '10.2.0.1');
      const row = (await api('GET', `/surveys/${surveyId}/responses`))
        .json()
        .data.find((x: { id: string }) => x.id === r.json().responseId);
      expect(row.version).toBe(2);
      const old = (await api('GET', `/surveys/${surveyId}/responses?limit=200`))
        .json()
        .data.filter((x: { version: number }) => x.version === 1);
      expect(old.length).toBeGreaterThan(0);
    });

    it('exports CSV and XLSX', async () => {
      const csv = await api('GET', `/surveys/${surveyId}/export?format=csv`, undefined, 'analyst');
      expect(csv.statusCode).toBe(200);
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      expect(lines[0]).toContain('responseId');
      expect(lines.length).toBe(1 + 11);
      expect(csv.body).toContain('"<script>alert(""x"")</script> 网络太差了，经常断线，非常失望"');
      const xlsx = await api('GET', `/surveys/${surveyId}/export?format=xlsx`, undefined, 'analyst');
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
      expect((await api('GET', `/surveys/${surveyId}/export`, undefined, 'marketer')).statusCode).toBe(403);
    });

    it('closes: answers are refused with SURVEY_CLOSED and the page says so', async () => {
      await api('POST', `/surveys/${surveyId}/close`);
      const res = await submit(publicToken, { answers: { nps: 9 }, complete: true }, '10.3.0.1');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('SURVEY_CLOSED');
      const page = await h.app.inject({ method: 'GET', url: `/s/${publicToken}?lang=en` });
      expect(page.statusCode).toBe(410);
      expect((await api('POST', `/surveys/${surveyId}/close`)).json().error.code).toBe(
        'SURVEY_STATE_CONFLICT',
      );
    });
  });

  it('sends an event-triggered survey after the delay, once, respecting the cooldown', async () => {
    const created = await api('POST', '/surveys', {
      template: 'csat-touchpoint',
      key: 'trial-csat',
      distribution: {
        triggers: [{ event: 'Trial Ended', delayMinutes: 60 }],
        widget: { enabled: false, events: [], touchpointKeys: [], traits: [], samplePercent: 100 },
        recontact: { mode: 'until_answered', days: 90 },
      },
    });
    const id = created.json().id;
    await api('POST', `/surveys/${id}/publish`);
    const at = Date.now();
    await track('u-2', 'Trial Ended', {}, new Date(at).toISOString());
    await h.runJobs(() => at + 30 * 60_000);
    expect((await api('GET', `/surveys/${id}/deliveries`)).json().data).toHaveLength(0);
    await h.runJobs(() => at + 61 * 60_000);
    const deliveries = (await api('GET', `/surveys/${id}/deliveries`, undefined, 'agent')).json().data;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      profileId: await profileOf('u-2'),
      reason: 'trigger',
      responded: false,
    });
    // A second trigger within the cooldown asks nobody again.
    await track('u-2', 'Trial Ended', {}, new Date(at + 1000).toISOString());
    await h.runJobs(() => at + 2 * 3600_000);
    expect((await api('GET', `/surveys/${id}/deliveries`)).json().data).toHaveLength(1);
    const token = (deliveries[0].url as string).split('/s/')[1] as string;
    const res = await submit(token, { answers: { csat: 5 }, complete: true });
    expect(res.statusCode).toBe(201);
    const after = (await api('GET', `/surveys/${id}/deliveries`)).json().data;
    expect(after[0].responded).toBe(true);
    const sent = await api('POST', `/surveys/${id}/deliveries/${after[0].id}/sent`, undefined, 'agent');
    expect(sent.json().sentAt).not.toBeNull();
  });

  it('widget: the server decides by targeting, sampling and recontact rules', async () => {
    const created = await api('POST', '/surveys', {
      template: 'ces',
      key: 'widget-ces',
      distribution: {
        triggers: [],
        widget: { enabled: true, events: ['Bill Paid'], touchpointKeys: [], traits: [], samplePercent: 100 },
        recontact: { mode: 'once', days: 90 },
      },
    });
    const id = created.json().id;
    await api('POST', `/surveys/${id}/publish`);
    const check = (body: Record<string, unknown>) =>
      h.app.inject({ method: 'POST', url: '/api/v1/public/widget/check', payload: { writeKey, ...body } });
    expect((await check({ userId: 'u-4', event: 'Page Viewed' })).json()).toMatchObject({
      show: false,
      reason: 'no_survey',
    });
    expect((await check({ userId: 'nobody', event: 'Bill Paid' })).json()).toMatchObject({
      show: false,
      reason: 'unknown_customer',
    });
    const yes = (await check({ userId: 'u-4', event: 'Bill Paid' })).json();
    expect(yes).toMatchObject({ show: true, surveyId: id });
    expect((await check({ userId: 'u-4', event: 'Bill Paid' })).json()).toMatchObject({
      show: false,
      reason: 'asked_before',
    });
    const page = await h.app.inject({ method: 'GET', url: `/s/${yes.token}?embed=1` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain('frame-ancestors *');
    const js = await h.app.inject({ method: 'GET', url: '/widget.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('touchpointSurveys');
  });

  it('targets the widget and breaks scores down by segment', async () => {
    for (const [userId, tier] of [
      ['seg-gold-1', 'gold'],
      ['seg-gold-2', 'gold'],
      ['seg-silver', 'silver'],
    ])
      await h.app.inject({
        method: 'POST',
        url: '/v1/identify',
        headers: { 'x-write-key': writeKey },
        payload: { userId, traits: { tier }, messageId: `seg-${userId}` },
      });
    const segment = await api(
      'POST',
      '/segments',
      {
        key: 'gold_tier',
        name: { 'zh-CN': '金卡', en: 'Gold tier' },
        condition: { type: 'trait', trait: 'tier', op: 'eq', value: 'gold' },
      },
      'marketer',
    );
    expect(segment.statusCode, segment.body).toBe(201);
    await h.runJobs();
    const widget = (segments: string[]) => ({
      triggers: [],
      widget: {
        enabled: true,
        events: ['Plan Viewed'],
        touchpointKeys: [],
        traits: [],
        segments,
        samplePercent: 100,
      },
      recontact: { mode: 'once', days: 90 },
    });
    const unknown = await api('POST', '/surveys', {
      template: 'csat-touchpoint',
      key: 'seg-csat',
      distribution: widget(['nope']),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'SEGMENT_NOT_FOUND', details: { keys: ['nope'] } });
    const created = await api('POST', '/surveys', {
      template: 'csat-touchpoint',
      key: 'seg-csat',
      distribution: widget(['gold_tier']),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await api('POST', `/surveys/${id}/publish`);
    const check = (userId: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/public/widget/check',
        payload: { writeKey, userId, event: 'Plan Viewed' },
      });
    expect((await check('seg-silver')).json()).toMatchObject({ show: false, reason: 'not_targeted' });
    expect((await check('seg-gold-1')).json()).toMatchObject({ show: true, surveyId: id });

    const questionId = (await api('GET', `/surveys/${id}`)).json().definition.questions[0].id as string;
    for (const [userId, score] of [
      ['seg-gold-1', 5],
      ['seg-gold-2', 3],
      ['seg-silver', 1],
    ] as const) {
      const link = await linkFor(id, await profileOf(userId));
      const res = await submit(link.token, { answers: { [questionId]: score }, complete: true }, '10.9.0.1');
      expect(res.statusCode, res.body).toBe(201);
    }
    const by = await api(
      'GET',
      `/surveys/${id}/analytics/breakdown?questionId=${questionId}&by=segment:gold_tier`,
    );
    expect(by.statusCode, by.body).toBe(200);
    expect(by.json()).toMatchObject({ overlapping: true });
    const groups = by.json().groups as {
      key: string | null;
      n: number;
      label: unknown;
      csat?: { mean: number };
    }[];
    expect(groups.map((g) => [g.key, g.n])).toEqual([
      ['gold_tier', 2],
      [null, 1],
    ]);
    expect(groups[0]?.label).toEqual({ 'zh-CN': '金卡', en: 'Gold tier' });
    const all = await api('GET', `/surveys/${id}/analytics/breakdown?questionId=${questionId}&by=segment`);
    expect(all.json().groups.map((g: { key: string | null }) => g.key)).toEqual(['gold_tier', null]);
    const bad = await api('GET', `/surveys/${id}/analytics/breakdown?by=segment:Gold`);
    expect(bad.statusCode).toBe(400);
  });

  it("a personal link's page speaks the customer's language", async () => {
    await h.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { 'x-write-key': writeKey },
      payload: { userId: 'u-en', traits: { language: 'en' }, messageId: 'lang-1' },
    });
    const created = await api('POST', '/surveys', { template: 'ces', key: 'lang-ces' });
    await api('POST', `/surveys/${created.json().id}/publish`);
    const link = await linkFor(created.json().id, await profileOf('u-en'));
    const page = await h.app.inject({
      method: 'GET',
      url: `/s/${link.token}`,
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(page.body).toContain('<html lang="en">');
    const forced = await h.app.inject({ method: 'GET', url: `/s/${link.token}?lang=zh-CN` });
    expect(forced.body).toContain('<html lang="zh-CN">');
  });

  it('settings: cooldown and closed-loop rule, follow-up survey must exist', async () => {
    const s = (await api('GET', '/surveys/settings')).json();
    expect(s.cooldownDays).toBe(14);
    const bad = await api('PUT', '/surveys/settings', { ...s, caseFollowUpSurveyId: 'srv_nope' });
    expect(bad.json().error.code).toBe('SURVEY_NOT_FOUND');
    const ok = await api('PUT', '/surveys/settings', { ...s, cooldownDays: 30 });
    expect(ok.json().cooldownDays).toBe(30);

    // The CX overview's targets: defaults, set, then kept by a PUT that leaves them out.
    expect(s.targets).toEqual({ nps: 30, csatTop2: 80, cesTop2: 70 });
    const targets = { nps: 45, csatTop2: 85, cesTop2: 75 };
    expect((await api('PUT', '/surveys/settings', { ...s, targets })).json().targets).toEqual(targets);
    const { targets: _omitted, ...rules } = s;
    expect((await api('PUT', '/surveys/settings', { ...rules, cooldownDays: 7 })).json()).toMatchObject({
      cooldownDays: 7,
      targets,
    });
    const outOfRange = await api('PUT', '/surveys/settings', { ...s, targets: { ...targets, nps: 150 } });
    expect(outOfRange.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('group commit: concurrent submissions of the same respondents give one response each, rollups consistent', async () => {
    const created = await api('POST', '/surveys', { template: 'csat-touchpoint', key: 'concurrent' });
    const id = created.json().id;
    await api('POST', `/surveys/${id}/publish`);
    const token = (created.json().publicUrl as string).split('/s/')[1] as string;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        submit(
          token,
          { answers: { csat: (i % 5) + 1 }, complete: true, respondentId: `respondent-${i % 12}` },
          `10.7.${i}.1`,
        ),
      ),
    );
    for (const r of results) expect([200, 201]).toContain(r.statusCode);
    const rows = (await api('GET', `/surveys/${id}/responses?limit=200`)).json().data as {
      answers: { csat: number };
    }[];
    expect(rows).toHaveLength(12);
    const summary = (await api('GET', `/surveys/${id}/analytics/summary`)).json();
    const q = summary.questions[0];
    expect(q.n).toBe(12);
    expect(q.rating.mean).toBeCloseTo(rows.reduce((s, r) => s + r.answers.csat, 0) / 12, 9);
    expect(summary.responses.completed).toBe(12);
  });
});
