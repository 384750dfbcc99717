import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { npsDifferenceTest, twoProportionZTest, welchTTest } from './metrics.significance.js';
import { meanTrend, npsTrend, topBoxTrend } from './metrics.trends.js';
import { CSAT_SCALE } from './metrics.response.js';
import { ratingStatsFromScores } from './metrics.rating.js';
import { expectNoNonFinite } from './metrics.test-support.js';

describe('significance tests', () => {
  it('two-proportion z-test, hand-computed: 40/100 → 55/100', () => {
    // pooled p̄ = 95/200 = 0.475; SE = √(0.475·0.525·(1/100 + 1/100)) = √0.0049875 = 0.0706222
    // z = 0.15/0.0706222 = 2.12398; p = 2·(1 − Φ(2.124)) ≈ 2·(1 − 0.98316) = 0.0337 (normal table)
    const t = twoProportionZTest({ count: 40, n: 100 }, { count: 55, n: 100 })!;
    expect(t.difference).toBeCloseTo(0.15, 12);
    expect(t.standardError).toBeCloseTo(0.0706222, 6);
    expect(t.statistic).toBeCloseTo(2.12398, 4);
    expect(t.pValue).toBeCloseTo(0.0337, 3);
    expect(t.significant).toBe(true);
    expect(twoProportionZTest({ count: 0, n: 0 }, { count: 1, n: 2 })).toBeNull();
    // identical all-0 samples: no variation, no difference → p = 1
    expect(twoProportionZTest({ count: 0, n: 5 }, { count: 0, n: 9 })).toMatchObject({
      pValue: 1,
      significant: false,
    });
  });

  it('Welch t-test, hand-computed: mean 4 (s² 1, n 10) → mean 4.5 (s² 0.5, n 20)', () => {
    // previous: sum = 40, sumSq = s²(n−1) + sum²/n = 9 + 160 = 169
    // current: sum = 90, sumSq = 0.5·19 + 8100/20 = 9.5 + 405 = 414.5
    // a = 1/10 = 0.1, b = 0.5/20 = 0.025; SE = √0.125 = 0.353553; t = 0.5/0.353553 = 1.414214
    // df = 0.125² / (0.1²/9 + 0.025²/19) = 0.015625/0.00114401 = 13.6581
    // t-table, df 13: t(0.90) = 1.350, t(0.95) = 1.771 → two-sided p between 0.10 and 0.20 (exact 0.1797)
    const t = welchTTest({ n: 10, sum: 40, sumSq: 169 }, { n: 20, sum: 90, sumSq: 414.5 })!;
    expect(t.difference).toBeCloseTo(0.5, 12);
    expect(t.statistic).toBeCloseTo(1.414214, 5);
    expect(t.df).toBeCloseTo(13.6581, 3);
    expect(t.pValue).toBeGreaterThan(0.1);
    expect(t.pValue).toBeLessThan(0.2);
    expect(t.pValue).toBeCloseTo(0.1797, 3);
    expect(t.significant).toBe(false);
    expect(welchTTest({ n: 1, sum: 4, sumSq: 16 }, { n: 5, sum: 20, sumSq: 82 })).toBeNull();
  });

  it('Welch t-test tends to the z-test for large samples', () => {
    // n = 100000 each, means 3.00 and 3.01, s² = 1 → z = 0.01/√(2e−5) = 2.236068, p = 0.025347
    const mk = (mean: number) => ({ n: 100_000, sum: mean * 100_000, sumSq: 99_999 + mean * mean * 100_000 });
    const t = welchTTest(mk(3), mk(3.01))!;
    expect(t.statistic).toBeCloseTo(2.236068, 4);
    expect(t.pValue).toBeCloseTo(0.025347, 4);
  });

  it('NPS z-test, hand-computed: 50/30/20 → 60/25/15', () => {
    // NPS₁ = 30, SE₁² = 0.61/100·10⁴ = 61; NPS₂ = 45, var₂ = 0.75 − 0.45² = 0.5475, SE₂² = 54.75
    // SE = √115.75 = 10.758717; z = 15/10.758717 = 1.394218; p = 2·(1 − Φ(1.3942)) ≈ 0.1633
    const t = npsDifferenceTest(
      { promoters: 50, passives: 30, detractors: 20 },
      { promoters: 60, passives: 25, detractors: 15 },
    )!;
    expect(t.difference).toBeCloseTo(15, 9);
    expect(t.standardError).toBeCloseTo(10.758717, 5);
    expect(t.statistic).toBeCloseTo(1.394218, 5);
    expect(t.pValue).toBeCloseTo(0.1633, 3);
    expect(t.significant).toBe(false);
  });

  it('zero variance on both sides with different values is untestable, not NaN', () => {
    const t = npsDifferenceTest(
      { promoters: 0, passives: 3, detractors: 0 },
      { promoters: 3, passives: 0, detractors: 0 },
    )!;
    expect(t).toMatchObject({ difference: 100, statistic: null, pValue: null, significant: false });
    const w = welchTTest({ n: 2, sum: 8, sumSq: 32 }, { n: 2, sum: 10, sumSq: 50 })!;
    expect(w).toMatchObject({ difference: 1, pValue: null, significant: false });
  });
});

