import { describe, expect, it } from 'vitest';
import { periodList } from './analytics.service.js';
import { periodsBetween, type Granularity } from './metrics/index.js';

describe('periodList (trend periods)', () => {
  it('gives the same period keys as the metrics periods, across DST changes', () => {
    const from = Date.UTC(2025, 0, 1, 7, 13);
    const to = Date.UTC(2026, 2, 31, 2);
    for (const tz of ['Asia/Shanghai', 'Europe/Berlin', 'America/Santiago', 'UTC'])
      for (const g of ['day', 'week', 'month'] as Granularity[]) {
        const mine = periodList({ from, to }, g, tz).map((p) => p.key);
        const theirs = periodsBetween(from, to - 1, g, tz, 5000).map((p) => p.key);
        expect(mine, `${tz} ${g}`).toEqual(theirs);
      }
  });

  it('refuses more than 1,000 periods', () => {
    expect(() =>
      periodList({ from: Date.UTC(2020, 0, 1), to: Date.UTC(2023, 0, 1) }, 'day', 'UTC'),
    ).toThrow();
  });
});
