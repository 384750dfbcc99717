import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testConfig, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { createFieldCipher } from '../../platform/crypto/index.js';
import { EventBus } from '../../platform/events/index.js';
import { submitResponse } from './response.service.js';
import type { Answers } from './survey.answers.js';
import { perceptionByTouchpoint } from './survey.exports.js';
import { SurveyTokens } from './survey.tokens.js';
import type { SurveysContext } from './surveys.context.js';

/**
 * A large random data set goes in through the response use case (the same path as the public API); every figure the
 * analytics routes return is then recomputed here from the raw answers with independent code (plain loops, the
 * textbook formulas) and must agree.
 */

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';
const localDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
function npsOf(scores: number[]) {
  const n = scores.length;
  const p = scores.filter((s) => s >= 9).length / n;
  const d = scores.filter((s) => s <= 6).length / n;
  return { n, score: (p - d) * 100, se: Math.sqrt((p + d - (p - d) ** 2) / n) * 100 };
}

/** R² of an OLS fit of y on xs (with intercept), by normal equations and Gauss–Jordan elimination. */
function rSquared(xs: number[][], y: number[]): number {
  const p = (xs[0] as number[]).length + 1;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < y.length; i++) {
    const row = [1, ...(xs[i] as number[])];
    for (let r = 0; r < p; r++) {
      for (let c = 0; c < p; c++)
        (a[r] as number[])[c] = ((a[r] as number[])[c] as number) + (row[r] as number) * (row[c] as number);
      (a[r] as number[])[p] = ((a[r] as number[])[p] as number) + (row[r] as number) * (y[i] as number);
    }
  }
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++)
      if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[pivot] as number[])[c] as number))
        pivot = r;
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    const div = (a[c] as number[])[c] as number;
    for (let k = c; k <= p; k++) (a[c] as number[])[k] = ((a[c] as number[])[k] as number) / div;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = (a[r] as number[])[c] as number;
      for (let k = c; k <= p; k++)
        (a[r] as number[])[k] = ((a[r] as number[])[k] as number) - f * ((a[c] as number[])[k] as number);
    }
  }
  const beta = a.map((r) => r[p] as number);
  const my = mean(y);
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    const row = [1, ...(xs[i] as number[])];
    const fit = row.reduce((s, x, k) => s + x * (beta[k] as number), 0);
    ssr += ((y[i] as number) - fit) ** 2;
    sst += ((y[i] as number) - my) ** 2;
  }
  return 1 - ssr / sst;
}

