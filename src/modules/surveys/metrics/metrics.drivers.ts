import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { MetricsInputError } from './metrics.errors.js';
import { assertFinite, fUpperP, median, resolveOptions } from './metrics.internal.js';
import type { EstimateOptions, Interval } from './metrics.types.js';

/** Driver analysis from respondent rows: predictor ratings (one row per respondent) and the overall score. */
export interface DriverRowsInput {
  /** rows[i][j]: respondent i's rating of attribute j; null = not answered (the row is dropped, listwise). */
  rows: ReadonlyArray<ReadonlyArray<number | null>>;
  /** The outcome (e.g. overall satisfaction or NPS 0–10) per respondent; null drops the row. */
  outcome: ReadonlyArray<number | null>;
  /** Attribute names, one per column (default "x1", "x2", …). */
  names?: readonly string[];
}

/** Driver analysis from a correlation matrix (e.g. published or computed elsewhere). */
export interface DriverCorrelationInput {
  /** p × p correlations among the predictors (symmetric, unit diagonal, positive definite). */
  predictorCorrelations: ReadonlyArray<ReadonlyArray<number>>;
  /** Correlation of each predictor with the outcome. */
  outcomeCorrelations: readonly number[];
  /** Sample size, for the F-test (optional: without it there is no significance test). */
  n?: number;
  names?: readonly string[];
}

export interface BootstrapOptions {
  /** Resamples (default 1000, at most 10 000). */
  replicates?: number;
  /** Seed of the resampling generator, so a result can be reproduced (default 1). */
  seed?: number;
}

export interface DriverOptions extends EstimateOptions {
  /** Percentile bootstrap intervals for the weights (rows input only). */
  bootstrap?: BootstrapOptions;
}

export interface DriverWeight {
  name: string;
  /** Correlation of the predictor with the outcome. */
  correlation: number;
  /** Standardised OLS coefficient (shown for reference; unstable under collinearity, unlike the weights). */
  beta: number;
  /** Johnson's raw relative weight ε_j; the weights sum to R². */
  rawWeight: number;
  /** rawWeight / R² × 100; null when R² = 0. */
  rescaledWeight: number | null;
  /** Bootstrap percentile interval of rawWeight (with `options.bootstrap`). */
  rawWeightCi?: Interval | null;
  /** Bootstrap percentile interval of rescaledWeight. */
  rescaledWeightCi?: Interval | null;
  /** Rank by weight, 1 = most important. */
  rank: number;
}

export interface DriverAnalysisResult {
  /** Observations used (after listwise deletion); null for correlation input without n. */
  n: number | null;
  /** Rows dropped for missing values. */
  dropped: number;
  /** Number of predictors. */
  p: number;
  rSquared: number;
  adjustedRSquared: number | null;
  /** F = (R²/p) / ((1 − R²)/(n − p − 1)); null without n, or when R² = 1 (F infinite, pValue 0). */
  fStatistic: number | null;
  df1: number;
  df2: number | null;
  pValue: number | null;
  /** pValue < 1 − confidence; null without n. */
  significant: boolean | null;
  weights: DriverWeight[];
  bootstrap?: { replicates: number; used: number; seed: number };
}

interface CoreResult {
  rSquared: number;
  raw: number[];
  beta: number[];
}

/** Eigenvalues below this fraction of the largest mean the predictors are (nearly) linearly dependent. */
const SINGULAR_TOLERANCE = 1e-10;

/**
 * Johnson's (2000) relative weights: Rxx = V D Vᵀ, Λ = V D^½ Vᵀ (correlations of X with its closest
 * orthogonal counterpart Z), β = Λ⁻¹ r_xy (regression of y on Z), ε_j = Σ_k Λ_jk² β_k².
 */
