import { describe, expect, it } from 'vitest';
import { compileValueTest, numberOf, readPath } from './index.js';

describe('value operators shared by the rule engines', () => {
  it('compare numbers and numeric strings, and nothing else', () => {
    const gte = compileValueTest({ op: 'gte', value: 3 });
    expect([3, '3', ' 4.5', 2, 'x', '', null, undefined, [3]].map(gte)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(numberOf('12.5')).toBe(12.5);
    expect(numberOf(true)).toBeNaN();
  });

  it('treat an empty string as missing only when asked', () => {
    const exists = compileValueTest({ op: 'exists' });
    const traitExists = compileValueTest({ op: 'exists' }, { emptyIsMissing: true });
    expect([exists(''), traitExists(''), exists(0), traitExists(0), exists(null)]).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(compileValueTest({ op: 'not_exists' }, { emptyIsMissing: true })('')).toBe(true);
  });

  it('match sets, substrings and list members', () => {
    expect(compileValueTest({ op: 'in', values: ['杭州', 1] })(1)).toBe(true);
    expect(compileValueTest({ op: 'not_in', values: ['杭州'] })('上海')).toBe(true);
    expect(compileValueTest({ op: 'contains', value: 'data' })(['promo', 'data'])).toBe(true);
    expect(compileValueTest({ op: 'contains', value: 'data' })('big data')).toBe(true);
    expect(compileValueTest({ op: 'starts_with', value: '5G' })(5)).toBe(false);
  });

  it('read own properties only', () => {
    const o = JSON.parse('{"a":{"b":2},"__proto__":{"x":1}}') as unknown;
    expect(readPath(o, ['a', 'b'])).toBe(2);
    expect(readPath(o, ['a', 'c'])).toBeUndefined();
    expect(readPath({}, ['constructor'])).toBeUndefined();
    expect(readPath({ a: 'text' }, ['a', 'length'])).toBeUndefined();
  });
});
