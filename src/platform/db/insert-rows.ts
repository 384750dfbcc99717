import { CompiledQuery, type Insertable } from 'kysely';
import { dialectOf, type Database, type Db } from './database.js';

/** Rows per statement. A remainder goes out in power-of-two pieces, so a table needs at most 8 statement texts. */
const CHUNK = 128;
const texts = new Map<string, string>();

/** `n` parameter markers after the first `before` ones, in the dialect's syntax (`?` or `$1`, `$2`, …). */
export function placeholders(kind: 'sqlite' | 'postgres', n: number, before = 0): string[] {
  return Array.from({ length: n }, (_, i) => (kind === 'postgres' ? `$${before + i + 1}` : '?'));
}

function statementText(
  kind: 'sqlite' | 'postgres',
  table: string,
  columns: readonly string[],
  rows: number,
  conflict: readonly string[] | undefined,
): string {
  const key = `${kind}\u0000${table}\u0000${columns.join(',')}\u0000${rows}\u0000${conflict?.join(',') ?? ''}`;
  let text = texts.get(key);
  if (text === undefined) {
    const values = Array.from(
      { length: rows },
      (_, r) => `(${placeholders(kind, columns.length, r * columns.length).join(', ')})`,
    ).join(', ');
    text =
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${values}` +
      (conflict ? ` on conflict (${conflict.map((c) => `"${c}"`).join(', ')}) do nothing` : '');
    texts.set(key, text);
  }
  return text;
}

/**
 * Inserts many rows of one shape with a few fixed statement texts, prepared once per connection and reused: the
 * hot ingestion path writes thousands of rows per transaction, and building each multi-row insert through the
 * query builder (and preparing a new text for every batch size) costs more than the insert itself. Every row must
 * have the first row's columns; `onConflictIgnore` names the unique key whose duplicates are skipped. Returns the
 * number of rows inserted (duplicates skipped under `onConflictIgnore` are not counted).
 */
export async function insertRows<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: { onConflictIgnore?: readonly string[] } = {},
): Promise<number> {
  const first = rows[0];
  if (!first) return 0;
  let inserted = 0;
  const columns = Object.keys(first);
  const kind = dialectOf(db);
  for (let i = 0; i < rows.length;) {
    const left = rows.length - i;
    const n = left >= CHUNK ? CHUNK : 2 ** Math.floor(Math.log2(left));
    const params: unknown[] = [];
    for (let r = i; r < i + n; r++) {
      const row = rows[r] as Record<string, unknown>;
      for (const c of columns) params.push(row[c] ?? null);
    }
    const result = await db.executeQuery(
      CompiledQuery.raw(statementText(kind, table, columns, n, options.onConflictIgnore), params),
    );
    inserted += Number(result.numAffectedRows ?? 0);
    i += n;
  }
  return inserted;
}
