/**
 * The value operators shared by the rule engines of the modules (touchpoint matching rules on event properties,
 * segment rules on customer traits): one definition of what `eq`, `in`, `gte`, `contains`, `exists`… mean on a JSON
 * value, so the same operator never behaves differently from one rule language to the other.
 */

type Scalar = string | number | boolean;

/** A test of one value; validated by the module that owns the rule (paths, limits, error codes). */
export type ValueCondition =
  | { op: 'eq' | 'neq'; value: Scalar }
  | { op: 'in' | 'not_in'; values: readonly Scalar[] }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { op: 'contains' | 'starts_with'; value: string }
  | { op: 'exists' | 'not_exists' };

/** Numeric strings ("12.5") count as numbers, as analysts expect from JSON data; anything else is NaN. */
export function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/** The value at `keys` under `root` (own properties only, so `__proto__` and friends read as absent). */
export function readPath(root: unknown, keys: readonly string[]): unknown {
  let v = root;
  for (const k of keys) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * Turns a condition into a test of a value. A missing value is `undefined` or `null`, and also `''` with
 * `emptyIsMissing` (customer traits, where an emptied field means unknown). Comparisons with something that is not a
 * number are false.
 */
export function compileValueTest(
  c: ValueCondition,
  options: { emptyIsMissing?: boolean } = {},
): (v: unknown) => boolean {
  const missing = options.emptyIsMissing
    ? (v: unknown) => v === undefined || v === null || v === ''
    : (v: unknown) => v === undefined || v === null;
  switch (c.op) {
    case 'eq':
      return (v) => v === c.value;
    case 'neq':
      return (v) => v !== c.value;
    case 'in': {
      const set = new Set<unknown>(c.values);
      return (v) => set.has(v);
    }
    case 'not_in': {
      const set = new Set<unknown>(c.values);
      return (v) => !set.has(v);
    }
    case 'gt':
      return (v) => numberOf(v) > c.value;
    case 'gte':
      return (v) => numberOf(v) >= c.value;
    case 'lt':
      return (v) => numberOf(v) < c.value;
    case 'lte':
      return (v) => numberOf(v) <= c.value;
    case 'contains':
      return (v) => (typeof v === 'string' ? v.includes(c.value) : Array.isArray(v) && v.includes(c.value));
    case 'starts_with':
      return (v) => typeof v === 'string' && v.startsWith(c.value);
    case 'exists':
      return (v) => !missing(v);
    case 'not_exists':
      return missing;
  }
}
