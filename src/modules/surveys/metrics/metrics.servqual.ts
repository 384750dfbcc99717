import { MetricsInputError } from './metrics.errors.js';
import { assertCount, assertFinite, nearlyLessOrEqual, resolveOptions } from './metrics.internal.js';
import { meanEstimate } from './metrics.rating.js';
import { assertOnScale } from './metrics.response.js';
import type { EstimateOptions, Interval, RatingScale } from './metrics.types.js';

/** The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988, 1991). */
export type ServqualDimension = 'tangibles' | 'reliability' | 'responsiveness' | 'assurance' | 'empathy';

/** Items 1–22 by dimension: tangibles 1–4, reliability 5–9, responsiveness 10–13, assurance 14–17, empathy 18–22. */
export const SERVQUAL_DIMENSIONS: ReadonlyArray<{ dimension: ServqualDimension; items: readonly number[] }> =
  Object.freeze([
    { dimension: 'tangibles', items: [1, 2, 3, 4] },
    { dimension: 'reliability', items: [5, 6, 7, 8, 9] },
    { dimension: 'responsiveness', items: [10, 11, 12, 13] },
    { dimension: 'assurance', items: [14, 15, 16, 17] },
    { dimension: 'empathy', items: [18, 19, 20, 21, 22] },
  ]);

/** SERVQUAL answers are on 1–7 (strongly disagree … strongly agree) for both expectation and perception. */
export const SERVQUAL_SCALE: Readonly<RatingScale> = Object.freeze({ min: 1, max: 7 });

export const SERVQUAL_ITEM_COUNT = 22;

/** The dimension of item 1–22. @throws MetricsInputError INVALID_SCORE for another number. */
export function servqualDimensionOf(item: number): ServqualDimension {
  const found = SERVQUAL_DIMENSIONS.find((d) => d.items.includes(item));
  if (!found) throw new MetricsInputError('INVALID_SCORE', 'SERVQUAL items are numbered 1 to 22', { item });
  return found.dimension;
}

/** Importance points per dimension (the 100-point allocation, per respondent or averaged); normalised before use. */
export type ImportanceAllocation = Record<ServqualDimension, number>;

/**
 * Sufficient statistics of one item over the respondents who rated both its expectation (E) and perception
 * (P): n, ΣP, ΣE, Σ(P − E) and Σ(P − E)².
 */
export interface ServqualItemStats {
  item: number;
  n: number;
  sumPerception: number;
  sumExpectation: number;
  sumGap: number;
  sumGapSq: number;
}

export interface ServqualItemResult {
  item: number;
  dimension: ServqualDimension;
  n: number;
  perception: number | null;
  expectation: number | null;
  /** Mean of P − E (negative: service falls short of expectation); null when n = 0. */
  gap: number | null;
  /** SD of the paired differences / √n; null when n < 2. */
  standardError: number | null;
  ci: Interval | null;
  thin: boolean;
}

export interface ServqualDimensionResult {
  dimension: ServqualDimension;
  items: readonly number[];
  /** Items of the dimension that have answers. */
  itemsWithData: number;
  /** Mean of the item means (perception, expectation, gap); null without data. */
  perception: number | null;
  expectation: number | null;
  gap: number | null;
  /**
   * SE of the dimension gap: only from respondent-level data (the per-respondent dimension gaps); null from
   * item statistics, which lack the covariances between items.
   */
  standardError: number | null;
  ci: Interval | null;
  /** Normalised importance weight (sums to 1 over dimensions with data); null without an allocation. */
  weight: number | null;
  /** weight × gap: this dimension's part of the weighted score. */
  weightedGap: number | null;
}

export interface ServqualResult {
  items: ServqualItemResult[];
  dimensions: ServqualDimensionResult[];
  /** Unweighted SERVQUAL score: the mean of the dimension gaps (over dimensions with data). */
  unweightedScore: number | null;
  /** Σ weight_d × gap_d with weights from the importance allocation; null without an allocation. */
  weightedScore: number | null;
  /** Every one of the 22 items has data. */
  complete: boolean;
}

export interface ServqualOptions extends EstimateOptions {
  /** Importance points per dimension (e.g. mean of the 100-point allocation); normalised to sum to 1. */
  importance?: ImportanceAllocation;
}

