import { hashPassword } from '../../platform/crypto/index.js';
import { inTransaction, isUniqueViolation, newId, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { passwordTooWeak, userExists } from './workspaces.errors.js';
import type { UsersTable } from './workspaces.tables.js';

export const PASSWORD_MIN = 8;

/** E-mail addresses are compared case-insensitively and without surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function assertPasswordStrength(password: string): void {
  if ([...password].length < PASSWORD_MIN) throw passwordTooWeak(PASSWORD_MIN);
}

export async function findUserByEmail(db: Db, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

/** Creates a console user (no workspace yet). 409 USER_EXISTS when the e-mail is taken. */
export async function createUser(
  db: Db,
  ctx: ActorContext,
  input: { email: string; name: string; password: string; locale?: string },
): Promise<UsersTable> {
  assertPasswordStrength(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = Date.now();
  const user: UsersTable = {
    id: newId('usr'),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    password_hash: passwordHash,
    locale: input.locale ?? 'zh-CN',
    created_at: now,
    updated_at: now,
    disabled_at: null,
  };
  return inTransaction(db, async (trx) => {
    try {
      await trx.insertInto('users').values(user).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw userExists();
      throw err;
    }
    await recordAudit(trx, ctx, {
      workspaceId: null,
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, name: user.name },
    });
    return user;
  });
}
