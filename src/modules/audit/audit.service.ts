import type { FastifyRequest } from 'fastify';
import { dialectOf, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import { principalOf } from '../../platform/http/index.js';
import { GENESIS_HASH, auditRowHash } from './audit.chain.js';

/** Chain of actions that belong to no workspace (users, sign-ins). */
export const SYSTEM_CHAIN = '_system';

export type ActorType = 'user' | 'api_key' | 'cli' | 'system';

/** Who did something, and through which request: attached to every audit row. */
export interface ActorContext {
  readonly actor: { readonly type: ActorType; readonly id: string | null };
  readonly requestId: string | null;
  readonly ip: string | null;
}

export interface AuditEntry {
  /** null for actions outside any workspace. */
  workspaceId: string | null;
  /** `<object>.<verb>`, e.g. `api_key.created`. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** What changed; never secrets (keys, passwords). */
  details?: Record<string, unknown>;
}

/** The actor context of an authenticated HTTP request. */
export function actorFromRequest(request: FastifyRequest): ActorContext {
  const p = principalOf(request);
  return { actor: { type: p.kind, id: p.id }, requestId: request.id, ip: request.ip };
}

/** The actor context of work the platform does by itself (start-up seeding, scheduled jobs). */
export function systemActor(name: string): ActorContext {
  return { actor: { type: 'system', id: name }, requestId: null, ip: null };
}

/** The actor context of a CLI command, named after the OS user who ran it. */
export function cliActor(osUser: string): ActorContext {
  return { actor: { type: 'cli', id: osUser }, requestId: null, ip: null };
}

/**
 * Appends one row to the workspace's hash chain, in the caller's transaction so the row commits or rolls back with
 * the change it records. The chain head row is locked (FOR UPDATE on PostgreSQL; SQLite's write lock is already
 * exclusive), so concurrent writers append one after another.
 */
export async function recordAudit(db: Db, ctx: ActorContext, entry: AuditEntry): Promise<void> {
  await inTransaction(db, async (trx) => {
    const chain = entry.workspaceId ?? SYSTEM_CHAIN;
    await trx
      .insertInto('audit_heads')
      .values({ workspace_id: chain, last_seq: 0, last_hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .execute();
    let headQuery = trx.selectFrom('audit_heads').selectAll().where('workspace_id', '=', chain);
    if (dialectOf(trx) === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();

    const row = {
      workspace_id: chain,
      seq: head.last_seq + 1,
      id: newId('aud'),
      created_at: Date.now(),
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      request_id: ctx.requestId,
      ip: ctx.ip,
      details: toJson(entry.details ?? {}),
      prev_hash: head.last_hash,
    };
    const hash = auditRowHash(row);
    await trx
      .insertInto('audit_log')
      .values({ ...row, hash })
      .execute();
    await trx
      .updateTable('audit_heads')
      .set({ last_seq: row.seq, last_hash: hash })
      .where('workspace_id', '=', chain)
      .execute();
  });
}
