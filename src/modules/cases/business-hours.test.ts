import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  CompiledCalendar,
  defaultCalendar,
  localParts,
  localToEpoch,
  validateCalendar,
  WEEKDAYS,
  type BusinessCalendar,
  type TimeRange,
} from './business-hours.js';

const MIN = 60_000;
const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Pacific/Chatham',
];

/** Reference: walk minute by minute and ask Intl for the local wall time of each minute. Slow, obviously right. */
function isWorkingMinute(cal: BusinessCalendar, t: number): boolean {
  const p = localParts(cal.timeZone, t);
  const iso = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  if (cal.holidays.includes(iso)) return false;
  const minutes = p.hour * 60 + p.minute;
  const weekday = WEEKDAYS[
    new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()
  ] as (typeof WEEKDAYS)[number];
  const ranges: TimeRange[] = cal.workdays.includes(iso)
    ? (cal.workdayHours ?? cal.weekly.mon ?? [{ start: '09:00', end: '18:00' }])
    : (cal.weekly[weekday] ?? []);
  const toMin = (s: string) => (s === '24:00' ? 1440 : Number(s.slice(0, 2)) * 60 + Number(s.slice(3)));
  return ranges.some((r) => minutes >= toMin(r.start) && minutes < toMin(r.end));
}

function referenceAdd(cal: BusinessCalendar, from: number, minutes: number): number {
  let t = from;
  let left = minutes;
  for (let guard = 0; guard < 60 * 24 * 40; guard++) {
    if (left === 0) return t;
    if (isWorkingMinute(cal, t)) left--;
    t += MIN;
  }
  throw new Error('reference: no working time');
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Random valid calendars: per weekday 0–2 ranges on quarter hours, a few holidays/workdays around the test period. */
const calendarArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    days: fc.array(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 32 })), { maxLength: 2 }),
      { minLength: 7, maxLength: 7 },
    ),
    holidayOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
    workdayOffsets: fc.uniqueArray(fc.integer({ min: 31, max: 40 }), { maxLength: 2 }),
  })
  .map(({ zone, days, holidayOffsets, workdayOffsets }) => {
    const weekly: BusinessCalendar['weekly'] = {};
    days.forEach((ranges, i) => {
      const out: TimeRange[] = [];
      let cursor = 0;
      for (const [start, len] of ranges) {
        const s = Math.max(cursor, start * 15);
        const e = Math.min(1440, s + len * 15);
        if (e > s && s < 1440) {
          out.push({ start: hhmm(s), end: e === 1440 ? '24:00' : hhmm(e) });
          cursor = e;
        }
      }
      if (out.length) weekly[WEEKDAYS[i] as (typeof WEEKDAYS)[number]] = out;
    });
    if (!Object.keys(weekly).length) weekly.mon = [{ start: '09:00', end: '17:00' }];
    const base = Date.UTC(2026, 2, 1);
    const date = (off: number) => new Date(base + off * 86_400_000).toISOString().slice(0, 10);
    return validateCalendar({
      timeZone: zone,
      weekly,
      holidays: holidayOffsets.map(date),
      workdays: workdayOffsets.map(date),
    });
  });

// Instants around the March/April and October/November DST changes of both hemispheres.
const instantArb = fc
  .tuple(
    fc.constantFrom(Date.UTC(2026, 2, 6), Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 22), Date.UTC(2026, 3, 2)),
    fc.integer({ min: 0, max: 14 * 24 * 60 }),
  )
  .map(([base, m]) => base + m * MIN);

