import { sql, type RawBuilder } from 'kysely';
import type { DatabaseKind } from './database.js';

/**
 * A top-level key of a JSON column as text, on either dialect (`json_extract` on SQLite, `->>` on PostgreSQL).
 * The key is bound as a parameter, never spliced into SQL.
 */
export function jsonText(kind: DatabaseKind, column: string, key: string): RawBuilder<string | null> {
  return kind === 'postgres'
    ? sql<string | null>`${sql.ref(column)}->>${key}`
    : sql<
        string | null
      >`cast(json_extract(${sql.ref(column)}, ${'$."' + key.replace(/"/g, '') + '"'}) as text)`;
}
