import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AppError } from './errors.js';

/** Query string of every list route: `limit` (1–200, default 50) and an opaque `cursor`. */
export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
export type PageQuery = Static<typeof PageQuery>;

/** Response of every list route: a page of items and the cursor of the next page (null on the last page). */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/** Encodes the keyset position after the last item of a page. */
export function encodeCursor(position: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: position })).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is a 400 INVALID_CURSOR. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: unknown;
      after?: unknown;
    };
    if (parsed.v === 1 && typeof parsed.after === 'string' && parsed.after.length <= 200) return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new AppError('INVALID_CURSOR', 400, 'error.invalid_cursor');
}

/**
 * Turns `limit + 1` rows fetched in keyset order into a page: the extra row only tells that a next page exists.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Item,
  positionOf: (row: Row) => string,
): { data: Item[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(present), nextCursor: more && last ? encodeCursor(positionOf(last)) : null };
}
