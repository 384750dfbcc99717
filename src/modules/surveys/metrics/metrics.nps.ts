import { MetricsInputError } from './metrics.errors.js';
import { assertCount, interval, resolveOptions } from './metrics.internal.js';
import { classifyNps } from './metrics.response.js';
import type { EstimateOptions, Interval } from './metrics.types.js';

/**
 * NPS sufficient statistics. Give the three counts, or promoters, detractors and `n` (answered responses) —
 * passives are then `n − promoters − detractors`. When all four are given they must agree.
 */
export interface NpsCounts {
  promoters: number;
  passives?: number;
  detractors: number;
  n?: number;
}

export interface NpsResult {
  /** Answered responses (the denominator). */
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Shares of n (0–1); null when n = 0. */
  promoterShare: number | null;
  passiveShare: number | null;
  detractorShare: number | null;
  /** (promoters − detractors) / n × 100, from −100 to 100; null when n = 0. */
  score: number | null;
  /** √((p_P + p_D − (p_P − p_D)²) / n) × 100, in NPS points; null when n = 0. */
  standardError: number | null;
  /** score ± z · SE, clipped to [−100, 100]; null when n = 0. */
  ci: Interval | null;
  /** n below the thin-cell threshold (default 30). */
  thin: boolean;
}

/** Resolves and validates NPS counts into the three categories and n. */
export function resolveNpsCounts(counts: NpsCounts): Required<NpsCounts> {
  assertCount(counts.promoters, 'promoters');
  assertCount(counts.detractors, 'detractors');
  if (counts.passives !== undefined) assertCount(counts.passives, 'passives');
  if (counts.n !== undefined) assertCount(counts.n, 'n');
  if (counts.passives === undefined && counts.n === undefined) {
    throw new MetricsInputError('INVALID_COUNTS', 'give passives or n', { ...counts });
  }
  const passives = counts.passives ?? (counts.n as number) - counts.promoters - counts.detractors;
  const n = counts.n ?? counts.promoters + passives + counts.detractors;
  if (passives < 0 || counts.promoters + passives + counts.detractors !== n) {
    throw new MetricsInputError('INVALID_COUNTS', 'promoters + passives + detractors must equal n', {
      ...counts,
    });
  }
  return { promoters: counts.promoters, passives, detractors: counts.detractors, n };
}

/**
 * Trinomial variance of the NPS on the proportion scale (−1..1): the score is the mean of a variable that is
 * +1 for a promoter, 0 for a passive and −1 for a detractor, whose variance is E[X²] − E[X]² =
 * p_P + p_D − (p_P − p_D)².
 */
export function npsVariance(promoterShare: number, detractorShare: number): number {
  const diff = promoterShare - detractorShare;
  return Math.max(0, promoterShare + detractorShare - diff * diff);
}

/**
 * Net Promoter Score with its standard error and normal (Wald) interval from category counts.
 * @example npsFromCounts({ promoters: 50, passives: 30, detractors: 20 })
 *   // score 30, SE √(0.61/100)·100 ≈ 7.8102, 95 % CI ≈ [14.692, 45.308]
 * @throws MetricsInputError INVALID_COUNTS when counts are negative, fractional or inconsistent.
 */
export function npsFromCounts(counts: NpsCounts, options?: EstimateOptions): NpsResult {
  const { promoters, passives, detractors, n } = resolveNpsCounts(counts);
  const { z, thinCellMin } = resolveOptions(options);
  const thin = n < thinCellMin;
  if (n === 0) {
    return {
      n,
      promoters,
      passives,
      detractors,
      promoterShare: null,
      passiveShare: null,
      detractorShare: null,
      score: null,
      standardError: null,
      ci: null,
      thin,
    };
  }
  const pP = promoters / n;
  const pD = detractors / n;
  const score = (pP - pD) * 100;
  const standardError = Math.sqrt(npsVariance(pP, pD) / n) * 100;
  return {
    n,
    promoters,
    passives,
    detractors,
    promoterShare: pP,
    passiveShare: passives / n,
    detractorShare: pD,
    score,
    standardError,
    ci: interval(score - z * standardError, score + z * standardError, -100, 100),
    thin,
  };
}

/** Counts promoters, passives and detractors among raw 0–10 answers; null/undefined are unanswered. */
export function npsCountsFromScores(scores: ReadonlyArray<number | null | undefined>): Required<NpsCounts> {
  const counts = { promoters: 0, passives: 0, detractors: 0, n: 0 };
  for (const score of scores) {
    if (score === null || score === undefined) continue;
    const category = classifyNps(score);
    if (category === 'promoter') counts.promoters += 1;
    else if (category === 'passive') counts.passives += 1;
    else counts.detractors += 1;
    counts.n += 1;
  }
  return counts;
}

/** NPS of raw 0–10 answers (see {@link npsFromCounts}). */
export function npsFromScores(
  scores: ReadonlyArray<number | null | undefined>,
  options?: EstimateOptions,
): NpsResult {
  return npsFromCounts(npsCountsFromScores(scores), options);
}

/** Adds NPS counts (e.g. daily rollups into a month). */
export function mergeNpsCounts(parts: readonly NpsCounts[]): Required<NpsCounts> {
  const total = { promoters: 0, passives: 0, detractors: 0, n: 0 };
  for (const part of parts) {
    const c = resolveNpsCounts(part);
    total.promoters += c.promoters;
    total.passives += c.passives;
    total.detractors += c.detractors;
    total.n += c.n;
  }
  return total;
}
