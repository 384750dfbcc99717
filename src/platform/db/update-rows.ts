import { CompiledQuery } from 'kysely';
import { dialectOf, type Database, type Db } from './database.js';
import { placeholders } from './insert-rows.js';

/** Rows per statement; a remainder goes out in power-of-two pieces, as in insertRows. */
const CHUNK = 128;
const texts = new Map<string, string>();

/** One row to update: the values of the key columns, and the columns to set with their new values. */
export interface RowUpdate {
  key: readonly unknown[];
  set: Readonly<Record<string, unknown>>;
}

function statementText(
  kind: 'sqlite' | 'postgres',
  table: string,
  keys: readonly string[],
  columns: readonly string[],
  rows: number,
  pgTypes: Readonly<Record<string, string>>,
): string {
  const key = `${kind}\u0000${table}\u0000${keys.join(',')}\u0000${columns.join(',')}\u0000${rows}`;
  let text = texts.get(key);
  if (text === undefined) {
    const all = [...keys, ...columns];
    // PostgreSQL types a VALUES list from its parameters, which are untyped: each one is cast to its column's type.
    const cast = (i: number) => (kind === 'postgres' ? `::${pgTypes[all[i] as string] ?? 'text'}` : '');
    const values = Array.from(
      { length: rows },
      (_, r) =>
        `(${placeholders(kind, all.length, r * all.length)
          .map((p, i) => p + cast(i))
          .join(', ')})`,
    ).join(', ');
    // VALUES columns are named column1, column2… on both dialects (SQLite takes no column list after the alias).
    const set = columns.map((c, i) => `"${c}" = v.column${keys.length + i + 1}`).join(', ');
    const where = keys.map((k, i) => `"${table}"."${k}" = v.column${i + 1}`).join(' and ');
    text = `update "${table}" set ${set} from (values ${values}) as v where ${where}`;
    texts.set(key, text);
  }
  return text;
}

/**
 * Updates many rows of one table by key with a few fixed statement texts (`update … from (values …)`), prepared once
 * per connection and reused: rows that set the same columns go out together, 128 to a statement. The hot ingestion
 * path changes hundreds of profiles per transaction; one statement each, built by the query builder, cost more than
 * the writes themselves (and a round trip each on PostgreSQL). `pgTypes` names the PostgreSQL type of every key and
 * set column that is not `text`. Each key must appear once. Returns the number of rows updated.
 */
export async function updateRows<T extends keyof Database & string>(
  db: Db,
  table: T,
  keys: readonly (keyof Database[T] & string)[],
  rows: readonly RowUpdate[],
  pgTypes: Readonly<Record<string, string>> = {},
): Promise<number> {
  const kind = dialectOf(db);
  const groups = new Map<string, RowUpdate[]>();
  for (const row of rows) {
    const signature = Object.keys(row.set).join(',');
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = []));
    group.push(row);
  }
  let updated = 0;
  for (const [signature, group] of groups) {
    const columns = signature ? signature.split(',') : [];
    if (columns.length === 0) continue;
    for (let i = 0; i < group.length;) {
      const left = group.length - i;
      const n = left >= CHUNK ? CHUNK : 2 ** Math.floor(Math.log2(left));
      const params: unknown[] = [];
      for (let r = i; r < i + n; r++) {
        const row = group[r] as RowUpdate;
        for (const k of row.key) params.push(k);
        for (const c of columns) params.push(row.set[c] ?? null);
      }
      const text = statementText(kind, table, keys, columns, n, pgTypes);
      const result = await db.executeQuery(CompiledQuery.raw(text, params));
      updated += Number(result.numAffectedRows ?? 0);
      i += n;
    }
  }
  return updated;
}
