import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './metrics.errors.js';
import {
  SERVQUAL_DIMENSIONS,
  servqualDimensionOf,
  servqualFromItemStats,
  servqualFromResponses,
  servqualItemStatsFromResponses,
  type ServqualResponse,
} from './metrics.servqual.js';
import { expectNoNonFinite } from './metrics.test-support.js';

/** 22 answers with one value per dimension (tangibles, reliability, responsiveness, assurance, empathy). */
function byDimension(values: [number, number, number, number, number]): number[] {
  return SERVQUAL_DIMENSIONS.flatMap((d, i) => d.items.map(() => values[i] as number));
}

// Three respondents; expectation constant per respondent, perception constant within each dimension.
// Gaps P − E per dimension:
//   R1: E 6, P 5 4 6 5 7 → −1 −2  0 −1 +1
//   R2: E 7, P 6 5 6 6 6 → −1 −2 −1 −1 −1
//   R3: E 5, P 4 5 4 5 5 → −1  0 −1  0  0
// Dimension gaps: tangibles −1, reliability −4/3, responsiveness −2/3, assurance −2/3, empathy 0
// Unweighted score = (−1 − 4/3 − 2/3 − 2/3 + 0)/5 = −11/15 = −0.733333
// Importance (100 points): R1 10/40/20/20/10, R2 20/30/20/20/10, R3 10/30/30/15/15
// Mean weights = 40/300, 100/300, 70/300, 55/300, 35/300
// Weighted = −(40·1 + 100·4/3 + 70·2/3 + 55·2/3 + 35·0)/300 = −(770/3)/300 = −0.855556
const responses: ServqualResponse[] = [
  {
    expectation: byDimension([6, 6, 6, 6, 6]),
    perception: byDimension([5, 4, 6, 5, 7]),
    importance: { tangibles: 10, reliability: 40, responsiveness: 20, assurance: 20, empathy: 10 },
  },
  {
    expectation: byDimension([7, 7, 7, 7, 7]),
    perception: byDimension([6, 5, 6, 6, 6]),
    importance: { tangibles: 20, reliability: 30, responsiveness: 20, assurance: 20, empathy: 10 },
  },
  {
    expectation: byDimension([5, 5, 5, 5, 5]),
    perception: byDimension([4, 5, 4, 5, 5]),
    importance: { tangibles: 10, reliability: 30, responsiveness: 30, assurance: 15, empathy: 15 },
  },
];

