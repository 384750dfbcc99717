import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { priorityMatrix, relativeWeights, relativeWeightsFromCorrelations } from './metrics.drivers.js';
import { MetricsInputError } from './metrics.errors.js';
import { expectNoNonFinite } from './metrics.test-support.js';

/** Seeded generator for reproducible synthetic survey data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Correlated attribute ratings and an overall score driven mostly by the first two. */
function synthetic(n: number, seed: number): { rows: number[][]; outcome: number[] } {
  const random = rng(seed);
  const rows: number[][] = [];
  const outcome: number[] = [];
  for (let i = 0; i < n; i++) {
    const halo = normal(random);
    const x = [0, 1, 2, 3].map(() => 0.6 * halo + normal(random));
    rows.push(x.map((v) => Math.round(Math.max(1, Math.min(10, 6 + 1.5 * v)))));
    outcome.push(0.8 * x[0]! + 0.5 * x[1]! + 0.1 * x[2]! + normal(random));
  }
  return { rows, outcome };
}

/** R² of OLS with an intercept by the normal equations (XᵀX)b = Xᵀy — independent of the code under test. */
function olsRSquared(rows: number[][], y: number[]): number {
  const X = new Matrix(rows.map((r) => [1, ...r]));
  const Y = Matrix.columnVector(y);
  const b = solve(X.transpose().mmul(X), X.transpose().mmul(Y));
  const fitted = X.mmul(b).getColumn(0);
  const mean = y.reduce((a, v) => a + v, 0) / y.length;
  const sse = y.reduce((a, v, i) => a + (v - fitted[i]!) ** 2, 0);
  const sst = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  return 1 - sse / sst;
}

