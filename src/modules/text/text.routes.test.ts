import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { createTextTestApp, type TextTestApp, type TextTestWorkspace } from './text.test-support.js';

describe('text routes', () => {
  let t: TestDatabase;
  let h: TextTestApp;
  let ws: TextTestWorkspace;
  let other: TextTestWorkspace;

  beforeAll(async () => {
    t = await openTestDatabase();
    h = await createTextTestApp(t.handle);
    ws = await h.workspace('text-a');
    other = await h.workspace('text-b');
  });
  afterAll(async () => {
    await h.close();
    await t.close();
  });

  const as = (w: TextTestWorkspace, role: keyof TextTestWorkspace['keys'] = 'analyst') => ({
    authorization: `Bearer ${w.keys[role]}`,
  });
  const post = (url: string, payload: unknown, w = ws, role: keyof TextTestWorkspace['keys'] = 'analyst') =>
    h.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: as(w, role), payload: payload as object });
  const get = (url: string, w = ws, role: keyof TextTestWorkspace['keys'] = 'analyst') =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as(w, role) });
  const del = (url: string, w = ws, role: keyof TextTestWorkspace['keys'] = 'analyst') =>
    h.app.inject({ method: 'DELETE', url: `/api/v1${url}`, headers: as(w, role) });

  it('analyses one text', async () => {
    const res = await post('/text/analyze', { text: '客服态度太差了，我要去工信部投诉' }, ws, 'agent');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      language: 'zh',
      sentiment: { label: 'negative' },
      urgent: true,
      urgencyReasons: ['regulator_complaint'],
      truncated: false,
      corrected: false,
    });
    expect(body.topics[0]).toMatchObject({
      key: 'service_attitude',
      name: { 'zh-CN': '服务态度', en: 'Service attitude' },
    });
  });

  it('analyses a batch of up to 100 texts in order, and forces a language when asked', async () => {
    const res = await post('/text/analyze', { texts: ['很好', 'terrible', '', '😀'], language: 'zh' });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results).toHaveLength(4);
    expect(results.every((r: { language: string }) => r.language === 'zh')).toBe(true);
    expect(results[2].sentiment.label).toBe('neutral');
    const tooMany = await post('/text/analyze', { texts: Array.from({ length: 101 }, () => 'x') });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a body with neither or both of text and texts, or unknown fields', async () => {
    for (const payload of [
      {},
      { text: 'a', texts: ['b'] },
      { text: 'a', extra: 1 },
      { text: 5 },
      { text: 'a', language: 'fr' },
    ]) {
      const res = await post('/text/analyze', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('truncates a 100 KB text with a flag and survives lone surrogates', async () => {
    const big = await post('/text/analyze', { text: '网络太差'.repeat(9000) });
    expect(big.statusCode).toBe(200);
    expect(big.json()).toMatchObject({ truncated: true, sentiment: { label: 'negative' } });
    const lone = await h.app.inject({
      method: 'POST',
      url: '/api/v1/text/analyze',
      headers: { ...as(ws), 'content-type': 'application/json' },
      payload: '{"text":"bad \\ud800 signal \\udfff"}',
    });
    expect(lone.statusCode).toBe(200);
    expect(lone.json().topics[0].key).toBe('network');
  });

  it('needs text.analyze to analyse and text.manage to change vocabulary', async () => {
    expect((await post('/text/analyze', { text: 'hi' }, ws, 'viewer')).statusCode).toBe(403);
    expect((await post('/text/analyze', { text: 'hi' }, ws, 'marketer')).statusCode).toBe(200);
    const agent = await post('/text/keywords', { topic: 'network', keyword: '5G' }, ws, 'agent');
    expect(agent.statusCode).toBe(403);
    expect(agent.json().error).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'text.manage' } });
    expect((await get('/text/corrections', ws, 'agent')).statusCode).toBe(403);
    const anonymous = await h.app.inject({
      method: 'POST',
      url: '/api/v1/text/analyze',
      payload: { text: 'x' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('adds keywords to default and new custom topics, uses them, lists, pages and removes them', async () => {
    const before = (await post('/text/analyze', { text: '国际漫游费用太高' })).json();
    expect(before.topics.map((x: { key: string }) => x.key)).not.toContain('roaming');

    const missingName = await post('/text/keywords', { topic: 'roaming', keyword: '漫游' });
    expect(missingName.statusCode).toBe(400);
    expect(missingName.json().error.details.fields[0].path).toBe('topicName');

    const created = await post('/text/keywords', {
      topic: 'roaming',
      keyword: '漫游',
      topicName: { 'zh-CN': '国际漫游', en: 'Roaming' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ topic: 'roaming', keyword: '漫游', language: 'any' });
    const again = await post('/text/keywords', { topic: 'roaming', keyword: '漫游' });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(created.json().id);

    const onDefault = await post('/text/keywords', { topic: 'network', keyword: 'VoLTE', language: 'en' });
    expect(onDefault.statusCode).toBe(201);
    expect(onDefault.json().keyword).toBe('volte');
    const rename = await post('/text/keywords', {
      topic: 'network',
      keyword: 'x',
      topicName: { 'zh-CN': '网', en: 'Net' },
    });
    expect(rename.statusCode).toBe(400);
    const wildcard = await post('/text/keywords', { topic: 'network', keyword: '*' });
    expect(wildcard.statusCode).toBe(400);

    const after = (await post('/text/analyze', { text: '国际漫游费用太高，VoLTE 也不稳定' })).json();
    expect(after.topics).toEqual(
      expect.arrayContaining([
        { key: 'roaming', name: { 'zh-CN': '国际漫游', en: 'Roaming' }, matched: ['漫游'] },
        expect.objectContaining({ key: 'network', matched: expect.arrayContaining(['volte']) }),
      ]),
    );
    // Another workspace is not affected.
    const elsewhere = (await post('/text/analyze', { text: '国际漫游费用太高' }, other)).json();
    expect(elsewhere.topics.map((x: { key: string }) => x.key)).not.toContain('roaming');

    const topics = (await get('/text/topics')).json().data;
    expect(topics.find((x: { key: string }) => x.key === 'roaming')).toMatchObject({
      custom: true,
      keywords: { zh: ['漫游'], en: ['漫游'] },
    });
    expect(topics.find((x: { key: string }) => x.key === 'network').keywords.en).toContain('volte');

    const page1 = (await get('/text/keywords?limit=1')).json();
    expect(page1.data).toHaveLength(1);
    expect(page1.data[0].keyword).toBe('volte');
    const page2 = (await get(`/text/keywords?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.data[0].keyword).toBe('漫游');
    expect(page2.nextCursor).toBeNull();
    expect((await get('/text/keywords?topic=roaming')).json().data).toHaveLength(1);

    expect((await del(`/text/keywords/${created.json().id}`, other)).statusCode).toBe(404);
    expect((await del(`/text/keywords/${created.json().id}`)).statusCode).toBe(204);
    const gone = await del(`/text/keywords/${created.json().id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('TEXT_KEYWORD_NOT_FOUND');
  });

  it('corrects a text: the correction overrides the model for the same normalised text, and can be removed', async () => {
    const text = '这个套餐还行吧';
    const model = (await post('/text/analyze', { text })).json();
    expect(model.corrected).toBe(false);

    const none = await post('/text/corrections', { text });
    expect(none.statusCode).toBe(400);
    const unknown = await post('/text/corrections', { text, topics: ['no_such_topic'] });
    expect(unknown.statusCode).toBe(400);

    const created = await post('/text/corrections', { text, label: 'negative', topics: ['price'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ text, label: 'negative', topics: ['price'] });

    const corrected = (await post('/text/analyze', { texts: ['  这个套餐还行吧 ', '这个套餐真不错'] })).json()
      .results;
    expect(corrected[0]).toMatchObject({
      corrected: true,
      sentiment: { label: 'negative', score: 0, probabilities: { negative: 1, neutral: 0, positive: 0 } },
      topics: [{ key: 'price', matched: ['套餐'] }],
    });
    expect(corrected[1].corrected).toBe(false);
    // Corrections are per workspace.
    expect((await post('/text/analyze', { text }, other)).json().corrected).toBe(false);

    const updated = await post('/text/corrections', { text: '这个套餐还行吧', label: 'neutral' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id: created.json().id, label: 'neutral', topics: null });
    const now = (await post('/text/analyze', { text })).json();
    expect(now.sentiment.label).toBe('neutral');
    expect(now.topics).toEqual(model.topics);

    const list = (await get('/text/corrections')).json();
    expect(list.data.map((c: { id: string }) => c.id)).toEqual([created.json().id]);
    expect((await get('/text/corrections', other)).json().data).toEqual([]);

    expect((await del(`/text/corrections/${created.json().id}`, other)).statusCode).toBe(404);
    expect((await del(`/text/corrections/${created.json().id}`)).statusCode).toBe(204);
    expect((await post('/text/analyze', { text })).json().corrected).toBe(false);
    const gone = await del(`/text/corrections/${created.json().id}`);
    expect(gone.json().error.code).toBe('TEXT_CORRECTION_NOT_FOUND');
  });

  it('audits every change with the actor and request id, without the corrected text', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/text/corrections',
      headers: { ...as(ws), 'x-request-id': 'req-text-1' },
      payload: { text: '我的手机号13800138000被泄露了', label: 'negative', topics: ['privacy'] },
    });
    expect(res.statusCode).toBe(201);
    const audit = await h.app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=100',
      headers: as(ws, 'owner'),
    });
    const entries = audit.json().data as { action: string; requestId: string; actor: { type: string } }[];
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'text_topic.created',
        'text_keyword.created',
        'text_keyword.deleted',
        'text_correction.created',
        'text_correction.updated',
        'text_correction.deleted',
      ]),
    );
    const latest = entries[0] as (typeof entries)[number];
    expect(latest).toMatchObject({
      action: 'text_correction.created',
      requestId: 'req-text-1',
      actor: { type: 'api_key' },
    });
    expect(JSON.stringify(audit.json())).not.toContain('13800138000');
  });
});
