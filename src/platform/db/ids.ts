import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Cryptographic random bytes drawn from a pooled buffer: ulid's default asks the OS for one byte per character. */
const pool = Buffer.alloc(4096);
let offset = pool.length;
function randomUnit(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return (pool[offset++] as number) / 256;
}

const ulid = monotonicFactory(randomUnit);

/**
 * A new time-sortable id (ULID, lower case) with a type prefix, e.g. `ws_01jd8x…`. Monotonic within one process, so
 * ids created in the same millisecond still sort in creation order (keyset pagination relies on it).
 */
export function newId(prefix: string): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
