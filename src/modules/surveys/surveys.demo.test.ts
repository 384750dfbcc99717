import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testConfig, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { createFieldCipher } from '../../platform/crypto/index.js';
import { seedDemoCustomers } from '../profiles/index.js';
import { seedDemoSurveys } from './survey.demo.js';

describe('demo surveys', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  const now = Date.UTC(2026, 10, 22, 4);
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('demo-surveys');
    const profiles = { cipher: createFieldCipher(testConfig.secretKey), phoneRegion: 'CN' };
    await seedDemoCustomers(h.t.handle.db, profiles, ws.id, { customers: 120, now });
    const written = await seedDemoSurveys(h.t.handle.db, ws.id, { now, profiles, responses: 200 });
    expect(written).toBe(200 + 120 + 20 + 30);
  }, 300_000);
  afterAll(() => h.close());

  const api = async (url: string) => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.viewer}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('creates four live surveys with responses over four months, detractors flagged', async () => {
    const surveys = (await api('/surveys')).data as { id: string; key: string; status: string }[];
    expect(surveys.map((s) => s.key).sort()).toEqual([
      'csat-touchpoint',
      'key-account-index',
      'nps-relationship',
      'servqual',
    ]);
    expect(surveys.every((s) => s.status === 'live')).toBe(true);
    const nps = surveys.find((s) => s.key === 'nps-relationship') as { id: string };
    const from = new Date(now - 130 * 86_400_000).toISOString();
    const to = new Date(now + 1).toISOString();
    const summary = await api(`/surveys/${nps.id}/analytics/summary?from=${from}&to=${to}`);
    expect(summary.responses.completed).toBe(200);
    const trend = await api(`/surveys/${nps.id}/analytics/trend?granularity=month&from=${from}&to=${to}`);
    expect(trend.points.filter((p: { n: number }) => p.n > 0).length).toBeGreaterThanOrEqual(4);
    const loop = await api('/surveys/closed-loop-events?limit=200');
    expect(loop.data.length).toBeGreaterThan(10);
    const ka = surveys.find((s) => s.key === 'key-account-index') as { id: string };
    const index = await api(`/surveys/${ka.id}/analytics/index?from=${from}&to=${to}`);
    expect(index.result.index).toBeGreaterThan(30);
    expect(index.result.index).toBeLessThan(90);
    const sq = surveys.find((s) => s.key === 'servqual') as { id: string };
    const gaps = await api(`/surveys/${sq.id}/analytics/servqual?from=${from}&to=${to}`);
    expect(gaps.unweightedScore).toBeLessThan(0);
    const csat = surveys.find((s) => s.key === 'csat-touchpoint') as { id: string };
    const topics = await api(`/surveys/${csat.id}/analytics/negative-topics?from=${from}&to=${to}`);
    expect(topics.negativeComments).toBeGreaterThan(0);
  });
});
