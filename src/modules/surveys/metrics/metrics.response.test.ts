import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './metrics.errors.js';
import {
  CES_SCALE,
  CSAT_SCALE,
  classifyNps,
  isCesTopBox,
  isCsatTopBox,
  isTopBox,
  normaliseRating,
} from './metrics.response.js';

describe('response-level helpers', () => {
  it('classifies NPS answers: 0–6 detractor, 7–8 passive, 9–10 promoter', () => {
    const got = Array.from({ length: 11 }, (_, s) => classifyNps(s));
    expect(got).toEqual([
      ...Array<string>(7).fill('detractor'),
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it.each([-1, 11, 6.5, Number.NaN, Infinity])('rejects NPS answer %s', (s) => {
    expect(() => classifyNps(s)).toThrow(MetricsInputError);
    try {
      classifyNps(s);
    } catch (e) {
      expect((e as MetricsInputError).code).toBe(Number.isFinite(s) ? 'INVALID_SCORE' : 'NON_FINITE_VALUE');
    }
  });

  it('CSAT top-2-box is 4–5, CES top-2-box is 6–7', () => {
    expect([1, 2, 3, 4, 5].map(isCsatTopBox)).toEqual([false, false, false, true, true]);
    expect([1, 2, 3, 4, 5, 6, 7].map(isCesTopBox)).toEqual([false, false, false, false, false, true, true]);
    expect(() => isCsatTopBox(6)).toThrow(MetricsInputError);
    expect(() => isCesTopBox(0)).toThrow(MetricsInputError);
    expect(isTopBox(8, { min: 1, max: 10, topBoxMin: 8 })).toBe(true);
    expect(() => isTopBox(8, { min: 1, max: 10 })).toThrow(/topBoxMin/);
  });

  it('normalises ratings linearly onto 0–100', () => {
    // (4 − 1)/(5 − 1)·100 = 75; (7 − 0)/(10 − 0)·100 = 70; (4 − 1)/(7 − 1)·100 = 50.
    expect(normaliseRating(4, CSAT_SCALE)).toBe(75);
    expect(normaliseRating(7, { min: 0, max: 10 })).toBe(70);
    expect(normaliseRating(4, CES_SCALE)).toBe(50);
    expect(normaliseRating(1, CSAT_SCALE)).toBe(0);
    expect(normaliseRating(5, CSAT_SCALE)).toBe(100);
    expect(() => normaliseRating(3, { min: 5, max: 5 })).toThrow(/greater/);
  });

  it('property: normalisation is monotone and within 0–100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (min, span, a, b) => {
          const scale = { min, max: min + span };
          const x = min + a * span;
          const y = min + b * span;
          const nx = normaliseRating(x, scale);
          const ny = normaliseRating(y, scale);
          expect(nx).toBeGreaterThanOrEqual(0);
          expect(nx).toBeLessThanOrEqual(100);
          if (x <= y) expect(nx).toBeLessThanOrEqual(ny + 1e-9);
        },
      ),
    );
  });
});
