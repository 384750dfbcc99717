const DAY = 86_400_000;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset of `timeZone` at instant `at`, in ms (Asia/Shanghai → +8 h). Unknown zones count as UTC. */
export function tzOffsetMs(timeZone: string, at: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      return 0;
    }
    offsetFormats.set(timeZone, format);
  }
  const part = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
}

/** The instant (epoch ms) at which the local day containing `at` begins in `timeZone`. */
export function localDayStart(timeZone: string, at: number): number {
  const offset = tzOffsetMs(timeZone, at);
  const start = Math.floor((at + offset) / DAY) * DAY - offset;
  // Across a DST change the offset at midnight can differ from the offset at `at`.
  const atStart = tzOffsetMs(timeZone, start);
  return atStart === offset ? start : Math.floor((at + atStart) / DAY) * DAY - atStart;
}

/** The instant at which the local ISO week (Monday first) containing `at` begins in `timeZone`. */
export function localWeekStart(timeZone: string, at: number): number {
  const day = localDayStart(timeZone, at);
  const offset = tzOffsetMs(timeZone, day);
  // 1970-01-01 was a Thursday: days since a Monday = (days + 3) mod 7.
  const sinceMonday = (((Math.floor((day + offset) / DAY) + 3) % 7) + 7) % 7;
  return localDayStart(timeZone, day - sinceMonday * DAY + DAY / 2);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant local date `YYYY-MM-DD` begins in `timeZone`; null for a malformed or impossible date. */
export function startOfLocalDate(timeZone: string, date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== date) return null;
  return localDayStart(timeZone, utc - tzOffsetMs(timeZone, utc) + DAY / 2);
}

/** The local date `YYYY-MM-DD` of instant `at` in `timeZone`. */
export function localDate(timeZone: string, at: number): string {
  return new Date(at + tzOffsetMs(timeZone, at)).toISOString().slice(0, 10);
}
