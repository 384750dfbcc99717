import { apiRequest } from './client';
import type {
  ApiKey,
  AuditEntry,
  AuditFilter,
  Channel,
  Customer,
  CustomerFilter,
  CustomerImportResult,
  CustomerSummary,
  IngestStatus,
  Locale,
  Member,
  Page,
  Role,
  SessionInfo,
  TimelineEntry,
  TimelineFilter,
  Workspace,
  WriteKey,
} from './types';

const V1 = '/api/v1';

export interface PageParams {
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}

function pageQuery(params: PageParams) {
  return { limit: params.limit, cursor: params.cursor ?? undefined };
}

/** Sign-in, the signed-in user and their current workspace. */
export const authApi = {
  login: (email: string, password: string) =>
    apiRequest<SessionInfo>('POST', `${V1}/auth/login`, { body: { email, password }, sessionExpiry: false }),
  logout: () => apiRequest<void>('POST', `${V1}/auth/logout`, { sessionExpiry: false }),
  me: (signal?: AbortSignal) =>
    apiRequest<SessionInfo>('GET', `${V1}/auth/me`, { signal, sessionExpiry: false }),
  updateMe: (patch: { name?: string; locale?: Locale }) =>
    apiRequest<SessionInfo>('PATCH', `${V1}/auth/me`, { body: patch }),
  switchWorkspace: (slug: string) =>
    apiRequest<SessionInfo>('POST', `${V1}/auth/workspace`, { body: { slug } }),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<void>('POST', `${V1}/auth/password`, { body: { currentPassword, newPassword } }),
};

export interface WorkspacePatch {
  name?: string;
  timeZone?: string;
  defaultLocale?: Locale;
}

export const workspaceApi = {
  get: (signal?: AbortSignal) => apiRequest<Workspace>('GET', `${V1}/workspace`, { signal }),
  update: (patch: WorkspacePatch) => apiRequest<Workspace>('PATCH', `${V1}/workspace`, { body: patch }),
  create: (input: { slug: string; name: string; timeZone?: string; defaultLocale?: Locale }) =>
    apiRequest<Workspace>('POST', `${V1}/workspaces`, { body: input }),
};

export const membersApi = {
  list: (params: PageParams = {}) =>
    apiRequest<Page<Member>>('GET', `${V1}/members`, { query: pageQuery(params), signal: params.signal }),
  add: (input: { email: string; role: Role; name?: string }) =>
    apiRequest<{ member: Member; temporaryPassword: string | null }>('POST', `${V1}/members`, {
      body: input,
    }),
  changeRole: (userId: string, role: Role) =>
    apiRequest<Member>('PATCH', `${V1}/members/${encodeURIComponent(userId)}`, { body: { role } }),
  remove: (userId: string) => apiRequest<void>('DELETE', `${V1}/members/${encodeURIComponent(userId)}`),
};

export const apiKeysApi = {
  list: (params: PageParams = {}) =>
    apiRequest<Page<ApiKey>>('GET', `${V1}/api-keys`, { query: pageQuery(params), signal: params.signal }),
  create: (input: { name: string; role: Role }) =>
    apiRequest<{ apiKey: ApiKey; key: string }>('POST', `${V1}/api-keys`, { body: input }),
  revoke: (id: string) => apiRequest<void>('DELETE', `${V1}/api-keys/${encodeURIComponent(id)}`),
};

export const writeKeysApi = {
  list: (params: PageParams = {}) =>
    apiRequest<Page<WriteKey>>('GET', `${V1}/write-keys`, {
      query: pageQuery(params),
      signal: params.signal,
    }),
  create: (input: { name: string }) => apiRequest<WriteKey>('POST', `${V1}/write-keys`, { body: input }),
  revoke: (id: string) => apiRequest<void>('DELETE', `${V1}/write-keys/${encodeURIComponent(id)}`),
};

/** Events collected but not yet in the customer profiles, and putting the failed ones back in line. */
export const ingestApi = {
  status: (signal?: AbortSignal) => apiRequest<IngestStatus>('GET', `${V1}/ingest/status`, { signal }),
  /** Audited; answers how many failed events were put back in line. */
  retryFailed: () => apiRequest<{ retried: number }>('POST', `${V1}/ingest/failed/retry`),
};

export const auditApi = {
  list: (filter: AuditFilter, params: PageParams = {}) =>
    apiRequest<Page<AuditEntry>>('GET', `${V1}/audit`, {
      query: { ...filter, ...pageQuery(params) },
      signal: params.signal,
    }),
};

const customerPath = (id: string) => `${V1}/customers/${encodeURIComponent(id)}`;

/** `trait.<key>=<value>` query parameters for exact trait filters. */
function traitQuery(traits: Record<string, string> = {}) {
  return Object.fromEntries(Object.entries(traits).map(([key, value]) => [`trait.${key}`, value]));
}

/** Customer profiles: list and search, the 360° view, the timeline, traits, erasure, CSV import and export. */
export const customersApi = {
  list: (filter: CustomerFilter, params: PageParams = {}) =>
    apiRequest<Page<CustomerSummary>>('GET', `${V1}/customers`, {
      query: { q: filter.q, ...traitQuery(filter.traits), ...pageQuery(params) },
      signal: params.signal,
    }),
  get: (id: string, signal?: AbortSignal) => apiRequest<Customer>('GET', customerPath(id), { signal }),
  lookup: (type: string, value: string, signal?: AbortSignal) =>
    apiRequest<Customer>('GET', `${V1}/customers/lookup`, { query: { type, value }, signal }),
  timeline: (id: string, filter: TimelineFilter, params: PageParams = {}) =>
    apiRequest<Page<TimelineEntry>>('GET', `${customerPath(id)}/timeline`, {
      query: { ...filter, ...pageQuery(params) },
      signal: params.signal,
    }),
  /** Sets traits; a null value removes the trait. */
  updateTraits: (id: string, traits: Record<string, unknown>) =>
    apiRequest<Customer>('PATCH', customerPath(id), { body: { traits } }),
  remove: (id: string) => apiRequest<void>('DELETE', customerPath(id)),
  importCsv: (file: Blob) =>
    apiRequest<CustomerImportResult>('POST', `${V1}/customers/import`, {
      rawBody: { contentType: 'text/csv', data: file },
    }),
  /** A plain link downloads the export: the session cookie goes with it. */
  exportUrl: `${V1}/customers/export`,
};

export const channelsApi = {
  list: (signal?: AbortSignal) => apiRequest<{ data: Channel[] }>('GET', `${V1}/channels`, { signal }),
};