describe('trends', () => {
  it('NPS trend: values, bands and change flags in input order', () => {
    const points = npsTrend([
      { period: '2026-09', promoters: 50, passives: 30, detractors: 20 },
      { period: '2026-10', promoters: 60, passives: 25, detractors: 15 },
      { period: '2026-11', promoters: 0, passives: 0, detractors: 0 },
      { period: '2026-12', promoters: 10, passives: 0, detractors: 90 },
    ]);
    expect(points.map((p) => p.value)).toEqual([30, expect.closeTo(45, 9), null, -80]);
    expect(points[0]!.change).toBeNull();
    expect(points[1]!.change).toMatchObject({ test: 'nps-z', significant: false });
    expect(points[2]!.change).toBeNull(); // empty period
    expect(points[3]!.change).toBeNull(); // previous period empty
    expect(points[3]!.ci!.lower).toBeLessThan(-80);
    expectNoNonFinite(points);
  });

  it('top-box trend reports percent and percentage-point differences', () => {
    const points = topBoxTrend([
      { period: '2026-W01', n: 100, sum: 350, sumSq: 1300, topBox: 40 },
      { period: '2026-W02', n: 100, sum: 380, sumSq: 1500, topBox: 55 },
    ]);
    expect(points[0]!.value).toBeCloseTo(40, 10);
    expect(points[1]!.value).toBeCloseTo(55, 10);
    // same test as above, in percentage points: 15 pp, SE 7.06222 pp, p ≈ 0.0337
    expect(points[1]!.change!.difference).toBeCloseTo(15, 9);
    expect(points[1]!.change!.standardError).toBeCloseTo(7.06222, 4);
    expect(points[1]!.change!.significant).toBe(true);
    expect(() => topBoxTrend([{ period: 'x', n: 1, sum: 1, sumSq: 1 }])).toThrow(/topBox/);
  });

  it('mean trend uses Welch t-tests', () => {
    const points = meanTrend(
      [
        { period: 'a', n: 10, sum: 40, sumSq: 169 },
        { period: 'b', n: 20, sum: 90, sumSq: 414.5 },
      ],
      CSAT_SCALE,
    );
    expect(points[1]!.change).toMatchObject({ test: 'welch-t', significant: false });
    expect(points[1]!.value).toBeCloseTo(4.5, 12);
    expect(points[0]!.thin).toBe(true);
  });

  it('property: change.difference is the difference of values; p-values in [0, 1]; no NaN', () => {
    const period = fc
      .array(fc.integer({ min: 1, max: 5 }), { maxLength: 60 })
      .map((scores) => ratingStatsFromScores(scores, CSAT_SCALE));
    fc.assert(
      fc.property(fc.array(period, { minLength: 1, maxLength: 8 }), (stats) => {
        const periods = stats.map((s, i) => ({ ...s, period: `p${i}` }));
        for (const points of [meanTrend(periods, CSAT_SCALE), topBoxTrend(periods)]) {
          expectNoNonFinite(points);
          points.forEach((p, i) => {
            if (p.value !== null && p.ci) {
              expect(p.ci.lower).toBeLessThanOrEqual(p.value + 1e-9);
              expect(p.ci.upper).toBeGreaterThanOrEqual(p.value - 1e-9);
            }
            const prev = points[i - 1];
            if (p.change) {
              expect(p.change.difference).toBeCloseTo((p.value as number) - (prev!.value as number), 9);
              if (p.change.pValue !== null) {
                expect(p.change.pValue).toBeGreaterThanOrEqual(0);
                expect(p.change.pValue).toBeLessThanOrEqual(1);
                expect(p.change.significant).toBe(p.change.pValue < 0.05);
              }
            }
          });
        }
      }),
    );
  });

  it('property: the NPS test is antisymmetric (swap periods → negated difference, same p)', () => {
    const counts = fc.record({
      promoters: fc.nat({ max: 500 }),
      passives: fc.nat({ max: 500 }),
      detractors: fc.nat({ max: 500 }),
    });
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const ab = npsDifferenceTest(a, b);
        const ba = npsDifferenceTest(b, a);
        if (ab === null) {
          expect(ba).toBeNull();
          return;
        }
        expect(ba!.difference).toBeCloseTo(-ab.difference, 9);
        expect(ba!.pValue === null ? null : ba!.pValue).toEqual(
          ab.pValue === null ? null : expect.closeTo(ab.pValue, 9),
        );
      }),
    );
  });
});
