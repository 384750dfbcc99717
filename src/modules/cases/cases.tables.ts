/** Tables of the cases module (migration 0007). Times are epoch ms; JSON columns are text read with fromJson. */

/** One row per workspace: its taxonomy, business calendar, case settings and the next case number. */
export interface CaseSettingsTable {
  workspace_id: string;
  /** JSON TaxonomyNode[]; null = the default telecom taxonomy. */
  taxonomy: string | null;
  /** JSON BusinessCalendar; null = the default calendar in the workspace's time zone. */
  calendar: string | null;
  /** JSON CaseSettings. */
  settings: string | null;
  next_number: number;
  updated_at: number;
}

export interface CasesTable {
  workspace_id: string;
  id: string;
  number: number;
  profile_id: string | null;
  channel: string;
  touchpoint_key: string | null;
  category: string;
  subcategory: string | null;
  priority: string;
  source: string;
  status: string;
  subject: string;
  description: string;
  language: string;
  sentiment_label: string | null;
  sentiment_score: number | null;
  /** JSON string[] of topic keys. */
  topics: string;
  urgent: number;
  /** JSON string[]. */
  urgency_reasons: string;
  assignee_id: string | null;
  team_id: string | null;
  /** JSON string[]. */
  tags: string;
  /** Lower-cased subject + description + number, for text search. */
  search_text: string;
  /** Index tokens of search_text (CJK bigrams, trigrams of other runs; case.search.ts), space-separated. */
  search_tokens: string;
  version: number;
  parent_case_id: string | null;
  duplicate_count: number;
  reopen_count: number;
  agent_replies: number;
  sla_policy_id: string | null;
  fr_status: string | null;
  fr_due_at: number | null;
  fr_remaining_ms: number | null;
  fr_at: number | null;
  res_status: string | null;
  res_due_at: number | null;
  res_remaining_ms: number | null;
  res_breached_at: number | null;
  /** Worst SLA state of the case (breached > active > paused > met), for filters. */
  sla_state: string | null;
  /** Earliest running due time. */
  sla_due_at: number | null;
  /**
   * sla_due_at, or a far-future sentinel when none: the queue sort key (same order on both dialects). Indexed only in
   * its copy in `case_queue` (migration 0016).
   */
  due_sort: number;
  /** 1 while new, open or pending the customer. */
  is_active: number;
  /** Comma-wrapped ids of escalation rules already fired (`,r1,r2,`). */
  escalations: string;
  /** JSON resolution: code, rootCause, steps, note. */
  resolution: string | null;
  follow_up_score: number | null;
  follow_up_metric: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** Last action by a person (reply, note, status, assignment): what `idle_for` escalations measure. */
  last_activity_at: number;
  first_resolved_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
}

export interface CaseEntriesTable {
  workspace_id: string;
  id: string;
  case_id: string;
  /** message | note | status | field | assignment | sla | escalation | link | resolution | created | rating */
  kind: string;
  /** inbound (customer) | outbound (agent) for messages; null otherwise. */
  direction: string | null;
  actor_type: string;
  actor_id: string | null;
  body: string | null;
  /** JSON details of the entry. */
  data: string;
  created_at: number;
}

/** Where a case came from, once per source reference: makes every creation path idempotent. */
export interface CaseSourcesTable {
  workspace_id: string;
  source_ref: string;
  case_id: string;
  /** 1 when the source was linked to an existing open case instead of creating one. */
  linked: number;
  created_at: number;
}

export interface CaseTeamsTable {
  workspace_id: string;
  id: string;
  name_zh: string;
  name_en: string;
  supervisor_id: string | null;
  /** The member who got the team's last round-robin assignment. */
  rr_last_user_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface CaseTeamMembersTable {
  workspace_id: string;
  team_id: string;
  user_id: string;
  /** Most active cases the member holds at once. */
  capacity: number;
  /** 0 while away: receives no new cases. */
  available: number;
  created_at: number;
}

/** Routing rules, SLA policies and escalation rules share one table, told apart by `kind`. */
export interface CaseRulesTable {
  workspace_id: string;
  id: string;
  kind: string;
  name: string;
  position: number;
  enabled: number;
  /** JSON ConditionSet. */
  conditions: string;
  /** JSON: RoutingTarget | SLA targets | { trigger, actions }. */
  config: string;
  created_at: number;
  updated_at: number;
}

/**
 * A case's pending SLA/escalation check (migration 0014, case.checks.ts): one narrow row per case with something
 * pending, so moving a check writes this small row instead of the wide case row and its queue indexes.
 */
export interface CaseChecksTable {
  workspace_id: string;
  case_id: string;
  /** The case version the check was computed from: moves compare-and-swap on it. */
  version: number;
  /** Next instant at which the engine has something to check. */
  next_check_at: number;
  // Copies of the case's columns at `version` (migration 0016; case.checks.ts CHECK_INPUTS): what the check
  // expression reads when no escalation rule has conditions.
  status: string;
  assignee_id: string | null;
  fr_status: string | null;
  fr_due_at: number | null;
  res_status: string | null;
  res_due_at: number | null;
  escalations: string;
  created_at: number;
  last_activity_at: number;
}

/**
 * A case's queue position (migration 0016, case.queue.ts): copies of the `cases` columns the inbox and queue pages
 * filter and sort on, with the due-ordered indexes, so no index of the wide case row holds the SLA sort key.
 */
export interface CaseQueueTable {
  workspace_id: string;
  case_id: string;
  assignee_id: string | null;
  team_id: string | null;
  status: string;
  is_active: number;
  due_sort: number;
}

/** A case with its pending check (null = nothing pending), as the engine and the writers of a case see it. */
export type CheckedCase = CasesTable & { next_check_at: number | null };
/** A case that may carry its check (when its reader read it; writeCase reads it otherwise). */
export type MaybeCheckedCase = CasesTable & { next_check_at?: number | null };

/** Follow-up ratings received for cases (from the surveys module), once per survey response. */
export interface CaseRatingsTable {
  workspace_id: string;
  response_id: string;
  case_id: string;
  score: number | null;
  metric: string | null;
  low: number;
  created_at: number;
}

/**
 * A recomputation of open cases' due times and next checks after escalation rules, an SLA policy or the calendar
 * changed (migration 0012, case.recheck.ts).
 */
export interface CaseRechecksTable {
  workspace_id: string;
  id: string;
  /** escalation_rules | sla_policy | calendar */
  reason: string;
  /** JSON: { ruleId } | { policyId, before, after } (targets in minutes) | { before, after } (calendars). */
  details: string;
  /** running | done | failed */
  status: string;
  /** Id of the last case processed ('' = none yet). */
  cursor: string;
  total: number;
  processed: number;
  /** Cases whose due times changed (new version, timeline entry). */
  retargeted: number;
  /** Cases whose next check only moved. */
  moved: number;
  error: string | null;
  /** The instant of the change: re-targeting counts business time from it. */
  requested_at: number;
  finished_at: number | null;
}

declare module '../../platform/db/index.js' {
  interface Database {
    case_settings: CaseSettingsTable;
    cases: CasesTable;
    case_entries: CaseEntriesTable;
    case_sources: CaseSourcesTable;
    case_teams: CaseTeamsTable;
    case_team_members: CaseTeamMembersTable;
    case_rules: CaseRulesTable;
    case_ratings: CaseRatingsTable;
    case_rechecks: CaseRechecksTable;
    case_checks: CaseChecksTable;
    case_queue: CaseQueueTable;
  }
}
