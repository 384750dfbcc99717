import { CompiledQuery, type Insertable } from 'kysely';
import { dialectOf, type Database, type Db } from './database.js';

/** Rows per statement. A remainder goes out in power-of-two pieces, so a table needs at most 8 statement texts. */
const CHUNK = 128;
const texts = new Map<string, string>();

/** `n` parameter markers after the first `before` ones, in the dialect's syntax (`?` or `$1`, `$2`, …). */
export function placeholders(kind: 'sqlite' | 'postgres', n: number, before = 0): string[] {
  return Array.from({ length: n }, (_, i) => (kind === 'postgres' ? `$${before + i + 1}` : '?'));
}

/** What a row whose unique key is already taken does instead of failing the statement. */
export interface OnConflict {
  /** The unique key's columns. */
  key: readonly string[];
  /** Columns that take the new row's value (none, and nothing in `add`: the row is skipped). */
  set?: readonly string[];
  /** Counter columns: the new row's value is added to the stored one. */
  add?: readonly string[];
}

function conflictClause(table: string, conflict: OnConflict | undefined): string {
  if (!conflict) return '';
  const q = (c: string) => `"${c}"`;
  const updates = [
    ...(conflict.set ?? []).map((c) => `${q(c)} = excluded.${q(c)}`),
    ...(conflict.add ?? []).map((c) => `${q(c)} = ${q(table)}.${q(c)} + excluded.${q(c)}`),
  ];
  return (
    ` on conflict (${conflict.key.map(q).join(', ')}) ` +
    (updates.length ? `do update set ${updates.join(', ')}` : 'do nothing')
  );
}

function statementText(
  kind: 'sqlite' | 'postgres',
  table: string,
  columns: readonly string[],
  rows: number,
  conflict: OnConflict | undefined,
): string {
  const key = `${kind}\u0000${table}\u0000${columns.join(',')}\u0000${rows}\u0000${JSON.stringify(conflict ?? null)}`;
  let text = texts.get(key);
  if (text === undefined) {
    const values = Array.from(
      { length: rows },
      (_, r) => `(${placeholders(kind, columns.length, r * columns.length).join(', ')})`,
    ).join(', ');
    text =
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${values}` +
      conflictClause(table, conflict);
    texts.set(key, text);
  }
  return text;
}

/**
 * Inserts many rows of one shape with a few fixed statement texts, prepared once per connection and reused: the
 * hot ingestion path writes thousands of rows per transaction, and building each multi-row insert through the
 * query builder (and preparing a new text for every batch size) costs more than the insert itself. Every row must
 * have the first row's columns; `onConflictIgnore` names the unique key whose duplicates are skipped, and
 * `onConflict` says what else a duplicate does (set columns, add to counters: an upsert of rollup rows). Rows of one
 * call must not repeat a key when they update on conflict (PostgreSQL refuses to update a row twice in a statement).
 * Returns the number of rows inserted (duplicates skipped under `onConflictIgnore` are not counted; updated ones are,
 * as the databases count them).
 */
export async function insertRows<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: { onConflictIgnore?: readonly string[]; onConflict?: OnConflict } = {},
): Promise<number> {
  const first = rows[0];
  if (!first) return 0;
  const conflict =
    options.onConflict ?? (options.onConflictIgnore ? { key: options.onConflictIgnore } : undefined);
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
      CompiledQuery.raw(statementText(kind, table, columns, n, conflict), params),
    );
    inserted += Number(result.numAffectedRows ?? 0);
    i += n;
  }
  return inserted;
}
