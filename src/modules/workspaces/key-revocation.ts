import { inTransaction, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { apiKeyNotFound, writeKeyNotFound } from './workspaces.errors.js';

const KINDS = {
  api_keys: { target: 'api_key', notFound: apiKeyNotFound },
  write_keys: { target: 'write_key', notFound: writeKeyNotFound },
} as const;

/**
 * Revokes a secret API key or a public write key at once; revoking twice is harmless, and a key of another
 * workspace is a 404. Both kinds of key share this so they cannot drift apart.
 */
export async function revokeKey(
  db: Db,
  ctx: ActorContext,
  table: keyof typeof KINDS,
  workspaceId: string,
  id: string,
): Promise<void> {
  const kind = KINDS[table];
  await inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom(table)
      .select(['name', 'revoked_at'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw kind.notFound();
    if (row.revoked_at !== null) return;
    await trx
      .updateTable(table)
      .set({ revoked_at: Date.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: `${kind.target}.revoked`,
      targetType: kind.target,
      targetId: id,
      details: { name: row.name },
    });
  });
}
