/**
 * JSON lives in `text` on SQLite and `jsonb` on PostgreSQL. Both dialects read it back as raw text (see the pg
 * type parsers in database.ts), so these two helpers are the only JSON conversion in the codebase.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Parses a JSON column value; `null` stays `null`. */
export function fromJson<T>(value: string | null): T {
  return (value === null ? null : JSON.parse(value)) as T;
}
