import { apiRequest } from './client';
import type { CustomerSummary, Page } from './types';

/**
 * Segments (`src/modules/segments`): rule-defined sets of customers kept current as data arrives, their members,
 * and the segments of one customer. Money in rules is in minor units (fen); times are ISO-8601 instants.
 */

const V1 = '/api/v1';

export interface SegmentText {
  'zh-CN': string;
  en: string;
}

export type SegmentScalar = string | number | boolean;

export const SEGMENT_GROUP_TYPES = ['all', 'any'] as const;
export type SegmentGroupType = (typeof SEGMENT_GROUP_TYPES)[number];

export const SEGMENT_LEAF_TYPES = [
  'trait',
  'metric',
  'recency',
  'channel',
  'interest',
  'subscription',
  'contact',
] as const;
export type SegmentLeafType = (typeof SEGMENT_LEAF_TYPES)[number];

export const SEGMENT_TRAIT_OPS = [
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
] as const;
export type SegmentTraitOp = (typeof SEGMENT_TRAIT_OPS)[number];

export const SEGMENT_NUMBER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
export type SegmentNumberOp = (typeof SEGMENT_NUMBER_OPS)[number];

export const SEGMENT_METRICS = [
  'total_spend',
  'order_count',
  'event_count',
  'arpu',
  'age',
  'active_channels',
] as const;
export type SegmentMetric = (typeof SEGMENT_METRICS)[number];
/** Metrics counted in minor units (fen): people type and read them in yuan. */
export const MONEY_METRICS: ReadonlySet<SegmentMetric> = new Set(['total_spend', 'arpu']);

export const SEGMENT_RECENCY_FIELDS = ['first_seen', 'last_seen', 'last_purchase'] as const;
export type SegmentRecencyField = (typeof SEGMENT_RECENCY_FIELDS)[number];
export const SEGMENT_RECENCY_OPS = ['within_days', 'not_within_days'] as const;
export type SegmentRecencyOp = (typeof SEGMENT_RECENCY_OPS)[number];

export const SEGMENT_SUBSCRIPTION_STATUSES = ['trial', 'active', 'cancelled'] as const;
export type SegmentSubscriptionStatus = (typeof SEGMENT_SUBSCRIPTION_STATUSES)[number];

export const SEGMENT_CONTACT_VIA = ['email', 'phone'] as const;
export type SegmentContactVia = (typeof SEGMENT_CONTACT_VIA)[number];

/** The server's limits on a rule (segment.rules.ts CONDITION_LIMITS). */
export const SEGMENT_LIMITS = {
  depth: 5,
  leaves: 50,
  groupSize: 20,
  values: 100,
  stringLength: 200,
  days: 3650,
} as const;

export type SegmentTraitCondition =
  | { type: 'trait'; trait: string; op: 'eq' | 'neq'; value: SegmentScalar }
  | { type: 'trait'; trait: string; op: 'in' | 'not_in'; values: SegmentScalar[] }
  | { type: 'trait'; trait: string; op: SegmentNumberOp; value: number }
  | { type: 'trait'; trait: string; op: 'contains' | 'starts_with'; value: string }
  | { type: 'trait'; trait: string; op: 'exists' | 'not_exists' };

/** A segment's rule: all/any/not groups over leaf conditions. */
export type SegmentCondition =
  | { type: SegmentGroupType; conditions: SegmentCondition[] }
  | { type: 'not'; condition: SegmentCondition }
  | SegmentTraitCondition
  | { type: 'metric'; metric: SegmentMetric; op: SegmentNumberOp; value: number }
  | { type: 'recency'; field: SegmentRecencyField; op: SegmentRecencyOp; days: number }
  | { type: 'channel'; channel: string; minEvents?: number }
  | { type: 'interest'; interest: string; minCount?: number }
  | {
      type: 'subscription';
      status: SegmentSubscriptionStatus;
      product?: string;
      trialEndsWithinDays?: number;
    }
  | { type: 'contact'; via: SegmentContactVia };