describe('business calendar validation', () => {
  it('accepts the default and normalises dates', () => {
    expect(validateCalendar(defaultCalendar())).toMatchObject({ timeZone: 'Asia/Shanghai' });
    expect(
      validateCalendar({ ...defaultCalendar(), holidays: ['2026-10-02', '2026-10-01', '2026-10-01'] })
        .holidays,
    ).toEqual(['2026-10-01', '2026-10-02']);
  });

  it.each([
    [{ timeZone: 'Nowhere/City', weekly: { mon: [{ start: '09:00', end: '10:00' }] } }, 'timeZone'],
    [{ timeZone: 'Asia/Shanghai', weekly: {} }, 'weekly'],
    [{ timeZone: 'Asia/Shanghai', weekly: { funday: [] } }, 'weekly.funday'],
    [{ timeZone: 'Asia/Shanghai', weekly: { mon: [{ start: '9:00', end: '10:00' }] } }, 'weekly.mon.0.start'],
    [{ timeZone: 'Asia/Shanghai', weekly: { mon: [{ start: '10:00', end: '10:00' }] } }, 'weekly.mon.0'],
    [{ timeZone: 'Asia/Shanghai', weekly: { mon: [{ start: '10:00', end: '24:01' }] } }, 'weekly.mon.0.end'],
    [
      {
        timeZone: 'Asia/Shanghai',
        weekly: { mon: [{ start: '09:00', end: '18:00' }] },
        holidays: ['2026-13-01'],
      },
      'holidays.0',
    ],
    [
      {
        timeZone: 'Asia/Shanghai',
        weekly: { mon: [{ start: '09:00', end: '18:00' }] },
        holidays: ['2026-10-10'],
        workdays: ['2026-10-10'],
      },
      'workdays',
    ],
    [null, 'calendar'],
  ])('rejects %j at %s', (input, path) => {
    try {
      validateCalendar(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarError);
      expect((err as CalendarError).path).toBe(path);
    }
  });

  it('never throws anything but CalendarError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          validateCalendar(input);
        } catch (err) {
          expect(err).toBeInstanceOf(CalendarError);
        }
      }),
    );
  });
});

