/**
 * Business-hours arithmetic on a workspace calendar: weekly working hours in an IANA time zone, holidays and make-up
 * working days (调休). SLA targets count only working time, so "8 business hours" from Friday 17:00 ends on Monday
 * at 16:00. Local working hours are turned into absolute instants day by day with the zone's real offset, so DST
 * transitions (a 23- or 25-hour day) and holidays are exact. Pure apart from a per-calendar cache.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A working range on one local day, `HH:MM`–`HH:MM` (end may be `24:00`). */
export interface TimeRange {
  start: string;
  end: string;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Working ranges per weekday; a missing or empty day is not worked. */
  weekly: Partial<Record<Weekday, TimeRange[]>>;
  /** Local dates (`YYYY-MM-DD`) not worked, whatever their weekday (public holidays). */
  holidays: string[];
  /** Make-up working days (`YYYY-MM-DD`), worked with `workdayHours` even on a weekend. */
  workdays: string[];
  /** Hours of a make-up working day; defaults to Monday's hours (or 09:00–18:00 when Monday is not worked). */
  workdayHours?: TimeRange[];
}

/** The default calendar: Monday–Friday 09:00–12:00 and 13:30–18:00 in Asia/Shanghai, no holidays. */
export function defaultCalendar(timeZone = 'Asia/Shanghai'): BusinessCalendar {
  const day = [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ];
  return {
    timeZone,
    weekly: { mon: day, tue: day, wed: day, thu: day, fri: day },
    holidays: [],
    workdays: [],
  };
}

export class CalendarError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_DATES = 1000;

function minutesOf(time: string): number {
  if (time === '24:00') return 1440;
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** True for a real calendar date between 1970 and 2200 in `YYYY-MM-DD` form. */
export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || y > 2200) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** True when `tz` is an IANA zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function checkRanges(path: string, ranges: unknown): TimeRange[] {
  if (!Array.isArray(ranges)) throw new CalendarError(path, 'must be a list of {start, end}');
  if (ranges.length > 12) throw new CalendarError(path, 'at most 12 ranges per day');
  const out: TimeRange[] = [];
  ranges.forEach((r: unknown, i) => {
    const { start, end } = (r ?? {}) as { start?: unknown; end?: unknown };
    if (typeof start !== 'string' || !TIME_RE.test(start) || start === '24:00')
      throw new CalendarError(`${path}.${i}.start`, 'must be HH:MM between 00:00 and 23:59');
    if (typeof end !== 'string' || !TIME_RE.test(end))
      throw new CalendarError(`${path}.${i}.end`, 'must be HH:MM between 00:01 and 24:00');
    if (minutesOf(end) <= minutesOf(start))
      throw new CalendarError(`${path}.${i}`, 'end must be after start');
    out.push({ start, end });
  });
  out.sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
  for (let i = 1; i < out.length; i++) {
    if (minutesOf((out[i] as TimeRange).start) < minutesOf((out[i - 1] as TimeRange).end))
      throw new CalendarError(path, 'ranges overlap');
  }
  return out;
}

function checkDates(path: string, dates: unknown): string[] {
  if (dates === undefined) return [];
  if (!Array.isArray(dates)) throw new CalendarError(path, 'must be a list of YYYY-MM-DD dates');
  if (dates.length > MAX_DATES) throw new CalendarError(path, `at most ${MAX_DATES} dates`);
  dates.forEach((d: unknown, i) => {
    if (typeof d !== 'string' || !isIsoDate(d))
      throw new CalendarError(`${path}.${i}`, 'must be a real date YYYY-MM-DD');
  });
  return [...new Set(dates as string[])].sort();
}

/**
 * Validates a calendar and returns it normalised (ranges sorted, dates de-duplicated and sorted). Throws a
 * CalendarError naming the first problem: unknown time zone, malformed or overlapping ranges, impossible dates, a
 * date both holiday and working day, or a week without any working time (no target could ever be reached).
 */
