import { randomBytes } from 'node:crypto';
import { inTransaction, isUniqueViolation, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { roleRank, type Role } from './permissions.js';
import { createUser, findUserByEmail } from './user.service.js';
import { lastOwner, memberExists, memberNotFound, roleNotAllowed } from './workspaces.errors.js';

export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: string;
  created_at: number;
}

/** The role of whoever acts: null for the CLI (an operator on the server may do anything). */
export type ActorRole = string | null;

function assertMayGrant(actorRole: ActorRole, role: string): void {
  if (actorRole !== null && roleRank(role) > roleRank(actorRole)) throw roleNotAllowed(role);
}

function memberQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId);
}

export async function getMember(db: Db, workspaceId: string, userId: string): Promise<MemberRow> {
  const row = await memberQuery(db, workspaceId).where('m.user_id', '=', userId).executeTakeFirst();
  if (!row) throw memberNotFound();
  return row;
}

/** One keyset page of members ordered by user id; fetches `limit + 1` rows to know whether more follow. */
export async function listMembers(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
): Promise<MemberRow[]> {
  let q = memberQuery(db, workspaceId)
    .orderBy('m.user_id')
    .limit(limit + 1);
  if (after) q = q.where('m.user_id', '>', after);
  return q.execute();
}

/**
 * Adds a user to the workspace by e-mail. An unknown e-mail creates the user, with the given password or a
 * generated temporary one that is returned once (there is no e-mail invitation yet).
 */
export async function addMember(
  db: Db,
  ctx: ActorContext,
  actorRole: ActorRole,
  workspaceId: string,
  input: { email: string; role: Role; name?: string; password?: string },
): Promise<{ member: MemberRow; temporaryPassword: string | null }> {
  assertMayGrant(actorRole, input.role);
  return inTransaction(db, async (trx) => {
    let user = await findUserByEmail(trx, input.email);
    let temporaryPassword: string | null = null;
    if (!user) {
      const password = input.password ?? (temporaryPassword = randomBytes(12).toString('base64url'));
      user = await createUser(trx, ctx, {
        email: input.email,
        name: input.name ?? input.email.split('@')[0] ?? input.email,
        password,
      });
    }
    const now = Date.now();
    try {
      await trx
        .insertInto('memberships')
        .values({
          workspace_id: workspaceId,
          user_id: user.id,
          role: input.role,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw memberExists();
      throw err;
    }
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'member.added',
      targetType: 'user',
      targetId: user.id,
      details: { role: input.role, email: user.email },
    });
    return { member: await getMember(trx, workspaceId, user.id), temporaryPassword };
  });
}

async function assertNotLastOwner(db: Db, workspaceId: string, userId: string): Promise<void> {
  const owners = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .execute();
  if (owners.length === 1 && owners[0]?.user_id === userId) throw lastOwner();
}

/** Changes a member's role. Nobody may touch a member ranked above them, grant a higher role, or demote the last owner. */
export async function changeMemberRole(
  db: Db,
  ctx: ActorContext,
  actorRole: ActorRole,
  workspaceId: string,
  userId: string,
  role: Role,
): Promise<MemberRow> {
  assertMayGrant(actorRole, role);
  return inTransaction(db, async (trx) => {
    const member = await getMember(trx, workspaceId, userId);
    assertMayGrant(actorRole, member.role);
    if (member.role === role) return member;
    if (member.role === 'owner') await assertNotLastOwner(trx, workspaceId, userId);
    await trx
      .updateTable('memberships')
      .set({ role, updated_at: Date.now() })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'member.role_changed',
      targetType: 'user',
      targetId: userId,
      details: { from: member.role, to: role },
    });
    return { ...member, role };
  });
}

/** Removes a member (their sessions stay valid but lose this workspace at once). */
export async function removeMember(
  db: Db,
  ctx: ActorContext,
  actorRole: ActorRole,
  workspaceId: string,
  userId: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const member = await getMember(trx, workspaceId, userId);
    assertMayGrant(actorRole, member.role);
    if (member.role === 'owner') await assertNotLastOwner(trx, workspaceId, userId);
    await trx
      .deleteFrom('memberships')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'member.removed',
      targetType: 'user',
      targetId: userId,
      details: { role: member.role, email: member.email },
    });
  });
}
