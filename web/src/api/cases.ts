/**
 * The Cases (service) API as the console uses it: the inbox, the case view and timeline, every change an agent
 * makes (with optimistic concurrency through the case version), the case settings (taxonomy, teams, rules,
 * calendar, general settings), case analytics, and the notifications module's webhook endpoints.
 */
import { apiRequest } from './client';
import type { Page } from './types';

const V1 = '/api/v1';
const enc = encodeURIComponent;

export const CASE_STATUSES = ['new', 'open', 'pending_customer', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The state machine of the server (src/modules/cases/case.model.ts): where each status may go next. */
export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['open', 'pending_customer', 'resolved', 'closed'],
  open: ['pending_customer', 'resolved', 'closed'],
  pending_customer: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export const CASE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type CasePriority = (typeof CASE_PRIORITIES)[number];

export const CASE_SOURCES = ['complaint_event', 'survey', 'api', 'agent', 'email'] as const;
export const HANDLING_STEPS = ['listen', 'apologise', 'solve_on_the_spot', 'escalate', 'delight'] as const;
export type HandlingStep = (typeof HANDLING_STEPS)[number];
export const RESOLUTION_CODES = [
  'fixed',
  'refund_or_credit',
  'explained',
  'workaround',
  'duplicate',
  'no_fault_found',
  'customer_unreachable',
  'declined',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export const SLA_STATES = ['active', 'paused', 'met', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const CASE_VIEWS = ['mine', 'team', 'unassigned', 'all'] as const;
export type CaseView = (typeof CASE_VIEWS)[number];

export interface Bilingual {
  'zh-CN': string;
  en: string;
}

export interface CaseSummary {
  id: string;
  number: string;
  subject: string;
  profileId: string | null;
  channel: string;
  touchpointKey: string | null;
  category: string;
  subcategory: string | null;
  priority: CasePriority;
  source: string;
  status: CaseStatus;
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
  urgent: boolean;
  sentiment: string | null;
  sla: { state: SlaState | null; dueAt: string | null };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SlaTarget {
  status: SlaState | null;
  dueAt: string | null;
  /** Business time left when the clock was paused (pending customer), ms. */
  remainingBusinessMs: number | null;
}

export interface Resolution {
  code: ResolutionCode;
  rootCause: string;
  steps: HandlingStep[];
  note?: string;
}

export interface CaseDetail extends Omit<CaseSummary, 'sla'> {
  description: string;
  language: string;
  analysis: {
    sentiment: string | null;
    sentimentScore: number | null;
    topics: string[];
    urgent: boolean;
    urgencyReasons: string[];
  };
  parentCaseId: string | null;
  duplicateCount: number;
  reopenCount: number;
  agentReplies: number;
  sla: {
    state: SlaState | null;
    dueAt: string | null;
    policyId: string | null;
    firstResponse: SlaTarget & { at: string | null };
    resolution: SlaTarget & { breachedAt: string | null };
  };
  resolution: Partial<Resolution> | null;
  followUp: { score: number | null; metric: string | null };
  resolvedAt: string | null;
  closedAt: string | null;
}

export type CaseEntryKind =
  | 'created'
  | 'message'
  | 'note'
  | 'status'
  | 'resolution'
  | 'field'
  | 'assignment'
  | 'link'
  | 'sla'
  | 'escalation'
  | 'rating';

export interface CaseEntry {
  id: string;
  kind: CaseEntryKind | string;
  direction: 'inbound' | 'outbound' | null;
  actor: { type: string; id: string | null };
  body: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface CaseFilter {
  view?: CaseView;
  status?: string;
  priority?: string;
  category?: string;
  slaState?: SlaState;
  q?: string;
  teamId?: string;
  assigneeId?: string;
  profileId?: string;
  sort?: 'due' | 'created';
}

export interface CaseUpdate {
  subject?: string;
  category?: string;
  subcategory?: string | null;
  priority?: CasePriority;
  tags?: string[];
  touchpointKey?: string | null;
}

export interface NewCase {
  description: string;
  subject?: string;
  profileId?: string | null;
  channel: string;
  category?: string;
  subcategory?: string;
  priority?: CasePriority;
  source?: 'agent';
}

// Settings ------------------------------------------------------------------------------------------------------

export interface TaxonomyCategory {
  key: string;
  name: Bilingual;
  subcategories: { key: string; name: Bilingual }[];
}

export interface TeamMember {
  userId: string;
  capacity: number;
  available: boolean;
}

export interface Team {
  id: string;
  name: Bilingual;
  supervisorId: string | null;
  members: TeamMember[];
  createdAt: string;
  updatedAt: string;
}

export interface TeamInput {
  name: Bilingual;
  supervisorId?: string | null;
  members?: TeamMember[];
}

export type RuleKind = 'routing' | 'sla' | 'escalation';

/** A condition of a rule (the server validates the meaning; see src/modules/cases/case.rules.ts). */
export type RuleCondition =
  | {
      type: 'category' | 'channel' | 'touchpoint' | 'language' | 'tag' | 'sentiment' | 'value_tier';
      values: string[];
    }
  | { type: 'source'; values: string[] }
  | { type: 'priority'; values?: CasePriority[]; atLeast?: CasePriority }
  | { type: 'urgent' | 'vip'; value: boolean }
  | {
      type: 'trait';
      name: string;
      op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
      value: string | number | boolean;
    };

export const CONDITION_TYPES = [
  'category',
  'priority',
  'channel',
  'source',
  'touchpoint',
  'language',
  'tag',
  'urgent',
  'sentiment',
  'vip',
  'value_tier',
  'trait',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export type RoutingTarget = { type: 'team'; teamId: string } | { type: 'agent'; userId: string };

export type EscalationTrigger =
  | { type: 'sla_breached'; target: 'first_response' | 'resolution' }
  | { type: 'sla_due_soon'; target: 'first_response' | 'resolution'; minutes: number }
  | { type: 'unassigned_for' | 'idle_for'; minutes: number };

export type EscalationAction =
  | {
      type: 'notify';
      recipients: ('assignee' | 'supervisor' | 'team')[];
      emails?: string[];
      webhook?: boolean;
    }
  | { type: 'raise_priority'; to?: CasePriority }
  | { type: 'reassign'; teamId?: string; userId?: string; toSupervisor?: boolean };

export interface Rule {
  id: string;
  kind: RuleKind;
  name: string;
  position: number;
  enabled: boolean;
  match: 'all' | 'any';
  conditions: RuleCondition[];
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface RuleInput {
  name: string;
  enabled?: boolean;
  position?: number;
  match?: 'all' | 'any';
  conditions?: RuleCondition[];
  target?: RoutingTarget;
  firstResponseMinutes?: number | null;
  resolutionMinutes?: number | null;
  trigger?: EscalationTrigger;
  actions?: EscalationAction[];
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeRange {
  start: string;
  end: string;
}

export interface BusinessCalendar {
  timeZone: string;
  weekly: Partial<Record<Weekday, TimeRange[]>>;
  holidays: string[];
  workdays: string[];
  workdayHours?: TimeRange[];
}

export interface CaseSettings {
  complaintEvents: string[];
  complaintTouchpoints: string[];
  duplicateWindowHours: number;
  lowRatingAction: 'reopen' | 'task';
  urgentPriority: CasePriority;
  detractorPriority: CasePriority;
}

// Analytics -----------------------------------------------------------------------------------------------------

export type VolumeDimension = 'category' | 'touchpoint' | 'channel' | 'day' | 'priority' | 'source';

export interface SlaCompliance {
  key: string | null;
  firstResponse: { met: number; total: number; compliance: number | null };
  resolution: { met: number; total: number; compliance: number | null };
}

export interface CaseAnalyticsSummary {
  from: string;
  to: string;
  created: number;
  resolved: number;
  complaintRate: { customersWithCases: number; activeCustomers: number; per1000: number | null };
  firstContactResolution: number | null;
  reopenRate: number | null;
  medianHandleMs: number | null;
  sla: { byTeam: SlaCompliance[]; byAgent: SlaCompliance[] };
  topRootCauses: { rootCause: string; count: number; categories: Record<string, number> }[];
  followUpRatings: {
    category: string;
    metric: string;
    count: number;
    average: number | null;
    low: number;
  }[];
}

// Webhooks ------------------------------------------------------------------------------------------------------

export interface WebhookEndpoint {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  enabled?: boolean;
  secret?: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface Paging {
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}

/** The case's version goes with every change: a 409 CASE_VERSION_CONFLICT means someone else changed it. */
export const casesApi = {
  list: (filter: CaseFilter, paging: Paging = {}) =>
    apiRequest<Page<CaseSummary>>('GET', `${V1}/cases`, {
      query: { ...filter, limit: paging.limit, cursor: paging.cursor ?? undefined },
      signal: paging.signal,
    }),
  get: (id: string, signal?: AbortSignal) =>
    apiRequest<CaseDetail>('GET', `${V1}/cases/${enc(id)}`, { signal }),
  create: (input: NewCase) =>
    apiRequest<{ case: CaseDetail; created: boolean; linked: boolean }>('POST', `${V1}/cases`, {
      body: input,
    }),
  timeline: (id: string, paging: Paging = {}) =>
    apiRequest<Page<CaseEntry>>('GET', `${V1}/cases/${enc(id)}/timeline`, {
      query: { limit: paging.limit ?? 200, cursor: paging.cursor ?? undefined },
      signal: paging.signal,
    }),
  update: (id: string, version: number, patch: CaseUpdate) =>
    apiRequest<CaseDetail>('PATCH', `${V1}/cases/${enc(id)}`, { body: { ...patch, version } }),
  reply: (id: string, version: number, body: string, direction: 'outbound' | 'inbound' = 'outbound') =>
    apiRequest<{ case: CaseDetail; entryId: string }>('POST', `${V1}/cases/${enc(id)}/messages`, {
      body: { body, direction, version },
    }),
  note: (id: string, version: number, body: string) =>
    apiRequest<{ case: CaseDetail; entryId: string }>('POST', `${V1}/cases/${enc(id)}/notes`, {
      body: { body, version },
    }),
  transition: (id: string, version: number, status: CaseStatus, comment?: string) =>
    apiRequest<CaseDetail>('POST', `${V1}/cases/${enc(id)}/transition`, {
      body: { status, version, ...(comment ? { comment } : {}) },
    }),
  resolve: (id: string, version: number, resolution: Resolution, comment?: string) =>
    apiRequest<CaseDetail>('POST', `${V1}/cases/${enc(id)}/resolve`, {
      body: { resolution, version, ...(comment ? { comment } : {}) },
    }),
  reopen: (id: string, version: number, comment?: string) =>
    apiRequest<CaseDetail>('POST', `${V1}/cases/${enc(id)}/reopen`, {
      body: { version, ...(comment ? { comment } : {}) },
    }),
  assign: (id: string, version: number, input: { assigneeId?: string | null; teamId?: string | null }) =>
    apiRequest<CaseDetail>('POST', `${V1}/cases/${enc(id)}/assign`, { body: { ...input, version } }),

  summary: (range: { from: string; to: string }, signal?: AbortSignal) =>
    apiRequest<CaseAnalyticsSummary>('GET', `${V1}/cases/analytics/summary`, { query: range, signal }),
  volume: (by: VolumeDimension, range: { from: string; to: string }, signal?: AbortSignal) =>
    apiRequest<{ by: string; data: { key: string; count: number }[] }>(
      'GET',
      `${V1}/cases/analytics/volume`,
      {
        query: { ...range, by },
        signal,
      },
    ),
};

export const caseSettingsApi = {
  taxonomy: (signal?: AbortSignal) =>
    apiRequest<{ categories: TaxonomyCategory[] }>('GET', `${V1}/cases/settings/taxonomy`, { signal }),
  saveTaxonomy: (categories: TaxonomyCategory[]) =>
    apiRequest<{ categories: TaxonomyCategory[] }>('PUT', `${V1}/cases/settings/taxonomy`, {
      body: { categories },
    }),
  calendar: (signal?: AbortSignal) =>
    apiRequest<BusinessCalendar>('GET', `${V1}/cases/settings/calendar`, { signal }),
  saveCalendar: (calendar: BusinessCalendar) =>
    apiRequest<BusinessCalendar>('PUT', `${V1}/cases/settings/calendar`, { body: calendar }),
  due: (minutes: number, from?: string) =>
    apiRequest<{ from: string; minutes: number; dueAt: string }>('GET', `${V1}/cases/settings/calendar/due`, {
      query: { minutes, from },
    }),
  general: (signal?: AbortSignal) =>
    apiRequest<CaseSettings>('GET', `${V1}/cases/settings/general`, { signal }),
  saveGeneral: (patch: Partial<CaseSettings>) =>
    apiRequest<CaseSettings>('PATCH', `${V1}/cases/settings/general`, { body: patch }),
  teams: (signal?: AbortSignal) => apiRequest<{ data: Team[] }>('GET', `${V1}/cases/teams`, { signal }),
  createTeam: (input: TeamInput) => apiRequest<Team>('POST', `${V1}/cases/teams`, { body: input }),
  updateTeam: (id: string, input: Partial<TeamInput>) =>
    apiRequest<Team>('PATCH', `${V1}/cases/teams/${enc(id)}`, { body: input }),
  deleteTeam: (id: string) => apiRequest<void>('DELETE', `${V1}/cases/teams/${enc(id)}`),
  rules: (kind: RuleKind, signal?: AbortSignal) =>
    apiRequest<{ data: Rule[] }>('GET', `${V1}/cases/rules/${kind}`, { signal }),
  createRule: (kind: RuleKind, input: RuleInput) =>
    apiRequest<Rule>('POST', `${V1}/cases/rules/${kind}`, { body: input }),
  saveRule: (kind: RuleKind, id: string, input: RuleInput) =>
    apiRequest<Rule>('PUT', `${V1}/cases/rules/${kind}/${enc(id)}`, { body: input }),
  deleteRule: (kind: RuleKind, id: string) =>
    apiRequest<void>('DELETE', `${V1}/cases/rules/${kind}/${enc(id)}`),
};

export const webhooksApi = {
  list: (signal?: AbortSignal) =>
    apiRequest<{ data: WebhookEndpoint[] }>('GET', `${V1}/notifications/webhooks`, { signal }),
  create: (input: WebhookInput) =>
    apiRequest<{ endpoint: WebhookEndpoint; secret: string }>('POST', `${V1}/notifications/webhooks`, {
      body: input,
    }),
  update: (id: string, patch: Partial<WebhookInput>) =>
    apiRequest<WebhookEndpoint>('PATCH', `${V1}/notifications/webhooks/${enc(id)}`, { body: patch }),
  remove: (id: string) => apiRequest<void>('DELETE', `${V1}/notifications/webhooks/${enc(id)}`),
  test: (id: string) =>
    apiRequest<{ scheduled: number }>('POST', `${V1}/notifications/webhooks/${enc(id)}/test`),
  deliveries: (id: string, paging: Paging = {}) =>
    apiRequest<Page<WebhookDelivery>>('GET', `${V1}/notifications/webhooks/${enc(id)}/deliveries`, {
      query: { limit: paging.limit ?? 50, cursor: paging.cursor ?? undefined },
      signal: paging.signal,
    }),
};
