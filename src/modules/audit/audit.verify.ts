import type { Db } from '../../platform/db/index.js';
import { GENESIS_HASH, auditRowHash } from './audit.chain.js';

export type AuditVerification =
  | { ok: true; chains: number; rows: number }
  | {
      ok: false;
      chains: number;
      rows: number;
      workspaceId: string;
      seq: number;
      id: string | null;
      reason: string;
    };

const BATCH = 2000;

/**
 * Walks every chain from its first row and recomputes each hash. Reports the first row that was edited (hash
 * mismatch), deleted (gap in seq or broken link), reordered, or missing at the end (chain shorter than its head).
 */
export async function verifyAuditChain(db: Db): Promise<AuditVerification> {
  const heads = await db.selectFrom('audit_heads').selectAll().orderBy('workspace_id').execute();
  const orphanChains = await db
    .selectFrom('audit_log')
    .select('workspace_id')
    .distinct()
    .where('workspace_id', 'not in', heads.length ? heads.map((h) => h.workspace_id) : [''])
    .execute();
  let rows = 0;
  const chains = heads.length + orphanChains.length;
  const broken = (
    workspaceId: string,
    seq: number,
    id: string | null,
    reason: string,
  ): AuditVerification => ({
    ok: false,
    chains,
    rows,
    workspaceId,
    seq,
    id,
    reason,
  });
  if (orphanChains[0]) return broken(orphanChains[0].workspace_id, 0, null, 'rows without a chain head');

  for (const head of heads) {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const batch = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('workspace_id', '=', head.workspace_id)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(BATCH)
        .execute();
      for (const row of batch) {
        if (row.seq !== expectedSeq)
          return broken(head.workspace_id, expectedSeq, null, `row ${expectedSeq} is missing`);
        if (row.prev_hash !== prevHash)
          return broken(head.workspace_id, row.seq, row.id, 'link to the previous row is broken');
        const { hash, ...rest } = row;
        if (auditRowHash(rest) !== hash)
          return broken(head.workspace_id, row.seq, row.id, 'row content was changed');
        prevHash = hash;
        expectedSeq++;
        rows++;
      }
      if (batch.length < BATCH) break;
    }
    if (expectedSeq - 1 !== head.last_seq || prevHash !== head.last_hash) {
      return broken(
        head.workspace_id,
        expectedSeq,
        null,
        `chain ends at row ${expectedSeq - 1} but its head says ${head.last_seq}`,
      );
    }
  }
  return { ok: true, chains, rows };
}
