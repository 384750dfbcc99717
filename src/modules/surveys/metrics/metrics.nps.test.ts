import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './metrics.errors.js';
import { mergeNpsCounts, npsCountsFromScores, npsFromCounts, npsFromScores } from './metrics.nps.js';
import { expectNoNonFinite } from './metrics.test-support.js';

describe('NPS', () => {
  it('hand-computed example: 50 promoters, 30 passives, 20 detractors', () => {
    // n = 100, p_P = 0.5, p_D = 0.2 → NPS = (0.5 − 0.2)·100 = 30
    // var = p_P + p_D − (p_P − p_D)² = 0.7 − 0.09 = 0.61; SE = √(0.61/100)·100 = √0.0061·100 = 7.810250
    // 95 % CI = 30 ± 1.959964·7.810250 = 30 ± 15.307808 → [14.692192, 45.307808]
    const r = npsFromCounts({ promoters: 50, passives: 30, detractors: 20 });
    expect(r.n).toBe(100);
    expect(r.score).toBeCloseTo(30, 10);
    expect(r.promoterShare).toBe(0.5);
    expect(r.passiveShare).toBe(0.3);
    expect(r.detractorShare).toBe(0.2);
    expect(r.standardError).toBeCloseTo(7.81025, 5);
    expect(r.ci?.lower).toBeCloseTo(14.692192, 5);
    expect(r.ci?.upper).toBeCloseTo(45.307808, 5);
    expect(r.thin).toBe(false);
  });

  it('accepts promoters, detractors and n (passives derived) and checks consistency', () => {
    const a = npsFromCounts({ promoters: 50, detractors: 20, n: 100 });
    expect(a.passives).toBe(30);
    expect(a.score).toBeCloseTo(30, 10);
    expect(() => npsFromCounts({ promoters: 50, passives: 30, detractors: 20, n: 99 })).toThrow(
      MetricsInputError,
    );
    expect(() => npsFromCounts({ promoters: 80, detractors: 30, n: 100 })).toThrow(/equal n/);
    expect(() => npsFromCounts({ promoters: 1.5, passives: 0, detractors: 0 })).toThrow(/integer/);
    expect(() => npsFromCounts({ promoters: -1, passives: 0, detractors: 0 })).toThrow(MetricsInputError);
    expect(() => npsFromCounts({ promoters: 1, detractors: 0 })).toThrow(/passives or n/);
    expect(() => npsFromCounts({ promoters: Number.NaN, passives: 0, detractors: 0 })).toThrow(/finite/);
  });

  it('thin cell: 5/3/2 has the same score but a wide interval and the thin flag', () => {
    // SE = √(0.61/10)·100 = 24.698178; CI = 30 ± 1.959964·24.698178 = 30 ± 48.407545
    const r = npsFromCounts({ promoters: 5, passives: 3, detractors: 2 });
    expect(r.score).toBeCloseTo(30, 10);
    expect(r.standardError).toBeCloseTo(24.698178, 5);
    expect(r.ci?.lower).toBeCloseTo(-18.407545, 4);
    expect(r.ci?.upper).toBeCloseTo(78.407545, 4);
    expect(r.thin).toBe(true);
    expect(npsFromCounts({ promoters: 5, passives: 3, detractors: 2 }, { thinCellMin: 10 }).thin).toBe(false);
  });

  it('n = 0 gives a null score, never NaN', () => {
    const r = npsFromCounts({ promoters: 0, passives: 0, detractors: 0 });
    expect(r).toMatchObject({
      n: 0,
      score: null,
      standardError: null,
      ci: null,
      promoterShare: null,
      thin: true,
    });
  });

  it('clips the interval to [−100, 100]', () => {
    // 9/1/0: p_P = 0.9 → NPS 90; var = 0.9 − 0.81 = 0.09; SE = √(0.09/10)·100 = 9.486833
    // upper = 90 + 1.959964·9.486833 = 108.59 → clipped to 100; lower = 71.406149
    const r = npsFromCounts({ promoters: 9, passives: 1, detractors: 0 });
    expect(r.standardError).toBeCloseTo(9.486833, 5);
    expect(r.ci).toEqual({ lower: expect.closeTo(71.406149, 5), upper: 100 });
    const all = npsFromCounts({ promoters: 40, passives: 0, detractors: 0 });
    expect(all).toMatchObject({ score: 100, standardError: 0, ci: { lower: 100, upper: 100 } });
  });

  it('counts raw answers, skipping unanswered', () => {
    // promoters 10, 9, 10, 9 = 4; passives 8, 7 = 2; detractors 6, 0, 5, 3 = 4 → NPS 0
    const scores = [10, 9, 8, 7, 6, 0, 10, 9, 5, 3, null, undefined];
    expect(npsCountsFromScores(scores)).toEqual({ promoters: 4, passives: 2, detractors: 4, n: 10 });
    expect(npsFromScores(scores).score).toBe(0);
    expect(() => npsFromScores([11])).toThrow(MetricsInputError);
  });

  it('other confidence levels use their own critical value', () => {
    // 90 %: z = 1.644854 → 30 ± 1.644854·7.810250 = 30 ± 12.846713
    const r = npsFromCounts({ promoters: 50, passives: 30, detractors: 20 }, { confidence: 0.9 });
    expect(r.ci?.lower).toBeCloseTo(17.153287, 4);
    expect(() => npsFromCounts({ promoters: 1, passives: 0, detractors: 0 }, { confidence: 1 })).toThrow(
      /confidence/,
    );
  });

  const counts = fc.record({
    promoters: fc.nat({ max: 5000 }),
    passives: fc.nat({ max: 5000 }),
    detractors: fc.nat({ max: 5000 }),
  });

  it('property: score and interval stay within [−100, 100] and the interval contains the score', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const r = npsFromCounts(c);
        expectNoNonFinite(r);
        if (r.n === 0) {
          expect(r.score).toBeNull();
          return;
        }
        const score = r.score as number;
        expect(score).toBeGreaterThanOrEqual(-100);
        expect(score).toBeLessThanOrEqual(100);
        expect(r.ci!.lower).toBeLessThanOrEqual(score + 1e-9);
        expect(r.ci!.upper).toBeGreaterThanOrEqual(score - 1e-9);
        expect(r.ci!.lower).toBeGreaterThanOrEqual(-100);
        expect(r.ci!.upper).toBeLessThanOrEqual(100);
        expect(r.promoterShare! + r.passiveShare! + r.detractorShare!).toBeCloseTo(1, 10);
      }),
    );
  });

  it('property: swapping promoters and detractors negates the score and mirrors the interval', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const a = npsFromCounts(c);
        const b = npsFromCounts({ ...c, promoters: c.detractors, detractors: c.promoters });
        if (a.n === 0) return;
        expect(b.score).toBeCloseTo(-(a.score as number), 9);
        expect(b.standardError).toBeCloseTo(a.standardError as number, 9);
        expect(b.ci!.lower).toBeCloseTo(-a.ci!.upper, 9);
        expect(b.ci!.upper).toBeCloseTo(-a.ci!.lower, 9);
      }),
    );
  });

  it('property: the SE equals the standard deviation of +1/0/−1 codes over √n (trinomial variance)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 300 }), (scores) => {
        const codes = scores.map((s): number => (s >= 9 ? 1 : s >= 7 ? 0 : -1));
        const n = codes.length;
        const mean = codes.reduce((a, b) => a + b, 0) / n;
        // population variance of the codes (divisor n), as the trinomial formula uses
        const variance = codes.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
        const r = npsFromScores(scores);
        expect(r.score).toBeCloseTo(mean * 100, 9);
        expect(r.standardError).toBeCloseTo(Math.sqrt(variance / n) * 100, 9);
      }),
    );
  });

  it('property: merged counts equal counts of the concatenated answers', () => {
    const answers = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 100 });
    fc.assert(
      fc.property(answers, answers, (a, b) => {
        expect(mergeNpsCounts([npsCountsFromScores(a), npsCountsFromScores(b)])).toEqual(
          npsCountsFromScores([...a, ...b]),
        );
      }),
    );
  });
});
