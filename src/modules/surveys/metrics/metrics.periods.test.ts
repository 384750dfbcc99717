import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './metrics.errors.js';
import { dayKeyToPeriod, isoWeek, periodBounds, periodKey, periodsBetween } from './metrics.periods.js';

const HOUR = 3_600_000;

describe('period bucketing', () => {
  it('cuts days, ISO weeks and months in Asia/Shanghai by default', () => {
    // 2026-11-22T16:30Z is 2026-11-23 00:30 in Shanghai (UTC+8), a Monday → ISO week 48
    const t = Date.parse('2026-11-22T16:30:00Z');
    expect(periodKey(t, 'day')).toBe('2026-11-23');
    expect(periodKey(t, 'week')).toBe('2026-W48');
    expect(periodKey(t, 'month')).toBe('2026-11');
    expect(periodKey(t, 'day', 'UTC')).toBe('2026-11-22');
    expect(periodKey(t, 'week', 'UTC')).toBe('2026-W47');
  });

  it('ISO week edge cases', () => {
    // 2021-01-03 (Sunday) belongs to 2020-W53; 2024-12-30 (Monday) to 2025-W01; 2027-01-01 (Friday) to 2026-W53
    expect(isoWeek({ year: 2021, month: 1, day: 3 })).toEqual({ year: 2020, week: 53 });
    expect(isoWeek({ year: 2024, month: 12, day: 30 })).toEqual({ year: 2025, week: 1 });
    expect(dayKeyToPeriod('2027-01-01', 'week')).toBe('2026-W53');
    expect(dayKeyToPeriod('2027-01-01', 'month')).toBe('2027-01');
    expect(() => periodBounds('2025-W53', 'week')).toThrow(MetricsInputError); // 2025 has 52 weeks
  });

  it('period bounds in Shanghai', () => {
    // 2026-W48 = Monday 23 Nov 00:00 +08:00 (= 22 Nov 16:00Z) to Monday 30 Nov
    const w = periodBounds('2026-W48', 'week');
    expect(new Date(w.start).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(w.end - w.start).toBe(7 * 24 * HOUR);
    const m = periodBounds('2026-02', 'month');
    expect(new Date(m.start).toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(m.end - m.start).toBe(28 * 24 * HOUR);
  });

  it('days are 23 or 25 hours across DST changes', () => {
    // New York springs forward on 2026-03-08 and falls back on 2026-11-01
    const spring = periodBounds('2026-03-08', 'day', 'America/New_York');
    expect(new Date(spring.start).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(spring.end - spring.start).toBe(23 * HOUR);
    // Chile springs forward at midnight: 2026-09-06 has no 00:00 and starts at 01:00 −03 (04:00Z)
    const skipped = periodBounds('2026-09-06', 'day', 'America/Santiago');
    expect(new Date(skipped.start).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(skipped.end - skipped.start).toBe(23 * HOUR);
    expect(periodKey(skipped.start - 1, 'day', 'America/Santiago')).toBe('2026-09-05');
    const fall = periodBounds('2026-11-01', 'day', 'America/New_York');
    expect(fall.end - fall.start).toBe(25 * HOUR);
  });

  it('periodsBetween fills every period, including empty ones', () => {
    const from = Date.parse('2026-01-30T00:00:00Z');
    const to = Date.parse('2026-04-02T00:00:00Z');
    expect(periodsBetween(from, to, 'month').map((p) => p.key)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
    ]);
    expect(periodsBetween(from, from, 'day')).toHaveLength(1);
    expect(() => periodsBetween(to, from, 'day')).toThrow(/after/);
    expect(() => periodsBetween(0, Date.parse('2026-01-01'), 'day')).toThrow(/more than/);
  });

  it('rejects bad zones, keys and times', () => {
    expect(() => periodKey(0, 'day', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_ZONE' }),
    );
    expect(() => periodKey(Number.NaN, 'day')).toThrow(expect.objectContaining({ code: 'NON_FINITE_VALUE' }));
    expect(() => periodKey(1e17, 'day')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
    for (const [key, g] of [
      ['2026-02-30', 'day'],
      ['2026-13', 'month'],
      ['2026-W00', 'week'],
      ['26-01-01', 'day'],
    ] as const) {
      expect(() => periodBounds(key, g), key).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
    }
    expect(() => periodKey(0, 'year' as 'day')).toThrow(MetricsInputError);
  });

  const zones = fc.constantFrom(
    'Asia/Shanghai',
    'UTC',
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe', // 30-minute DST shift
    'America/Santiago', // DST changes at midnight
    'Asia/Kathmandu', // +05:45
    'Pacific/Kiritimati', // +14
    'Pacific/Pago_Pago', // −11
  );
  const instants = fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2040-01-01') });

  it('property: the period of an instant contains it, and the next period starts where it ends', () => {
    fc.assert(
      fc.property(
        instants,
        zones,
        fc.constantFrom('day', 'week', 'month') as fc.Arbitrary<'day' | 'week' | 'month'>,
        (t, tz, g) => {
          const key = periodKey(t, g, tz);
          const b = periodBounds(key, g, tz);
          expect(b.start).toBeLessThanOrEqual(t);
          expect(b.end).toBeGreaterThan(t);
          expect(periodKey(b.start, g, tz)).toBe(key);
          expect(periodKey(b.end - 1, g, tz)).toBe(key);
          expect(periodKey(b.end, g, tz) > key).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
