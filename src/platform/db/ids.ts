import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/**
 * A new time-sortable id (ULID, lower case) with a type prefix, e.g. `ws_01jd8x…`. Monotonic within one process, so
 * ids created in the same millisecond still sort in creation order (keyset pagination relies on it).
 */
export function newId(prefix: string): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
