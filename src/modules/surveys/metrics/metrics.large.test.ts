import { describe, expect, it } from 'vitest';
import {
  CSAT_SCALE,
  csatSummary,
  dayKeyToPeriod,
  mergeNpsCounts,
  mergeRatingStats,
  npsFromCounts,
  npsTrend,
  periodKey,
  ratingStatsFromScores,
  npsCountsFromScores,
} from './index.js';

/**
 * Issue #5: "results on a large random data set agree with an independent computation in the test".
 * 300 000 responses over 90 days: daily rollups (as the surveys module keeps them) merged into months must
 * give the figures computed directly from the raw answers, with plain loops and no library code.
 */
describe('large random data set', () => {
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const random = rng(2026);
  const start = Date.parse('2026-08-01T00:00:00+08:00');
  const responses = Array.from({ length: 300_000 }, () => ({
    at: start + Math.floor(random() * 92 * 86_400_000),
    nps: Math.floor(random() * 11),
    csat: random() < 0.05 ? null : 1 + Math.floor(random() ** 0.6 * 5),
  }));

  it('monthly NPS and CSAT from daily rollups equal the direct computation', () => {
    const byDay = new Map<string, { nps: number[]; csat: (number | null)[] }>();
    for (const r of responses) {
      const day = periodKey(r.at, 'day');
      const cell = byDay.get(day) ?? { nps: [], csat: [] };
      cell.nps.push(r.nps);
      cell.csat.push(r.csat);
      byDay.set(day, cell);
    }
    const months = new Map<
      string,
      { nps: ReturnType<typeof npsCountsFromScores>[]; csat: ReturnType<typeof ratingStatsFromScores>[] }
    >();
    for (const [day, cell] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
      const month = dayKeyToPeriod(day, 'month');
      const m = months.get(month) ?? { nps: [], csat: [] };
      m.nps.push(npsCountsFromScores(cell.nps));
      m.csat.push(ratingStatsFromScores(cell.csat, CSAT_SCALE));
      months.set(month, m);
    }
    expect([...months.keys()]).toEqual(['2026-08', '2026-09', '2026-10']);

    const trend = npsTrend([...months].map(([period, m]) => ({ period, ...mergeNpsCounts(m.nps) })));
    for (const point of trend) {
      // Independent: UTC+8 month of each response by arithmetic, then plain counting.
      const raw = responses.filter(
        (r) => new Date(r.at + 8 * 3_600_000).toISOString().slice(0, 7) === point.period,
      );
      const n = raw.length;
      const promoters = raw.filter((r) => r.nps >= 9).length;
      const detractors = raw.filter((r) => r.nps <= 6).length;
      const pP = promoters / n;
      const pD = detractors / n;
      expect(point.n).toBe(n);
      expect(point.value).toBeCloseTo((pP - pD) * 100, 9);
      expect(point.standardError).toBeCloseTo(Math.sqrt((pP + pD - (pP - pD) ** 2) / n) * 100, 9);

      const answered = raw.map((r) => r.csat).filter((c): c is number => c !== null);
      const mean = answered.reduce((a, b) => a + b, 0) / answered.length;
      const variance = answered.reduce((a, b) => a + (b - mean) ** 2, 0) / (answered.length - 1);
      const csat = csatSummary(mergeRatingStats(months.get(point.period)!.csat));
      expect(csat.n).toBe(answered.length);
      expect(csat.mean).toBeCloseTo(mean, 9);
      expect(csat.standardError).toBeCloseTo(Math.sqrt(variance / answered.length), 9);
      expect(csat.topBox!.proportion).toBeCloseTo(
        answered.filter((c) => c >= 4).length / answered.length,
        12,
      );
    }
    // Months merged into the whole quarter equal the counts of every response.
    const quarter = mergeNpsCounts([...months.values()].flatMap((m) => m.nps));
    expect(quarter).toEqual(npsCountsFromScores(responses.map((r) => r.nps)));
    expect(npsFromCounts(quarter).n).toBe(responses.length);
  });
});
