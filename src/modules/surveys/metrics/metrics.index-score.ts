import { MetricsInputError } from './metrics.errors.js';
import { assertFinite, assertScale, clamp } from './metrics.internal.js';
import { assertRatingStats } from './metrics.rating.js';
import type { RatingScale, RatingStats } from './metrics.types.js';

/**
 * One item of a satisfaction index: its scale and either its mean rating or its rating statistics (mean =
 * sum / n). `weight` (default 1) is relative to the other items of the component.
 */
export interface IndexItemInput {
  key: string;
  scale: RatingScale;
  weight?: number;
  mean?: number | null;
  stats?: RatingStats;
}

/** A component (e.g. after-sale service) with its relative weight (default 1) and items. */
export interface IndexComponentInput {
  key: string;
  weight?: number;
  items: readonly IndexItemInput[];
}

export interface IndexItemResult {
  key: string;
  /** Answered responses behind the mean when statistics were given. */
  n: number | null;
  mean: number | null;
  /** (mean − min) / (max − min) × 100; null without answers. */
  score: number | null;
  /** Weight within the component, normalised over the items that have a score; null without a score. */
  weight: number | null;
}

export interface IndexComponentResult {
  key: string;
  /** Σ item weight × item score (0–100); null when no item has a score. */
  score: number | null;
  /** Weight in the index, normalised over the components that have a score. */
  weight: number | null;
  /** weight × score: the component's points in the index. */
  contribution: number | null;
  items: IndexItemResult[];
}

export interface SatisfactionIndexResult {
  /** Σ component weight × component score, 0–100; null when nothing has a score. */
  index: number | null;
  components: IndexComponentResult[];
  /** Every item had answers (otherwise the weights were renormalised over what had). */
  complete: boolean;
}

function weightOf(w: number | undefined, field: string): number {
  const weight = w ?? 1;
  assertFinite(weight, field);
  if (weight < 0)
    throw new MetricsInputError('INVALID_WEIGHTS', `${field} cannot be negative`, { field, weight });
  return weight;
}

function itemMean(item: IndexItemInput, field: string): { mean: number | null; n: number | null } {
  if (item.stats !== undefined && item.mean !== undefined) {
    throw new MetricsInputError('INVALID_STATS', `${field}: give mean or stats, not both`, { key: item.key });
  }
  if (item.stats) {
    assertRatingStats(item.stats, item.scale);
    return { mean: item.stats.n === 0 ? null : item.stats.sum / item.stats.n, n: item.stats.n };
  }
  if (item.mean === undefined || item.mean === null) return { mean: null, n: null };
  assertFinite(item.mean, `${field}.mean`);
  if (item.mean < item.scale.min || item.mean > item.scale.max) {
    throw new MetricsInputError('INVALID_SCORE', `${field}.mean must lie on its scale`, {
      key: item.key,
      mean: item.mean,
    });
  }
  return { mean: item.mean, n: null };
}

/** Normalises weights over the entries that have a score; all-zero weights there are an error. */
function normalise<T extends { score: number | null }>(
  entries: T[],
  weights: number[],
  field: string,
): (number | null)[] {
  const total = entries.reduce((a, e, i) => a + (e.score === null ? 0 : (weights[i] as number)), 0);
  if (total === 0) {
    if (entries.some((e) => e.score !== null)) {
      throw new MetricsInputError(
        'INVALID_WEIGHTS',
        `${field}: the weights of the parts with answers are all 0`,
        {},
      );
    }
    return entries.map(() => null);
  }
  return entries.map((e, i) => (e.score === null ? null : (weights[i] as number) / total));
}

/**
 * A weighted satisfaction index on 0–100 (e.g. the telecom key-account index: product quality, pre-sale,
 * in-sale, after-sale, account manager). Each item mean is normalised to 0–100 on its own scale, items are
 * weighted within their component, components weighted into the index. Weights are relative and normalised
 * over the parts that have answers, so a missing item does not drag the index toward 0 (`complete` says so).
 * @example two components, weights 0.6/0.4: product (CSAT mean 4 → 75) and service (0–10 mean 8 → 80)
 *   → index = 0.6·75 + 0.4·80 = 77.
 * @throws MetricsInputError INVALID_WEIGHTS, INVALID_SCALE, INVALID_SCORE, INVALID_STATS.
 */
