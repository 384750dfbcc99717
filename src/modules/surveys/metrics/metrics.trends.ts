import { resolveOptions } from './metrics.internal.js';
import { npsFromCounts, type NpsCounts } from './metrics.nps.js';
import { meanEstimate, proportionEstimate, assertRatingStats } from './metrics.rating.js';
import {
  npsDifferenceTest,
  twoProportionZTest,
  welchTTest,
  type SignificanceTest,
} from './metrics.significance.js';
import { MetricsInputError } from './metrics.errors.js';
import type { EstimateOptions, Interval, RatingScale, RatingStats } from './metrics.types.js';

/** Rating statistics of one period (`period` is a label such as '2026-11-22', '2026-W47' or '2026-11'). */
export interface PeriodRatingStats extends RatingStats {
  period: string;
}

/** NPS counts of one period. */
export interface PeriodNpsCounts extends NpsCounts {
  period: string;
}

/** One point of a trend: the value, its confidence band and the comparison with the previous period. */
export interface TrendPoint {
  period: string;
  /** Answered responses in the period. */
  n: number;
  /** The metric (NPS points, top-box %, or mean); null when the period has no answers. */
  value: number | null;
  standardError: number | null;
  /** The confidence band (null when it cannot be estimated, e.g. n = 0, or n = 1 for a mean). */
  ci: Interval | null;
  thin: boolean;
  /**
   * This period versus the one before it in the input (the first point has none). `difference` is in the
   * value's unit (NPS points, percentage points, scale points). Null when either period cannot be tested.
   */
  change: SignificanceTest | null;
}

/**
 * NPS per period with a Wald band and an NPS z-test against the previous period (trinomial variances).
 * Periods are compared in input order: pass them oldest first, with empty periods as n = 0 (their point has
 * value null and both neighbours' `change` is null).
 */
export function npsTrend(periods: readonly PeriodNpsCounts[], options?: EstimateOptions): TrendPoint[] {
  resolveOptions(options);
  return periods.map((p, i) => {
    const r = npsFromCounts(p, options);
    const prev = i > 0 ? periods[i - 1] : undefined;
    return {
      period: p.period,
      n: r.n,
      value: r.score,
      standardError: r.standardError,
      ci: r.ci,
      thin: r.thin,
      change: prev ? npsDifferenceTest(prev, p, options) : null,
    };
  });
}

/**
 * Top-box % per period (`topBox` must be set on every period) with a Wilson band, and a pooled two-proportion
 * z-test against the previous period; `difference` is in percentage points.
 */
export function topBoxTrend(periods: readonly PeriodRatingStats[], options?: EstimateOptions): TrendPoint[] {
  const { thinCellMin } = resolveOptions(options);
  return periods.map((p, i) => {
    assertRatingStats(p);
    if (p.topBox === undefined) {
      throw new MetricsInputError('INVALID_STATS', 'topBox is required for a top-box trend', {
        period: p.period,
      });
    }
    const est = proportionEstimate(p.topBox, p.n, options);
    const prev = i > 0 ? periods[i - 1] : undefined;
    let change: SignificanceTest | null = null;
    if (prev && prev.topBox !== undefined) {
      const t = twoProportionZTest({ count: prev.topBox, n: prev.n }, { count: p.topBox, n: p.n }, options);
      change = t && { ...t, difference: t.difference * 100, standardError: t.standardError * 100 };
    }
    return {
      period: p.period,
      n: p.n,
      value: est.percent,
      standardError:
        est.proportion === null ? null : Math.sqrt((est.proportion * (1 - est.proportion)) / p.n) * 100,
      ci: est.percentCi,
      thin: p.n < thinCellMin,
      change,
    };
  });
}

/** Mean per period with a t band (clipped to the scale when given) and a Welch t-test against the previous period. */
export function meanTrend(
  periods: readonly PeriodRatingStats[],
  scale?: RatingScale,
  options?: EstimateOptions,
): TrendPoint[] {
  const { thinCellMin } = resolveOptions(options);
  return periods.map((p, i) => {
    const est = meanEstimate(p, scale, options);
    const prev = i > 0 ? periods[i - 1] : undefined;
    return {
      period: p.period,
      n: p.n,
      value: est.mean,
      standardError: est.standardError,
      ci: est.ci,
      thin: p.n < thinCellMin,
      change: prev ? welchTTest(prev, p, options) : null,
    };
  });
}