describe("Johnson's relative weights", () => {
  it('hand-computed two-predictor example from correlations', () => {
    // r12 = 0.6, r1y = 0.5, r2y = 0.4. Eigenvalues 1 ± r = 1.6, 0.4, V = [[1, 1], [1, −1]]/√2
    // Λ = [[a, b], [b, a]], a = (√1.6 + √0.4)/2, b = (√1.6 − √0.4)/2 → a² = 0.9, b² = 0.1, ab = 0.3
    // Λ⁻¹ = [[a, −b], [−b, a]] / √(1 − 0.36) = … / 0.8
    // β1² = (0.5a − 0.4b)²/0.64 = (0.225 − 0.12 + 0.016)/0.64 = 0.121/0.64 = 0.1890625
    // β2² = (0.4a − 0.5b)²/0.64 = (0.144 − 0.12 + 0.025)/0.64 = 0.049/0.64 = 0.0765625
    // ε1 = a²β1² + b²β2² = 0.17015625 + 0.00765625 = 0.1778125
    // ε2 = b²β1² + a²β2² = 0.01890625 + 0.06890625 = 0.0878125
    // R² = (0.25 + 0.16 − 2·0.6·0.5·0.4)/(1 − 0.36) = 0.17/0.64 = 0.265625 = ε1 + ε2
    // Rescaled: 66.941 %, 33.059 %. With n = 100: F = (0.265625/2)/(0.734375/97) = 17.5426
    const r = relativeWeightsFromCorrelations({
      predictorCorrelations: [
        [1, 0.6],
        [0.6, 1],
      ],
      outcomeCorrelations: [0.5, 0.4],
      n: 100,
      names: ['reliability', 'price'],
    });
    expect(r.rSquared).toBeCloseTo(0.265625, 12);
    expect(r.weights[0]).toMatchObject({ name: 'reliability', rank: 1 });
    expect(r.weights[0]!.rawWeight).toBeCloseTo(0.1778125, 12);
    expect(r.weights[1]!.rawWeight).toBeCloseTo(0.0878125, 12);
    expect(r.weights[0]!.rescaledWeight).toBeCloseTo((0.1778125 / 0.265625) * 100, 10);
    // standardised betas: (0.5 − 0.6·0.4)/0.64 = 0.40625, (0.4 − 0.6·0.5)/0.64 = 0.15625
    expect(r.weights[0]!.beta).toBeCloseTo(0.40625, 12);
    expect(r.weights[1]!.beta).toBeCloseTo(0.15625, 12);
    expect(r.fStatistic).toBeCloseTo(17.5426, 3);
    expect(r.df1).toBe(2);
    expect(r.df2).toBe(97);
    expect(r.pValue).toBeLessThan(1e-5);
    expect(r.significant).toBe(true);
    // adjusted R² = 1 − 0.734375·99/97 = 0.250483
    expect(r.adjustedRSquared).toBeCloseTo(0.250483, 5);
  });

  it('uncorrelated predictors: each weight is the squared correlation', () => {
    const r = relativeWeightsFromCorrelations({
      predictorCorrelations: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      outcomeCorrelations: [0.3, -0.5, 0.1],
    });
    expect(r.weights.map((w) => w.rawWeight)).toEqual([
      expect.closeTo(0.09, 12),
      expect.closeTo(0.25, 12),
      expect.closeTo(0.01, 12),
    ]);
    expect(r.weights.map((w) => w.rank)).toEqual([2, 1, 3]);
    expect(r).toMatchObject({ n: null, pValue: null, significant: null, fStatistic: null });
  });

  it('raw rows: weights sum to R², and R² equals the OLS R² computed independently', () => {
    const { rows, outcome } = synthetic(400, 7);
    const r = relativeWeights({ rows, outcome, names: ['a', 'b', 'c', 'd'] });
    const ols = olsRSquared(rows, outcome);
    expect(r.rSquared).toBeCloseTo(ols, 10);
    expect(r.weights.reduce((a, w) => a + w.rawWeight, 0)).toBeCloseTo(r.rSquared, 12);
    expect(r.weights.reduce((a, w) => a + (w.rescaledWeight as number), 0)).toBeCloseTo(100, 9);
    expect(r.weights[0]!.rank).toBe(1);
    expect(r.weights[3]!.rank).toBe(4);
    expect(r.significant).toBe(true);
    expectNoNonFinite(r);
  });

  it('agrees with the explicit construction: regress y on the orthogonal Z, then X on Z', () => {
    const { rows, outcome } = synthetic(300, 11);
    const n = rows.length;
    const p = rows[0]!.length;
    const standardise = (col: number[]) => {
      const m = col.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(col.reduce((a, v) => a + (v - m) ** 2, 0) / n);
      return col.map((v) => (v - m) / sd);
    };
    const X = new Matrix(rows).transpose().to2DArray().map(standardise);
    const Xs = new Matrix(X).transpose();
    const y = Matrix.columnVector(standardise(outcome));
    // Z = Xs · (XsᵀXs/n)^(−½), the orthonormal matrix closest to Xs (Johnson 1966)
    const R = Xs.transpose().mmul(Xs).div(n);
    const e = new EigenvalueDecomposition(R, { assumeSymmetric: true });
    const invSqrt = e.eigenvectorMatrix
      .mmul(Matrix.diag(e.realEigenvalues.map((l) => 1 / Math.sqrt(l))))
      .mmul(e.eigenvectorMatrix.transpose());
    const Z = Xs.mmul(invSqrt);
    const beta = solve(Z.transpose().mmul(Z), Z.transpose().mmul(y)).getColumn(0); // y on Z
    const lambda = solve(Z.transpose().mmul(Z), Z.transpose().mmul(Xs)); // X on Z: Λ[k][j]
    const expected = Array.from({ length: p }, (_, j) =>
      beta.reduce((a, b, k) => a + lambda.get(k, j) ** 2 * b ** 2, 0),
    );
    const r = relativeWeights({ rows, outcome });
    r.weights.forEach((w, j) => expect(w.rawWeight).toBeCloseTo(expected[j]!, 10));
  });

  it('listwise deletion of incomplete rows', () => {
    const { rows, outcome } = synthetic(60, 3);
    const withGaps: (number | null)[][] = rows.map((r, i) => (i % 10 === 0 ? [null, ...r.slice(1)] : r));
    const out: (number | null)[] = outcome.map((v, i) => (i === 5 ? null : v));
    const r = relativeWeights({ rows: withGaps, outcome: out });
    expect(r.dropped).toBe(7);
    expect(r.n).toBe(53);
    const keep = rows.filter((_, i) => i % 10 !== 0 && i !== 5);
    const keepY = outcome.filter((_, i) => i % 10 !== 0 && i !== 5);
    expect(r.rSquared).toBeCloseTo(olsRSquared(keep, keepY), 10);
  });

  it('degenerate input gives typed errors, never NaN', () => {
    const { rows, outcome } = synthetic(50, 5);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(MetricsInputError);
        return (e as MetricsInputError).code;
      }
      return 'no error';
    };
    expect(code(() => relativeWeights({ rows: rows.map((r) => [...r.slice(0, 3), 5]), outcome }))).toBe(
      'CONSTANT_PREDICTOR',
    );
    expect(code(() => relativeWeights({ rows, outcome: outcome.map(() => 3) }))).toBe('CONSTANT_OUTCOME');
    expect(code(() => relativeWeights({ rows: rows.slice(0, 5), outcome: outcome.slice(0, 5) }))).toBe(
      'TOO_FEW_OBSERVATIONS',
    );
    expect(code(() => relativeWeights({ rows: rows.map((r) => [...r, r[0]! + r[1]!]), outcome }))).toBe(
      'SINGULAR_PREDICTORS',
    );
    expect(
      code(() =>
        relativeWeights({
          rows: [[1, Number.NaN], ...rows.map((r) => r.slice(0, 2))],
          outcome: [1, ...outcome],
        }),
      ),
    ).toBe('NON_FINITE_VALUE');
    expect(code(() => relativeWeights({ rows, outcome: outcome.slice(1) }))).toBe('DIMENSION_MISMATCH');
    expect(code(() => relativeWeights({ rows: [], outcome: [] }))).toBe('DIMENSION_MISMATCH');
    expect(code(() => relativeWeights({ rows, outcome, names: ['a'] }))).toBe('DIMENSION_MISMATCH');
    expect(
      code(() =>
        relativeWeightsFromCorrelations({
          predictorCorrelations: [
            [1, 0],
            [0, 1],
          ],
          outcomeCorrelations: [0.8, 0.8], // implies R² = 1.28
        }),
      ),
    ).toBe('INVALID_CORRELATION_MATRIX');
    expect(
      code(() =>
        relativeWeightsFromCorrelations({
          predictorCorrelations: [
            [1, 0.2],
            [0.3, 1],
          ],
          outcomeCorrelations: [0.1, 0.1],
        }),
      ),
    ).toBe('INVALID_CORRELATION_MATRIX');
    expect(
      code(() =>
        relativeWeightsFromCorrelations({ predictorCorrelations: [[1]], outcomeCorrelations: [0.1], n: 2 }),
      ),
    ).toBe('TOO_FEW_OBSERVATIONS');
  });

  it('R² = 0 leaves rescaled weights null; a perfect fit has p = 0', () => {
    const zero = relativeWeightsFromCorrelations({
      predictorCorrelations: [
        [1, 0.5],
        [0.5, 1],
      ],
      outcomeCorrelations: [0, 0],
      n: 30,
    });
    expect(zero.rSquared).toBe(0);
    expect(zero.weights.map((w) => w.rescaledWeight)).toEqual([null, null]);
    expect(zero.pValue).toBe(1);
    const rows = Array.from({ length: 20 }, (_, i) => [i % 7, (i * 3) % 5]);
    const perfect = relativeWeights({ rows, outcome: rows.map((r) => 2 * r[0]! - r[1]!) });
    expect(perfect.rSquared).toBeCloseTo(1, 10);
    expect(perfect).toMatchObject({ pValue: 0, significant: true, fStatistic: null });
    expectNoNonFinite(perfect);
  });

  it('bootstrap intervals are reproducible and contain the point estimates here', () => {
    const { rows, outcome } = synthetic(200, 21);
    const a = relativeWeights({ rows, outcome }, { bootstrap: { replicates: 200, seed: 42 } });
    const b = relativeWeights({ rows, outcome }, { bootstrap: { replicates: 200, seed: 42 } });
    expect(a).toEqual(b);
    expect(a.bootstrap).toEqual({ replicates: 200, used: 200, seed: 42 });
    for (const w of a.weights) {
      expect(w.rawWeightCi!.lower).toBeLessThanOrEqual(w.rawWeight);
      expect(w.rawWeightCi!.upper).toBeGreaterThanOrEqual(w.rawWeight);
      expect(w.rescaledWeightCi!.lower).toBeGreaterThanOrEqual(0);
      expect(w.rescaledWeightCi!.upper).toBeLessThanOrEqual(100);
    }
    expect(() => relativeWeights({ rows, outcome }, { bootstrap: { replicates: 1 } })).toThrow(
      MetricsInputError,
    );
  });

  it('property: weights are non-negative, sum to R² = OLS R², invariant to rescaling a column', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (seed, p, scale, shift) => {
          const { rows, outcome } = synthetic(40, seed);
          const xs = rows.map((r) => r.slice(0, p));
          let result;
          try {
            result = relativeWeights({ rows: xs, outcome });
          } catch (e) {
            // small integer samples can be degenerate; that must be a typed error
            expect(e).toBeInstanceOf(MetricsInputError);
            return;
          }
          expectNoNonFinite(result);
          for (const w of result.weights) expect(w.rawWeight).toBeGreaterThanOrEqual(-1e-12);
          expect(result.weights.reduce((a, w) => a + w.rawWeight, 0)).toBeCloseTo(result.rSquared, 10);
          expect(result.rSquared).toBeCloseTo(olsRSquared(xs, outcome), 8);
          const moved = relativeWeights({
            rows: xs.map((r) => [r[0]! * scale + shift, ...r.slice(1)]),
            outcome,
          });
          moved.weights.forEach((w, j) => expect(w.rawWeight).toBeCloseTo(result.weights[j]!.rawWeight, 8));
          expect(result.pValue!).toBeGreaterThanOrEqual(0);
          expect(result.pValue!).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('priority matrix', () => {
  it('hand-computed quadrants around the medians', () => {
    // importance 40, 30, 20, 10 → median 25; performance 60, 80, 50, 90 → median 70
    const m = priorityMatrix([
      { key: 'network', importance: 40, performance: 60 },
      { key: 'billing', importance: 30, performance: 80 },
      { key: 'stores', importance: 20, performance: 50 },
      { key: 'app', importance: 10, performance: 90 },
    ]);
    expect(m.importanceCut).toBe(25);
    expect(m.performanceCut).toBe(70);
    expect(m.items.map((i) => i.quadrant)).toEqual(['improve-first', 'keep', 'low-priority', 'maintain']);
  });

  it('explicit cuts, ties and empty input', () => {
    const m = priorityMatrix([{ key: 'a', importance: 5, performance: 50 }], {
      importance: 5,
      performance: 60,
    });
    expect(m.items[0]!.quadrant).toBe('improve-first'); // at the cut counts as high
    expect(priorityMatrix([])).toEqual({ importanceCut: null, performanceCut: null, items: [] });
    expect(() => priorityMatrix([{ key: 'a', importance: Number.NaN, performance: 1 }])).toThrow(
      MetricsInputError,
    );
  });
});