function relativeWeightsCore(rxx: Matrix, rxy: readonly number[], names: readonly string[]): CoreResult {
  const p = rxy.length;
  const evd = new EigenvalueDecomposition(rxx, { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const maxEigen = Math.max(...lambda);
  const minEigen = Math.min(...lambda);
  if (!(maxEigen > 0) || minEigen < SINGULAR_TOLERANCE * maxEigen) {
    throw new MetricsInputError(
      'SINGULAR_PREDICTORS',
      'the predictors are linearly dependent (one is a combination of others); drop or merge one',
      { names: [...names], smallestEigenvalue: minEigen },
    );
  }
  const sqrtD = Matrix.diag(lambda.map((l) => Math.sqrt(l)));
  const invSqrtD = Matrix.diag(lambda.map((l) => 1 / Math.sqrt(l)));
  const invD = Matrix.diag(lambda.map((l) => 1 / l));
  const vt = v.transpose();
  const big = v.mmul(sqrtD).mmul(vt); // Λ
  const r = Matrix.columnVector([...rxy]);
  const betaZ = v.mmul(invSqrtD).mmul(vt).mmul(r).getColumn(0); // Λ⁻¹ r_xy
  const betaX = v.mmul(invD).mmul(vt).mmul(r).getColumn(0); // Rxx⁻¹ r_xy
  const raw: number[] = [];
  for (let j = 0; j < p; j++) {
    let e = 0;
    for (let k = 0; k < p; k++) e += big.get(j, k) ** 2 * (betaZ[k] as number) ** 2;
    raw.push(e);
  }
  const rSquared = betaZ.reduce((a, b) => a + b * b, 0);
  return { rSquared, raw, beta: betaX };
}

function defaultNames(p: number, names: readonly string[] | undefined): string[] {
  if (names === undefined) return Array.from({ length: p }, (_, j) => `x${j + 1}`);
  if (names.length !== p) {
    throw new MetricsInputError('DIMENSION_MISMATCH', 'names must have one entry per predictor', {
      names: names.length,
      predictors: p,
    });
  }
  return [...names];
}

function significance(
  rSquared: number,
  n: number | null,
  p: number,
  confidence: { alpha: number },
): Pick<DriverAnalysisResult, 'adjustedRSquared' | 'fStatistic' | 'df2' | 'pValue' | 'significant'> {
  if (n === null)
    return { adjustedRSquared: null, fStatistic: null, df2: null, pValue: null, significant: null };
  const df2 = n - p - 1;
  const adjustedRSquared = 1 - ((1 - rSquared) * (n - 1)) / df2;
  if (rSquared >= 1 - 1e-12) return { adjustedRSquared, fStatistic: null, df2, pValue: 0, significant: true };
  const fStatistic = rSquared / p / ((1 - rSquared) / df2);
  const pValue = fUpperP(fStatistic, p, df2);
  return { adjustedRSquared, fStatistic, df2, pValue, significant: pValue < confidence.alpha };
}

function rank(weights: Omit<DriverWeight, 'rank'>[]): DriverWeight[] {
  const order = weights.map((w, i) => ({ w: w.rawWeight, i })).sort((a, b) => b.w - a.w || a.i - b.i);
  const ranks = new Array<number>(weights.length);
  order.forEach((o, r) => (ranks[o.i] = r + 1));
  return weights.map((w, i) => ({ ...w, rank: ranks[i] as number }));
}

function assemble(core: CoreResult, rxy: readonly number[], names: readonly string[]) {
  return names.map((name, j) => ({
    name,
    correlation: rxy[j] as number,
    beta: core.beta[j] as number,
    rawWeight: core.raw[j] as number,
    rescaledWeight: core.rSquared > 0 ? ((core.raw[j] as number) / core.rSquared) * 100 : null,
  }));
}

/**
 * Relative weights from a correlation matrix (Johnson 2000). Without `n` there is no F-test.
 * @throws MetricsInputError INVALID_CORRELATION_MATRIX (not square/symmetric, diagonal ≠ 1, |r| > 1, R² > 1),
 *   SINGULAR_PREDICTORS, TOO_FEW_OBSERVATIONS (n ≤ p + 1), DIMENSION_MISMATCH, NON_FINITE_VALUE.
 */
export function relativeWeightsFromCorrelations(
  input: DriverCorrelationInput,
  options?: DriverOptions,
): DriverAnalysisResult {
  const resolved = resolveOptions(options);
  const p = input.outcomeCorrelations.length;
  if (p === 0) throw new MetricsInputError('DIMENSION_MISMATCH', 'at least one predictor is needed', {});
  const names = defaultNames(p, input.names);
  const m = input.predictorCorrelations;
  if (m.length !== p || m.some((row) => row.length !== p)) {
    throw new MetricsInputError(
      'DIMENSION_MISMATCH',
      'predictorCorrelations must be p × p with p = outcomeCorrelations.length',
      { p },
    );
  }
  const bad = (detail: Record<string, unknown>, why: string) =>
    new MetricsInputError('INVALID_CORRELATION_MATRIX', why, detail);
  for (let i = 0; i < p; i++) {
    const ry = input.outcomeCorrelations[i] as number;
    assertFinite(ry, `outcomeCorrelations[${i}]`);
    if (Math.abs(ry) > 1 + 1e-12) throw bad({ i }, 'correlations lie between −1 and 1');
    for (let j = 0; j < p; j++) {
      const r = (m[i] as readonly number[])[j] as number;
      assertFinite(r, `predictorCorrelations[${i}][${j}]`);
      if (Math.abs(r) > 1 + 1e-12) throw bad({ i, j }, 'correlations lie between −1 and 1');
      if (i === j && Math.abs(r - 1) > 1e-9) throw bad({ i }, 'the diagonal of a correlation matrix is 1');
      if (Math.abs(r - ((m[j] as readonly number[])[i] as number)) > 1e-9)
        throw bad({ i, j }, 'a correlation matrix is symmetric');
    }
  }
  let n: number | null = null;
  if (input.n !== undefined) {
    assertFinite(input.n, 'n');
    if (!Number.isInteger(input.n) || input.n <= p + 1) {
      throw new MetricsInputError('TOO_FEW_OBSERVATIONS', 'the F-test needs an integer n > p + 1', {
        n: input.n,
        p,
      });
    }
    n = input.n;
  }
  const core = relativeWeightsCore(new Matrix(m.map((row) => [...row])), input.outcomeCorrelations, names);
  if (core.rSquared > 1 + 1e-9) {
    throw bad({ rSquared: core.rSquared }, 'the correlations are inconsistent (they imply R² > 1)');
  }
  core.rSquared = Math.min(core.rSquared, 1);
  return {
    n,
    dropped: 0,
    p,
    rSquared: core.rSquared,
    df1: p,
    ...significance(core.rSquared, n, p, resolved),
    weights: rank(assemble(core, input.outcomeCorrelations, names)),
  };
}

/** Complete rows as columns (listwise deletion), validated. */
function completeColumns(input: DriverRowsInput): {
  xs: number[][];
  y: number[];
  dropped: number;
  p: number;
} {
  if (input.rows.length !== input.outcome.length) {
    throw new MetricsInputError('DIMENSION_MISMATCH', 'rows and outcome must have the same length', {
      rows: input.rows.length,
      outcome: input.outcome.length,
    });
  }
  const p = input.rows[0]?.length ?? input.names?.length ?? 0;
  if (p === 0) throw new MetricsInputError('DIMENSION_MISMATCH', 'at least one predictor is needed', {});
  const xs: number[][] = Array.from({ length: p }, () => []);
  const y: number[] = [];
  let dropped = 0;
  input.rows.forEach((row, i) => {
    if (row.length !== p) {
      throw new MetricsInputError('DIMENSION_MISMATCH', `row ${i} has ${row.length} values, expected ${p}`, {
        row: i,
      });
    }
    const out = input.outcome[i];
    if (out === null || out === undefined || row.some((v) => v === null || v === undefined)) {
      dropped += 1;
      return;
    }
    assertFinite(out, `outcome[${i}]`);
    row.forEach((v, j) => {
      assertFinite(v as number, `rows[${i}][${j}]`);
      (xs[j] as number[]).push(v as number);
    });
    y.push(out);
  });
  return { xs, y, dropped, p };
}

/** Pearson correlations of columns (all the same length); constant columns are reported by index. */
function correlations(
  columns: readonly (readonly number[])[],
  idx?: readonly number[],
): { r: Matrix; constant: number[] } {
  const k = columns.length;
  const n = idx ? idx.length : (columns[0] as readonly number[]).length;
  const centred: Float64Array[] = [];
  const norms: number[] = [];
  const constant: number[] = [];
  columns.forEach((col, c) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += col[idx ? (idx[i] as number) : i] as number;
    mean /= n;
    const d = new Float64Array(n);
    let ss = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      const x = col[idx ? (idx[i] as number) : i] as number;
      d[i] = x - mean;
      ss += (d[i] as number) ** 2;
      scale = Math.max(scale, Math.abs(x));
    }
    // A column whose spread is rounding noise relative to its values is constant.
    if (!(Math.sqrt(ss / n) > 1e-12 * Math.max(1, scale))) constant.push(c);
    centred.push(d);
    norms.push(Math.sqrt(ss));
  });
  const r = Matrix.eye(k);
  if (constant.length > 0) return { r, constant };
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const da = centred[a] as Float64Array;
      const db = centred[b] as Float64Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += (da[i] as number) * (db[i] as number);
      const v = Math.max(-1, Math.min(1, s / ((norms[a] as number) * (norms[b] as number))));
      r.set(a, b, v);
      r.set(b, a, v);
    }
  }
  return { r, constant };
}

