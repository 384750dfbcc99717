import { expect } from 'vitest';

/** Fails when any number anywhere inside `value` is NaN or ±Infinity (results must never leak them). */
export function expectNoNonFinite(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expectNoNonFinite(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expectNoNonFinite(v, `${path}.${k}`);
  }
}
