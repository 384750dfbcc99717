import { MetricsInputError } from './metrics.errors.js';

/** Trend bucket sizes. Weeks are ISO weeks (Monday to Sunday, week 1 holds the year's first Thursday). */
export type Granularity = 'day' | 'week' | 'month';

/** Periods are cut in this zone unless the caller says otherwise (the first users are in China). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A period as a half-open interval of epoch milliseconds, [start, end). */
export interface PeriodBounds {
  key: string;
  start: number;
  end: number;
}

/** A civil (calendar) date. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
      });
    } catch {
      throw new MetricsInputError('INVALID_TIME_ZONE', `unknown time zone: ${timeZone}`, { timeZone });
    }
    // Bounded: the zones in use are few; an attacker cycling through names cannot grow it past this.
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws INVALID_TIME_ZONE unless `timeZone` is an IANA zone name Intl knows. */
export function assertTimeZone(timeZone: string): void {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 100) {
    throw new MetricsInputError('INVALID_TIME_ZONE', 'time zone must be an IANA name', { timeZone });
  }
  formatter(timeZone);
}

// Keys are four-digit years; these instants bound years 1000..9999 in every zone.
const MIN_MS = Date.UTC(1000, 0, 2);
const MAX_MS = Date.UTC(9999, 11, 30);

function assertInstant(epochMs: number): void {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) {
    throw new MetricsInputError('NON_FINITE_VALUE', 'time must be a finite epoch millisecond value', {
      epochMs,
    });
  }
  if (epochMs < MIN_MS || epochMs > MAX_MS) {
    throw new MetricsInputError('INVALID_PERIOD', 'time is outside the years 1000–9999', { epochMs });
  }
}

interface LocalParts extends CivilDate {
  hour: number;
  minute: number;
  second: number;
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type === 'year') out.year = Number(part.value);
    else if (part.type === 'month') out.month = Number(part.value);
    else if (part.type === 'day') out.day = Number(part.value);
    else if (part.type === 'hour') out.hour = Number(part.value);
    else if (part.type === 'minute') out.minute = Number(part.value);
    else if (part.type === 'second') out.second = Number(part.value);
  }
  return out;
}

/** The calendar date of an instant in a time zone. */
export function localDate(epochMs: number, timeZone: string = DEFAULT_TIME_ZONE): CivilDate {
  assertInstant(epochMs);
  const { year, month, day } = localParts(epochMs, timeZone);
  return { year, month, day };
}

function civilOrdinal(d: CivilDate): number {
  return d.year * 10_000 + d.month * 100 + d.day;
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian), as a UTC date. */
function civilToUtc(d: CivilDate): number {
  const t = new Date(0);
  t.setUTCFullYear(d.year, d.month - 1, d.day);
  return t.getTime();
}

