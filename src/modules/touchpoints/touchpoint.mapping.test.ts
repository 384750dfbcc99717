import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDayStart } from '../../platform/time/index.js';
import { localDayOf } from './touchpoint.mapping.js';

describe('local day of a mapped event', () => {
  it('equals the local day start in zones with half- and quarter-hour offsets and DST, around midnight (property)', () => {
    const zones = [
      'Asia/Shanghai',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Adelaide',
      'America/New_York',
      'Europe/London',
      'Pacific/Chatham',
      'Asia/Tehran',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // 1990–2040, then a point near a quarter hour's edges, where a coarser memo would go wrong.
        fc.integer({ min: 631_152_000_000, max: 2_208_988_800_000 }),
        fc.constantFrom(0, 1, 60_000, 899_999, 450_000),
        (zone, base, within) => {
          const at = Math.floor(base / 900_000) * 900_000 + within;
          expect(localDayOf(zone, at)).toBe(localDayStart(zone, at));
        },
      ),
      { numRuns: 3000 },
    );
    // Kolkata (+05:30): 18:10 and 18:45 UTC are one UTC hour but two local days.
    const evening = Date.UTC(2026, 10, 1, 18, 10);
    expect(localDayOf('Asia/Kolkata', evening)).toBe(Date.UTC(2026, 10, 1, -5, -30));
    expect(localDayOf('Asia/Kolkata', evening + 35 * 60_000)).toBe(Date.UTC(2026, 10, 2, -5, -30));
  });

  it('memoises whole local days correctly: dense instants around DST changes at midnight, 30-minute DST and skipped days (property)', () => {
    const zones = [
      'America/Sao_Paulo', // DST used to start at midnight: that day began at 01:00
      'America/Havana', // DST at midnight
      'Australia/Lord_Howe', // 30-minute DST
      'Pacific/Apia', // 2011-12-30 skipped
      'Asia/Gaza',
      'Europe/Berlin',
      'Asia/Kathmandu',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // 2008–2020 (Sao Paulo's and Apia's changes), then 40 instants within a few days, in random order.
        fc.integer({ min: 1_199_145_600_000, max: 1_577_836_800_000 }),
        fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 40, maxLength: 40 }),
        (zone, base, offsets) => {
          for (const d of offsets) expect(localDayOf(zone, base + d)).toBe(localDayStart(zone, base + d));
        },
      ),
      { numRuns: 300 },
    );
    // Apia skipped 2011-12-30: the day before and the day after each memoised as a whole.
    for (let h = -30; h <= 30; h++) {
      const at = Date.UTC(2011, 11, 30, 10) + h * 3_600_000;
      expect(localDayOf('Pacific/Apia', at)).toBe(localDayStart('Pacific/Apia', at));
    }
  });
});
