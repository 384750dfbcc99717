/** Shapes of the Touchpoint admin API (`/api/v1`) as the console uses them. Times are ISO-8601 strings. */

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const ROLES = ['owner', 'admin', 'analyst', 'marketer', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'workspace.read'
  | 'workspace.update'
  | 'members.read'
  | 'members.manage'
  | 'api_keys.read'
  | 'api_keys.manage'
  | 'write_keys.read'
  | 'write_keys.manage'
  | 'audit.read'
  | 'customers.read'
  | 'customers.write'
  | 'customers.delete'
  | 'customers.import'
  | 'pii.read'
  | 'text.analyze'
  | 'text.manage'
  | 'touchpoints.read'
  | 'touchpoints.manage'
  | 'surveys.read'
  | 'surveys.manage'
  | 'surveys.distribute'
  | 'surveys.export'
  | 'cases.read'
  | 'cases.write'
  | 'cases.manage'
  | 'segments.read'
  | 'segments.manage'
  | 'notifications.manage';

export interface User {
  id: string;
  email: string;
  name: string | null;
  locale: Locale | null;
}

export interface WorkspaceSummary {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  defaultLocale: Locale;
  createdAt: string;
}

export interface CurrentWorkspace {
  workspace: Workspace;
  role: Role;
  permissions: string[];
}

/** What login, `GET /auth/me` and workspace switching return. */
export interface SessionInfo {
  user: User;
  workspaces: WorkspaceSummary[];
  current: CurrentWorkspace | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  hint: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface WriteKey {
  id: string;
  name: string;
  key: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * The collection API's inbox for the workspace (`GET /api/v1/ingest/status`): events acknowledged but not yet
 * folded into customer profiles, and events whose processing failed.
 */
export interface IngestStatus {
  pending: number;
  failed: number;
  /** When the oldest pending event was received; null when none waits. */
  oldestReceivedAt: string | null;
  /** How long the oldest pending event has waited, by the server's clock (0 when none waits). */
  lagMs: number;
}

export const ACTOR_TYPES = ['user', 'api_key', 'cli', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface AuditEntry {
  id: string;
  seq: number;
  createdAt: string;
  actor: { type: ActorType; id: string | null };
  action: string;
  target: { type: string; id: string | null };
  requestId: string | null;
  ip: string | null;
  details: unknown;
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface AuditFilter {
  action?: string;
  actorType?: ActorType;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

/** A channel of the workspace's catalogue (built-in or its own), named in both languages. */
export interface Channel {
  key: string;
  name: Record<Locale, string>;
  aliases: string[];
  builtIn: boolean;
}

/** A customer in lists and search results; PII is masked by the server unless the role has `pii.read`. */
export interface CustomerSummary {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  lastSeenAt: string;
  eventCount: number;
  /** Money in minor units (fen, cents). */
  totalSpendMinor: number;
}

export const SUBSCRIPTION_STATUSES = ['trial', 'active', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface CustomerSubscription {
  product: string;
  /** trial, active or cancelled (typed as string: the API may add states). */
  status: string;
  since: string;
  trialEndsAt: string | null;
  endedAt: string | null;
}

/** The 360° profile of a customer (`GET /customers/{id}`). */
export interface Customer {
  id: string;
  /** The id that was asked for when it has been merged into this profile; otherwise null. */
  mergedFrom: string | null;
  piiMasked: boolean;
  basic: {
    name: string | null;
    gender: unknown;
    birthday: unknown;
    age: number | null;
    region: unknown;
    city: unknown;
    language: unknown;
  };
  /** name, firstName, lastName, email, phone, address, nationalId … (masked unless `pii.read`). */
  pii: Record<string, unknown>;
  traits: Record<string, unknown>;
  interests: Array<{ tag: string; count: number }>;
  value: {
    totalSpendMinor: number;
    currency: string | null;
    orderCount: number;
    lastPurchaseAt: string | null;
    arpuMinor: number;
  };
  subscriptions: CustomerSubscription[];
  engagement: {
    firstSeenAt: string;
    lastSeenAt: string;
    eventCount: number;
    activeDays: number;
    eventsByChannel: Record<string, number>;
    eventsByType: Record<string, number>;
  };
  identities: Array<{ type: string; value: string; firstSeenAt: string }>;
  merges: Array<{ fromProfileId: string; identifierType: string; at: string }>;
}

/** Segment call types, as stored on events. */
export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface TimelineEntry {
  id: string;
  kind: 'event';
  type: string;
  name: string | null;
  channel: string;
  timestamp: string;
  receivedAt: string;
  properties: Record<string, unknown>;
  /** The touchpoint the event maps to, if any. */
  touchpoint?: string | null;
}

export interface CustomerFilter {
  /** Any identifier, a phone number or its last 4 digits, an e-mail address or an exact name. */
  q?: string;
  /** Exact trait values, sent as `trait.<key>=<value>` (ignored by the API when `q` is given). */
  traits?: Record<string, string>;
}

export interface TimelineFilter {
  channel?: string;
  type?: string;
  /** A touchpoint key: only the events mapped to it. */
  touchpoint?: string;
}

export interface CustomerImportResult {
  rows: number;
  imported: number;
  rejected: number;
  errors: Array<{ row: number; code: string; reason: string }>;
}
