import { apiRequest } from './client';
import type { Page } from './types';

/**
 * The surveys API (src/modules/surveys): surveys and their versions, templates, links and deliveries, responses,
 * workspace survey settings, closed-loop events and the analytics endpoints. Types mirror the server's TypeBox
 * schemas (survey.schema.ts) and the definition types (survey.definition.ts); analytics answers mirror
 * analytics.service.ts.
 */

const V1 = '/api/v1';

/** Text by language: { "zh-CN": "…", "en": "…" }. */
export type LocalText = Record<string, string>;

export interface SurveyOption {
  id: string;
  text: LocalText;
}

interface QuestionBase {
  id: string;
  text: LocalText;
  description?: LocalText;
  required: boolean;
}

export type SurveyQuestion =
  | (QuestionBase & { type: 'nps' | 'csat' | 'ces' })
  | (QuestionBase & {
      type: 'rating';
      points: number;
      style: 'stars' | 'numbers';
      lowLabel?: LocalText;
      highLabel?: LocalText;
    })
  | (QuestionBase & {
      type: 'single_choice' | 'multiple_choice';
      options: SurveyOption[];
      shuffle: boolean;
      allowOther: boolean;
      maxSelected?: number;
    })
  | (QuestionBase & { type: 'text'; multiline: boolean; maxLength: number })
  | (QuestionBase & { type: 'matrix'; rows: SurveyOption[]; columns: SurveyOption[] })
  | (QuestionBase & { type: 'ranking'; options: SurveyOption[] })
  | (QuestionBase & { type: 'expectation_perception'; dimension: string })
  | (QuestionBase & { type: 'constant_sum'; options: SurveyOption[]; total: number });

export type QuestionType = SurveyQuestion['type'];

export const QUESTION_TYPES: readonly QuestionType[] = [
  'nps',
  'csat',
  'ces',
  'rating',
  'single_choice',
  'multiple_choice',
  'text',
  'matrix',
  'ranking',
  'expectation_perception',
  'constant_sum',
];

export type LogicOperator =
  'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'not_in' | 'contains' | 'answered' | 'not_answered';

export type ConditionValue = string | number | (string | number)[];

export type LeafCondition =
  | { type: 'answer'; question: string; op: LogicOperator; value?: ConditionValue }
  | { type: 'hidden'; field: string; op: LogicOperator; value?: ConditionValue };

export type LogicCondition =
  | { type: 'all'; conditions: LogicCondition[] }
  | { type: 'any'; conditions: LogicCondition[] }
  | LeafCondition;

export interface LogicRule {
  from: string;
  when: LogicCondition;
  then: { type: 'jump'; to: string } | { type: 'end' };
}

export interface IndexComponent {
  key: string;
  name: LocalText;
  weight: number;
  questions: string[];
}

export interface SurveyDefinition {
  intro?: LocalText;
  thanks?: LocalText;
  questions: SurveyQuestion[];
  hiddenFields: string[];
  logic: LogicRule[];
  primaryQuestionId: string | null;
  index: { components: IndexComponent[] } | null;
  drivers: { outcome: string; attributes: string[] } | null;
  servqual: { weightsQuestionId: string } | null;
}

/** One problem of a definition the API refused (SURVEY_DEFINITION_INVALID details.problems). */
export interface DefinitionProblem {
  path: string;
  code: string;
  message: string;
}

export type SurveyStatus = 'draft' | 'live' | 'closed';

export interface TraitCondition {
  key: string;
  op: 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
  value?: string | number | boolean | (string | number)[];
}

export interface SurveyTrigger {
  event?: string;
  touchpointKey?: string;
  delayMinutes: number;
}

export interface SurveyDistribution {
  triggers: SurveyTrigger[];
  widget: {
    enabled: boolean;
    events: string[];
    touchpointKeys: string[];
    traits: TraitCondition[];
    samplePercent: number;
  };
  recontact: { mode: 'once' | 'until_answered' | 'every_n_days'; days: number };
}

export interface Survey {
  id: string;
  key: string;
  name: LocalText;
  defaultLanguage: string;
  languages: string[];
  status: SurveyStatus;
  touchpointKey: string | null;
  channel: string | null;
  currentVersion: number;
  template: string | null;
  distribution: SurveyDistribution;
  publicUrl: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  closedAt: string | null;
}

export interface SurveyDetail extends Survey {
  definition: SurveyDefinition;
}

export interface SurveyVersion {
  version: number;
  frozen: boolean;
  createdAt: string;
  definition: SurveyDefinition;
}

export interface SurveyTemplate {
  key: string;
  name: LocalText;
  description: LocalText;
  touchpointKey: string | null;
  questionCount: number;
  definition: SurveyDefinition;
}

