/** A survey: its identity, state and distribution settings. The questions live in its versions. */
export interface SurveysTable {
  workspace_id: string;
  id: string;
  /** Stable key, unique per workspace (e.g. `nps-relationship`). */
  key: string;
  /** JSON { "zh-CN": "…", "en": "…" }. */
  name: string;
  default_language: string;
  /** JSON array of language tags the survey is written in. */
  languages: string;
  /** 'draft' | 'live' | 'closed'. */
  status: string;
  touchpoint_key: string | null;
  channel: string | null;
  /** The version new responses answer (the newest one). */
  current_version: number;
  /** The template it was created from, if any. */
  template: string | null;
  /** JSON Distribution: event triggers, widget targeting, sampling and recontact rules. */
  distribution: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  published_at: number | null;
  closed_at: number | null;
}

/** One version of a survey's definition; immutable once the survey has been published. */
export interface SurveyVersionsTable {
  workspace_id: string;
  survey_id: string;
  version: number;
  /** JSON SurveyDefinition (questions, hidden fields, logic, index and driver settings). */
  definition: string;
  /** 1 once responses may arrive on it (the survey was live with it): never edited again. */
  frozen: number;
  created_by: string | null;
  created_at: number;
}

/** A personal or single-use link; the token is derived from the id with the server's key (never stored). */
export interface SurveyLinksTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  profile_id: string | null;
  single_use: number;
  expires_at: number | null;
  /** JSON Record<string, string> of hidden fields carried into the response (e.g. caseId). */
  hidden: string;
  channel: string | null;
  /** 'api' | 'trigger' | 'case_followup'. */
  origin: string;
  created_by: string | null;
  created_at: number;
  /** When a single-use link was consumed by a completed response. */
  used_at: number | null;
  response_id: string | null;
}

/** A survey invitation made by the platform for a customer (event trigger, case follow-up), for e-mail/SMS. */
export interface SurveyDeliveriesTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  link_id: string;
  profile_id: string;
  /** 'trigger' | 'case_followup' | 'api'. */
  reason: string;
  /** What caused it: the event id or case id; unique per survey so a retried job does not invite twice. */
  cause: string;
  created_at: number;
  sent_at: number | null;
}

/** One respondent's answers to one survey (partial until completed). */
export interface SurveyResponsesTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  version: number;
  /** Same respondent again → same row: `l:<linkId>`, `p:<profileId>`, `r:<respondentId>` or `x:<responseId>`. */
  respondent_key: string;
  link_id: string | null;
  profile_id: string | null;
  /** 'partial' | 'completed'. */
  status: string;
  language: string;
  channel: string;
  touchpoint_key: string | null;
  /** JSON Record<string, string>. */
  hidden: string;
  /** JSON Record<questionId, answer>. */
  answers: string;
  /** The primary score question's metric ('nps' | 'csat' | 'ces' | 'rating' | 'index') and raw score. */
  metric: string | null;
  score: number | null;
  /** The primary score on 0–100 (for touchpoint perception). */
  score100: number | null;
  /** The last question answered (drop-off). */
  last_question_id: string | null;
  /** Closed-loop reasons that flagged it, JSON array, or null. */
  flags: string | null;
  started_at: number;
  updated_at: number;
  completed_at: number | null;
  /** Local day start (workspace time zone) the rollups counted it under, to take it back out on an update. */
  rollup_day: number | null;
  duration_ms: number | null;
}

/** Open-text answers with their analysis (sentiment, topics), for topic and comment queries. */
export interface SurveyAnswerTextsTable {
  workspace_id: string;
  response_id: string;
  question_id: string;
  survey_id: string;
  text: string;
  language: string;
  sentiment: string;
  sentiment_score: number;
  /** JSON array of topic keys. */
  topics: string;
  touchpoint_key: string | null;
  channel: string;
  completed_at: number;
}

/**
 * Incrementally maintained aggregates of score answers per day (workspace time zone), touchpoint and channel:
 * count, sum and sum of squares (mean and variance) and the low/mid/high category counts (NPS detractors/passives/
 * promoters; CSAT/CES/rating bottom, middle and top-2-box).
 */
export interface SurveyRollupsTable {
  workspace_id: string;
  survey_id: string;
  /** A score question id; `id:e` / `id:p` for expectation/perception; `_primary` for the primary score 0–100. */
  question_id: string;
  day: number;
  /** '' when none. */
  touchpoint_key: string;
  channel: string;
  n: number;
  sum: number;
  sum_sq: number;
  c_low: number;
  c_mid: number;
  c_high: number;
}

/** Who was asked what and when: recontact rules and the workspace-wide cooldown. */
export interface SurveyContactsTable {
  workspace_id: string;
  profile_id: string;
  survey_id: string;
  shown_count: number;
  last_shown_at: number;
  answered_at: number | null;
}

/** Workspace-wide survey settings (JSON SurveySettings). */
export interface SurveySettingsTable {
  workspace_id: string;
  settings: string;
  updated_at: number;
}

declare module '../../platform/db/index.js' {
  interface Database {
    surveys: SurveysTable;
    survey_versions: SurveyVersionsTable;
    survey_links: SurveyLinksTable;
    survey_deliveries: SurveyDeliveriesTable;
    survey_responses: SurveyResponsesTable;
    survey_answer_texts: SurveyAnswerTextsTable;
    survey_rollups: SurveyRollupsTable;
    survey_contacts: SurveyContactsTable;
    survey_settings: SurveySettingsTable;
  }
}
