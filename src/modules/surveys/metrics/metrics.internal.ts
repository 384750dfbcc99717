import jStat from 'jstat';
import { MetricsInputError } from './metrics.errors.js';
import type { EstimateOptions, Interval, RatingScale } from './metrics.types.js';

export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_THIN_CELL_MIN = 30;

export interface ResolvedOptions {
  confidence: number;
  alpha: number;
  /** Two-sided normal critical value, e.g. 1.959963984540054 for 95 %. */
  z: number;
  thinCellMin: number;
}

export function resolveOptions(options: EstimateOptions | undefined): ResolvedOptions {
  const confidence = options?.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isFinite(confidence) || confidence <= 0 || confidence >= 1) {
    throw new MetricsInputError('INVALID_OPTION', 'confidence must be strictly between 0 and 1', {
      confidence,
    });
  }
  const thinCellMin = options?.thinCellMin ?? DEFAULT_THIN_CELL_MIN;
  if (!Number.isFinite(thinCellMin) || thinCellMin < 0) {
    throw new MetricsInputError('INVALID_OPTION', 'thinCellMin must be a non-negative number', {
      thinCellMin,
    });
  }
  return { confidence, alpha: 1 - confidence, z: normalQuantile(1 - (1 - confidence) / 2), thinCellMin };
}

export function normalQuantile(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSidedP(z: number): number {
  if (!Number.isFinite(z)) return 0;
  // 2·Φ(−|z|) keeps precision in the far tail, where 1 − Φ(|z|) would round to 0.
  return clamp(2 * jStat.normal.cdf(-Math.abs(z), 0, 1), 0, 1);
}

/** Two-sided p-value of a Student t statistic with `df` degrees of freedom (df may be fractional). */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return clamp(2 * jStat.studentt.cdf(-Math.abs(t), df), 0, 1);
}

export function tQuantile(p: number, df: number): number {
  return jStat.studentt.inv(p, df);
}

/** Upper-tail p-value of an F statistic. */
export function fUpperP(f: number, df1: number, df2: number): number {
  if (!Number.isFinite(f)) return 0;
  if (f <= 0) return 1;
  return clamp(1 - jStat.centralF.cdf(f, df1, df2), 0, 1);
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function interval(a: number, b: number, lo = -Infinity, hi = Infinity): Interval {
  return { lower: clamp(Math.min(a, b), lo, hi), upper: clamp(Math.max(a, b), lo, hi) };
}

export function assertFinite(value: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new MetricsInputError('NON_FINITE_VALUE', `${field} must be a finite number`, { field, value });
  }
}

export function assertCount(value: number, field: string): void {
  assertFinite(value, field);
  if (value < 0 || !Number.isInteger(value)) {
    throw new MetricsInputError('INVALID_COUNTS', `${field} must be a non-negative integer`, {
      field,
      value,
    });
  }
}

export function assertScale(scale: RatingScale, field = 'scale'): void {
  assertFinite(scale.min, `${field}.min`);
  assertFinite(scale.max, `${field}.max`);
  if (scale.max <= scale.min) {
    throw new MetricsInputError('INVALID_SCALE', `${field}.max must be greater than ${field}.min`, {
      min: scale.min,
      max: scale.max,
    });
  }
  if (scale.topBoxMin !== undefined) {
    assertFinite(scale.topBoxMin, `${field}.topBoxMin`);
    if (scale.topBoxMin < scale.min || scale.topBoxMin > scale.max) {
      throw new MetricsInputError('INVALID_SCALE', `${field}.topBoxMin must lie on the scale`, {
        min: scale.min,
        max: scale.max,
        topBoxMin: scale.topBoxMin,
      });
    }
  }
}

/** Relative tolerance for consistency checks of sums computed in floating point (rollups add many rows). */
export function nearlyLessOrEqual(a: number, b: number): boolean {
  return a <= b + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
