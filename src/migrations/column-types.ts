import type { DatabaseKind } from '../platform/db/index.js';

/** Column types that differ between the dialects; everything else is written once. */
export function columnTypes(kind: DatabaseKind) {
  return {
    /** JSON document: `jsonb` on PostgreSQL, `text` on SQLite (read back as text on both). */
    json: kind === 'postgres' ? ('jsonb' as const) : ('text' as const),
  };
}
