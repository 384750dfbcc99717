import { MetricsInputError } from './metrics.errors.js';
import {
  assertCount,
  assertFinite,
  assertScale,
  clamp,
  interval,
  nearlyLessOrEqual,
  resolveOptions,
  tQuantile,
} from './metrics.internal.js';
import { assertOnScale, CES_SCALE, CSAT_SCALE } from './metrics.response.js';
import type { EstimateOptions, Interval, RatingScale, RatingStats } from './metrics.types.js';

/** A proportion with its Wilson score interval. */
export interface ProportionEstimate {
  /** Responses in the category. */
  count: number;
  /** Answered responses (the denominator). */
  n: number;
  /** count / n, or null when n = 0. */
  proportion: number | null;
  /** proportion × 100, or null when n = 0. */
  percent: number | null;
  /** Wilson score interval of the proportion (0–1), or null when n = 0. */
  ci: Interval | null;
  /** The same interval in percent (0–100). */
  percentCi: Interval | null;
}

/** A mean of answered ratings with its standard error and t interval. */
export interface MeanEstimate {
  n: number;
  /** sum / n, or null when n = 0. */
  mean: number | null;
  /** Sample standard deviation (divisor n − 1); null when n < 2. */
  sd: number | null;
  /** sd / √n; null when n < 2. */
  standardError: number | null;
  /** mean ± t(1 − α/2, n − 1) · SE, clipped to the scale; null when n < 2. */
  ci: Interval | null;
}

/** Mean, top box and the 0–100 normalised mean of one rating question. */
export interface RatingSummary extends MeanEstimate {
  scale: RatingScale;
  /** (mean − min) / (max − min) × 100, or null when n = 0. */
  normalisedMean: number | null;
  /** The mean's interval mapped onto 0–100. */
  normalisedCi: Interval | null;
  /** Top-box share with its Wilson interval; null when the scale or the stats have no top box. */
  topBox: ProportionEstimate | null;
  /** n below the thin-cell threshold (default 30): show the figure but do not read much into it. */
  thin: boolean;
}

/**
 * Wilson score interval of a binomial proportion (Wilson 1927; Newcombe 1998 method 3), which unlike the
 * Wald interval stays inside [0, 1] and keeps its coverage near 0 and 1:
 * centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
 * @returns null when n = 0.
 * @throws MetricsInputError INVALID_COUNTS unless 0 ≤ count ≤ n are integers.
 */
export function wilsonInterval(count: number, n: number, options?: EstimateOptions): Interval | null {
  assertCount(count, 'count');
  assertCount(n, 'n');
  if (count > n) throw new MetricsInputError('INVALID_COUNTS', 'count cannot exceed n', { count, n });
  if (n === 0) return null;
  const { z } = resolveOptions(options);
  const p = count / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Exact bounds at the edges: the formula gives 0 and 1 there only up to rounding.
  return {
    lower: count === 0 ? 0 : clamp(centre - half, 0, 1),
    upper: count === n ? 1 : clamp(centre + half, 0, 1),
  };
}

/** A proportion `count / n` with its Wilson interval (see {@link wilsonInterval}). */
export function proportionEstimate(count: number, n: number, options?: EstimateOptions): ProportionEstimate {
  const ci = wilsonInterval(count, n, options);
  const proportion = n === 0 ? null : count / n;
  return {
    count,
    n,
    proportion,
    percent: proportion === null ? null : proportion * 100,
    ci,
    percentCi: ci === null ? null : { lower: ci.lower * 100, upper: ci.upper * 100 },
  };
}

/**
 * Checks that rating statistics can come from `n` answers on `scale`: counts are non-negative integers,
 * n·min ≤ sum ≤ n·max, sum²/n ≤ sumSq ≤ n·max(min², max²) (within rounding), topBox ≤ n.
 * @throws MetricsInputError INVALID_STATS / INVALID_COUNTS / NON_FINITE_VALUE.
 */
export function assertRatingStats(stats: RatingStats, scale?: RatingScale): void {
  assertCount(stats.n, 'n');
  assertFinite(stats.sum, 'sum');
  assertFinite(stats.sumSq, 'sumSq');
  if (stats.topBox !== undefined) {
    assertCount(stats.topBox, 'topBox');
    if (stats.topBox > stats.n) {
      throw new MetricsInputError('INVALID_STATS', 'topBox cannot exceed n', { ...stats });
    }
  }
  if (stats.n === 0) {
    if (stats.sum !== 0 || stats.sumSq !== 0) {
      throw new MetricsInputError('INVALID_STATS', 'sum and sumSq must be 0 when n is 0', { ...stats });
    }
    return;
  }
  // Cauchy–Schwarz: (Σx)² ≤ n·Σx², i.e. the variance cannot be negative.
  if (stats.sumSq < 0 || !nearlyLessOrEqual((stats.sum * stats.sum) / stats.n, stats.sumSq)) {
    throw new MetricsInputError('INVALID_STATS', 'sumSq is smaller than sum²/n (negative variance)', {
      ...stats,
    });
  }
  if (scale) {
    const maxSq = Math.max(scale.min * scale.min, scale.max * scale.max);
    if (
      !nearlyLessOrEqual(stats.n * scale.min, stats.sum) ||
      !nearlyLessOrEqual(stats.sum, stats.n * scale.max) ||
      !nearlyLessOrEqual(stats.sumSq, stats.n * maxSq)
    ) {
      throw new MetricsInputError('INVALID_STATS', 'sum or sumSq cannot come from answers on this scale', {
        ...stats,
        min: scale.min,
        max: scale.max,
      });
    }
  }
}