function coreFromColumns(
  xs: readonly (readonly number[])[],
  y: readonly number[],
  names: readonly string[],
  idx?: readonly number[],
): { core: CoreResult; rxy: number[] } {
  const p = xs.length;
  const { r, constant } = correlations([...xs, y], idx);
  if (constant.includes(p)) {
    throw new MetricsInputError(
      'CONSTANT_OUTCOME',
      'the outcome has the same value in every row: nothing to explain',
      {},
    );
  }
  if (constant.length > 0) {
    throw new MetricsInputError(
      'CONSTANT_PREDICTOR',
      'a predictor has the same value in every row; drop it',
      {
        names: constant.map((c) => names[c]),
      },
    );
  }
  const rxx = r.subMatrix(0, p - 1, 0, p - 1);
  const rxy = r.getColumn(p).slice(0, p);
  return { core: relativeWeightsCore(rxx, rxy, names), rxy };
}

/** mulberry32: a small seeded generator, so bootstrap intervals are reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], q: number): number {
  // Linear interpolation between order statistics (type 7, as R's default quantile).
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * Driver analysis by Johnson's relative weights from respondent rows: Pearson correlations of the complete
 * rows, then {@link relativeWeightsFromCorrelations}; R², adjusted R², the F-test of the regression and,
 * with `options.bootstrap`, percentile intervals of the weights from seeded resampling of rows (resamples
 * in which a predictor happens to be constant are skipped; `bootstrap.used` counts the others).
 * @throws MetricsInputError NON_FINITE_VALUE, DIMENSION_MISMATCH, TOO_FEW_OBSERVATIONS (complete rows ≤ p + 1),
 *   CONSTANT_PREDICTOR, CONSTANT_OUTCOME, SINGULAR_PREDICTORS.
 */
