export interface WorkspacesTable {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  default_locale: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  locale: string;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  workspace_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ApiKeysTable {
  workspace_id: string;
  id: string;
  name: string;
  role: string;
  token_hash: string;
  token_hint: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface WriteKeysTable {
  workspace_id: string;
  id: string;
  name: string;
  key: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

declare module '../../platform/db/index.js' {
  interface Database {
    workspaces: WorkspacesTable;
    users: UsersTable;
    memberships: MembershipsTable;
    sessions: SessionsTable;
    api_keys: ApiKeysTable;
    write_keys: WriteKeysTable;
  }
}