function normaliseImportance(importance: ImportanceAllocation): ImportanceAllocation {
  let total = 0;
  for (const { dimension } of SERVQUAL_DIMENSIONS) {
    const w = importance[dimension];
    assertFinite(w, `importance.${dimension}`);
    if (w < 0)
      throw new MetricsInputError('INVALID_WEIGHTS', 'importance points cannot be negative', { dimension });
    total += w;
  }
  if (total <= 0) throw new MetricsInputError('INVALID_WEIGHTS', 'importance points must not all be 0', {});
  const out = {} as ImportanceAllocation;
  for (const { dimension } of SERVQUAL_DIMENSIONS) out[dimension] = importance[dimension] / total;
  return out;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function itemResult(s: ServqualItemStats, options: EstimateOptions | undefined): ServqualItemResult {
  const { thinCellMin } = resolveOptions(options);
  const span = SERVQUAL_SCALE.max - SERVQUAL_SCALE.min;
  const gap = meanEstimate({ n: s.n, sum: s.sumGap, sumSq: s.sumGapSq }, { min: -span, max: span }, options);
  return {
    item: s.item,
    dimension: servqualDimensionOf(s.item),
    n: s.n,
    perception: s.n === 0 ? null : s.sumPerception / s.n,
    expectation: s.n === 0 ? null : s.sumExpectation / s.n,
    gap: gap.mean,
    standardError: gap.standardError,
    ci: gap.ci,
    thin: s.n < thinCellMin,
  };
}

function assertItemStats(s: ServqualItemStats): void {
  servqualDimensionOf(s.item);
  assertCount(s.n, `item ${s.item}.n`);
  for (const f of ['sumPerception', 'sumExpectation', 'sumGap', 'sumGapSq'] as const)
    assertFinite(s[f], `item ${s.item}.${f}`);
  const { min, max } = SERVQUAL_SCALE;
  const gapCheck = s.sumPerception - s.sumExpectation;
  const ok =
    nearlyLessOrEqual(s.n * min, s.sumPerception) &&
    nearlyLessOrEqual(s.sumPerception, s.n * max) &&
    nearlyLessOrEqual(s.n * min, s.sumExpectation) &&
    nearlyLessOrEqual(s.sumExpectation, s.n * max) &&
    nearlyLessOrEqual(gapCheck, s.sumGap) &&
    nearlyLessOrEqual(s.sumGap, gapCheck);
  if (!ok) {
    throw new MetricsInputError(
      'INVALID_STATS',
      'item statistics are inconsistent (sums off the 1–7 scale or ΣGap ≠ ΣP − ΣE)',
      {
        ...s,
      },
    );
  }
}

function assemble(
  items: ServqualItemResult[],
  dimensionSe: Map<
    ServqualDimension,
    { standardError: number | null; ci: Interval | null; gap: number | null }
  >,
  options: ServqualOptions | undefined,
): ServqualResult {
  const importance = options?.importance ? normaliseImportance(options.importance) : null;
  const dimensions: ServqualDimensionResult[] = SERVQUAL_DIMENSIONS.map(({ dimension, items: numbers }) => {
    const withData = items.filter((i) => i.dimension === dimension && i.gap !== null);
    const fromRespondents = dimensionSe.get(dimension);
    return {
      dimension,
      items: numbers,
      itemsWithData: withData.length,
      perception: mean(withData.map((i) => i.perception as number)),
      expectation: mean(withData.map((i) => i.expectation as number)),
      gap: fromRespondents ? fromRespondents.gap : mean(withData.map((i) => i.gap as number)),
      standardError: fromRespondents?.standardError ?? null,
      ci: fromRespondents?.ci ?? null,
      weight: null,
      weightedGap: null,
    };
  });
  const withGap = dimensions.filter((d) => d.gap !== null);
  const unweightedScore = mean(withGap.map((d) => d.gap as number));
  let weightedScore: number | null = null;
  if (importance) {
    const total = withGap.reduce((a, d) => a + importance[d.dimension], 0);
    if (total > 0) {
      weightedScore = 0;
      for (const d of withGap) {
        d.weight = importance[d.dimension] / total;
        d.weightedGap = d.weight * (d.gap as number);
        weightedScore += d.weightedGap;
      }
    }
  }
  return {
    items,
    dimensions,
    unweightedScore,
    weightedScore,
    complete: items.length === SERVQUAL_ITEM_COUNT && items.every((i) => i.n > 0),
  };
}

/**
 * SERVQUAL gaps from item statistics (e.g. rollups): per item mean P, E and P − E with its SE and t interval;
 * per dimension the mean of its item means; the unweighted score (mean of dimension gaps) and, with an
 * importance allocation, the weighted score Σ w_d · gap_d (weights normalised over dimensions with data).
 * Items without statistics count as unanswered. Dimension SEs need respondent data: see
 * {@link servqualFromResponses}.
 * @throws MetricsInputError for items outside 1–22, duplicates or inconsistent sums.
 */
export function servqualFromItemStats(
  stats: readonly ServqualItemStats[],
  options?: ServqualOptions,
): ServqualResult {
  resolveOptions(options);
  const seen = new Set<number>();
  for (const s of stats) {
    assertItemStats(s);
    if (seen.has(s.item))
      throw new MetricsInputError('INVALID_STATS', `item ${s.item} is given twice`, { item: s.item });
    seen.add(s.item);
  }
  const items = [...stats].sort((a, b) => a.item - b.item).map((s) => itemResult(s, options));
  return assemble(items, new Map(), options);
}

/** One respondent's answers: arrays of 22 ratings (index 0 = item 1), null where not answered. */
export interface ServqualResponse {
  expectation: ReadonlyArray<number | null>;
  perception: ReadonlyArray<number | null>;
  /** This respondent's importance allocation (normally 100 points), if asked. */
  importance?: ImportanceAllocation;
}

/**
 * Item statistics of raw responses: an item counts for a respondent who rated both its E and P (1–7).
 * @throws MetricsInputError DIMENSION_MISMATCH unless both arrays have 22 entries; INVALID_SCORE off scale.
 */
export function servqualItemStatsFromResponses(responses: readonly ServqualResponse[]): ServqualItemStats[] {
  const stats: ServqualItemStats[] = Array.from({ length: SERVQUAL_ITEM_COUNT }, (_, i) => ({
    item: i + 1,
    n: 0,
    sumPerception: 0,
    sumExpectation: 0,
    sumGap: 0,
    sumGapSq: 0,
  }));
  responses.forEach((r, ri) => {
    if (r.expectation.length !== SERVQUAL_ITEM_COUNT || r.perception.length !== SERVQUAL_ITEM_COUNT) {
      throw new MetricsInputError('DIMENSION_MISMATCH', 'expectation and perception need 22 entries each', {
        response: ri,
      });
    }
    for (let i = 0; i < SERVQUAL_ITEM_COUNT; i++) {
      const e = r.expectation[i];
      const p = r.perception[i];
      if (e === null || e === undefined || p === null || p === undefined) continue;
      assertOnScale(e, SERVQUAL_SCALE, false, `responses[${ri}].expectation[${i}]`);
      assertOnScale(p, SERVQUAL_SCALE, false, `responses[${ri}].perception[${i}]`);
      const s = stats[i] as ServqualItemStats;
      s.n += 1;
      s.sumPerception += p;
      s.sumExpectation += e;
      s.sumGap += p - e;
      s.sumGapSq += (p - e) ** 2;
    }
  });
  return stats;
}

/**
 * SERVQUAL from respondent-level answers. Items as in {@link servqualFromItemStats}; each dimension's gap is
 * the mean over respondents of their own mean gap on the dimension's answered items, so its SE and t
 * interval are exact (with complete answers this equals the mean of the item gaps). Without an explicit
 * `options.importance`, the weights are the mean of the respondents' allocations, each first normalised
 * to sum to 1.
 */
export function servqualFromResponses(
  responses: readonly ServqualResponse[],
  options?: ServqualOptions,
): ServqualResult {
  resolveOptions(options);
  const itemStats = servqualItemStatsFromResponses(responses);
  const items = itemStats.map((s) => itemResult(s, options));
  const span = SERVQUAL_SCALE.max - SERVQUAL_SCALE.min;
  const perDimension = new Map<
    ServqualDimension,
    { standardError: number | null; ci: Interval | null; gap: number | null }
  >();
  for (const { dimension, items: numbers } of SERVQUAL_DIMENSIONS) {
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    for (const r of responses) {
      const gaps: number[] = [];
      for (const item of numbers) {
        const e = r.expectation[item - 1];
        const p = r.perception[item - 1];
        if (e !== null && e !== undefined && p !== null && p !== undefined) gaps.push(p - e);
      }
      const g = mean(gaps);
      if (g === null) continue;
      n += 1;
      sum += g;
      sumSq += g * g;
    }
    const est = meanEstimate({ n, sum, sumSq }, { min: -span, max: span }, options);
    perDimension.set(dimension, { gap: est.mean, standardError: est.standardError, ci: est.ci });
  }
  let importance = options?.importance;
  if (!importance) {
    const allocations = responses.flatMap((r, ri) => {
      if (!r.importance) return [];
      try {
        return [normaliseImportance(r.importance)];
      } catch (error) {
        if (error instanceof MetricsInputError) {
          throw new MetricsInputError(
            error.code,
            `responses[${ri}].importance: ${error.message}`,
            error.details,
          );
        }
        throw error;
      }
    });
    if (allocations.length > 0) {
      importance = {} as ImportanceAllocation;
      for (const { dimension } of SERVQUAL_DIMENSIONS) {
        importance[dimension] = allocations.reduce((a, w) => a + w[dimension], 0) / allocations.length;
      }
    }
  }
  return assemble(items, perDimension, { ...options, importance });
}