export function satisfactionIndex(components: readonly IndexComponentInput[]): SatisfactionIndexResult {
  let complete = true;
  const keys = new Set<string>();
  const results: IndexComponentResult[] = components.map((c, ci) => {
    if (keys.has(c.key))
      throw new MetricsInputError('INVALID_WEIGHTS', `component ${c.key} is given twice`, { key: c.key });
    keys.add(c.key);
    const items: IndexItemResult[] = c.items.map((item, ii) => {
      const field = `components[${ci}].items[${ii}]`;
      assertScale(item.scale, `${field}.scale`);
      const { mean, n } = itemMean(item, field);
      if (mean === null) complete = false;
      const score =
        mean === null
          ? null
          : clamp(((mean - item.scale.min) / (item.scale.max - item.scale.min)) * 100, 0, 100);
      return { key: item.key, n, mean, score, weight: null };
    });
    const itemWeights = normalise(
      items,
      c.items.map((item, ii) => weightOf(item.weight, `components[${ci}].items[${ii}].weight`)),
      `components[${ci}]`,
    );
    let score: number | null = null;
    items.forEach((item, ii) => {
      item.weight = itemWeights[ii] as number | null;
      if (item.weight !== null) score = (score ?? 0) + item.weight * (item.score as number);
    });
    if (c.items.length === 0) complete = false;
    return { key: c.key, score, weight: null, contribution: null, items };
  });
  const weights = normalise(
    results,
    components.map((c, ci) => weightOf(c.weight, `components[${ci}].weight`)),
    'components',
  );
  let index: number | null = null;
  results.forEach((c, ci) => {
    c.weight = weights[ci] as number | null;
    if (c.weight !== null) {
      c.contribution = c.weight * (c.score as number);
      index = (index ?? 0) + c.contribution;
    }
  });
  return {
    index: index === null ? null : clamp(index, 0, 100),
    components: results,
    complete: complete && components.length > 0,
  };
}

/**
 * Structure of the key-account satisfaction index used by telecom operators (issue #5): five components and
 * their items. Weights here are equal defaults; a workspace sets its own.
 */
export const KEY_ACCOUNT_INDEX_MODEL: ReadonlyArray<{
  key: string;
  weight: number;
  items: readonly string[];
}> = Object.freeze([
  { key: 'product_quality', weight: 1, items: ['reliability', 'fit_to_needs'] },
  { key: 'pre_sale', weight: 1, items: ['proactive_information', 'ease_of_consultation'] },
  { key: 'in_sale', weight: 1, items: ['ease_of_ordering', 'speed_of_activation'] },
  {
    key: 'after_sale',
    weight: 1,
    items: ['ease_of_billing_queries', 'ease_of_fault_reporting', 'speed_of_repair'],
  },
  { key: 'account_manager', weight: 1, items: ['proactiveness', 'coordination', 'competence'] },
]);

/** ACSI-style items, each rated 1–10. */
export const ACSI_SCALE: Readonly<RatingScale> = Object.freeze({ min: 1, max: 10 });

/** The three ACSI-style questions: overall satisfaction, confirmation of expectations, comparison with the ideal. */
export interface AcsiInput {
  satisfaction: number | null | RatingStats;
  expectations: number | null | RatingStats;
  ideal: number | null | RatingStats;
  /** Relative weights of the three items (default equal; the ACSI itself estimates them by PLS). */
  weights?: { satisfaction: number; expectations: number; ideal: number };
}

/**
 * ACSI-style index on 0–100 from three 1–10 items: Σ w_i · (x̄_i − 1)/9 · 100 with normalised weights.
 * @example means 8, 7, 6.4 with equal weights → (77.78 + 66.67 + 60)/3 = 68.15.
 */
export function acsiIndex(input: AcsiInput): SatisfactionIndexResult {
  const keys = ['satisfaction', 'expectations', 'ideal'] as const;
  return satisfactionIndex([
    {
      key: 'acsi',
      items: keys.map((key) => {
        const v = input[key];
        const weight = input.weights?.[key] ?? 1;
        return typeof v === 'object' && v !== null
          ? { key, scale: ACSI_SCALE, weight, stats: v }
          : { key, scale: ACSI_SCALE, weight, mean: v };
      }),
    },
  ]);
}
