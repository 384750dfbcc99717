import { getWorkspace } from '../workspaces/index.js';
import type { Db } from '../../platform/db/index.js';
import { startOfLocalDate } from '../../platform/time/index.js';
import { analyticsLimit } from './touchpoints.errors.js';

export const DAY = 86_400_000;

export const ANALYTICS_LIMITS = {
  /** Funnel steps. */
  steps: 8,
  /** Conversion window of a funnel. */
  windowDays: 90,
  /** Length of an analysed period. */
  rangeDays: 366,
} as const;

/** A period of whole local days in the workspace's time zone, as instants [start, end). */
export interface LocalRange {
  timeZone: string;
  start: number;
  end: number;
  from: string;
  to: string;
}

/** Resolves inclusive local dates into instants, rejecting reversed or too-long periods with a 400. */
export async function localRange(db: Db, workspaceId: string, from: string, to: string): Promise<LocalRange> {
  const { time_zone: timeZone } = await getWorkspace(db, workspaceId);
  const start = startOfLocalDate(timeZone, from);
  const last = startOfLocalDate(timeZone, to);
  if (start === null) throw analyticsLimit('from', 'a valid date YYYY-MM-DD');
  if (last === null) throw analyticsLimit('to', 'a valid date YYYY-MM-DD');
  if (last < start) throw analyticsLimit('to', 'on or after from');
  const end = startOfLocalDate(timeZone, nextDate(to)) as number;
  if (end - start > ANALYTICS_LIMITS.rangeDays * DAY + DAY)
    throw analyticsLimit('rangeDays', ANALYTICS_LIMITS.rangeDays);
  return { timeZone, start, end, from, to };
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