describe('SERVQUAL', () => {
  it('maps items to the five dimensions', () => {
    expect([1, 4, 5, 9, 10, 13, 14, 17, 18, 22].map(servqualDimensionOf)).toEqual([
      'tangibles',
      'tangibles',
      'reliability',
      'reliability',
      'responsiveness',
      'responsiveness',
      'assurance',
      'assurance',
      'empathy',
      'empathy',
    ]);
    expect(() => servqualDimensionOf(23)).toThrow(MetricsInputError);
  });

  it('hand-computed fixture from responses', () => {
    const r = servqualFromResponses(responses);
    expect(r.complete).toBe(true);
    const gaps = Object.fromEntries(r.dimensions.map((d) => [d.dimension, d.gap]));
    expect(gaps.tangibles).toBeCloseTo(-1, 12);
    expect(gaps.reliability).toBeCloseTo(-4 / 3, 12);
    expect(gaps.responsiveness).toBeCloseTo(-2 / 3, 12);
    expect(gaps.assurance).toBeCloseTo(-2 / 3, 12);
    expect(gaps.empathy).toBeCloseTo(0, 12);
    expect(r.unweightedScore).toBeCloseTo(-11 / 15, 12);
    expect(r.weightedScore).toBeCloseTo(-770 / 900, 12);
    const reliability = r.dimensions.find((d) => d.dimension === 'reliability')!;
    expect(reliability.weight).toBeCloseTo(100 / 300, 12);
    expect(reliability.weightedGap).toBeCloseTo((100 / 300) * (-4 / 3), 12);
    // Reliability per-respondent gaps −2, −2, 0: s² = (2·(2/3)² + (4/3)²)/2 = 4/3; SE = √(4/3/3) = 2/3
    expect(reliability.standardError).toBeCloseTo(2 / 3, 12);
    // Item 5 (reliability) has the same gaps; tangibles items have no spread (SE 0)
    const item5 = r.items.find((i) => i.item === 5)!;
    expect(item5).toMatchObject({ dimension: 'reliability', n: 3, thin: true });
    expect(item5.gap).toBeCloseTo(-4 / 3, 12);
    expect(item5.standardError).toBeCloseTo(2 / 3, 12);
    expect(r.items[0]).toMatchObject({ perception: 5, expectation: 6, gap: -1, standardError: 0 });
    expect(r.dimensions[0]).toMatchObject({ perception: 5, expectation: 6, itemsWithData: 4 });
    expectNoNonFinite(r);
  });

  it('item statistics give the same gaps and scores (without dimension SEs)', () => {
    const stats = servqualItemStatsFromResponses(responses);
    expect(stats[4]).toEqual({
      item: 5,
      n: 3,
      sumPerception: 14,
      sumExpectation: 18,
      sumGap: -4,
      sumGapSq: 8,
    });
    const r = servqualFromItemStats(stats, {
      importance: { tangibles: 40, reliability: 100, responsiveness: 70, assurance: 55, empathy: 35 },
    });
    expect(r.unweightedScore).toBeCloseTo(-11 / 15, 12);
    expect(r.weightedScore).toBeCloseTo(-770 / 900, 12);
    expect(r.dimensions.every((d) => d.standardError === null)).toBe(true);
    expect(servqualFromItemStats(stats).weightedScore).toBeNull();
  });

  it('missing dimensions: scores over the dimensions with data, weights renormalised', () => {
    const stats = servqualItemStatsFromResponses(responses).filter((s) => s.item <= 9); // tangibles + reliability
    const r = servqualFromItemStats(stats, {
      importance: { tangibles: 40, reliability: 100, responsiveness: 70, assurance: 55, empathy: 35 },
    });
    expect(r.complete).toBe(false);
    // unweighted = (−1 − 4/3)/2 = −7/6; weighted = (40·(−1) + 100·(−4/3))/140 = −520/420
    expect(r.unweightedScore).toBeCloseTo(-7 / 6, 12);
    expect(r.weightedScore).toBeCloseTo(-520 / 420, 12);
    expect(r.dimensions[2]).toMatchObject({ gap: null, weight: null, itemsWithData: 0 });
    expect(servqualFromItemStats([])).toMatchObject({
      unweightedScore: null,
      weightedScore: null,
      complete: false,
    });
  });

  it('rejects bad input', () => {
    const ok = { item: 1, n: 2, sumPerception: 10, sumExpectation: 12, sumGap: -2, sumGapSq: 2 };
    expect(() => servqualFromItemStats([ok, ok])).toThrow(/twice/);
    expect(() => servqualFromItemStats([{ ...ok, item: 0 }])).toThrow(MetricsInputError);
    expect(() => servqualFromItemStats([{ ...ok, sumGap: -1 }])).toThrow(/inconsistent/);
    expect(() => servqualFromItemStats([{ ...ok, sumPerception: 20, sumGap: 8 }])).toThrow(MetricsInputError);
    expect(() =>
      servqualFromItemStats([ok], {
        importance: { tangibles: 0, reliability: 0, responsiveness: 0, assurance: 0, empathy: 0 },
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_WEIGHTS' }));
    expect(() => servqualFromResponses([{ expectation: [1], perception: [1] }])).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
    const off = { expectation: byDimension([8, 6, 6, 6, 6]), perception: byDimension([5, 4, 6, 5, 7]) };
    expect(() => servqualFromResponses([off])).toThrow(expect.objectContaining({ code: 'INVALID_SCORE' }));
  });

  const answer = fc.option(fc.integer({ min: 1, max: 7 }), { nil: null });
  const respondent = fc.record({
    expectation: fc.array(answer, { minLength: 22, maxLength: 22 }),
    perception: fc.array(answer, { minLength: 22, maxLength: 22 }),
  });

  it('property: gaps stay within ±6, intervals contain them, item and respondent paths agree on items', () => {
    fc.assert(
      fc.property(fc.array(respondent, { maxLength: 25 }), (rs) => {
        const a = servqualFromResponses(rs);
        const b = servqualFromItemStats(servqualItemStatsFromResponses(rs));
        expectNoNonFinite(a);
        expect(b.items).toEqual(a.items);
        for (const d of a.dimensions) {
          if (d.gap === null) continue;
          expect(Math.abs(d.gap)).toBeLessThanOrEqual(6);
          if (d.ci) {
            expect(d.ci.lower).toBeLessThanOrEqual(d.gap + 1e-9);
            expect(d.ci.upper).toBeGreaterThanOrEqual(d.gap - 1e-9);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('property: with complete answers both paths give the same dimension gaps', () => {
    const full = fc.record({
      expectation: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 22, maxLength: 22 }),
      perception: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 22, maxLength: 22 }),
    });
    fc.assert(
      fc.property(fc.array(full, { minLength: 1, maxLength: 20 }), (rs) => {
        const a = servqualFromResponses(rs);
        const b = servqualFromItemStats(servqualItemStatsFromResponses(rs));
        a.dimensions.forEach((d, i) => expect(d.gap).toBeCloseTo(b.dimensions[i]!.gap as number, 9));
        expect(a.unweightedScore).toBeCloseTo(b.unweightedScore as number, 9);
      }),
      { numRuns: 100 },
    );
  });
});