export interface CreateSurveyInput {
  template?: string;
  key?: string;
  name?: LocalText;
  defaultLanguage?: string;
  languages?: string[];
  touchpointKey?: string | null;
  channel?: string | null;
  definition?: SurveyDefinition;
  distribution?: SurveyDistribution;
}

export type UpdateSurveyInput = Omit<CreateSurveyInput, 'template' | 'key'>;

export interface SurveyLink {
  id: string;
  surveyId: string;
  profileId: string | null;
  singleUse: boolean;
  expiresAt: string | null;
  hidden: Record<string, string>;
  channel: string | null;
  origin: string;
  url: string;
  token: string;
  createdAt: string;
  usedAt: string | null;
  responseId: string | null;
}

export interface CreateLinkInput {
  profileId?: string;
  identifier?: { type: string; value: string };
  singleUse?: boolean;
  expiresAt?: string;
  hidden?: Record<string, string>;
  channel?: string;
}

export interface SurveyDelivery {
  id: string;
  surveyId: string;
  profileId: string;
  reason: string;
  cause: string;
  url: string;
  linkId: string;
  createdAt: string;
  sentAt: string | null;
  responded: boolean;
}

export interface SurveyResponse {
  id: string;
  surveyId: string;
  version: number;
  status: string;
  profileId: string | null;
  language: string;
  channel: string;
  touchpointKey: string | null;
  hidden: Record<string, string>;
  answers: Record<string, unknown>;
  metric: string | null;
  score: number | null;
  flags: string[] | null;
  startedAt: string;
  completedAt: string | null;
  durationMs: number | null;
}

export interface SurveySettings {
  cooldownDays: number;
  closedLoop: {
    enabled: boolean;
    npsMax: number | null;
    csatMax: number | null;
    cesMax: number | null;
    score100Max: number | null;
    negativeComment: boolean;
  };
  caseFollowUpSurveyId: string | null;
  /** The CX overview's targets: NPS points, CSAT and CES top-2-box %. */
  targets?: { nps: number; csatTop2: number; cesTop2: number };
}

export interface ClosedLoopEvent {
  id: string;
  type: string;
  occurredAt: string;
  payload: {
    surveyId: string;
    responseId: string;
    profileId: string | null;
    touchpointKey: string | null;
    channel: string | null;
    reasons: string[];
    score: number | null;
    metric: string | null;
    comment: string | null;
    language: string;
    hidden: Record<string, string>;
  };
}

// ---- analytics ---------------------------------------------------------------------------------------------

export interface Interval {
  lower: number;
  upper: number;
}

export interface NpsResult {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  promoterShare: number | null;
  passiveShare: number | null;
  detractorShare: number | null;
  score: number | null;
  standardError: number | null;
  ci: Interval | null;
  thin: boolean;
}

export interface MeanEstimate {
  n: number;
  mean: number | null;
  sd: number | null;
  standardError: number | null;
  ci: Interval | null;
}

export interface ProportionEstimate {
  count: number;
  n: number;
  proportion: number | null;
  percent: number | null;
  ci: Interval | null;
  percentCi: Interval | null;
}

export interface RatingSummary extends MeanEstimate {
  scale: { min: number; max: number; topBoxMin?: number };
  normalisedMean: number | null;
  normalisedCi: Interval | null;
  topBox: ProportionEstimate | null;
  thin: boolean;
}

/** The summary of one score (rollup cell): NPS, a rating summary, or a 0–100 mean. */
export interface MetricSummary {
  metric: string;
  n: number;
  nps?: NpsResult;
  rating?: RatingSummary;
  mean?: MeanEstimate;
}

export interface AnalyticsSummary {
  surveyId: string;
  from: string;
  to: string;
  timeZone: string;
  responses: { completed: number; partial: number };
  primary: { questionId: string | null; score100: MetricSummary; metric?: MetricSummary };
  questions: (MetricSummary & { questionId: string; type: QuestionType; text: string })[];
  index: SatisfactionIndexResult | null;
}

export interface SignificanceTest {
  test: string;
  difference: number;
  standardError: number;
  statistic: number | null;
  df: number | null;
  pValue: number | null;
  significant: boolean;
}

export interface TrendPoint {
  period: string;
  n: number;
  value: number | null;
  standardError: number | null;
  ci: Interval | null;
  thin: boolean;
  change: SignificanceTest | null;
}

export interface AnalyticsTrend {
  surveyId: string;
  questionId: string;
  granularity: Granularity;
  timeZone: string;
  periods: { period: string; start: string; n: number }[];
  metric: string;
  points: TrendPoint[];
  mean?: TrendPoint[];
}