export type SegmentStatus = 'active' | 'archived';
export type SegmentRefreshStatus = 'idle' | 'running' | 'failed';

export interface Segment {
  id: string;
  key: string;
  name: SegmentText;
  description: SegmentText;
  condition: SegmentCondition;
  status: SegmentStatus;
  memberCount: number;
  version: number;
  /** Membership can change with time alone; such a segment is recomputed every hour. */
  timeDependent: boolean;
  refresh: {
    status: SegmentRefreshStatus;
    processed: number;
    total: number;
    /** 0–1. */
    progress: number;
    error: string | null;
    refreshedAt: string | null;
  };
  createdAt: string;
  updatedAt: string;
}

export interface SegmentInput {
  key: string;
  name: SegmentText;
  description?: SegmentText;
  condition: SegmentCondition;
}

export interface SegmentPatch {
  name?: SegmentText;
  description?: SegmentText;
  condition?: SegmentCondition;
  status?: SegmentStatus;
  /** The version read; a 409 SEGMENT_VERSION_CONFLICT when someone changed the segment meanwhile. */
  version?: number;
}

export type SegmentMember = CustomerSummary & { addedAt: string };

export interface CustomerSegment {
  key: string;
  name: SegmentText;
  /** An archived segment's members are frozen. */
  status: SegmentStatus;
  since: string;
}

/** How many customers a rule would select, before saving it (`POST /segments/preview`). */
export interface SegmentPreview {
  /** Live customers of the workspace. */
  total: number;
  /** Customers evaluated (every one when the workspace has no more than the sample). */
  sampled: number;
  matched: number;
  /** matched / sampled × total; exact when every customer was evaluated. */
  estimate: number;
  exact: boolean;
  /** Up to five matching customers (personal data masked unless the role may read it). */
  examples: CustomerSummary[];
}

const segmentPath = (key: string) => `${V1}/segments/${encodeURIComponent(key)}`;

export const segmentsApi = {
  list: (status?: SegmentStatus, signal?: AbortSignal) =>
    apiRequest<{ data: Segment[] }>('GET', `${V1}/segments`, { query: { status }, signal }),
  get: (key: string, signal?: AbortSignal) => apiRequest<Segment>('GET', segmentPath(key), { signal }),
  create: (input: SegmentInput) => apiRequest<Segment>('POST', `${V1}/segments`, { body: input }),
  update: (key: string, patch: SegmentPatch) =>
    apiRequest<Segment>('PATCH', segmentPath(key), { body: patch }),
  remove: (key: string) => apiRequest<void>('DELETE', segmentPath(key)),
  /** Recomputes the members from scratch in the background (202 with the segment, refresh running). */
  refresh: (key: string) => apiRequest<Segment>('POST', `${segmentPath(key)}/refresh`),
  members: (key: string, params: { cursor?: string | null; limit?: number; signal?: AbortSignal } = {}) =>
    apiRequest<Page<SegmentMember>>('GET', `${segmentPath(key)}/members`, {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
    }),
  /**
   * Counts (or estimates from a sample of 100–20000 customers, 5000 by default) the customers a rule selects; a bad
   * rule is a 400 SEGMENT_CONDITION_INVALID with `details.path`, as when saving. Needs `customers.read`.
   */
  preview: (condition: SegmentCondition, params: { sample?: number; signal?: AbortSignal } = {}) =>
    apiRequest<SegmentPreview>('POST', `${V1}/segments/preview`, {
      body: { condition, ...(params.sample !== undefined ? { sample: params.sample } : {}) },
      signal: params.signal,
    }),
  ofCustomer: (customerId: string, signal?: AbortSignal) =>
    apiRequest<{ data: CustomerSegment[] }>(
      'GET',
      `${V1}/customers/${encodeURIComponent(customerId)}/segments`,
      {
        signal,
      },
    ),
};