/**
 * Sample variance from sufficient statistics, s² = (Σx² − (Σx)²/n) / (n − 1), floored at 0 (the subtraction
 * can go a hair below zero in floating point when every answer is the same).
 */
export function sampleVariance(stats: RatingStats): number | null {
  if (stats.n < 2) return null;
  return Math.max(0, (stats.sumSq - (stats.sum * stats.sum) / stats.n) / (stats.n - 1));
}

/**
 * Mean of answered ratings with SE = s/√n and a Student-t interval (n − 1 degrees of freedom), clipped to the
 * scale when one is given.
 */
export function meanEstimate(
  stats: RatingStats,
  scale?: RatingScale,
  options?: EstimateOptions,
): MeanEstimate {
  if (scale) assertScale(scale);
  assertRatingStats(stats, scale);
  const { confidence } = resolveOptions(options);
  const { n } = stats;
  if (n === 0) return { n, mean: null, sd: null, standardError: null, ci: null };
  const lo = scale?.min ?? -Infinity;
  const hi = scale?.max ?? Infinity;
  // Clipping keeps a mean computed from float sums exactly on the scale.
  const mean = clamp(stats.sum / n, lo, hi);
  const variance = sampleVariance(stats);
  if (variance === null) return { n, mean, sd: null, standardError: null, ci: null };
  const sd = Math.sqrt(variance);
  const standardError = sd / Math.sqrt(n);
  const t = tQuantile(1 - (1 - confidence) / 2, n - 1);
  return {
    n,
    mean,
    sd,
    standardError,
    ci: interval(mean - t * standardError, mean + t * standardError, lo, hi),
  };
}

/**
 * Everything shown for one rating question: mean (SE, t interval), mean normalised to 0–100 and the top-box
 * share with its Wilson interval, over the answered responses.
 * @throws MetricsInputError when the statistics are inconsistent with the scale.
 */
export function ratingSummary(
  stats: RatingStats,
  scale: RatingScale,
  options?: EstimateOptions,
): RatingSummary {
  const mean = meanEstimate(stats, scale, options);
  const { thinCellMin } = resolveOptions(options);
  const span = scale.max - scale.min;
  const norm = (x: number) => clamp(((x - scale.min) / span) * 100, 0, 100);
  return {
    ...mean,
    scale: { ...scale },
    normalisedMean: mean.mean === null ? null : norm(mean.mean),
    normalisedCi: mean.ci === null ? null : { lower: norm(mean.ci.lower), upper: norm(mean.ci.upper) },
    topBox:
      scale.topBoxMin !== undefined && stats.topBox !== undefined
        ? proportionEstimate(stats.topBox, stats.n, options)
        : null,
    thin: stats.n < thinCellMin,
  };
}

/** CSAT 1–5: top-2-box % (4–5) with Wilson interval and mean with t interval. `stats.topBox` = answers 4–5. */
export function csatSummary(stats: RatingStats, options?: EstimateOptions): RatingSummary {
  return ratingSummary(stats, CSAT_SCALE, options);
}

/** CES 1–7: mean with t interval and top-2-box % (6–7). `stats.topBox` = answers 6–7. */
export function cesSummary(stats: RatingStats, options?: EstimateOptions): RatingSummary {
  return ratingSummary(stats, CES_SCALE, options);
}

/**
 * Sufficient statistics of raw answers; `null`/`undefined` (unanswered) are skipped, so `n` counts answered
 * responses only.
 * @throws MetricsInputError INVALID_SCORE for an answer off the scale.
 */
export function ratingStatsFromScores(
  scores: ReadonlyArray<number | null | undefined>,
  scale: RatingScale,
): RatingStats {
  assertScale(scale);
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let topBox = 0;
  for (const score of scores) {
    if (score === null || score === undefined) continue;
    assertOnScale(score, scale);
    n += 1;
    sum += score;
    sumSq += score * score;
    if (scale.topBoxMin !== undefined && score >= scale.topBoxMin) topBox += 1;
  }
  return scale.topBoxMin === undefined ? { n, sum, sumSq } : { n, sum, sumSq, topBox };
}

/**
 * Adds rating statistics (e.g. daily rollup rows into a week, or channels into a total). `topBox` is kept
 * only when every part has it.
 */
export function mergeRatingStats(parts: readonly RatingStats[]): RatingStats {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let topBox: number | undefined = 0;
  for (const part of parts) {
    n += part.n;
    sum += part.sum;
    sumSq += part.sumSq;
    topBox = topBox === undefined || part.topBox === undefined ? undefined : topBox + part.topBox;
  }
  return topBox === undefined ? { n, sum, sumSq } : { n, sum, sumSq, topBox };
}