export interface AnalyticsBreakdown {
  surveyId: string;
  questionId: string;
  by: string;
  sampled?: boolean;
  groups: (MetricSummary & { key: string | null })[];
}

export interface SatisfactionIndexResult {
  index: number | null;
  complete: boolean;
  components: {
    key: string;
    score: number | null;
    weight: number | null;
    contribution: number | null;
    items: {
      key: string;
      n: number | null;
      mean: number | null;
      score: number | null;
      weight: number | null;
    }[];
  }[];
}

export interface AnalyticsIndex {
  surveyId: string;
  components: IndexComponent[];
  result: SatisfactionIndexResult | null;
}

export interface ServqualItem {
  item?: number;
  questionId: string | null;
  dimension: string;
  text: string | null;
  n: number;
  expectation: number | null;
  perception: number | null;
  gap: number | null;
  standardError: number | null;
  ci: Interval | null;
  thin?: boolean;
}

export interface AnalyticsServqual {
  surveyId: string;
  standard: boolean;
  responses: number;
  importance: Record<string, number> | null;
  items: ServqualItem[];
  dimensions: {
    dimension: string;
    expectation: number | null;
    perception: number | null;
    gap: number | null;
    n?: number;
    ci?: Interval | null;
  }[];
  unweightedScore: number | null;
  weightedScore: number | null;
}

export interface AnalyticsExpectationByTouchpoint {
  surveyId: string;
  touchpoints: {
    touchpointKey: string | null;
    answers: number;
    expectation: number | null;
    perception: number | null;
    gap: number | null;
    dimensions: { dimension: string; gap: number }[];
  }[];
}

export interface AnalyticsDrivers {
  surveyId: string;
  outcome: string;
  attributes: { questionId: string; text: string }[];
  sampled: boolean;
  n: number | null;
  dropped: number;
  rSquared: number;
  adjustedRSquared: number | null;
  fStatistic: number | null;
  pValue: number | null;
  significant: boolean | null;
  weights: { name: string; rescaledWeight: number | null; rawWeight: number; rank: number }[];
  priority: {
    importanceCut: number | null;
    performanceCut: number | null;
    items: {
      key: string;
      importance: number;
      performance: number;
      quadrant: 'improve' | 'keep' | 'maintain' | 'low' | string;
    }[];
  };
}

export interface AnalyticsResponseRate {
  invited: number;
  responded: number;
  responseRate: number | null;
  byOrigin: { origin: string; invited: number; responded: number; responseRate: number | null }[];
  started: number;
  completed: number;
  completionRate: number | null;
}

export interface AnalyticsDropOff {
  started: number;
  completed: number;
  notStarted: number;
  questions: { questionId: string; reached: number; droppedAfter: number; dropOffRate: number | null }[];
  timeToComplete: {
    n: number;
    meanSeconds: number | null;
    medianSeconds: number | null;
    p90Seconds: number | null;
  };
}

export interface AnalyticsNegativeTopics {
  negativeComments: number;
  groups: {
    touchpointKey: string | null;
    period: string | null;
    topics: { topic: string; count: number; examples: string[] }[];
  }[];
}

export type Granularity = 'day' | 'week' | 'month';

export interface AnalyticsRange {
  from?: string;
  to?: string;
  touchpointKey?: string;
  channel?: string;
}

const surveyPath = (id: string) => `${V1}/surveys/${encodeURIComponent(id)}`;

interface ListParams {
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}

const page = (p: ListParams) => ({ limit: p.limit, cursor: p.cursor ?? undefined });

