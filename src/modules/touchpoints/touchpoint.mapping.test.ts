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
});
