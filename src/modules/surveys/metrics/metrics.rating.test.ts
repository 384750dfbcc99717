import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './metrics.errors.js';
import {
  cesSummary,
  csatSummary,
  meanEstimate,
  mergeRatingStats,
  ratingStatsFromScores,
  ratingSummary,
  wilsonInterval,
} from './metrics.rating.js';
import { CSAT_SCALE } from './metrics.response.js';
import { expectNoNonFinite } from './metrics.test-support.js';

describe('Wilson score interval', () => {
  // Published values: Newcombe R.G. (1998), "Two-sided confidence intervals for the single proportion:
  // comparison of seven methods", Statistics in Medicine 17:857–872, Table II, method 3 (score, no continuity
  // correction), 95 %.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i matches Newcombe (1998): [%f, %f]', (x, n, lower, upper) => {
    const ci = wilsonInterval(x, n)!;
    expect(ci.lower).toBeCloseTo(lower, 4);
    expect(ci.upper).toBeCloseTo(upper, 4);
  });

  it('hand-computed 40/50', () => {
    // z² = 3.841459, z²/n = 0.076829; centre = (0.8 + 0.038415)/1.076829 = 0.778596
    // half = (1.959964/1.076829)·√(0.8·0.2/50 + 3.841459/(4·2500)) = 1.820124·√0.003584146 = 0.108966
    const ci = wilsonInterval(40, 50)!;
    expect(ci.lower).toBeCloseTo(0.66963, 4);
    expect(ci.upper).toBeCloseTo(0.887562, 4);
  });

  it('n = 0 → null; invalid counts throw', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(MetricsInputError);
    expect(() => wilsonInterval(-1, 2)).toThrow(MetricsInputError);
    expect(() => wilsonInterval(1, 2.5)).toThrow(MetricsInputError);
  });

  it('property: contains p̂, stays within [0, 1], and x/n mirrors (n − x)/n', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 100_000 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        ([x, n], confidence) => {
          const ci = wilsonInterval(x, n, { confidence })!;
          const mirror = wilsonInterval(n - x, n, { confidence })!;
          expect(ci.lower).toBeGreaterThanOrEqual(0);
          expect(ci.upper).toBeLessThanOrEqual(1);
          expect(ci.lower).toBeLessThanOrEqual(x / n + 1e-12);
          expect(ci.upper).toBeGreaterThanOrEqual(x / n - 1e-12);
          expect(mirror.lower).toBeCloseTo(1 - ci.upper, 10);
          expect(mirror.upper).toBeCloseTo(1 - ci.lower, 10);
        },
      ),
    );
  });
});

describe('CSAT', () => {
  // Answers: 1×2, 2×3, 3×5, 4×20, 5×20 → n = 50
  // sum = 2 + 6 + 15 + 80 + 100 = 203; sumSq = 2 + 12 + 45 + 320 + 500 = 879; top-2-box = 40 (80 %)
  // mean = 203/50 = 4.06; s² = (879 − 203²/50)/49 = (879 − 824.18)/49 = 1.118776; s = 1.057722
  // SE = 1.057722/√50 = 0.149584; t(0.975, 49) = 2.009575; CI = 4.06 ± 0.300602 = [3.759398, 4.360602]
  // normalised mean = (4.06 − 1)/4·100 = 76.5
  const answers = [...Array<number>(2).fill(1), ...Array<number>(3).fill(2), ...Array<number>(5).fill(3)];
  answers.push(...Array<number>(20).fill(4), ...Array<number>(20).fill(5));

  it('hand-computed fixture', () => {
    const stats = ratingStatsFromScores(answers, CSAT_SCALE);
    expect(stats).toEqual({ n: 50, sum: 203, sumSq: 879, topBox: 40 });
    const r = csatSummary(stats);
    expect(r.mean).toBeCloseTo(4.06, 12);
    expect(r.sd).toBeCloseTo(1.057722, 5);
    expect(r.standardError).toBeCloseTo(0.149584, 5);
    expect(r.ci!.lower).toBeCloseTo(3.759398, 5);
    expect(r.ci!.upper).toBeCloseTo(4.360602, 5);
    expect(r.normalisedMean).toBeCloseTo(76.5, 10);
    expect(r.topBox).toMatchObject({ count: 40, n: 50, proportion: 0.8, percent: 80 });
    expect(r.topBox!.percentCi!.lower).toBeCloseTo(66.963, 2);
    expect(r.topBox!.percentCi!.upper).toBeCloseTo(88.756, 2);
    expect(r.thin).toBe(false);
  });

  it('n = 0, n = 1 and constant answers', () => {
    expect(csatSummary({ n: 0, sum: 0, sumSq: 0, topBox: 0 })).toMatchObject({
      mean: null,
      ci: null,
      normalisedMean: null,
      topBox: { proportion: null, ci: null },
      thin: true,
    });
    // One answer: a mean but no variance estimate.
    expect(csatSummary({ n: 1, sum: 4, sumSq: 16, topBox: 1 })).toMatchObject({
      mean: 4,
      sd: null,
      ci: null,
    });
    // All 5s: s = 0, the interval collapses onto the mean.
    const r = csatSummary({ n: 3, sum: 15, sumSq: 75, topBox: 3 });
    expect(r).toMatchObject({ mean: 5, sd: 0, standardError: 0, ci: { lower: 5, upper: 5 } });
    expect(r.topBox!.ci!.upper).toBe(1);
  });

  it('rejects statistics no set of answers could produce', () => {
    const bad = [
      { n: 2, sum: 12, sumSq: 72, topBox: 0 }, // mean 6 on 1–5
      { n: 2, sum: 6, sumSq: 10, topBox: 0 }, // sumSq < sum²/n
      { n: 2, sum: 6, sumSq: 18, topBox: 3 }, // topBox > n
      { n: 0, sum: 1, sumSq: 1 },
      { n: 2, sum: Number.NaN, sumSq: 1 },
      { n: -1, sum: 0, sumSq: 0 },
    ];
    for (const stats of bad)
      expect(() => csatSummary(stats), JSON.stringify(stats)).toThrow(MetricsInputError);
    expect(() => ratingStatsFromScores([0], CSAT_SCALE)).toThrow(/from 1 to 5/);
  });
});