describe('survey analytics on a large random data set', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let ctx: SurveysContext;
  const rand = prng(7);
  const now = Date.now();
  const CHANNELS = ['app', 'web', 'wechat', 'sms'];
  const TOUCHPOINTS = ['trial', 'use', 'complain'];

  const api = async (url: string) => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.analyst}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const createLive = async (template: string, key: string) => {
    const auth = { authorization: `Bearer ${ws.keys.admin}` };
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/surveys',
      headers: auth,
      payload: { template, key },
    });
    const id = created.json().id as string;
    await h.app.inject({ method: 'POST', url: `/api/v1/surveys/${id}/publish`, headers: auth });
    return id;
  };

  interface Raw {
    at: number;
    channel: string;
    touchpointKey: string;
    answers: Answers;
    durationMs: number;
  }
  const data: Record<string, Raw[]> = { nps: [], csat: [], ka: [], sq: [] };
  const ids: Record<string, string> = {};

  const put = async (name: string, n: number, answersOf: (i: number) => Answers) => {
    for (let i = 0; i < n; i++) {
      const at = now - Math.floor(rand() * 60 * DAY);
      const r: Raw = {
        at,
        channel: CHANNELS[Math.floor(rand() * CHANNELS.length)] as string,
        touchpointKey: TOUCHPOINTS[Math.floor(rand() * TOUCHPOINTS.length)] as string,
        answers: answersOf(i),
        durationMs: 20_000 + Math.floor(rand() * 200_000),
      };
      const res = await submitResponse(
        ctx,
        ctx.tokens.survey(ws.id, ids[name] as string),
        {
          answers: r.answers,
          complete: true,
          channel: r.channel,
          touchpointKey: r.touchpointKey,
          startedAt: at - r.durationMs,
        },
        { source: 'test' },
        at,
      );
      expect(res.status).toBe('completed');
      data[name]?.push(r);
    }
  };

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('stats');
    ctx = {
      db: h.t.handle.db,
      events: new EventBus(),
      profiles: { cipher: createFieldCipher(testConfig.secretKey), phoneRegion: 'CN' },
      tokens: new SurveyTokens(testConfig.secretKey),
      publicUrl: testConfig.publicUrl,
    };
    ids.nps = await createLive('nps-relationship', 'nps');
    ids.csat = await createLive('ces', 'ces');
    ids.ka = await createLive('key-account-index', 'ka');
    ids.sq = await createLive('servqual', 'sq');
    const skewed = (lo: number, hi: number, bias: number) =>
      Math.min(hi, Math.max(lo, Math.round(lo + (hi - lo) * Math.pow(rand(), bias))));
    await put('nps', 2500, () => ({ nps: skewed(0, 10, 0.6) }));
    await put('csat', 1200, () => ({ ces: skewed(1, 7, 0.8) }));
    const kaItems = [
      'product_reliability',
      'product_fit',
      'presale_information',
      'presale_consultation',
      'insale_ordering',
      'insale_activation',
      'aftersale_billing',
      'aftersale_fault',
      'aftersale_repair',
      'am_proactive',
      'am_coordination',
      'am_competence',
    ];
    await put('ka', 900, () => {
      const base = 3 + rand() * 6;
      const a: Answers = {};
      for (const id of kaItems) a[id] = Math.min(10, Math.max(1, Math.round(base + (rand() - 0.5) * 4)));
      a.overall = Math.min(
        10,
        Math.max(1, Math.round(0.5 * (a.product_reliability as number) + 0.5 * base + (rand() - 0.5) * 2)),
      );
      return a;
    });
    await put('sq', 250, () => {
      const a: Answers = {};
      for (let k = 1; k <= 22; k++) {
        const e = 4 + Math.floor(rand() * 4);
        a[`sq${k}`] = {
          expectation: e,
          perception: Math.max(1, Math.min(7, e - Math.floor(rand() * 4) + 1)),
        };
      }
      const t = Math.floor(rand() * 30);
      const r = Math.floor(rand() * 40);
      const s = Math.floor(rand() * (100 - t - r));
      const as = Math.floor(rand() * (100 - t - r - s));
      a.importance = {
        tangibles: t,
        reliability: r,
        responsiveness: s,
        assurance: as,
        empathy: 100 - t - r - s - as,
      };
      return a;
    });
  }, 600_000);
  afterAll(() => h.close());

  it('summary: NPS with SE and CI, CES mean and top-2-box, completed count', async () => {
    const nps = await api(
      `/surveys/${ids.nps}/analytics/summary?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    const scores = (data.nps as Raw[]).map((r) => r.answers.nps as number);
    const want = npsOf(scores);
    const got = nps.questions[0].nps;
    expect(got.n).toBe(want.n);
    expect(got.score).toBeCloseTo(want.score, 9);
    expect(got.standardError).toBeCloseTo(want.se, 9);
    expect(got.ci.lower).toBeCloseTo(Math.max(-100, want.score - 1.959964 * want.se), 3);
    expect(nps.responses.completed).toBe(2500);

    const ces = await api(
      `/surveys/${ids.csat}/analytics/summary?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    const cs = (data.csat as Raw[]).map((r) => r.answers.ces as number);
    const rating = ces.questions[0].rating;
    expect(rating.mean).toBeCloseTo(mean(cs), 9);
    expect(rating.sd).toBeCloseTo(sd(cs), 9);
    expect(rating.topBox.proportion).toBeCloseTo(cs.filter((x) => x >= 6).length / cs.length, 12);
  });

  it('trend per day and breakdowns by channel and touchpoint agree with the raw answers', async () => {
    const from = new Date(now - 90 * DAY).toISOString();
    const trend = await api(
      `/surveys/${ids.nps}/analytics/trend?granularity=day&questionId=nps&from=${from}`,
    );
    const byDay = new Map<string, number[]>();
    for (const r of data.nps as Raw[]) {
      const k = localDay(r.at);
      byDay.set(k, [...(byDay.get(k) ?? []), r.answers.nps as number]);
    }
    let checked = 0;
    for (const p of trend.points as {
      period: string;
      n: number;
      value: number | null;
      standardError: number | null;
    }[]) {
      const scores = byDay.get(p.period);
      if (!scores) {
        expect(p.n).toBe(0);
        continue;
      }
      const want = npsOf(scores);
      expect(p.n).toBe(want.n);
      expect(p.value).toBeCloseTo(want.score, 9);
      checked++;
    }
    expect(checked).toBe(byDay.size);
    const weekly = await api(
      `/surveys/${ids.nps}/analytics/trend?granularity=month&questionId=nps&from=${from}`,
    );
    expect(weekly.points.reduce((s: number, p: { n: number }) => s + p.n, 0)).toBe(2500);
    expect(
      weekly.points
        .slice(1)
        .every((p: { change: unknown }) => p.change === null || typeof p.change === 'object'),
    ).toBe(true);

    for (const by of ['channel', 'touchpoint'] as const) {
      const res = await api(`/surveys/${ids.nps}/analytics/breakdown?by=${by}&questionId=nps&from=${from}`);
      for (const g of res.groups as { key: string; n: number; nps: { score: number } }[]) {
        const scores = (data.nps as Raw[])
          .filter((r) => (by === 'channel' ? r.channel : r.touchpointKey) === g.key)
          .map((r) => r.answers.nps as number);
        expect(g.n).toBe(scores.length);
        expect(g.nps.score).toBeCloseTo(npsOf(scores).score, 9);
      }
    }
    const filtered = await api(
      `/surveys/${ids.nps}/analytics/summary?from=${from}&channel=sms&touchpointKey=trial`,
    );
    const sub = (data.nps as Raw[])
      .filter((r) => r.channel === 'sms' && r.touchpointKey === 'trial')
      .map((r) => r.answers.nps as number);
    expect(filtered.questions[0].nps.score).toBeCloseTo(npsOf(sub).score, 9);
  });

  it('satisfaction index and its components equal the weighted means of the normalised items', async () => {
    const res = await api(
      `/surveys/${ids.ka}/analytics/index?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    const comps: [string, number, string[]][] = [
      ['product', 0.3, ['product_reliability', 'product_fit']],
      ['presale', 0.15, ['presale_information', 'presale_consultation']],
      ['insale', 0.15, ['insale_ordering', 'insale_activation']],
      ['aftersale', 0.2, ['aftersale_billing', 'aftersale_fault', 'aftersale_repair']],
      ['account_manager', 0.2, ['am_proactive', 'am_coordination', 'am_competence']],
    ];
    let index = 0;
    for (const [key, w, items] of comps) {
      const score = mean(
        items.map((id) => ((mean((data.ka as Raw[]).map((r) => r.answers[id] as number)) - 1) / 9) * 100),
      );
      const got = res.result.components.find((c: { key: string }) => c.key === key);
      expect(got.score).toBeCloseTo(score, 9);
      index += w * score;
    }
    expect(res.result.index).toBeCloseTo(index, 9);
  });

  it('driver analysis: relative weights add up to an R² equal to an independent OLS fit', async () => {
    const res = await api(
      `/surveys/${ids.ka}/analytics/drivers?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    const attrs = res.attributes.map((a: { questionId: string }) => a.questionId) as string[];
    const xs = (data.ka as Raw[]).map((r) => attrs.map((id) => r.answers[id] as number));
    const y = (data.ka as Raw[]).map((r) => r.answers.overall as number);
    const r2 = rSquared(xs, y);
    expect(res.n).toBe(900);
    expect(res.rSquared).toBeCloseTo(r2, 8);
    expect(res.weights.reduce((s: number, w: { rawWeight: number }) => s + w.rawWeight, 0)).toBeCloseTo(
      r2,
      8,
    );
    expect(res.significant).toBe(true);
    const top = [...res.weights].sort(
      (a: { rawWeight: number }, b: { rawWeight: number }) => b.rawWeight - a.rawWeight,
    )[0];
    expect(top.name).toBe('product_reliability');
    expect(res.priority.items).toHaveLength(12);
  });

  it('SERVQUAL gaps per item and dimension, unweighted and weighted by the mean allocation', async () => {
    const res = await api(
      `/surveys/${ids.sq}/analytics/servqual?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    expect(res.standard).toBe(true);
    const rows = data.sq as Raw[];
    const gapOf = (k: number) =>
      mean(
        rows.map((r) => {
          const x = r.answers[`sq${k}`] as { expectation: number; perception: number };
          return x.perception - x.expectation;
        }),
      );
    for (let k = 1; k <= 22; k++) expect(res.items[k - 1].gap).toBeCloseTo(gapOf(k), 9);
    const dims: [string, number[]][] = [
      ['tangibles', [1, 2, 3, 4]],
      ['reliability', [5, 6, 7, 8, 9]],
      ['responsiveness', [10, 11, 12, 13]],
      ['assurance', [14, 15, 16, 17]],
      ['empathy', [18, 19, 20, 21, 22]],
    ];
    const dimGap = Object.fromEntries(dims.map(([d, items]) => [d, mean(items.map(gapOf))]));
    for (const d of res.dimensions as { dimension: string; gap: number }[])
      expect(d.gap).toBeCloseTo(dimGap[d.dimension] as number, 9);
    expect(res.unweightedScore).toBeCloseTo(mean(Object.values(dimGap)), 9);
    const w = Object.fromEntries(
      dims.map(([d]) => [
        d,
        mean(rows.map((r) => (r.answers.importance as Record<string, number>)[d] as number)),
      ]),
    );
    const total = Object.values(w).reduce((s, x) => s + x, 0);
    const weighted = dims.reduce((s, [d]) => s + ((w[d] as number) / total) * (dimGap[d] as number), 0);
    expect(res.weightedScore).toBeCloseTo(weighted, 9);
    const byTp = await api(
      `/surveys/${ids.sq}/analytics/expectation-perception?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    for (const t of byTp.touchpoints as { touchpointKey: string; answers: number; gap: number }[]) {
      const sub = rows.filter((r) => r.touchpointKey === t.touchpointKey);
      const es: number[] = [];
      const ps: number[] = [];
      for (const r of sub)
        for (let k = 1; k <= 22; k++) {
          const x = r.answers[`sq${k}`] as { expectation: number; perception: number };
          es.push(x.expectation);
          ps.push(x.perception);
        }
      expect(t.gap).toBeCloseTo(mean(ps) - mean(es), 9);
    }
  });

  it('perceptionByTouchpoint: per touchpoint and local day, the primary scores on 0–100', async () => {
    const rows = await perceptionByTouchpoint(h.t.handle.db, ws.id, {
      from: now - 90 * DAY,
      to: now + 1,
      timeZone: TZ,
    });
    const want = new Map<string, { n: number; sum: number; sumSq: number }>();
    const add = (tp: string, at: number, s: number) => {
      const k = `${tp}|${localDay(at)}`;
      const w = want.get(k) ?? { n: 0, sum: 0, sumSq: 0 };
      w.n++;
      w.sum += s;
      w.sumSq += s * s;
      want.set(k, w);
    };
    for (const r of data.nps as Raw[]) add(r.touchpointKey, r.at, (r.answers.nps as number) * 10);
    for (const r of data.csat as Raw[])
      add(r.touchpointKey, r.at, (((r.answers.ces as number) - 1) / 6) * 100);
    for (const r of data.ka as Raw[]) {
      const comps: [number, string[]][] = [
        [0.3, ['product_reliability', 'product_fit']],
        [0.15, ['presale_information', 'presale_consultation']],
        [0.15, ['insale_ordering', 'insale_activation']],
        [0.2, ['aftersale_billing', 'aftersale_fault', 'aftersale_repair']],
        [0.2, ['am_proactive', 'am_coordination', 'am_competence']],
      ];
      const idx = comps.reduce(
        (s, [w, items]) => s + w * mean(items.map((id) => (((r.answers[id] as number) - 1) / 9) * 100)),
        0,
      );
      add(r.touchpointKey, r.at, idx);
    }
    expect(rows.length).toBe(want.size);
    for (const row of rows) {
      expect(new Date(row.day + 8 * 3600_000).toISOString().slice(11, 19)).toBe('00:00:00');
      const w = want.get(`${row.touchpointKey}|${localDay(row.day)}`);
      expect(w, `${row.touchpointKey} ${row.day}`).toBeDefined();
      expect(row.responses).toBe(w?.n);
      expect(row.scoreSum).toBeCloseTo(w?.sum as number, 6);
      expect(row.scoreSumSq).toBeCloseTo(w?.sumSq as number, 3);
    }
    // Another time zone reads the responses and buckets by that zone's days: the same totals.
    const utc = await perceptionByTouchpoint(h.t.handle.db, ws.id, {
      from: now - 90 * DAY,
      to: now + 1,
      timeZone: 'UTC',
    });
    expect(utc.reduce((s, r) => s + r.responses, 0)).toBe(rows.reduce((s, r) => s + r.responses, 0));
  });

  it('drop-off, response rate and time to complete', async () => {
    const res = await api(
      `/surveys/${ids.nps}/analytics/drop-off?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    expect(res.completed).toBe(2500);
    expect(res.timeToComplete.n).toBe(2500);
    const secs = (data.nps as Raw[]).map((r) => Math.round(r.durationMs / 1000));
    expect(res.timeToComplete.meanSeconds).toBeCloseTo(mean(secs), 9);
    const rate = await api(
      `/surveys/${ids.nps}/analytics/response-rate?from=${new Date(now - 90 * DAY).toISOString()}`,
    );
    expect(rate).toMatchObject({ started: 2500, completed: 2500, completionRate: 1 });
  });
});
