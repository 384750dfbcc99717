import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { cliActor, systemActor } from '../audit/index.js';
import type { RecordedEvent } from '../profiles/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { inTransaction } from '../../platform/db/index.js';
import { touchpointsModule } from './index.js';
import type { StepPlan } from './journey.funnel.js';
import { storeMappedEvents } from './touchpoints.fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-11-01 00:00 in Shanghai. */
const NOV1 = Date.UTC(2026, 9, 31, 16);
const KEYS = ['discover', 'trial', 'subscribe', 'use'] as const;
/** The touchpoints' keys, and 'signin': an event that maps to no touchpoint (funnels can name it as an event step). */
type Key = (typeof KEYS)[number] | 'signin';
const EVENT_OF: Record<Key, string> = {
  discover: 'Plan Viewed',
  trial: 'Trial Started',
  subscribe: 'Service Subscribed',
  use: 'Data Used',
  signin: 'Signed In',
};
const CHANNELS = ['app', 'web', 'store'];

interface Arrival {
  key: Key;
  time: number;
  channel: string;
}
interface Customer {
  id: string;
  arrivals: Arrival[];
}

/** percentile_cont: linear interpolation between the closest ranks. */
function quantile(xs: number[], q: number): number | null {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * The definition, customer by customer: entry at the first step-1 arrival in [start, end); each later step at the
 * earliest arrival at or after the previous step's and at most `window` after entry. With first arrivals, a
 * touchpoint's only arrival is the customer's first-ever one there.
 */
function reference(
  customers: Customer[],
  steps: Key[],
  start: number,
  end: number,
  window: number,
  firstArrival: boolean,
) {
  const journeys = customers.flatMap(({ arrivals }) => {
    const of = (key: Key) => {
      const times = arrivals.filter((a) => a.key === key).map((a) => a.time);
      return firstArrival && times.length ? [Math.min(...times)] : times;
    };
    const entries = of(steps[0] as Key).filter((t) => t >= start && t < end);
    if (!entries.length) return [];
    const times: (number | null)[] = [Math.min(...entries)];
    for (let i = 1; i < steps.length; i++) {
      const previous = times[i - 1];
      const next = of(steps[i] as Key).filter(
        (t) => previous != null && t >= previous && t <= (times[0] as number) + window,
      );
      times.push(next.length ? Math.min(...next) : null);
    }
    return [times];
  });
  return steps.map((_, i) => {
    const reached = journeys.filter((j) => j[i] != null);
    const durations = reached.map((j) => (j[i] as number) - (j[i - 1] as number));
    return {
      customers: reached.length,
      median: i === 0 ? null : quantile(durations, 0.5),
      p90: i === 0 ? null : quantile(durations, 0.9),
    };
  });
}

/** Funnel results as the reference gives them (times to the millisecond: SQL interpolates in floating point). */
const shape = (
  steps: { customers: number; medianMsFromPrevious: number | null; p90MsFromPrevious: number | null }[],
) =>
  steps.map((s) => ({
    customers: s.customers,
    median: s.medianMsFromPrevious === null ? null : Math.round(s.medianMsFromPrevious),
    p90: s.p90MsFromPrevious === null ? null : Math.round(s.p90MsFromPrevious),
  }));
const rounded = (rows: ReturnType<typeof reference>) =>
  rows.map((r) => ({
    customers: r.customers,
    median: r.median === null ? null : Math.round(r.median),
    p90: r.p90 === null ? null : Math.round(r.p90),
  }));

describe('funnel step plans (index seeks per customer, or a range scan joined to the remaining customers)', () => {
  let t: TestDatabase;
  let module: ReturnType<typeof touchpointsModule>;
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase();
    module = touchpointsModule(t.handle.db);
  });
  afterAll(() => t.close());

  /** A workspace of its own with the data-service journey and the customers' arrivals mapped by the live hook. */
  async function load(customers: Customer[]): Promise<string> {
    const { db } = t.handle;
    const ws = await createWorkspace(db, cliActor('test'), {
      slug: `plans-${++n}`,
      name: 'plans',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'en',
      ownerUserId: null,
    });
    await module.catalogue.applyTemplate(systemActor('test'), ws.id, 'mobile_data_service');
    let id = 0;
    const events: RecordedEvent[] = customers.flatMap((c) =>
      c.arrivals.map((a) => ({
        id: `evt_${n}_${++id}`,
        messageId: `m${n}_${id}`,
        type: 'track',
        name: EVENT_OF[a.key],
        profileId: c.id,
        channel: a.channel,
        properties: {},
        context: {},
        timestamp: a.time,
        touchpointKey: null,
      })),
    );
    events.sort((a, b) => a.timestamp - b.timestamp);
    await inTransaction(db, (trx) => storeMappedEvents(trx, module.hook, ws.id, events));
    return ws.id;
  }

  const run = (
    ws: string,
    steps: Key[],
    from: string,
    to: string,
    windowDays: number,
    firstArrival: boolean,
    plan?: StepPlan,
    breakdown?: { by: 'channel' },
    asEvents: readonly boolean[] = [],
  ) =>
    module.analytics.funnel(
      ws,
      {
        steps: steps.map((key, i) => (asEvents[i] ? { event: EVENT_OF[key] } : { touchpoint: key })),
        from,
        to,
        windowDays,
        ...(firstArrival && { counting: 'first_arrival' as const }),
        ...(breakdown && { breakdown }),
      },
      plan ? { plan } : {},
    );

  it('gives the per-customer definition with either plan at the edges: ties, a repeated touchpoint, window and period bounds', async () => {
    const start = NOV1 + 2 * DAY; // from 2026-11-03
    const end = NOV1 + 5 * DAY; // to 2026-11-05, inclusive
    const W = 2 * DAY;
    const c = (id: string, ...arrivals: [Key, number, string?][]): Customer => ({
      id,
      arrivals: arrivals.map(([key, time, channel]) => ({ key, time, channel: channel ?? 'app' })),
    });
    const customers = [
      // Enters exactly at the period's start; trial at the same instant counts (at or after), subscribe exactly at
      // the window's end counts.
      c('cus_edge_a', ['discover', start], ['trial', start], ['subscribe', start + W], ['use', start + W]),
      // Enters at its first arrival of the period (an earlier one before it does not count); subscribe one
      // millisecond past the window does not.
      c(
        'cus_edge_b',
        ['discover', start - HOUR],
        ['discover', start + HOUR, 'web'],
        ['trial', start + 2 * HOUR],
        ['subscribe', start + HOUR + W + 1],
      ),
      // An arrival exactly at the period's end does not enter.
      c('cus_edge_c', ['discover', end], ['trial', end + HOUR]),
      // The last instant of the period enters; steps before entry never count, the later trial does.
      c(
        'cus_edge_d',
        ['trial', end - 2],
        ['discover', end - 1, 'store'],
        ['trial', end + W - 1],
        ['subscribe', end + W],
      ),
      // Trial before the second discover: the order of steps holds from the entry, not from any later arrival.
      c(
        'cus_edge_e',
        ['discover', start + DAY],
        ['trial', start + DAY - 1],
        ['discover', start + DAY + 5],
        ['trial', start + 2 * DAY],
      ),
      // Many uses in and after the window; only the earliest qualifying one is timed.
      c(
        'cus_edge_f',
        ['discover', start + 3 * HOUR],
        ['trial', start + 4 * HOUR],
        ['use', start + 5 * HOUR],
        ['subscribe', start + 6 * HOUR],
        ['use', start + 6 * HOUR],
        ['use', start + 7 * HOUR],
        ['use', start + W + HOUR],
      ),
    ];
    const ws = await load(customers);
    const cases: { steps: Key[]; firstArrival: boolean }[] = [
      { steps: ['discover', 'trial', 'subscribe', 'use'], firstArrival: false },
      // The same touchpoint twice in a row: the second step may be the same arrival (at or after).
      { steps: ['discover', 'trial', 'trial', 'subscribe'], firstArrival: false },
      { steps: ['discover', 'use', 'subscribe', 'use'], firstArrival: false },
      { steps: ['discover', 'trial', 'subscribe', 'use'], firstArrival: true },
      { steps: ['discover', 'discover', 'trial'], firstArrival: true },
    ];
    for (const { steps, firstArrival } of cases) {
      const expected = rounded(reference(customers, steps, start, end, W, firstArrival));
      const results = [];
      for (const plan of ['seek', 'scan', undefined] as const) {
        const res = await run(ws, steps, '2026-11-03', '2026-11-05', 2, firstArrival, plan, {
          by: 'channel',
        });
        expect(shape(res.current.steps), `${steps.join('→')} ${plan ?? 'auto'}`).toEqual(expected);
        results.push(res);
      }
      // Identical answers, breakdown by the entry's channel included.
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    }
    // The edges above are really exercised: entrants a, b, d, e, f all trial; subscribe counts for a (at the
    // window's end) and f, not for b and d (one millisecond past it).
    const base = await run(
      ws,
      ['discover', 'trial', 'subscribe'],
      '2026-11-03',
      '2026-11-05',
      2,
      false,
      'scan',
    );
    expect(base.current.steps.map((s) => s.customers)).toEqual([5, 5, 2]);
  });

  it('agrees with the per-customer definition on random journeys with either plan (property)', async () => {
    const arrival = fc.record({
      key: fc.constantFrom(...KEYS),
      // Half-day grid over 12 days from Nov 1: ties between arrivals and with the period's and window's bounds.
      slot: fc.integer({ min: 0, max: 24 }),
      channel: fc.constantFrom(...CHANNELS),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(arrival, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.constantFrom(...KEYS), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (people, steps, fromDay, days, windowDays, firstArrival) => {
          const customers: Customer[] = people.map((arrivals, i) => ({
            id: `cus_p${i}`,
            arrivals: arrivals.map((a) => ({
              key: a.key,
              time: NOV1 + a.slot * 12 * HOUR,
              channel: a.channel,
            })),
          }));
          const ws = await load(customers);
          const date = (d: number) => `2026-11-${String(d + 1).padStart(2, '0')}`;
          const start = NOV1 + fromDay * DAY;
          const end = NOV1 + (fromDay + days + 1) * DAY;
          const expected = rounded(reference(customers, steps, start, end, windowDays * DAY, firstArrival));
          const answers = [];
          for (const plan of ['seek', 'scan', undefined] as const) {
            const res = await run(
              ws,
              steps,
              date(fromDay),
              date(fromDay + days),
              windowDays,
              firstArrival,
              plan,
            );
            expect(shape(res.current.steps)).toEqual(expected);
            answers.push(res.current.steps);
          }
          expect(answers[1]).toEqual(answers[0]);
          expect(answers[2]).toEqual(answers[0]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('counts event steps over every event of that name, mapped to a touchpoint or not, with either plan (property)', async () => {
    const arrival = fc.record({
      key: fc.constantFrom<Key>(...KEYS, 'signin'),
      slot: fc.integer({ min: 0, max: 24 }),
      channel: fc.constantFrom(...CHANNELS),
    });
    // A step is its key and whether the funnel names it as an event; 'signin' can only be an event step.
    const step = fc
      .record({ key: fc.constantFrom<Key>(...KEYS, 'signin'), asEvent: fc.boolean() })
      .map((x) => ({ key: x.key, asEvent: x.asEvent || x.key === 'signin' }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(arrival, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 25 }),
        fc.array(step, { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (people, steps, fromDay, days, windowDays) => {
          const customers: Customer[] = people.map((arrivals, i) => ({
            id: `cus_e${i}`,
            arrivals: arrivals.map((a) => ({
              key: a.key,
              time: NOV1 + a.slot * 12 * HOUR,
              channel: a.channel,
            })),
          }));
          const ws = await load(customers);
          const date = (d: number) => `2026-11-${String(d + 1).padStart(2, '0')}`;
          const keys = steps.map((x) => x.key);
          const expected = rounded(
            reference(
              customers,
              keys,
              NOV1 + fromDay * DAY,
              NOV1 + (fromDay + days + 1) * DAY,
              windowDays * DAY,
              false,
            ),
          );
          const asEvents = steps.map((x) => x.asEvent);
          for (const plan of ['seek', 'scan', undefined] as const) {
            const res = await run(
              ws,
              keys,
              date(fromDay),
              date(fromDay + days),
              windowDays,
              false,
              plan,
              { by: 'channel' },
              asEvents,
            );
            expect(shape(res.current.steps), `${JSON.stringify(steps)} ${plan ?? 'auto'}`).toEqual(expected);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