export function relativeWeights(input: DriverRowsInput, options?: DriverOptions): DriverAnalysisResult {
  const resolved = resolveOptions(options);
  const { xs, y, dropped, p } = completeColumns(input);
  const names = defaultNames(p, input.names);
  const n = y.length;
  if (n <= p + 1) {
    throw new MetricsInputError(
      'TOO_FEW_OBSERVATIONS',
      `need more than ${p + 1} complete rows for ${p} predictors`,
      {
        n,
        p,
        dropped,
      },
    );
  }
  const { core, rxy } = coreFromColumns(xs, y, names);
  core.rSquared = Math.min(Math.max(core.rSquared, 0), 1);
  const weights = assemble(core, rxy, names);
  const result: DriverAnalysisResult = {
    n,
    dropped,
    p,
    rSquared: core.rSquared,
    df1: p,
    ...significance(core.rSquared, n, p, resolved),
    weights: rank(weights),
  };
  if (options?.bootstrap) {
    const replicates = options.bootstrap.replicates ?? 1000;
    const seed = options.bootstrap.seed ?? 1;
    if (!Number.isInteger(replicates) || replicates < 2 || replicates > 10_000) {
      throw new MetricsInputError(
        'INVALID_OPTION',
        'bootstrap.replicates must be an integer from 2 to 10000',
        { replicates },
      );
    }
    assertFinite(seed, 'bootstrap.seed');
    const random = seededRandom(seed);
    const raws: number[][] = Array.from({ length: p }, () => []);
    const rescaled: number[][] = Array.from({ length: p }, () => []);
    const idx = new Array<number>(n);
    let used = 0;
    for (let b = 0; b < replicates; b++) {
      for (let i = 0; i < n; i++) idx[i] = Math.floor(random() * n);
      let rep: CoreResult;
      try {
        rep = coreFromColumns(xs, y, names, idx).core;
      } catch (error) {
        if (error instanceof MetricsInputError) continue;
        throw error;
      }
      used += 1;
      rep.raw.forEach((w, j) => {
        (raws[j] as number[]).push(w);
        if (rep.rSquared > 0) (rescaled[j] as number[]).push((w / rep.rSquared) * 100);
      });
    }
    const q = (1 - resolved.confidence) / 2;
    const ci = (values: number[]): Interval | null => {
      if (values.length < 2) return null;
      const sorted = [...values].sort((a, b) => a - b);
      return { lower: percentile(sorted, q), upper: percentile(sorted, 1 - q) };
    };
    result.weights = result.weights.map((w, j) => ({
      ...w,
      rawWeightCi: ci(raws[j] as number[]),
      rescaledWeightCi: ci(rescaled[j] as number[]),
    }));
    result.bootstrap = { replicates, used, seed };
  }
  return result;
}

