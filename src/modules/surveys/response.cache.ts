import { fromJson, type Db } from '../../platform/db/index.js';
import { localDayStart } from '../../platform/time/index.js';
import { getSettings, type SurveyRow } from './survey.repository.js';
import type { SurveySettings } from './survey.schema.js';

/**
 * In-process caches of the public response path. Everything here is either immutable (a frozen definition, a day's
 * bounds) or short-lived and forgotten when the workspace changes it in this process (`forgetSurveys`,
 * `forgetSettings`, called from onSurveysChanged); other processes see a change after at most the TTL.
 */

/** A survey row and what the response path reads from it, parsed once. */
export interface CachedSurvey {
  row: SurveyRow;
  languages: readonly string[];
}

const surveyCache = new Map<string, { value: CachedSurvey | null; until: number }>();
const SURVEY_CACHE_MS = 2000;

/** Forgets cached survey rows of a workspace (called when its surveys change). */
export function forgetSurveys(workspaceId: string): void {
  for (const k of surveyCache.keys()) if (k.startsWith(`${workspaceId}\u0000`)) surveyCache.delete(k);
}

/** A survey row, cached for two seconds (status and current version are re-read at least that often). */
export async function cachedSurvey(db: Db, workspaceId: string, id: string): Promise<CachedSurvey | null> {
  const key = `${workspaceId}\u0000${id}`;
  const now = Date.now();
  const hit = surveyCache.get(key);
  if (hit && hit.until > now) return hit.value;
  const row =
    (await db
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null;
  const value = row ? { row, languages: fromJson<string[]>(row.languages) } : null;
  if (surveyCache.size > 10_000) surveyCache.clear();
  surveyCache.set(key, { value, until: now + SURVEY_CACHE_MS });
  return value;
}

const settingsCache = new Map<string, { value: SurveySettings; until: number }>();

/** Workspace settings for the response path, cached for a few seconds (forgotten on change in this process). */
export async function cachedSettings(db: Db, workspaceId: string): Promise<SurveySettings> {
  const now = Date.now();
  const hit = settingsCache.get(workspaceId);
  if (hit && hit.until > now) return hit.value;
  const value = await getSettings(db, workspaceId);
  if (settingsCache.size > 10_000) settingsCache.clear();
  settingsCache.set(workspaceId, { value, until: now + 5000 });
  return value;
}

/** Forgets cached settings of a workspace. */
export function forgetSettings(workspaceId: string): void {
  settingsCache.delete(workspaceId);
}

/** Per time zone, the last local day seen: [start, end) and its start. */
const days = new Map<string, { start: number; end: number }>();

/**
 * The start of the local day of `at` in `tz` — `localDayStart`, remembered per zone for the day last asked, so
 * that a stream of submissions on the same day pays for the time-zone calculation once a day instead of every time.
 */
export function cachedLocalDayStart(tz: string, at: number): number {
  const hit = days.get(tz);
  if (hit && at >= hit.start && at < hit.end) return hit.start;
  const start = localDayStart(tz, at);
  // Local days last 23–25 hours: 30 hours after a day's start is always inside the next day.
  const end = localDayStart(tz, start + 30 * 3_600_000);
  if (days.size > 1000) days.clear();
  if (end > start && at >= start && at < end) days.set(tz, { start, end });
  return start;
}
