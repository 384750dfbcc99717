import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { inTransaction, type Db } from '../../platform/db/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { normalizeType } from './identifiers.js';
import type { IncomingEvent } from './incoming-event.js';
import { fromRow, recordEvents, type ProfilesContext } from './record-events.js';
import { presentProfileSummary } from './profile.presenter.js';

/** Columns read as identifiers; every other column is a trait (PII traits are sealed as usual). */
const IDENTIFIER_COLUMNS: Record<string, string> = {
  user_id: 'userId',
  userid: 'userId',
  anonymous_id: 'anonymousId',
  anonymousid: 'anonymousId',
};
const TRAIT_IDENTIFIERS = new Set([
  'email',
  'phone',
  'mobile',
  'wechat_openid',
  'wechat_unionid',
  'openid',
  'unionid',
]);
const BATCH_ROWS = 500;
const MAX_ERRORS = 1000;

export interface ImportError {
  row: number;
  code: 'NO_IDENTIFIER' | 'INVALID_ROW';
  reason: string;
}

export interface ImportResult {
  rows: number;
  imported: number;
  rejected: number;
  errors: ImportError[];
}

/**
 * Streams a CSV of customers into profiles, upserting by identifier: each row goes through the same identity
 * resolution as an identify call (so phones are normalised, duplicates merge, userIds never collide). Rows are
 * committed in batches of 500; a bad row is reported, never fatal. Columns: user_id, anonymous_id, email, phone,
 * wechat_openid… (identifiers), `<type>_id` custom identifiers via the header `external:<type>`, anything else a trait.
 */
export async function importCustomersCsv(
  db: Db,
  ctx: ProfilesContext,
  actor: ActorContext,
  workspaceId: string,
  input: Readable,
): Promise<ImportResult> {
  const importId = createHash('sha256')
    .update(`${workspaceId}:${Date.now()}:${Math.random()}`)
    .digest('hex')
    .slice(0, 16);
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.replace(/^\uFEFF/, '').trim()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      max_record_size: 64 * 1024,
    }),
  );
  const result: ImportResult = { rows: 0, imported: 0, rejected: 0, errors: [] };
  const reject = (row: number, code: ImportError['code'], reason: string) => {
    result.rejected++;
    if (result.errors.length < MAX_ERRORS) result.errors.push({ row, code, reason });
  };
  let batch: IncomingEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    await inTransaction(db, (trx) => recordEvents(trx, ctx, workspaceId, events));
    result.imported += events.length;
  };

  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      result.rows++;
      const row = result.rows + 1; // header is line 1
      const ids: { userId: string | null; anonymousId: string | null } = { userId: null, anonymousId: null };
      const traits: Record<string, unknown> = {};
      const externalIds: { id: string; type: string }[] = [];
      for (const [column, value] of Object.entries(record)) {
        if (value === '' || value === undefined) continue;
        const key = column.toLowerCase();
        const compact = key.replace(/[\s-]/g, '');
        const idField = Object.hasOwn(IDENTIFIER_COLUMNS, compact) ? IDENTIFIER_COLUMNS[compact] : undefined;
        if (idField) ids[idField as 'userId' | 'anonymousId'] = value;
        else if (key.startsWith('external:')) {
          const type = normalizeType(key.slice('external:'.length));
          if (type) externalIds.push({ id: value, type });
        } else traits[TRAIT_IDENTIFIERS.has(key) ? key : column] = value;
      }
      const hasTraitId = [...TRAIT_IDENTIFIERS].some((k) => traits[k] !== undefined);
      if (!ids.userId && !ids.anonymousId && !hasTraitId && externalIds.length === 0) {
        reject(
          row,
          'NO_IDENTIFIER',
          'the row has no user_id, anonymous_id, email, phone, WeChat id or external:<type> column value',
        );
        continue;
      }
      const now = Date.now();
      batch.push({
        messageId: `import-${importId}-${row}`,
        type: 'identify',
        name: null,
        userId: ids.userId,
        // Rows known only by e-mail or phone still need an anonymous id for the event row itself.
        anonymousId: ids.anonymousId ?? (ids.userId ? null : `import-${importId}-${row}`),
        previousId: null,
        traits,
        properties: {},
        context: { source: 'csv_import', importId, ...(externalIds.length && { externalIds }) },
        channel: 'other',
        sourceId: null,
        receivedAt: now,
        sentAt: null,
        originalTimestamp: null,
        timestamp: now,
      });
      if (batch.length >= BATCH_ROWS) await flush();
    }
  } catch (err) {
    reject(
      result.rows + 2,
      'INVALID_ROW',
      err instanceof Error ? err.message.slice(0, 200) : 'unreadable CSV',
    );
  }
  await flush();
  await inTransaction(db, (trx) =>
    recordAudit(trx, actor, {
      workspaceId,
      action: 'customer.imported',
      targetType: 'import',
      targetId: importId,
      details: { rows: result.rows, imported: result.imported, rejected: result.rejected },
    }),
  );
  return result;
}

const EXPORT_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'city',
  'gender',
  'birthday',
  'first_seen_at',
  'last_seen_at',
  'event_count',
  'total_spend',
  'order_count',
];

/**
 * Streams every live customer as CSV (UTF-8 with BOM so spreadsheet programs read Chinese), 1,000 profiles per query.
 * PII is masked unless `canReadPii`. The export itself is audited: it is the largest data movement there is.
 */
export function exportCustomersCsv(
  db: Db,
  ctx: ProfilesContext,
  actor: ActorContext,
  workspaceId: string,
  canReadPii: boolean,
): Readable {
  const out = stringify({ header: true, columns: EXPORT_COLUMNS, bom: true });
  void (async () => {
    let after: string | undefined;
    let count = 0;
    try {
      for (;;) {
        let q = db
          .selectFrom('profiles')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('merged_into', 'is', null)
          .orderBy('id')
          .limit(1000);
        if (after) q = q.where('id', '>', after);
        const rows = await q.execute();
        for (const r of rows) {
          const state = fromRow(r, ctx.cipher);
          const s = presentProfileSummary(state, canReadPii);
          const ok = out.write([
            s.id,
            s.name ?? '',
            s.email ?? '',
            s.phone ?? '',
            s.city ?? '',
            state.traits.gender ?? '',
            state.traits.birthday ?? '',
            s.lastSeenAt && new Date(state.firstSeenAt).toISOString(),
            s.lastSeenAt,
            s.eventCount,
            (s.totalSpendMinor / 100).toFixed(2),
            state.stats.orderCount,
          ]);
          if (!ok) await new Promise((resolve) => out.once('drain', resolve));
          count++;
        }
        if (rows.length < 1000) break;
        after = rows[rows.length - 1]?.id;
      }
      await inTransaction(db, (trx) =>
        recordAudit(trx, actor, {
          workspaceId,
          action: 'customer.exported',
          targetType: 'export',
          targetId: null,
          details: { customers: count, piiMasked: !canReadPii },
        }),
      );
      out.end();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}
