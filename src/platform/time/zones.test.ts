import { describe, expect, it } from 'vitest';
import { localDate, localDayStart, localWeekStart, startOfLocalDate, tzOffsetMs } from './index.js';

describe('time zones', () => {
  it('gives offsets, local day and ISO week starts', () => {
    const at = Date.UTC(2026, 10, 22, 20, 30); // 2026-11-23 04:30 in Shanghai (a Monday)
    expect(tzOffsetMs('Asia/Shanghai', at)).toBe(8 * 3_600_000);
    expect(tzOffsetMs('Not/AZone', at)).toBe(0);
    expect(localDayStart('Asia/Shanghai', at)).toBe(Date.UTC(2026, 10, 22, 16));
    expect(localDayStart('UTC', at)).toBe(Date.UTC(2026, 10, 22));
    expect(localWeekStart('Asia/Shanghai', at)).toBe(Date.UTC(2026, 10, 22, 16));
    expect(localWeekStart('UTC', at)).toBe(Date.UTC(2026, 10, 16));
  });

  it('handles days that start on the other side of a DST change', () => {
    // New York moved to EDT at 2026-03-08 02:00 local; the day began at 05:00 UTC (EST).
    const afternoon = Date.UTC(2026, 2, 8, 20);
    expect(localDayStart('America/New_York', afternoon)).toBe(Date.UTC(2026, 2, 8, 5));
  });

  it('converts local dates to instants and back', () => {
    expect(startOfLocalDate('Asia/Shanghai', '2026-11-23')).toBe(Date.UTC(2026, 10, 22, 16));
    expect(startOfLocalDate('America/New_York', '2026-03-08')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(startOfLocalDate('America/New_York', '2026-03-09')).toBe(Date.UTC(2026, 2, 9, 4));
    expect(startOfLocalDate('UTC', '2026-02-30')).toBeNull();
    expect(startOfLocalDate('UTC', '26-02-01')).toBeNull();
    expect(localDate('Asia/Shanghai', Date.UTC(2026, 10, 22, 16))).toBe('2026-11-23');
    expect(localDate('Asia/Shanghai', Date.UTC(2026, 10, 22, 15, 59))).toBe('2026-11-22');
  });
});