export function validateCalendar(input: unknown): BusinessCalendar {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new CalendarError('calendar', 'must be an object');
  const c = input as Record<string, unknown>;
  if (typeof c.timeZone !== 'string' || !isTimeZone(c.timeZone))
    throw new CalendarError('timeZone', 'must be an IANA time zone such as Asia/Shanghai');
  const weeklyIn = c.weekly;
  if (weeklyIn === null || typeof weeklyIn !== 'object' || Array.isArray(weeklyIn))
    throw new CalendarError('weekly', 'must map weekdays (mon…sun) to working ranges');
  const weekly: Partial<Record<Weekday, TimeRange[]>> = {};
  let working = 0;
  for (const [key, ranges] of Object.entries(weeklyIn)) {
    if (!(WEEKDAYS as readonly string[]).includes(key))
      throw new CalendarError(`weekly.${key}`, 'is not a weekday (sun, mon, tue, wed, thu, fri, sat)');
    const checked = checkRanges(`weekly.${key}`, ranges);
    if (checked.length) weekly[key as Weekday] = checked;
    working += checked.length;
  }
  if (working === 0) throw new CalendarError('weekly', 'at least one working range is needed in the week');
  const holidays = checkDates('holidays', c.holidays);
  const workdays = checkDates('workdays', c.workdays);
  const both = holidays.find((d) => workdays.includes(d));
  if (both) throw new CalendarError('workdays', `${both} is also a holiday`);
  const out: BusinessCalendar = { timeZone: c.timeZone, weekly, holidays, workdays };
  if (c.workdayHours !== undefined) {
    const hours = checkRanges('workdayHours', c.workdayHours);
    if (!hours.length) throw new CalendarError('workdayHours', 'must have at least one range');
    out.workdayHours = hours;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Time-zone conversion with Intl (no tz database of our own): the offset at an instant, and local time → instant.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in a zone. */
export function localParts(
  tz: string,
  epochMs: number,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(new Date(epochMs))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function offsetAt(tz: string, epochMs: number): number {
  const p = localParts(tz, epochMs);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. A time that does not exist (skipped by a DST jump forward) maps to the
 * same distance after the jump; a time that exists twice (DST fall back) maps to the earlier instant.
 */
export function localToEpoch(tz: string, year: number, month: number, day: number, minutes: number): number {
  const asUtc = Date.UTC(year, month - 1, day) + minutes * 60_000;
  // Offsets in force a day either side cover every transition near this wall time.
  const before = offsetAt(tz, asUtc - DAY_MS);
  const after = offsetAt(tz, asUtc + DAY_MS);
  const here = offsetAt(tz, asUtc);
  let best: number | undefined;
  for (const o of [before, here, after]) {
    const t = asUtc - o;
    if (offsetAt(tz, t) === o && (best === undefined || t < best)) best = t;
  }
  // In a gap no offset reproduces the wall time: the offset from before the jump lands after it.
  return best ?? asUtc - before;
}

// ---------------------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
/**
 * No calendar search goes further than this (a valid calendar works every week; holidays are finite). About 110
 * years: a calendar may be open only 15 minutes a week, and a 30-day target then spans some 56 years of weeks.
 */
const MAX_DAYS = 40_000;

/** A calendar prepared for arithmetic: date sets and a cache of each local day's working intervals. */
export class CompiledCalendar {
  readonly calendar: BusinessCalendar;
  private readonly holidays: ReadonlySet<string>;
  private readonly workdays: ReadonlySet<string>;
  private readonly weekly: readonly (readonly [number, number][])[];
  private readonly workdayRanges: readonly [number, number][];
  private readonly cache = new Map<number, readonly [number, number][]>();

  constructor(calendar: BusinessCalendar) {
    this.calendar = calendar;
    this.holidays = new Set(calendar.holidays);
    this.workdays = new Set(calendar.workdays);
    const toMinutes = (rs: readonly TimeRange[] | undefined): [number, number][] =>
      (rs ?? []).map((r) => [minutesOf(r.start), minutesOf(r.end)]);
    this.weekly = WEEKDAYS.map((d) => toMinutes(calendar.weekly[d]));
    const monday = this.weekly[1] as [number, number][];
    this.workdayRanges = calendar.workdayHours
      ? toMinutes(calendar.workdayHours)
      : monday.length
        ? monday
        : [[540, 1080]];
  }

  /** Length of a range in minutes (by the clock, ignoring DST). */
  minutesOf(r: TimeRange): number {
    return minutesOf(r.end) - minutesOf(r.start);
  }

  /** Days since the epoch of the local date of an instant. */
  private dayIndexOf(epochMs: number): number {
    const p = localParts(this.calendar.timeZone, epochMs);
    return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / DAY_MS);
  }

  /** Working intervals [start, end) as instants of one local day (by day index), in order. */
  intervalsOfDay(dayIndex: number): readonly [number, number][] {
    const hit = this.cache.get(dayIndex);
    if (hit) return hit;
    const date = new Date(dayIndex * DAY_MS);
    const iso = date.toISOString().slice(0, 10);
    let ranges: readonly [number, number][];
    if (this.holidays.has(iso)) ranges = [];
    else if (this.workdays.has(iso)) ranges = this.workdayRanges;
    else ranges = this.weekly[date.getUTCDay()] as [number, number][];
    // The local day as pieces of constant UTC offset (two pieces on a DST change day). A wall-clock range maps to
    // the instants of each piece whose local time falls inside it: a time skipped by the spring jump has none, and
    // an hour repeated in the autumn counts twice, as the clock on the wall shows it.
    const tz = this.calendar.timeZone;
    const midnight = dayIndex * DAY_MS;
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const dayStart = localToEpoch(tz, y, m, d, 0);
    const next = new Date(midnight + DAY_MS);
    const dayEnd = localToEpoch(tz, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0);
    const pieces: [number, number, number][] = [];
    const startOffset = offsetAt(tz, dayStart);
    const endOffset = offsetAt(tz, dayEnd - 1);
    if (startOffset === endOffset) pieces.push([dayStart, dayEnd, startOffset]);
    else {
      // The change instant, to the minute (zones change on whole minutes).
      let lo = dayStart;
      let hi = dayEnd - 1;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetAt(tz, mid) === startOffset) lo = mid;
        else hi = mid;
      }
      pieces.push([dayStart, hi, startOffset], [hi, dayEnd, endOffset]);
    }
    const found: [number, number][] = [];
    for (const [s, e] of ranges) {
      for (const [p0, p1, offset] of pieces) {
        const from = Math.max(p0, midnight + s * 60_000 - offset);
        const to = Math.min(p1, midnight + e * 60_000 - offset);
        if (to > from) found.push([from, to]);
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    const out: [number, number][] = [];
    for (const [from, to] of found) {
      const last = out[out.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else out.push([from, to]);
    }
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(dayIndex, out);
    return out;
  }

  /**
   * The instant at which `ms` of working time have passed since `from`. Zero returns `from` itself. The result is
   * never inside non-working time: a target that ends exactly at closing time is due at closing time.
   */
  addBusinessMs(from: number, ms: number): number {
    if (!(ms > 0)) return from;
    let remaining = ms;
    const first = this.dayIndexOf(from) - 1;
    for (let day = first; day < first + MAX_DAYS; day++) {
      for (const [s, e] of this.intervalsOfDay(day)) {
        if (e <= from) continue;
        const start = Math.max(s, from);
        const available = e - start;
        if (remaining <= available) return start + remaining;
        remaining -= available;
      }
    }
    throw new RangeError('addBusinessMs: no working time found within the search horizon');
  }

  /** Working time between two instants, in ms (0 when `to` is not after `from`). */
  businessMsBetween(from: number, to: number): number {
    if (!(to > from)) return 0;
    let total = 0;
    const first = this.dayIndexOf(from) - 1;
    const last = this.dayIndexOf(to) + 1;
    for (let day = first; day <= last; day++) {
      for (const [s, e] of this.intervalsOfDay(day)) {
        const a = Math.max(s, from);
        const b = Math.min(e, to);
        if (b > a) total += b - a;
      }
    }
    return total;
  }

  /** True when the instant falls inside working time. */
  isWorking(at: number): boolean {
    const day = this.dayIndexOf(at);
    for (let d = day - 1; d <= day + 1; d++)
      for (const [s, e] of this.intervalsOfDay(d)) if (at >= s && at < e) return true;
    return false;
  }
}

const compiled = new Map<string, CompiledCalendar>();

/** A compiled calendar, cached by its JSON form (calendars are small and few). */
export function compileCalendar(calendar: BusinessCalendar): CompiledCalendar {
  const key = JSON.stringify(calendar);
  let c = compiled.get(key);
  if (!c) {
    if (compiled.size > 500) compiled.clear();
    c = new CompiledCalendar(calendar);
    compiled.set(key, c);
  }
  return c;
}
