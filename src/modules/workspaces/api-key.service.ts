import { generateToken, sha256Hex } from '../../platform/crypto/index.js';
import { inTransaction, newId, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { roleRank, type Role } from './permissions.js';
import { roleNotAllowed } from './workspaces.errors.js';
import type { ApiKeysTable } from './workspaces.tables.js';

export const API_KEY_PREFIX = 'tp_sk_';

export async function listApiKeys(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
): Promise<ApiKeysTable[]> {
  let q = db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after);
  return q.execute();
}

/** Creates a secret API key; the key itself is returned here once and only its SHA-256 is stored. */
export async function createApiKey(
  db: Db,
  ctx: ActorContext,
  actorRole: string | null,
  workspaceId: string,
  input: { name: string; role: Role },
): Promise<{ apiKey: ApiKeysTable; key: string }> {
  if (actorRole !== null && roleRank(input.role) > roleRank(actorRole)) throw roleNotAllowed(input.role);
  const key = generateToken(API_KEY_PREFIX);
  const apiKey: ApiKeysTable = {
    workspace_id: workspaceId,
    id: newId('key'),
    name: input.name.trim(),
    role: input.role,
    token_hash: sha256Hex(key),
    token_hint: `${key.slice(0, API_KEY_PREFIX.length + 4)}…${key.slice(-4)}`,
    created_by: ctx.actor.id,
    created_at: Date.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('api_keys').values(apiKey).execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: apiKey.id,
      details: { name: apiKey.name, role: apiKey.role, hint: apiKey.token_hint },
    });
  });
  return { apiKey, key };
}

const TOUCH_INTERVAL_MS = 60_000;

/** The live key behind a bearer token, or undefined. Records last use at most once a minute to spare writes. */
export async function resolveApiKey(db: Db, token: string): Promise<ApiKeysTable | undefined> {
  if (!token.startsWith(API_KEY_PREFIX) || token.length > 200) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  if (row.last_used_at === null || now - row.last_used_at > TOUCH_INTERVAL_MS) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .execute();
  }
  return row;
}
