import { apiRequest } from './client';

/** Touchpoints, journeys, templates and journey analytics (`src/modules/touchpoints`). Days are local YYYY-MM-DD. */

const V1 = '/api/v1';

export interface Bilingual {
  'zh-CN': string;
  en: string;
}

export const PHASES = ['pre_sale', 'in_sale', 'after_sale'] as const;
export type Phase = (typeof PHASES)[number];

export const RULE_EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group'] as const;
export type RuleEventType = (typeof RULE_EVENT_TYPES)[number];

export type Scalar = string | number | boolean;

export const CONDITION_OPS = [
  'eq',
  'neq',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'starts_with',
  'exists',
  'not_exists',
  'matches',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type RuleCondition =
  | { path: string; op: 'eq' | 'neq'; value: Scalar }
  | { path: string; op: 'in' | 'not_in'; values: Scalar[] }
  | { path: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { path: string; op: 'contains' | 'starts_with'; value: string }
  | { path: string; op: 'exists' | 'not_exists' }
  | { path: string; op: 'matches'; pattern: string };

export interface MatchingRule {
  events: string[];
  type?: RuleEventType;
  channels?: string[];
  conditions?: RuleCondition[];
}

export interface Touchpoint {
  id: string;
  key: string;
  name: Bilingual;
  description: Bilingual;
  coreNeed: Bilingual;
  stage: string;
  phase: Phase;
  channels: string[];
  ownerTeam: string | null;
  targetScore: number | null;
  targetConversion: number | null;
  rule: MatchingRule;
  priority: number;
  active: boolean;
  journeys: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TouchpointInput {
  name: Bilingual;
  description?: Bilingual;
  coreNeed?: Bilingual;
  stage: string;
  phase: Phase;
  channels?: string[];
  ownerTeam?: string | null;
  targetScore?: number | null;
  targetConversion?: number | null;
  rule: MatchingRule;
  priority?: number;
  active?: boolean;
}

export interface Journey {
  id: string;
  key: string;
  name: Bilingual;
  description: Bilingual;
  steps: string[];
  conversionWindowDays: number;
  template: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JourneyInput {
  name: Bilingual;
  description?: Bilingual;
  steps: string[];
  conversionWindowDays?: number;
}

export interface JourneyTemplate {
  key: string;
  name: Bilingual;
  description: Bilingual;
  conversionWindowDays: number;
  touchpoints: Array<{
    key: string;
    name: Bilingual;
    coreNeed: Bilingual;
    stage: string;
    phase: Phase;
    events: string[];
  }>;
}

export interface ApplyTemplateResult {
  journey: Journey;
  created: string[];
  kept: string[];
}

export interface PreviewResult {
  scanned: number;
  matched: number;
  examples: Array<{
    id: string;
    type: string;
    name: string | null;
    channel: string;
    profileId: string;
    timestamp: string;
    properties: Record<string, unknown>;
    currentTouchpoint: string | null;
  }>;
}

export interface Remap {
  id: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  mapped: number;
  progress: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export type FunnelStep = { touchpoint: string } | { event: string };
export type FunnelBreakdown =
  | { by: 'channel' }
  | { by: 'trait'; trait: string }
  /** One group per segment (value: its key; null: in none); segments overlap. All active ones when absent. */
  | { by: 'segment'; segments?: string[] };

export interface FunnelRequest {
  steps: FunnelStep[];
  from: string;
  to: string;
  windowDays?: number;
  breakdown?: FunnelBreakdown;
  compare?: { from: string; to: string };
}

export interface FunnelStepResult {
  step: number;
  label: string;
  customers: number;
  conversionFromStart: number;
  conversionFromPrevious: number;
  dropOff: number;
  medianMsFromPrevious: number | null;
  p90MsFromPrevious: number | null;
}

export interface FunnelResult {
  windowDays: number;
  current: { from: string; to: string; steps: FunnelStepResult[] };
  breakdown: Array<{ value: string | null; steps: FunnelStepResult[] }>;
  previous: { from: string; to: string; steps: FunnelStepResult[] } | null;
  changes: Array<{
    step: number;
    current: number;
    previous: number;
    difference: number;
    pValue: number | null;
    significant: boolean;
  }>;
}

export interface PathsQuery {
  touchpoint: string;
  direction?: 'after' | 'before';
  depth?: number;
  windowDays?: number;
  from: string;
  to: string;
}

export interface PathsResult {
  customers: number;
  sampled: boolean;
  nodes: Array<{ id: string; step: number; touchpoint: string }>;
  links: Array<{ source: string; target: string; value: number }>;
  topPaths: Array<{ path: string[]; customers: number }>;
}

export interface HealthDay {
  day: string;
  events: number;
  customers: number;
  newCustomers: number;
  converted: number;
  perception: number | null;
  responses: number;
}

export interface TouchpointHealth {
  touchpoint: string;
  name: Bilingual;
  next: string | null;
  events: number;
  newCustomers: number;
  averageDailyCustomers: number;
  conversion: number | null;
  targetConversion: number | null;
  perception: number | null;
  responses: number;
  targetScore: number | null;
  byChannel: Array<{ channel: string; events: number }>;
  days: HealthDay[];
}

export const HEATMAP_METRICS = ['perception', 'customers', 'events', 'conversion'] as const;
export type HeatmapMetric = (typeof HEATMAP_METRICS)[number];

export interface HeatmapResult {
  metric: string;
  weeks: string[];
  touchpoints: Array<{ key: string; name: Bilingual }>;
  cells: Array<{ touchpoint: string; week: string; value: number | null; count: number }>;
}

export interface DayRange {
  from: string;
  to: string;
}

/** The touchpoint catalogue, journeys, templates, rule preview, re-mapping and journey analytics. */
export const journeysApi = {
  touchpoints: (signal?: AbortSignal) =>
    apiRequest<{ data: Touchpoint[] }>('GET', `${V1}/touchpoints`, { signal }),
  createTouchpoint: (input: TouchpointInput & { key: string }) =>
    apiRequest<Touchpoint>('POST', `${V1}/touchpoints`, { body: input }),
  updateTouchpoint: (key: string, patch: Partial<TouchpointInput>) =>
    apiRequest<Touchpoint>('PATCH', `${V1}/touchpoints/${encodeURIComponent(key)}`, { body: patch }),
  deleteTouchpoint: (key: string) =>
    apiRequest<void>('DELETE', `${V1}/touchpoints/${encodeURIComponent(key)}`),
  preview: (rule: MatchingRule, signal?: AbortSignal) =>
    apiRequest<PreviewResult>('POST', `${V1}/touchpoints/preview`, { body: { rule }, signal }),
  startRemap: () => apiRequest<Remap>('POST', `${V1}/touchpoints/remaps`),
  remap: (id: string, signal?: AbortSignal) =>
    apiRequest<Remap>('GET', `${V1}/touchpoints/remaps/${encodeURIComponent(id)}`, { signal }),

  journeys: (signal?: AbortSignal) => apiRequest<{ data: Journey[] }>('GET', `${V1}/journeys`, { signal }),
  createJourney: (input: JourneyInput & { key: string }) =>
    apiRequest<Journey>('POST', `${V1}/journeys`, { body: input }),
  updateJourney: (key: string, patch: Partial<JourneyInput>) =>
    apiRequest<Journey>('PATCH', `${V1}/journeys/${encodeURIComponent(key)}`, { body: patch }),
  deleteJourney: (key: string) => apiRequest<void>('DELETE', `${V1}/journeys/${encodeURIComponent(key)}`),

  templates: (signal?: AbortSignal) =>
    apiRequest<{ data: JourneyTemplate[] }>('GET', `${V1}/journey-templates`, { signal }),
  applyTemplate: (key: string) =>
    apiRequest<ApplyTemplateResult>('POST', `${V1}/journey-templates/${encodeURIComponent(key)}/apply`),

  funnel: (request: FunnelRequest, signal?: AbortSignal) =>
    apiRequest<FunnelResult>('POST', `${V1}/analytics/funnel`, { body: request, signal }),
  paths: (query: PathsQuery, signal?: AbortSignal) =>
    apiRequest<PathsResult>('GET', `${V1}/analytics/paths`, { query: { ...query }, signal }),
  health: (range: DayRange & { journey?: string }, signal?: AbortSignal) =>
    apiRequest<{ data: TouchpointHealth[] }>('GET', `${V1}/analytics/touchpoint-health`, {
      query: { ...range },
      signal,
    }),
  heatmap: (range: DayRange & { metric?: HeatmapMetric; journey?: string }, signal?: AbortSignal) =>
    apiRequest<HeatmapResult>('GET', `${V1}/analytics/touchpoint-heatmap`, { query: { ...range }, signal }),
};