describe('CES and generic ratings', () => {
  it('CES hand-computed fixture', () => {
    // Answers: 7×10, 6×8, 5×6, 4×3, 3×2, 2×1 → n = 30, sum = 70+48+30+12+6+2 = 168,
    // sumSq = 490+288+150+48+18+4 = 998, top-2-box (6–7) = 18 → 60 %
    // mean = 5.6; s² = (998 − 168²/30)/29 = 57.2/29 = 1.972414; SE = √(1.972414/30) = 0.256412
    // t(0.975, 29) = 2.045230; CI = 5.6 ± 0.524421 = [5.075579, 6.124421]; normalised = 4.6/6·100 = 76.6667
    const r = cesSummary({ n: 30, sum: 168, sumSq: 998, topBox: 18 });
    expect(r.mean).toBeCloseTo(5.6, 12);
    expect(r.standardError).toBeCloseTo(0.256412, 5);
    expect(r.ci!.lower).toBeCloseTo(5.075579, 5);
    expect(r.ci!.upper).toBeCloseTo(6.124421, 5);
    expect(r.normalisedMean).toBeCloseTo(76.6667, 4);
    expect(r.topBox!.percent).toBe(60);
    expect(r.thin).toBe(false);
  });

  it('a 0–10 rating without a top box normalises its mean', () => {
    // answers 6, 8, 10 → mean 8 → 80/100
    const r = ratingSummary(ratingStatsFromScores([6, 8, 10], { min: 0, max: 10 }), { min: 0, max: 10 });
    expect(r.normalisedMean).toBeCloseTo(80, 12);
    expect(r.topBox).toBeNull();
    // s = 2, SE = 2/√3, t(0.975, 2) = 4.302653 → CI 8 ± 4.968275, clipped to the scale top 10
    expect(r.ci!.lower).toBeCloseTo(3.031725, 5);
    expect(r.ci!.upper).toBe(10);
  });

  it('mean without a scale is not clipped', () => {
    const r = meanEstimate({ n: 3, sum: 24, sumSq: 200 });
    expect(r.ci!.upper).toBeGreaterThan(10);
  });

  const scoreArrays = fc.array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.constant(null)), {
    maxLength: 200,
  });

  it('property: mean interval contains the mean and stays on the scale; nothing is NaN', () => {
    fc.assert(
      fc.property(scoreArrays, fc.double({ min: 0.5, max: 0.999, noNaN: true }), (scores, confidence) => {
        const stats = ratingStatsFromScores(scores, { min: 1, max: 7, topBoxMin: 6 });
        const r = cesSummary(stats, { confidence });
        expectNoNonFinite(r);
        expect(r.n).toBe(scores.filter((s) => s !== null).length);
        if (r.ci) {
          expect(r.ci.lower).toBeGreaterThanOrEqual(1);
          expect(r.ci.upper).toBeLessThanOrEqual(7);
          expect(r.ci.lower).toBeLessThanOrEqual(r.mean! + 1e-9);
          expect(r.ci.upper).toBeGreaterThanOrEqual(r.mean! - 1e-9);
          expect(r.normalisedCi!.lower).toBeGreaterThanOrEqual(0);
          expect(r.normalisedCi!.upper).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('property: merging statistics equals the statistics of the concatenated answers', () => {
    const scale = { min: 1, max: 5, topBoxMin: 4 };
    fc.assert(
      fc.property(
        scoreArrays.map((a) => a.map((s) => (s === null ? null : Math.min(s, 5)))),
        scoreArrays.map((a) => a.map((s) => (s === null ? null : Math.min(s, 5)))),
        (a, b) => {
          expect(
            mergeRatingStats([ratingStatsFromScores(a, scale), ratingStatsFromScores(b, scale)]),
          ).toEqual(ratingStatsFromScores([...a, ...b], scale));
        },
      ),
    );
  });

  it('property: SE from sufficient statistics equals the SE computed from the raw answers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 300 }), (scores) => {
        const n = scores.length;
        const mean = scores.reduce((a, b) => a + b, 0) / n;
        const s2 = scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
        const r = csatSummary(ratingStatsFromScores(scores, CSAT_SCALE));
        expect(r.mean).toBeCloseTo(mean, 10);
        expect(r.standardError).toBeCloseTo(Math.sqrt(s2 / n), 10);
      }),
    );
  });
});
