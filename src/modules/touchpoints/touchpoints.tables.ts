import type { Generated } from 'kysely';

/** A moment where the customer meets the company, and the rule that maps incoming events to it. */
export interface TouchpointsTable {
  workspace_id: string;
  id: string;
  /** Immutable; other modules (surveys, cases) refer to a touchpoint by its key. */
  key: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  core_need_zh: string;
  core_need_en: string;
  /** Journey stage, e.g. discover, trial, subscribe. */
  stage: string;
  phase: 'pre_sale' | 'in_sale' | 'after_sale';
  /** JSON array of channel keys. */
  channels: string;
  owner_team: string | null;
  /** Target perception score 0–100. */
  target_score: number | null;
  /** Target conversion to the next journey step, 0–1. */
  target_conversion: number | null;
  /** JSON MatchRule. */
  rule: string;
  /** Lower is tried first when several touchpoints match one event. */
  priority: number;
  active: number;
  created_at: number;
  updated_at: number;
}

/** An ordered list of touchpoints. */
export interface JourneysTable {
  workspace_id: string;
  id: string;
  key: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  /** JSON array of touchpoint keys, in order. */
  steps: string;
  conversion_window_days: number;
  template: string | null;
  created_at: number;
  updated_at: number;
}

/** Rollup per touchpoint × local day × channel ('*' = all channels) kept up to date as events arrive. */
export interface TouchpointDailyTable {
  workspace_id: string;
  touchpoint_key: string;
  day: number;
  channel: string;
  events: number;
  customers: number;
  /** Customers reaching the touchpoint for the first time ever on that day ('*' rows only). */
  new_customers: number;
}

/**
 * A customer's history with a touchpoint: the first arrival (new customers, conversions) and the last local day
 * they were counted on (unique customers per day, counted when a later day's event arrives).
 */
export interface TouchpointProfilesTable {
  workspace_id: string;
  profile_id: string;
  touchpoint_key: string;
  first_at: number;
  first_day: number;
  /** Channel of the first arrival (funnel breakdowns by channel). */
  first_channel: string;
  last_day: number;
  /** The last day counted before the row's latest write (-1 until its first update): returned by the upsert. */
  counted_day: Generated<number>;
}

/** Customers who went from one touchpoint to the next journey step (each counted once per pair). */
export interface TouchpointConversionsTable {
  workspace_id: string;
  from_key: string;
  to_key: string;
  profile_id: string;
  converted_at: number;
  /** The local day of the customer's first arrival at `from`, which the conversion is counted under. */
  from_day: number | null;
}

/** Rollup: conversions from → to by the local day the customer first reached `from` (a cohort). */
export interface TouchpointConversionDailyTable {
  workspace_id: string;
  from_key: string;
  to_key: string;
  day: number;
  converted: number;
}

/** A background re-mapping of history after rules changed. */
export interface TouchpointRemapsTable {
  workspace_id: string;
  id: string;
  status: 'running' | 'done' | 'failed';
  /** Events with an id up to this one are re-mapped; later ones were mapped live. */
  upto_event_id: string;
  cursor_event_id: string | null;
  total: number;
  processed: number;
  mapped: number;
  error: string | null;
  created_by: string | null;
  started_at: number;
  finished_at: number | null;
}

declare module '../../platform/db/index.js' {
  interface Database {
    touchpoints: TouchpointsTable;
    journeys: JourneysTable;
    touchpoint_daily: TouchpointDailyTable;
    touchpoint_profiles: TouchpointProfilesTable;
    touchpoint_conversions: TouchpointConversionsTable;
    touchpoint_conversion_daily: TouchpointConversionDailyTable;
    touchpoint_remaps: TouchpointRemapsTable;
  }
}
