import { generateToken } from '../../platform/crypto/index.js';
import { inTransaction, newId, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import type { WriteKeysTable } from './workspaces.tables.js';

export const WRITE_KEY_PREFIX = 'tp_wk_';

export async function listWriteKeys(
  db: Db,
  workspaceId: string,
  limit: number,
  after?: string,
): Promise<WriteKeysTable[]> {
  let q = db
    .selectFrom('write_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after);
  return q.execute();
}

/**
 * Creates a public write key for one event source. Write keys only ever allow sending events and sit in web pages
 * and apps, so (like Segment's) they are stored as they are and can be shown again.
 */
export async function createWriteKey(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  input: { name: string },
): Promise<WriteKeysTable> {
  const writeKey: WriteKeysTable = {
    workspace_id: workspaceId,
    id: newId('wk'),
    name: input.name.trim(),
    key: generateToken(WRITE_KEY_PREFIX, 18),
    created_by: ctx.actor.id,
    created_at: Date.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('write_keys').values(writeKey).execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'write_key.created',
      targetType: 'write_key',
      targetId: writeKey.id,
      details: { name: writeKey.name },
    });
  });
  return writeKey;
}

/**
 * The workspace and source behind a write key, or undefined when unknown or revoked. For the event collection API.
 */
export async function resolveWriteKey(
  db: Db,
  key: string,
): Promise<{ workspaceId: string; writeKeyId: string; name: string } | undefined> {
  if (!/^tp_wk_[\w-]{1,94}$/.test(key)) return undefined;
  const row = await db
    .selectFrom('write_keys')
    .select(['workspace_id', 'id', 'name'])
    .where('key', '=', key)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { workspaceId: row.workspace_id, writeKeyId: row.id, name: row.name } : undefined;
}

/** Records that a write key sent events (the collection API calls this at most once a minute per key). */
export async function markWriteKeyUsed(db: Db, workspaceId: string, id: string, at: number): Promise<void> {
  await db
    .updateTable('write_keys')
    .set({ last_used_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}
