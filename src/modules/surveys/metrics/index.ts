/**
 * Satisfaction statistics of the surveys module: pure functions over sufficient statistics (counts, sums,
 * sums of squares) — no database access. Every metric is defined in docs/metrics.md.
 *
 * Invalid input throws {@link MetricsInputError} with a stable `code`; map it to a 4xx. No function returns
 * NaN: what cannot be estimated is `null`.
 */
export { MetricsInputError, isMetricsInputError, type MetricsErrorCode } from './metrics.errors.js';
export type { EstimateOptions, Interval, RatingScale, RatingStats } from './metrics.types.js';
export { DEFAULT_CONFIDENCE, DEFAULT_THIN_CELL_MIN } from './metrics.internal.js';
export {
  CES_SCALE,
  CSAT_SCALE,
  NPS_SCALE,
  classifyNps,
  isCesTopBox,
  isCsatTopBox,
  isTopBox,
  normaliseRating,
  type NpsCategory,
} from './metrics.response.js';
export {
  mergeNpsCounts,
  npsCountsFromScores,
  npsFromCounts,
  npsFromScores,
  npsVariance,
  resolveNpsCounts,
  type NpsCounts,
  type NpsResult,
} from './metrics.nps.js';
export {
  assertRatingStats,
  cesSummary,
  csatSummary,
  meanEstimate,
  mergeRatingStats,
  proportionEstimate,
  ratingStatsFromScores,
  ratingSummary,
  sampleVariance,
  wilsonInterval,
  type MeanEstimate,
  type ProportionEstimate,
  type RatingSummary,
} from './metrics.rating.js';
export {
  npsDifferenceTest,
  twoProportionZTest,
  welchTTest,
  type SignificanceTest,
} from './metrics.significance.js';
export {
  meanTrend,
  npsTrend,
  topBoxTrend,
  type PeriodNpsCounts,
  type PeriodRatingStats,
  type TrendPoint,
} from './metrics.trends.js';
export {
  DEFAULT_TIME_ZONE,
  assertTimeZone,
  dayKeyToPeriod,
  isoWeek,
  localDate,
  periodBounds,
  periodKey,
  periodKeyOfDate,
  periodsBetween,
  startOfLocalDay,
  type CivilDate,
  type Granularity,
  type PeriodBounds,
} from './metrics.periods.js';
export {
  SERVQUAL_DIMENSIONS,
  SERVQUAL_ITEM_COUNT,
  SERVQUAL_SCALE,
  servqualDimensionOf,
  servqualFromItemStats,
  servqualFromResponses,
  servqualItemStatsFromResponses,
  type ImportanceAllocation,
  type ServqualDimension,
  type ServqualDimensionResult,
  type ServqualItemResult,
  type ServqualItemStats,
  type ServqualOptions,
  type ServqualResponse,
  type ServqualResult,
} from './metrics.servqual.js';
export {
  ACSI_SCALE,
  KEY_ACCOUNT_INDEX_MODEL,
  acsiIndex,
  satisfactionIndex,
  type AcsiInput,
  type IndexComponentInput,
  type IndexComponentResult,
  type IndexItemInput,
  type IndexItemResult,
  type SatisfactionIndexResult,
} from './metrics.index-score.js';
export {
  priorityMatrix,
  relativeWeights,
  relativeWeightsFromCorrelations,
  type BootstrapOptions,
  type DriverAnalysisResult,
  type DriverCorrelationInput,
  type DriverOptions,
  type DriverRowsInput,
  type DriverWeight,
  type PriorityItem,
  type PriorityItemInput,
  type PriorityMatrix,
  type PriorityQuadrant,
} from './metrics.drivers.js';
