/** A closed interval; `lower <= upper` always holds. */
export interface Interval {
  lower: number;
  upper: number;
}

/**
 * A rating scale: answers are numbers from `min` to `max` inclusive. `topBoxMin` is the lowest answer counted
 * in the top box (e.g. 4 on CSAT 1–5, 6 on CES 1–7).
 */
export interface RatingScale {
  min: number;
  max: number;
  topBoxMin?: number;
}

/**
 * Sufficient statistics of the answered responses to one rating question: how many (`n`), the sum and the sum
 * of squares of the answers, and (optionally) how many were in the top box. Everything a mean, its variance
 * and a top-box share need, and additive across days, channels and touchpoints (see `mergeRatingStats`).
 */
export interface RatingStats {
  n: number;
  sum: number;
  sumSq: number;
  topBox?: number;
}

/** Options shared by every estimate. */
export interface EstimateOptions {
  /** Two-sided confidence level of intervals and 1 − significance level of tests. Default 0.95. */
  confidence?: number;
  /** Cells with fewer answered responses than this are flagged `thin`. Default 30. */
  thinCellMin?: number;
}
