import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ftsQuery, queryTokens, searchTokens } from './case.search.js';

const PIECES = [
  '信号',
  '很差',
  '宽带',
  '断网',
  '账单',
  '扣费',
  '网',
  'ー',
  'カード',
  '요금',
  'data',
  'slow',
  'refund',
  '5g',
  '4G',
  '#12345',
  'é',
  ' ',
  '，',
  '。',
  '-',
  '_',
  '"',
  "'",
  '*',
  '(',
  'ab',
  'x',
];

describe('case search tokens', () => {
  it('makes CJK bigrams and trigrams of other runs, split where the script changes', () => {
    expect(searchTokens('c-000123 家里信号很差')).toBe('000 001 012 123 000123 家里 里信 信号 号很 很差');
    expect(queryTokens('#9999999')).toEqual(['999', '999999']);
    expect(queryTokens('信号')).toEqual(['信号']);
    expect(queryTokens('charged twice')).toEqual(['cha', 'har', 'arg', 'rge', 'ged', 'twi', 'wic', 'ice']);
    expect(queryTokens('5g信号')).toEqual(['信号']);
    // Too short for a token: answered by a scan.
    expect(queryTokens('网')).toEqual([]);
    expect(queryTokens('5g')).toEqual([]);
    expect(queryTokens('，。')).toEqual([]);
    expect(ftsQuery(['信号', 'abc'])).toBe('"信号" AND "abc"');
  });

  it('gives every substring of a text only tokens the text has (so the index never hides a match)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...PIECES),
            fc.string({ maxLength: 4 }),
            fc.string({ unit: 'grapheme', maxLength: 3 }),
          ),
          {
            maxLength: 12,
          },
        ),
        fc.nat(),
        fc.nat(),
        (parts, a, b) => {
          const text = parts.join('').toLowerCase();
          const start = text.length ? a % text.length : 0;
          const sub = text.slice(start, start + (b % (text.length - start + 1)));
          const have = new Set(searchTokens(text).split(' '));
          for (const t of queryTokens(sub)) expect(have.has(t)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('produces tokens of letters and digits only (one token each for FTS5 ascii and string_to_array)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        for (const t of queryTokens(s.toLowerCase())) expect(t).toMatch(/^[\p{L}\p{N}]+$/u);
      }),
    );
  });
});
