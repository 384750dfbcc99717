import { MetricsInputError } from './metrics.errors.js';
import { assertCount, normalTwoSidedP, resolveOptions, tTwoSidedP } from './metrics.internal.js';
import { npsFromCounts, type NpsCounts } from './metrics.nps.js';
import { assertRatingStats, sampleVariance } from './metrics.rating.js';
import type { EstimateOptions, RatingStats } from './metrics.types.js';

/**
 * The result of comparing a current sample with a previous one. `difference` is current − previous in the
 * metric's own unit. `pValue` is two-sided; it is null (and `significant` false) when the test is undefined:
 * both samples without variance but different values (a normal or t statistic would be infinite).
 */
export interface SignificanceTest {
  test: 'two-proportion-z' | 'welch-t' | 'nps-z';
  difference: number;
  /** Standard error of the difference used by the test. */
  standardError: number;
  /** z or t; null when the test is undefined. */
  statistic: number | null;
  /** Welch–Satterthwaite degrees of freedom (welch-t only). */
  df: number | null;
  pValue: number | null;
  /** pValue < 1 − confidence (0.05 by default). */
  significant: boolean;
}

function finish(
  test: SignificanceTest['test'],
  difference: number,
  standardError: number,
  df: number | null,
  options: EstimateOptions | undefined,
): SignificanceTest {
  const { alpha } = resolveOptions(options);
  if (standardError === 0) {
    // No sampling variation on either side: equal values are trivially "no difference" (p = 1); different
    // values make the statistic infinite, which a normal-theory test cannot qualify, so say nothing.
    const same = difference === 0;
    return {
      test,
      difference,
      standardError,
      statistic: same ? 0 : null,
      df,
      pValue: same ? 1 : null,
      significant: false,
    };
  }
  const statistic = difference / standardError;
  const pValue = df === null ? normalTwoSidedP(statistic) : tTwoSidedP(statistic, df);
  return { test, difference, standardError, statistic, df, pValue, significant: pValue < alpha };
}

/**
 * Two-proportion z-test with the pooled proportion under H0 (p₁ = p₂):
 * z = (p₂ − p₁) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), p̄ = (x₁ + x₂)/(n₁ + n₂). `difference` is p₂ − p₁ (0–1 scale).
 * @returns null when either sample is empty.
 */
export function twoProportionZTest(
  previous: { count: number; n: number },
  current: { count: number; n: number },
  options?: EstimateOptions,
): SignificanceTest | null {
  for (const [name, s] of [
    ['previous', previous],
    ['current', current],
  ] as const) {
    assertCount(s.count, `${name}.count`);
    assertCount(s.n, `${name}.n`);
    if (s.count > s.n)
      throw new MetricsInputError('INVALID_COUNTS', `${name}.count cannot exceed n`, { ...s });
  }
  if (previous.n === 0 || current.n === 0) return null;
  const p1 = previous.count / previous.n;
  const p2 = current.count / current.n;
  const pooled = (previous.count + current.count) / (previous.n + current.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / previous.n + 1 / current.n));
  return finish('two-proportion-z', p2 - p1, se, null, options);
}

/**
 * Welch's unequal-variance t-test on two means from sufficient statistics:
 * t = (x̄₂ − x̄₁) / √(s₁²/n₁ + s₂²/n₂), df = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)).
 * @returns null when either sample has fewer than 2 answers (no variance estimate).
 */
export function welchTTest(
  previous: RatingStats,
  current: RatingStats,
  options?: EstimateOptions,
): SignificanceTest | null {
  assertRatingStats(previous);
  assertRatingStats(current);
  const v1 = sampleVariance(previous);
  const v2 = sampleVariance(current);
  if (v1 === null || v2 === null) return null;
  const a = v1 / previous.n;
  const b = v2 / current.n;
  const difference = current.sum / current.n - previous.sum / previous.n;
  const se = Math.sqrt(a + b);
  const df = se === 0 ? null : ((a + b) * (a + b)) / ((a * a) / (previous.n - 1) + (b * b) / (current.n - 1));
  return finish('welch-t', difference, se, df === null ? previous.n + current.n - 2 : df, options);
}

/**
 * z-test of the change in NPS between two independent samples, using each sample's own trinomial variance:
 * z = (NPS₂ − NPS₁) / √(SE₁² + SE₂²), SE = √((p_P + p_D − (p_P − p_D)²)/n) × 100. `difference` is in NPS
 * points.
 * @returns null when either sample is empty.
 */
export function npsDifferenceTest(
  previous: NpsCounts,
  current: NpsCounts,
  options?: EstimateOptions,
): SignificanceTest | null {
  const a = npsFromCounts(previous, options);
  const b = npsFromCounts(current, options);
  if (a.score === null || b.score === null || a.standardError === null || b.standardError === null)
    return null;
  const se = Math.sqrt(a.standardError ** 2 + b.standardError ** 2);
  return finish('nps-z', b.score - a.score, se, null, options);
}
