import { apiRequest } from './client';
import type { Page } from './types';

/**
 * What the CX overview reads from the surveys, cases and text modules: survey headline figures and trends,
 * negative comment topics, case analytics and the active case list. Times are ISO-8601 instants.
 */

const V1 = '/api/v1';

export interface Interval {
  lower: number;
  upper: number;
}

export interface NpsFigures {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  score: number | null;
  standardError: number | null;
  ci: Interval | null;
  thin?: boolean;
}

export interface MeanFigures {
  n: number;
  mean: number | null;
  sd?: number | null;
  standardError?: number | null;
  ci: Interval | null;
}

/** A share with its Wilson interval (0–1 and in percent). */
export interface ProportionFigures {
  count: number;
  n: number;
  proportion: number | null;
  percent: number | null;
  ci: Interval | null;
  percentCi: Interval | null;
}

/** CSAT / CES / rating summary: mean with its interval, the 0–100 normalised mean and the top-2-box share. */
export interface RatingFigures extends MeanFigures {
  normalisedMean: number | null;
  normalisedCi: Interval | null;
  topBox: ProportionFigures | null;
  thin: boolean;
}

export type MetricSummary =
  | { metric: 'nps'; n: number; nps: NpsFigures }
  | { metric: 'score100'; n: number; mean: MeanFigures }
  | { metric: string; n: number; rating: RatingFigures };

export interface SurveyListItem {
  id: string;
  key: string;
  name: Record<string, string>;
  defaultLanguage: string;
  status: 'draft' | 'live' | 'closed';
  touchpointKey: string | null;
  channel: string | null;
  template: string | null;
  createdAt: string;
}

export interface SurveySummary {
  surveyId: string;
  from: string;
  to: string;
  timeZone: string;
  responses: { completed: number; partial: number };
  primary: { questionId: string | null; score100: MetricSummary; metric?: MetricSummary };
}

export interface TrendPoint {
  period: string;
  n: number;
  value: number | null;
  standardError: number | null;
  ci: Interval | null;
  thin: boolean;
  change: { significant?: boolean; pValue?: number | null } | null;
}

export interface SurveyTrend {
  surveyId: string;
  questionId: string;
  granularity: 'day' | 'week' | 'month';
  metric: string;
  periods: Array<{ period: string; start: string; n: number }>;
  points: TrendPoint[];
}

export interface NegativeTopics {
  surveyId: string;
  negativeComments: number;
  groups: Array<{
    touchpointKey: string | null;
    period: string | null;
    topics: Array<{ topic: string; count: number; examples: string[] }>;
  }>;
}

export interface TopicName {
  key: string;
  name: Record<string, string>;
}

export interface SlaFigures {
  met: number;
  total: number;
  compliance: number | null;
}

export interface CaseSummary {
  from: string;
  to: string;
  created: number;
  resolved: number;
  complaintRate?: { customersWithCases: number; activeCustomers: number; per1000: number | null };
  firstContactResolution?: number | null;
  reopenRate?: number | null;
  medianHandleMs?: number | null;
  sla?: {
    byTeam: Array<{ key: string | null; firstResponse: SlaFigures; resolution: SlaFigures }>;
  };
}

export interface CaseListItem {
  id: string;
  number: string;
  subject: string;
  status: string;
  priority: string;
  sla: { state: string | null; dueAt: string | null } | null;
  createdAt: string;
}

export interface TimeRange {
  from: string;
  to: string;
}

/** The cross-module reads of the CX overview. */
/** A customer's survey response as the 360° profile lists it. */
export interface CustomerSurveyResponse {
  responseId: string;
  surveyId: string;
  surveyKey: string;
  surveyName: Record<string, string>;
  status: string;
  metric: string | null;
  score: number | null;
  score100: number | null;
  touchpointKey: string | null;
  channel: string;
  language: string;
  flags: string[] | null;
  comment: { text: string; sentiment: string } | null;
  startedAt: string;
  completedAt: string | null;
}

export const overviewApi = {
  surveys: (signal?: AbortSignal) =>
    apiRequest<Page<SurveyListItem>>('GET', `${V1}/surveys`, { query: { limit: 200 }, signal }),
  surveySummary: (id: string, range: TimeRange, signal?: AbortSignal) =>
    apiRequest<SurveySummary>('GET', `${V1}/surveys/${encodeURIComponent(id)}/analytics/summary`, {
      query: { ...range },
      signal,
    }),
  surveyTrend: (
    id: string,
    range: TimeRange & { granularity: 'day' | 'week' | 'month' },
    signal?: AbortSignal,
  ) =>
    apiRequest<SurveyTrend>('GET', `${V1}/surveys/${encodeURIComponent(id)}/analytics/trend`, {
      query: { ...range },
      signal,
    }),
  negativeTopics: (id: string, range: TimeRange, signal?: AbortSignal) =>
    apiRequest<NegativeTopics>('GET', `${V1}/surveys/${encodeURIComponent(id)}/analytics/negative-topics`, {
      query: { ...range, limit: 10 },
      signal,
    }),
  topics: (signal?: AbortSignal) => apiRequest<{ data: TopicName[] }>('GET', `${V1}/text/topics`, { signal }),
  caseSummary: (range: TimeRange, signal?: AbortSignal) =>
    apiRequest<CaseSummary>('GET', `${V1}/cases/analytics/summary`, { query: { ...range }, signal }),
  /** A customer's cases in every status, newest first. */
  customerSurveyResponses: (profileId: string, signal?: AbortSignal) =>
    apiRequest<{ data: CustomerSurveyResponse[] }>(
      'GET',
      `${V1}/customers/${encodeURIComponent(profileId)}/survey-responses`,
      { signal },
    ),
  customerCases: (profileId: string, signal?: AbortSignal) =>
    apiRequest<Page<CaseListItem>>('GET', `${V1}/cases`, {
      query: { profileId, status: 'all', sort: 'created', limit: 10 },
      signal,
    }),
  activeCases: (cursor: string | null, signal?: AbortSignal) =>
    apiRequest<Page<CaseListItem>>('GET', `${V1}/cases`, {
      query: { limit: 200, cursor: cursor ?? undefined },
      signal,
    }),
};
