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
  | 'audit.read';

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