function utcToCivil(ms: number): CivilDate {
  const t = new Date(ms);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = civilToUtc(p) + p.hour * 3_600_000 + p.minute * 60_000 + p.second * 1000;
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The first instant of a calendar date in a zone (its local midnight, or the end of a DST gap that swallows
 * midnight).
 */
export function startOfLocalDay(date: CivilDate, timeZone: string = DEFAULT_TIME_ZONE): number {
  const guess = civilToUtc(date);
  const t1 = guess - offsetAt(guess, timeZone);
  const t2 = guess - offsetAt(t1, timeZone);
  const p = localParts(t2, timeZone);
  if (civilOrdinal(p) === civilOrdinal(date) && p.hour === 0 && p.minute === 0 && p.second === 0) {
    // Also make sure the previous second was still the day before (not a repeated midnight).
    if (civilOrdinal(localParts(t2 - 1000, timeZone)) < civilOrdinal(date)) return t2;
  }
  // Rare: midnight does not exist (DST gap) or occurs twice. Search the smallest instant already on `date`;
  // UTC offsets lie within −12 h … +14 h.
  const target = civilOrdinal(date);
  let lo = guess - 15 * 3_600_000;
  let hi = guess + 13 * 3_600_000;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid <= lo) break;
    if (civilOrdinal(localParts(mid, timeZone)) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ISO-8601 week-numbering year and week of a civil date. */
export function isoWeek(date: CivilDate): { year: number; week: number } {
  const utc = civilToUtc(date);
  const isoDow = ((new Date(utc).getUTCDay() + 6) % 7) + 1; // Monday 1 … Sunday 7
  const thursday = utcToCivil(utc + (4 - isoDow) * DAY_MS);
  const jan1 = civilToUtc({ year: thursday.year, month: 1, day: 1 });
  const week = Math.floor((civilToUtc(thursday) - jan1) / DAY_MS / 7) + 1;
  return { year: thursday.year, week };
}

/** The period key of a civil date: 'YYYY-MM-DD' (day), 'YYYY-Www' (ISO week), 'YYYY-MM' (month). */
export function periodKeyOfDate(date: CivilDate, granularity: Granularity): string {
  switch (granularity) {
    case 'day':
      return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
    case 'week': {
      const w = isoWeek(date);
      return `${pad(w.year, 4)}-W${pad(w.week)}`;
    }
    case 'month':
      return `${pad(date.year, 4)}-${pad(date.month)}`;
    default:
      throw new MetricsInputError('INVALID_PERIOD', 'granularity must be day, week or month', {
        granularity,
      });
  }
}

/**
 * The period an instant falls in, cut in `timeZone` (default Asia/Shanghai): '2026-11-22', '2026-W47' or
 * '2026-11'. Keys sort chronologically as strings within one granularity.
 * @throws MetricsInputError INVALID_TIME_ZONE, INVALID_PERIOD, NON_FINITE_VALUE.
 */
export function periodKey(
  epochMs: number,
  granularity: Granularity,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  return periodKeyOfDate(localDate(epochMs, timeZone), granularity);
}

/**
 * Re-buckets a day key ('YYYY-MM-DD', e.g. of a daily rollup row already cut in the workspace's zone) into
 * its week or month key; no time zone is involved.
 */
export function dayKeyToPeriod(dayKey: string, granularity: Granularity): string {
  return periodKeyOfDate(parseDayKey(dayKey), granularity);
}

function daysInMonth(year: number, month: number): number {
  return utcToCivil(civilToUtc({ year, month: month + 1, day: 0 })).day;
}

function parseDayKey(key: string): CivilDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  if (!m || year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new MetricsInputError('INVALID_PERIOD', `not a day key (YYYY-MM-DD): ${key}`, { key });
  }
  return { year, month, day };
}

function weeksInIsoYear(year: number): number {
  // A year has 53 ISO weeks exactly when its 28 December falls in week 53.
  return isoWeek({ year, month: 12, day: 28 }).week;
}

/** The civil dates [first, afterLast) of a period key. */
function periodDates(key: string, granularity: Granularity): { first: CivilDate; next: CivilDate } {
  if (typeof key !== 'string')
    throw new MetricsInputError('INVALID_PERIOD', 'period key must be a string', {});
  switch (granularity) {
    case 'day': {
      const first = parseDayKey(key);
      return { first, next: utcToCivil(civilToUtc(first) + DAY_MS) };
    }
    case 'week': {
      const m = /^(\d{4})-W(\d{2})$/.exec(key);
      const year = Number(m?.[1]);
      const week = Number(m?.[2]);
      if (!m || year < 1000 || week < 1 || week > weeksInIsoYear(year)) {
        throw new MetricsInputError('INVALID_PERIOD', `not an ISO week key (YYYY-Www): ${key}`, { key });
      }
      const jan4 = civilToUtc({ year, month: 1, day: 4 }); // always in week 1
      const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
      const start = monday1 + (week - 1) * 7 * DAY_MS;
      return { first: utcToCivil(start), next: utcToCivil(start + 7 * DAY_MS) };
    }
    case 'month': {
      const m = /^(\d{4})-(\d{2})$/.exec(key);
      const year = Number(m?.[1]);
      const month = Number(m?.[2]);
      if (!m || year < 1000 || month < 1 || month > 12) {
        throw new MetricsInputError('INVALID_PERIOD', `not a month key (YYYY-MM): ${key}`, { key });
      }
      return {
        first: { year, month, day: 1 },
        next: month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 },
      };
    }
    default:
      throw new MetricsInputError('INVALID_PERIOD', 'granularity must be day, week or month', {
        granularity,
      });
  }
}

/**
 * The instants [start, end) a period key covers in a zone. A day is 23 or 25 hours long across a DST change.
 * @throws MetricsInputError INVALID_PERIOD for a malformed key.
 */
export function periodBounds(
  key: string,
  granularity: Granularity,
  timeZone: string = DEFAULT_TIME_ZONE,
): PeriodBounds {
  assertTimeZone(timeZone);
  const { first, next } = periodDates(key, granularity);
  return { key, start: startOfLocalDay(first, timeZone), end: startOfLocalDay(next, timeZone) };
}

/**
 * Every period from the one holding `fromMs` to the one holding `toMs` (inclusive), in order — the x axis of
 * a trend, so periods without answers show as gaps rather than disappearing.
 * @throws MetricsInputError INVALID_PERIOD when from > to or more than `maxPeriods` (default 5000) periods.
 */
export function periodsBetween(
  fromMs: number,
  toMs: number,
  granularity: Granularity,
  timeZone: string = DEFAULT_TIME_ZONE,
  maxPeriods = 5000,
): PeriodBounds[] {
  assertInstant(fromMs);
  assertInstant(toMs);
  if (fromMs > toMs) throw new MetricsInputError('INVALID_PERIOD', 'from is after to', { fromMs, toMs });
  const out: PeriodBounds[] = [];
  let bounds = periodBounds(periodKey(fromMs, granularity, timeZone), granularity, timeZone);
  for (;;) {
    out.push(bounds);
    if (bounds.end > toMs) return out;
    if (out.length >= maxPeriods) {
      throw new MetricsInputError('INVALID_PERIOD', `more than ${maxPeriods} periods`, {
        fromMs,
        toMs,
        granularity,
      });
    }
    bounds = periodBounds(periodKey(bounds.end, granularity, timeZone), granularity, timeZone);
  }
}
