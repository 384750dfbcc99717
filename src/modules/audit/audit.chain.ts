import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { AuditLogTable } from './audit.tables.js';

/** prev_hash of the first row of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The SHA-256 of one audit row: the previous row's hash plus a canonical (sorted-key) JSON of every column but the
 * hashes. Any edited column, deleted row or reordering changes a hash or breaks a prev_hash link.
 */
export function auditRowHash(row: Omit<AuditLogTable, 'hash'>): string {
  const canonical = stringify({
    workspace_id: row.workspace_id,
    seq: row.seq,
    id: row.id,
    created_at: row.created_at,
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    request_id: row.request_id,
    ip: row.ip,
    // Parsed so that PostgreSQL's jsonb normalisation (key order, spaces) does not change the hash.
    details: JSON.parse(row.details) as unknown,
  });
  return createHash('sha256')
    .update(row.prev_hash)
    .update('\n')
    .update(canonical ?? '')
    .digest('hex');
}
