import { toIso } from '../../platform/http/index.js';
import type { SessionView } from './auth.service.js';
import type { MemberRow } from './member.service.js';
import type { ApiKeysTable, WorkspacesTable, WriteKeysTable } from './workspaces.tables.js';

export function presentWorkspace(ws: WorkspacesTable) {
  return {
    id: ws.id,
    slug: ws.slug,
    name: ws.name,
    timeZone: ws.time_zone,
    defaultLocale: ws.default_locale,
    createdAt: toIso(ws.created_at),
  };
}

export function presentSession(view: SessionView) {
  return {
    user: { id: view.user.id, email: view.user.email, name: view.user.name, locale: view.user.locale },
    workspaces: view.workspaces.map((w) => ({
      id: w.workspace.id,
      slug: w.workspace.slug,
      name: w.workspace.name,
      role: w.role,
    })),
    current: view.current
      ? {
          workspace: presentWorkspace(view.current.workspace),
          role: view.current.role,
          permissions: view.current.permissions,
        }
      : null,
  };
}

export function presentMember(m: MemberRow) {
  return { userId: m.user_id, email: m.email, name: m.name, role: m.role, createdAt: toIso(m.created_at) };
}

export function presentApiKey(k: ApiKeysTable) {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    hint: k.token_hint,
    createdBy: k.created_by,
    createdAt: toIso(k.created_at),
    lastUsedAt: toIso(k.last_used_at),
    revokedAt: toIso(k.revoked_at),
  };
}

export function presentWriteKey(k: WriteKeysTable) {
  return {
    id: k.id,
    name: k.name,
    key: k.key,
    createdAt: toIso(k.created_at),
    lastUsedAt: toIso(k.last_used_at),
    revokedAt: toIso(k.revoked_at),
  };
}