describe('time zones', () => {
  it('maps local wall time to instants across DST, skipping gaps forward', () => {
    // New York 2026-03-08: 02:00 → 03:00. 09:00 local that day is 13:00Z (EDT).
    expect(new Date(localToEpoch('America/New_York', 2026, 3, 8, 9 * 60)).toISOString()).toBe(
      '2026-03-08T13:00:00.000Z',
    );
    expect(new Date(localToEpoch('America/New_York', 2026, 3, 7, 9 * 60)).toISOString()).toBe(
      '2026-03-07T14:00:00.000Z',
    );
    // 02:30 does not exist: it lands at 03:30 EDT.
    expect(new Date(localToEpoch('America/New_York', 2026, 3, 8, 150)).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 on 2026-11-01 happens twice: the earlier (EDT) one.
    expect(new Date(localToEpoch('America/New_York', 2026, 11, 1, 90)).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(new Date(localToEpoch('Asia/Shanghai', 2026, 10, 1, 0)).toISOString()).toBe(
      '2026-09-30T16:00:00.000Z',
    );
  });
});

describe('business-hours arithmetic', () => {
  const shanghai = new CompiledCalendar(
    validateCalendar({
      timeZone: 'Asia/Shanghai',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
          d,
          [
            { start: '09:00', end: '12:00' },
            { start: '13:00', end: '18:00' },
          ],
        ]),
      ),
      holidays: [
        '2026-10-01',
        '2026-10-02',
        '2026-10-05',
        '2026-10-06',
        '2026-10-07',
        '2026-10-08',
        '2026-10-09',
      ],
      workdays: ['2026-10-10'],
    }),
  );
  const at = (s: string) => Date.parse(s);

  it('counts only working time, over lunch, weekends, holidays and make-up days', () => {
    // Friday 2026-11-20 17:00 +08 + 8 h → 1 h on Friday, Monday 09:00–12:00 (3 h), 13:00–17:00 (4 h) → Mon 17:00.
    expect(
      new Date(shanghai.addBusinessMs(at('2026-11-20T17:00:00+08:00'), 8 * 60 * MIN)).toISOString(),
    ).toBe('2026-11-23T09:00:00.000Z');
    // Before opening: starts counting at 09:00.
    expect(new Date(shanghai.addBusinessMs(at('2026-11-23T07:00:00+08:00'), 30 * MIN)).toISOString()).toBe(
      '2026-11-23T01:30:00.000Z',
    );
    // 30 Sep 17:00 + 2 h: 1 h on Wednesday, then Sat 10 Oct (make-up day) 09:00–10:00.
    expect(
      new Date(shanghai.addBusinessMs(at('2026-09-30T17:00:00+08:00'), 2 * 60 * MIN)).toISOString(),
    ).toBe('2026-10-10T02:00:00.000Z');
    expect(shanghai.businessMsBetween(at('2026-09-30T17:00:00+08:00'), at('2026-10-10T10:00:00+08:00'))).toBe(
      2 * 60 * MIN,
    );
    // Ends exactly at closing time: due at closing, not next morning.
    expect(new Date(shanghai.addBusinessMs(at('2026-11-23T17:00:00+08:00'), 60 * MIN)).toISOString()).toBe(
      '2026-11-23T10:00:00.000Z',
    );
    expect(shanghai.isWorking(at('2026-11-23T12:30:00+08:00'))).toBe(false);
    expect(shanghai.isWorking(at('2026-11-23T13:00:00+08:00'))).toBe(true);
  });

  it('keeps the counterexamples fast-check found: the repeated autumn hour, a calendar open 15 minutes a week', () => {
    const autumn: BusinessCalendar = {
      timeZone: 'America/New_York',
      weekly: { sun: [{ start: '00:15', end: '01:15' }], wed: [{ start: '00:00', end: '00:15' }] },
      holidays: [],
      workdays: [],
    };
    // 2026-11-01 01:00–01:15 happens twice in New York; the wall clock shows 75 working minutes that Sunday.
    expect(new CompiledCalendar(autumn).addBusinessMs(1792627200000, 136 * MIN)).toBe(
      referenceAdd(autumn, 1792627200000, 136),
    );
    const sparse: BusinessCalendar = {
      timeZone: 'Asia/Shanghai',
      weekly: { mon: [{ start: '00:00', end: '00:15' }] },
      holidays: [],
      workdays: [],
    };
    const c = new CompiledCalendar(sparse);
    const due = c.addBusinessMs(1772755200000, 8566 * MIN);
    expect(c.businessMsBetween(1772755200000, due)).toBe(8566 * MIN);
  });

  it('agrees with a minute-by-minute reference on random calendars in DST zones', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 2 * 24 * 60 }), (cal, from, minutes) => {
        const c = new CompiledCalendar(cal);
        // Keep the reference walk short: at most two weeks' worth of this calendar's working time.
        const weekly = Object.values(cal.weekly)
          .flat()
          .reduce((sum, r) => sum + c.minutesOf(r), 0);
        const m = Math.min(minutes, 2 * weekly);
        expect(c.addBusinessMs(from, m * MIN)).toBe(referenceAdd(cal, from, m));
      }),
      { numRuns: 60 },
    );
  });

  it('add and between are inverse, monotonic and land in working time', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        fc.integer({ min: 1, max: 30 * 24 * 60 }),
        fc.integer({ min: 0, max: 600 }),
        (cal, from, minutes, extra) => {
          const c = new CompiledCalendar(cal);
          const due = c.addBusinessMs(from, minutes * MIN);
          expect(due).toBeGreaterThan(from);
          expect(c.businessMsBetween(from, due)).toBe(minutes * MIN);
          // The last minute before the due instant is working time.
          expect(c.isWorking(due - 1)).toBe(true);
          expect(c.addBusinessMs(from, (minutes + extra) * MIN)).toBeGreaterThanOrEqual(due);
          // Splitting the duration gives the same due time (what a pause/resume relies on).
          const mid = c.addBusinessMs(from, Math.floor(minutes / 2) * MIN);
          expect(c.addBusinessMs(mid, (minutes - Math.floor(minutes / 2)) * MIN)).toBe(due);
        },
      ),
      { numRuns: 150 },
    );
  });
});
