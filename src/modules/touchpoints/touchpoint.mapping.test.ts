import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/database.js';
import { inTransaction } from '../../platform/db/index.js';
import { localDayStart } from '../../platform/time/index.js';
import { cliActor, systemActor } from '../audit/index.js';
import type { RecordedEvent } from '../profiles/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { touchpointsModule } from './index.js';
import { localDayOf } from './touchpoint.mapping.js';
import { storeMappedEvents } from './touchpoints.fixtures.js';

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

describe('per-customer rollups across batches', () => {
  it('counts a customer once per day (a same-day event in a later batch adds an event, not a customer) and moves the first arrival to a late earlier event', async () => {
    const t = await openTestDatabase();
    try {
      const { db } = t.handle;
      const ws = await createWorkspace(db, cliActor('test'), {
        slug: 'rollups',
        name: 'rollups',
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'en',
        ownerUserId: null,
      });
      const module = touchpointsModule(db);
      await module.catalogue.applyTemplate(systemActor('test'), ws.id, 'mobile_data_service');
      let n = 0;
      const viewed = (at: number, channel: string): RecordedEvent => ({
        id: `evt_r${++n}`,
        messageId: `m_r${n}`,
        type: 'track',
        name: 'Plan Viewed',
        profileId: 'cus_r',
        channel,
        properties: {},
        context: {},
        timestamp: at,
        touchpointKey: null,
      });
      const batch = (...events: RecordedEvent[]) =>
        inTransaction(db, (trx) => storeMappedEvents(trx, module.hook, ws.id, events));
      const HOUR = 3_600_000;
      const day5 = Date.UTC(2026, 10, 4, 16); // 2026-11-05 00:00 in Shanghai
      const day3 = day5 - 2 * 24 * HOUR;
      const row = () =>
        db
          .selectFrom('touchpoint_profiles')
          .select(['first_at', 'first_day', 'first_channel', 'last_day'])
          .where('workspace_id', '=', ws.id)
          .where('profile_id', '=', 'cus_r')
          .where('touchpoint_key', '=', 'discover')
          .executeTakeFirstOrThrow();
      const daily = async () =>
        (
          await db
            .selectFrom('touchpoint_daily')
            .select(['day', 'channel', 'events', 'customers', 'new_customers'])
            .where('workspace_id', '=', ws.id)
            .where('touchpoint_key', '=', 'discover')
            .orderBy('day')
            .orderBy('channel')
            .execute()
        ).map((r) => ({ ...r, day: Number(r.day) }));

      await batch(viewed(day5 + 10 * HOUR, 'app'), viewed(day5 + 12 * HOUR, 'app'));
      // Another event the same day in a later batch: counted as an event, not as a customer again.
      await batch(viewed(day5 + 15 * HOUR, 'app'));
      expect(Number((await row()).first_at)).toBe(day5 + 10 * HOUR);
      // A late event two days earlier: the first arrival moves to it (time and channel), its day stays the one the
      // new customer was counted on, and the earlier day counts the event but not the customer (days up to the last
      // one counted are not counted again).
      await batch(viewed(day3 + 9 * HOUR, 'web'));
      const r = await row();
      expect({
        ...r,
        first_at: Number(r.first_at),
        first_day: Number(r.first_day),
        last_day: Number(r.last_day),
      }).toEqual({
        first_at: day3 + 9 * HOUR,
        first_day: day5,
        first_channel: 'web',
        last_day: day5,
      });
      expect(await daily()).toEqual([
        { day: day3, channel: '*', events: 1, customers: 0, new_customers: 0 },
        { day: day3, channel: 'web', events: 1, customers: 0, new_customers: 0 },
        { day: day5, channel: '*', events: 3, customers: 1, new_customers: 1 },
        { day: day5, channel: 'app', events: 3, customers: 0, new_customers: 0 },
      ]);
      // The next day counts the customer again.
      await batch(viewed(day5 + 30 * HOUR, 'app'));
      expect((await daily()).filter((d) => d.channel === '*').map((d) => d.customers)).toEqual([0, 1, 1]);
    } finally {
      await t.close();
    }
  });
});
