import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';

describe('re-analysis of stored texts', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload && { payload }),
    });

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('reanalysis');
  });
  afterAll(() => h.close());

  it('applies a keyword added later to the case descriptions already stored', async () => {
    const created = await api('POST', '/cases', {
      description: '5G 套餐的流媒体专属流量一直用不了，客服也说不清楚',
      channel: 'call_center',
      language: 'zh',
    });
    expect(created.statusCode, created.body).toBe(201);
    const caseId = created.json().case.id;
    const before = (await api('GET', `/cases/${caseId}`)).json();
    expect(before.analysis.topics).not.toContain('streaming_pack');

    const keyword = await api('POST', '/text/keywords', {
      topic: 'streaming_pack',
      keyword: '流媒体专属流量',
      language: 'zh',
      topicName: { 'zh-CN': '流媒体定向包', en: 'Streaming pack' },
    });
    expect(keyword.statusCode, keyword.body).toBe(201);

    const started = await api('POST', '/text/reanalyses', { sources: ['case_descriptions'] });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ status: 'running', total: 1, processed: 0 });
    expect((await api('POST', '/text/reanalyses', {})).json().error.code).toBe('TEXT_REANALYSIS_RUNNING');
    await h.runJobs();
    const done = (await api('GET', `/text/reanalyses/${started.json().id}`)).json();
    expect(done).toMatchObject({
      status: 'done',
      processed: 1,
      changed: 1,
      progress: 1,
      sources: ['case_descriptions'],
    });
    const after = (await api('GET', `/cases/${caseId}`)).json();
    expect(after.analysis.topics).toContain('streaming_pack');

    expect((await api('POST', '/text/reanalyses', { sources: ['tweets'] })).json().error).toMatchObject({
      code: 'TEXT_SOURCE_UNKNOWN',
      details: { known: ['survey_answers', 'case_descriptions'] },
    });
    expect((await api('GET', '/text/reanalyses/rna_missing')).statusCode).toBe(404);
  });
});
