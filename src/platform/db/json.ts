/**
 * JSON lives in `text` on SQLite and `jsonb` on PostgreSQL. Both dialects read it back as raw text (see the pg
 * type parsers in database.ts), so these two helpers are the only JSON conversion in the codebase.
 */
export function toJson(value: unknown): string {
  // JSON.stringify writes proper surrogate pairs as characters and only lone surrogates as \udXXX escapes, which
  // PostgreSQL's jsonb refuses; they become U+FFFD. An escaped backslash before "ud…" is left alone.
  const text = JSON.stringify(value ?? null);
  // Nearly every document has no escaped surrogate at all: skip the regular expression then (hot ingestion path).
  if (!/\\u[dD]/.test(text)) return text;
  return text.replace(/(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi, '$1\\ufffd');
}

/** Parses a JSON column value; `null` stays `null`. */
export function fromJson<T>(value: string | null): T {
  return (value === null ? null : JSON.parse(value)) as T;
}
