import type { FastifyRequest } from 'fastify';
import {
  dummyPasswordHash,
  generateToken,
  hashPassword,
  sha256Hex,
  verifyPassword,
} from '../../platform/crypto/index.js';
import { inTransaction, newId, type Db } from '../../platform/db/index.js';
import type { Authenticator, Principal } from '../../platform/http/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { resolveApiKey } from './api-key.service.js';
import { permissionsOf } from './permissions.js';
import { assertPasswordStrength, findUserByEmail } from './user.service.js';
import { invalidCredentials, userNotFound, workspaceNotFound, wrongPassword } from './workspaces.errors.js';
import type { UsersTable, WorkspacesTable } from './workspaces.tables.js';

export const SESSION_COOKIE = 'tp_session';
/** Sends `X-Workspace: <slug>` to act in another of your workspaces for one request without switching. */
export const WORKSPACE_HEADER = 'x-workspace';
const SESSION_TOUCH_MS = 5 * 60_000;

export interface SessionView {
  user: UsersTable;
  workspaces: { workspace: WorkspacesTable; role: string }[];
  current: { workspace: WorkspacesTable; role: string; permissions: string[] } | null;
}

/**
 * Checks e-mail and password and opens a session. Unknown e-mail, wrong password and disabled user all give the same
 * 401 after the same scrypt work, so neither the answer nor its timing tells which e-mails have accounts.
 */
export async function login(
  db: Db,
  input: {
    email: string;
    password: string;
    ip: string | null;
    userAgent: string | null;
    ttlHours: number;
    requestId: string;
  },
): Promise<{ token: string; view: SessionView; expiresAt: number }> {
  const user = await findUserByEmail(db, input.email);
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash));
  if (!user || !ok || user.disabled_at !== null) throw invalidCredentials();

  const token = generateToken('');
  const now = Date.now();
  const expiresAt = now + input.ttlHours * 3_600_000;
  const memberships = await membershipsOf(db, user.id);
  const first = memberships[0]?.workspace.id ?? null;
  const sessionId = newId('ses');
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        token_hash: sha256Hex(token),
        user_id: user.id,
        workspace_id: first,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await recordAudit(
      trx,
      { actor: { type: 'user', id: user.id }, requestId: input.requestId, ip: input.ip },
      { workspaceId: null, action: 'session.created', targetType: 'session', targetId: sessionId },
    );
  });
  return { token, view: await describeSession(db, user.id, first), expiresAt };
}

/** Ends a session (sign out). */
export async function logout(db: Db, ctx: ActorContext, sessionId: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', sessionId).execute();
    await recordAudit(trx, ctx, {
      workspaceId: null,
      action: 'session.ended',
      targetType: 'session',
      targetId: sessionId,
    });
  });
}

async function membershipsOf(db: Db, userId: string) {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .selectAll('w')
    .select('m.role')
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at')
    .orderBy('w.id')
    .execute();
  return rows.map(({ role, ...workspace }) => ({ workspace: workspace as WorkspacesTable, role }));
}

/** The signed-in user, their workspaces and the current one with its permissions. */
export async function describeSession(
  db: Db,
  userId: string,
  workspaceId: string | null,
): Promise<SessionView> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw userNotFound();
  const workspaces = await membershipsOf(db, userId);
  const cur = workspaces.find((w) => w.workspace.id === workspaceId);
  return {
    user,
    workspaces,
    current: cur
      ? { workspace: cur.workspace, role: cur.role, permissions: [...permissionsOf(cur.role)].sort() }
      : null,
  };
}

/** Makes another of the user's workspaces the session's current one; 404 when they are not a member. */
export async function switchWorkspace(
  db: Db,
  sessionId: string,
  userId: string,
  slug: string,
): Promise<SessionView> {
  const target = (await membershipsOf(db, userId)).find((m) => m.workspace.slug === slug);
  if (!target) throw workspaceNotFound();
  await db
    .updateTable('sessions')
    .set({ workspace_id: target.workspace.id })
    .where('id', '=', sessionId)
    .execute();
  return describeSession(db, userId, target.workspace.id);
}

/** Updates the user's own name or console language. */
export async function updateProfile(
  db: Db,
  ctx: ActorContext,
  userId: string,
  patch: { name?: string; locale?: string },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const set = {
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      ...(patch.locale !== undefined && { locale: patch.locale }),
    };
    if (Object.keys(set).length === 0) return;
    await trx
      .updateTable('users')
      .set({ ...set, updated_at: Date.now() })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId: null,
      action: 'user.updated',
      targetType: 'user',
      targetId: userId,
      details: set,
    });
  });
}

/** Changes the user's password and ends their other sessions. */
export async function changePassword(
  db: Db,
  ctx: ActorContext,
  userId: string,
  keepSessionId: string | null,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw userNotFound();
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) throw wrongPassword();
  assertPasswordStrength(input.newPassword);
  const hash = await hashPassword(input.newPassword);
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: Date.now() })
      .where('id', '=', userId)
      .execute();
    let del = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepSessionId) del = del.where('id', '!=', keepSessionId);
    await del.execute();
    await recordAudit(trx, ctx, {
      workspaceId: null,
      action: 'user.password_changed',
      targetType: 'user',
      targetId: userId,
    });
  });
}

/**
 * Resolves the caller: a `Bearer` secret API key (its workspace and role), else the session cookie (the user's
 * current workspace, or the one named by X-Workspace). A bad bearer token is never overridden by a cookie.
 */
export function createAuthenticator(db: Db): Authenticator {
  return async (request: FastifyRequest): Promise<Principal | null> => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      const key = token ? await resolveApiKey(db, token) : undefined;
      if (!key) return null;
      return {
        kind: 'api_key',
        id: key.id,
        userId: null,
        sessionId: null,
        workspaceId: key.workspace_id,
        role: key.role,
        permissions: permissionsOf(key.role),
        viaCookie: false,
      };
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token || token.length > 100) return null;
    const now = Date.now();
    const session = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 's.user_id', 's.workspace_id', 's.last_seen_at', 's.expires_at', 'u.disabled_at'])
      .where('s.token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!session || session.expires_at <= now || session.disabled_at !== null) return null;
    if (now - session.last_seen_at > SESSION_TOUCH_MS) {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', session.id).execute();
    }

    const slug = request.headers[WORKSPACE_HEADER];
    let membership = db
      .selectFrom('memberships as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['m.workspace_id', 'm.role'])
      .where('m.user_id', '=', session.user_id);
    if (typeof slug === 'string') membership = membership.where('w.slug', '=', slug);
    else if (session.workspace_id) membership = membership.where('m.workspace_id', '=', session.workspace_id);
    const m = await membership.orderBy('m.created_at').limit(1).executeTakeFirst();
    return {
      kind: 'user',
      id: session.user_id,
      userId: session.user_id,
      sessionId: session.id,
      workspaceId: m?.workspace_id ?? null,
      role: m?.role ?? null,
      permissions: m ? permissionsOf(m.role) : new Set(),
      viaCookie: true,
    };
  };
}