/** Quadrants of the importance × performance matrix, cut at the medians. */
export type PriorityQuadrant = 'keep' | 'improve-first' | 'maintain' | 'low-priority';

export interface PriorityItemInput {
  key: string;
  /** E.g. the rescaled relative weight. */
  importance: number;
  /** E.g. the attribute's mean normalised to 0–100. */
  performance: number;
}

export interface PriorityItem extends PriorityItemInput {
  quadrant: PriorityQuadrant;
}

export interface PriorityMatrix {
  /** The cut lines: the medians of importance and performance, unless given. */
  importanceCut: number | null;
  performanceCut: number | null;
  items: PriorityItem[];
}

/**
 * Importance × performance (priority) matrix. An item is "high" on an axis when at or above the cut (median
 * by default): high importance & low performance → improve-first; high & high → keep; low importance & high
 * performance → maintain; low & low → low-priority.
 * @throws MetricsInputError NON_FINITE_VALUE.
 */
export function priorityMatrix(
  items: readonly PriorityItemInput[],
  cuts?: { importance?: number; performance?: number },
): PriorityMatrix {
  items.forEach((item, i) => {
    assertFinite(item.importance, `items[${i}].importance`);
    assertFinite(item.performance, `items[${i}].performance`);
  });
  if (cuts?.importance !== undefined) assertFinite(cuts.importance, 'cuts.importance');
  if (cuts?.performance !== undefined) assertFinite(cuts.performance, 'cuts.performance');
  if (items.length === 0) {
    return { importanceCut: cuts?.importance ?? null, performanceCut: cuts?.performance ?? null, items: [] };
  }
  const importanceCut = cuts?.importance ?? median(items.map((i) => i.importance));
  const performanceCut = cuts?.performance ?? median(items.map((i) => i.performance));
  return {
    importanceCut,
    performanceCut,
    items: items.map((item) => {
      const important = item.importance >= importanceCut;
      const performing = item.performance >= performanceCut;
      const quadrant: PriorityQuadrant = important
        ? performing
          ? 'keep'
          : 'improve-first'
        : performing
          ? 'maintain'
          : 'low-priority';
      return { ...item, quadrant };
    }),
  };
}
