import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './metrics.errors.js';
import { KEY_ACCOUNT_INDEX_MODEL, acsiIndex, satisfactionIndex } from './metrics.index-score.js';
import { CSAT_SCALE } from './metrics.response.js';
import { expectNoNonFinite } from './metrics.test-support.js';

const TEN = { min: 0, max: 10 };
const ONE_TEN = { min: 1, max: 10 };

describe('weighted satisfaction index', () => {
  it('hand-computed two-level example', () => {
    // product: CSAT mean 4 → (4−1)/4·100 = 75
    // after-sale: billing 4.2 on 1–5 → 80, fault reporting 3.8 → 70, repair 7 on 1–10 → 6/9·100 = 66.667
    //   item weights 1, 1, 2 → 0.25, 0.25, 0.5 → 20 + 17.5 + 33.333 = 70.833
    // components weighted 3 : 2 → 0.6·75 + 0.4·70.833 = 45 + 28.333 = 73.333
    const r = satisfactionIndex([
      { key: 'product', weight: 3, items: [{ key: 'quality', scale: CSAT_SCALE, mean: 4 }] },
      {
        key: 'after_sale',
        weight: 2,
        items: [
          { key: 'billing', scale: CSAT_SCALE, mean: 4.2 },
          { key: 'faults', scale: CSAT_SCALE, mean: 3.8 },
          { key: 'repair', scale: ONE_TEN, mean: 7, weight: 2 },
        ],
      },
    ]);
    expect(r.complete).toBe(true);
    expect(r.components[0]).toMatchObject({ score: 75, weight: 0.6, contribution: 45 });
    expect(r.components[1]!.score).toBeCloseTo(70.8333, 4);
    expect(r.components[1]!.items.map((i) => i.weight)).toEqual([0.25, 0.25, 0.5]);
    expect(r.components[1]!.items[2]!.score).toBeCloseTo(66.6667, 4);
    expect(r.index).toBeCloseTo(73.3333, 4);
  });

  it('missing items and components: weights renormalised over what has answers', () => {
    // after-sale loses "repair": (80 + 70)/2 = 75; product component has no answers at all → index = 75
    const r = satisfactionIndex([
      {
        key: 'product',
        weight: 3,
        items: [{ key: 'quality', scale: CSAT_SCALE, stats: { n: 0, sum: 0, sumSq: 0 } }],
      },
      {
        key: 'after_sale',
        weight: 2,
        items: [
          { key: 'billing', scale: CSAT_SCALE, stats: { n: 5, sum: 21, sumSq: 89 } }, // mean 4.2
          { key: 'faults', scale: CSAT_SCALE, mean: 3.8 },
          { key: 'repair', scale: ONE_TEN, mean: null, weight: 2 },
        ],
      },
    ]);
    expect(r.complete).toBe(false);
    expect(r.components[0]).toMatchObject({ score: null, weight: null, contribution: null });
    expect(r.components[1]).toMatchObject({ weight: 1 });
    expect(r.components[1]!.score).toBeCloseTo(75, 10);
    expect(r.components[1]!.items[0]).toMatchObject({ n: 5, mean: 4.2 });
    expect(r.index).toBeCloseTo(75, 10);
    expect(satisfactionIndex([]).index).toBeNull();
  });

  it('rejects bad weights and means', () => {
    const item = { key: 'a', scale: CSAT_SCALE, mean: 4 };
    expect(() => satisfactionIndex([{ key: 'c', weight: -1, items: [item] }])).toThrow(
      expect.objectContaining({ code: 'INVALID_WEIGHTS' }),
    );
    expect(() => satisfactionIndex([{ key: 'c', weight: 0, items: [item] }])).toThrow(/all 0/);
    expect(() => satisfactionIndex([{ key: 'c', items: [{ ...item, mean: 6 }] }])).toThrow(MetricsInputError);
    expect(() => satisfactionIndex([{ key: 'c', items: [{ ...item, weight: Number.NaN }] }])).toThrow(
      /finite/,
    );
    expect(() =>
      satisfactionIndex([{ key: 'c', items: [{ ...item, stats: { n: 1, sum: 4, sumSq: 16 } }] }]),
    ).toThrow(/not both/);
    expect(() =>
      satisfactionIndex([
        { key: 'c', items: [item] },
        { key: 'c', items: [item] },
      ]),
    ).toThrow(/twice/);
  });

  it('the key-account model has the five components of the issue', () => {
    expect(KEY_ACCOUNT_INDEX_MODEL.map((c) => c.key)).toEqual([
      'product_quality',
      'pre_sale',
      'in_sale',
      'after_sale',
      'account_manager',
    ]);
    // An index built on it with every item at the top of a 1–10 scale is 100.
    const r = satisfactionIndex(
      KEY_ACCOUNT_INDEX_MODEL.map((c) => ({
        key: c.key,
        weight: c.weight,
        items: c.items.map((key) => ({ key, scale: ONE_TEN, mean: 10 })),
      })),
    );
    expect(r.index).toBe(100);
  });

  it('property: the index lies between the smallest and largest item score', () => {
    const item = fc.record({
      mean: fc.double({ min: 0, max: 10, noNaN: true }),
      weight: fc.double({ min: 0.01, max: 10, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            weight: fc.double({ min: 0.01, max: 10, noNaN: true }),
            items: fc.array(item, { minLength: 1, maxLength: 5 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (components) => {
          const r = satisfactionIndex(
            components.map((c, ci) => ({
              key: `c${ci}`,
              weight: c.weight,
              items: c.items.map((it, ii) => ({
                key: `i${ii}`,
                scale: TEN,
                mean: it.mean,
                weight: it.weight,
              })),
            })),
          );
          expectNoNonFinite(r);
          const scores = components.flatMap((c) => c.items.map((i) => i.mean * 10));
          expect(r.index!).toBeGreaterThanOrEqual(Math.min(...scores) - 1e-9);
          expect(r.index!).toBeLessThanOrEqual(Math.max(...scores) + 1e-9);
          expect(r.components.reduce((a, c) => a + (c.weight as number), 0)).toBeCloseTo(1, 10);
        },
      ),
    );
  });
});

describe('ACSI-style index', () => {
  it('hand-computed: means 8, 7, 6.4 with equal weights', () => {
    // (8−1)/9·100 = 77.778, (7−1)/9·100 = 66.667, (6.4−1)/9·100 = 60 → mean 68.148
    const r = acsiIndex({ satisfaction: 8, expectations: 7, ideal: 6.4 });
    expect(r.index).toBeCloseTo(68.1481, 4);
  });

  it('weights and statistics', () => {
    // weights 2:1:1 → 0.5·77.778 + 0.25·66.667 + 0.25·60 = 38.889 + 16.667 + 15 = 70.556
    const r = acsiIndex({
      satisfaction: { n: 2, sum: 16, sumSq: 130 },
      expectations: 7,
      ideal: 6.4,
      weights: { satisfaction: 2, expectations: 1, ideal: 1 },
    });
    expect(r.index).toBeCloseTo(70.5556, 4);
    expect(() => acsiIndex({ satisfaction: 11, expectations: 7, ideal: 6 })).toThrow(MetricsInputError);
    expect(acsiIndex({ satisfaction: null, expectations: null, ideal: null }).index).toBeNull();
  });
});