export const surveysApi = {
  list: (filter: { status?: SurveyStatus }, params: ListParams = {}) =>
    apiRequest<Page<Survey>>('GET', `${V1}/surveys`, {
      query: { status: filter.status, ...page(params) },
      signal: params.signal,
    }),
  templates: (signal?: AbortSignal) =>
    apiRequest<{ data: SurveyTemplate[] }>('GET', `${V1}/surveys/templates`, { signal }),
  get: (id: string, signal?: AbortSignal) => apiRequest<SurveyDetail>('GET', surveyPath(id), { signal }),
  create: (input: CreateSurveyInput) => apiRequest<SurveyDetail>('POST', `${V1}/surveys`, { body: input }),
  update: (id: string, patch: UpdateSurveyInput) =>
    apiRequest<SurveyDetail>('PATCH', surveyPath(id), { body: patch }),
  remove: (id: string) => apiRequest<void>('DELETE', surveyPath(id)),
  publish: (id: string) => apiRequest<Survey>('POST', `${surveyPath(id)}/publish`),
  close: (id: string) => apiRequest<Survey>('POST', `${surveyPath(id)}/close`),
  versions: (id: string, signal?: AbortSignal) =>
    apiRequest<{ data: SurveyVersion[] }>('GET', `${surveyPath(id)}/versions`, { signal }),
  links: (id: string, params: ListParams = {}) =>
    apiRequest<Page<SurveyLink>>('GET', `${surveyPath(id)}/links`, {
      query: page(params),
      signal: params.signal,
    }),
  createLink: (id: string, input: CreateLinkInput) =>
    apiRequest<SurveyLink>('POST', `${surveyPath(id)}/links`, { body: input }),
  deliveries: (id: string, params: ListParams & { unsent?: boolean } = {}) =>
    apiRequest<Page<SurveyDelivery>>('GET', `${surveyPath(id)}/deliveries`, {
      query: { ...page(params), unsent: params.unsent || undefined },
      signal: params.signal,
    }),
  markDeliverySent: (id: string, deliveryId: string) =>
    apiRequest<SurveyDelivery>('POST', `${surveyPath(id)}/deliveries/${encodeURIComponent(deliveryId)}/sent`),
  responses: (id: string, params: ListParams & { status?: 'partial' | 'completed' } = {}) =>
    apiRequest<Page<SurveyResponse>>('GET', `${surveyPath(id)}/responses`, {
      query: { ...page(params), status: params.status },
      signal: params.signal,
    }),
  settings: (signal?: AbortSignal) => apiRequest<SurveySettings>('GET', `${V1}/surveys/settings`, { signal }),
  updateSettings: (settings: SurveySettings) =>
    apiRequest<SurveySettings>('PUT', `${V1}/surveys/settings`, { body: settings }),
  closedLoopEvents: (params: ListParams = {}) =>
    apiRequest<Page<ClosedLoopEvent>>('GET', `${V1}/surveys/closed-loop-events`, {
      query: page(params),
      signal: params.signal,
    }),

  summary: (id: string, range: AnalyticsRange = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsSummary>('GET', `${surveyPath(id)}/analytics/summary`, {
      query: { ...range },
      signal,
    }),
  trend: (
    id: string,
    q: AnalyticsRange & { questionId?: string; granularity?: Granularity },
    signal?: AbortSignal,
  ) => apiRequest<AnalyticsTrend>('GET', `${surveyPath(id)}/analytics/trend`, { query: { ...q }, signal }),
  breakdown: (id: string, q: AnalyticsRange & { questionId?: string; by: string }, signal?: AbortSignal) =>
    apiRequest<AnalyticsBreakdown>('GET', `${surveyPath(id)}/analytics/breakdown`, {
      query: { ...q },
      signal,
    }),
  index: (id: string, range: AnalyticsRange = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsIndex>('GET', `${surveyPath(id)}/analytics/index`, { query: { ...range }, signal }),
  servqual: (id: string, range: AnalyticsRange = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsServqual>('GET', `${surveyPath(id)}/analytics/servqual`, {
      query: { ...range },
      signal,
    }),
  expectationByTouchpoint: (id: string, range: AnalyticsRange = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsExpectationByTouchpoint>(
      'GET',
      `${surveyPath(id)}/analytics/expectation-perception`,
      {
        query: { ...range },
        signal,
      },
    ),
  drivers: (
    id: string,
    q: AnalyticsRange & { outcome?: string; attributes?: string },
    signal?: AbortSignal,
  ) =>
    apiRequest<AnalyticsDrivers>('GET', `${surveyPath(id)}/analytics/drivers`, { query: { ...q }, signal }),
  responseRate: (id: string, range: AnalyticsRange = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsResponseRate>('GET', `${surveyPath(id)}/analytics/response-rate`, {
      query: { ...range },
      signal,
    }),
  dropOff: (id: string, range: AnalyticsRange = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsDropOff>('GET', `${surveyPath(id)}/analytics/drop-off`, {
      query: { ...range },
      signal,
    }),
  negativeTopics: (id: string, range: AnalyticsRange & { limit?: number } = {}, signal?: AbortSignal) =>
    apiRequest<AnalyticsNegativeTopics>('GET', `${surveyPath(id)}/analytics/negative-topics`, {
      query: { ...range },
      signal,
    }),
  /** The workspace's touchpoints (src/modules/touchpoints), for pickers: key and bilingual name. */
  touchpoints: (signal?: AbortSignal) =>
    apiRequest<{ data: { key: string; name: LocalText }[] }>('GET', `${V1}/touchpoints`, { signal }),
  /** A plain link downloads the export (the session cookie goes with it). */
  exportUrl: (id: string, format: 'csv' | 'xlsx', includePartial = false) =>
    `${surveyPath(id)}/export?format=${format}${includePartial ? '&includePartial=true' : ''}`,
  /** The hosted page's embeddable script (the widget). */
  widgetScriptPath: '/widget.js',
};
