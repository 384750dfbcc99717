import { CompiledQuery, type Selectable } from 'kysely';
import { dialectOf, fromJson, placeholders, type Db, type DatabaseKind } from '../../platform/db/index.js';
import { localDayStart } from '../../platform/time/index.js';
import { getSettings, type SurveyRow } from './survey.repository.js';
import type { SurveySettings } from './survey.schema.js';
import type { SurveyLinksTable } from './surveys.tables.js';

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

type LinkRow = Selectable<SurveyLinksTable>;

interface LinkWaiter {
  resolve: (row: LinkRow | null) => void;
  reject: (err: unknown) => void;
}

/** Ids per statement; a shorter list is padded to a power of two, so at most 9 statement texts are ever prepared. */
const LINK_CHUNK = 256;

/** `list` padded to the next power of two by repeating its last item (harmless in an `in (…)` list). */
export function padToPowerOfTwo<T>(list: readonly T[]): T[] {
  const size = 2 ** Math.ceil(Math.log2(Math.max(1, list.length)));
  return list.concat(Array<T>(size - list.length).fill(list[list.length - 1] as T));
}

const linkTexts = new Map<string, string>();

/** The text of the select of `n` links of one workspace (kept per dialect and size: prepared once). */
function linkSelectText(kind: DatabaseKind, n: number): string {
  const key = `${kind}:${n}`;
  let text = linkTexts.get(key);
  if (text === undefined) {
    const [ws, ...ids] = placeholders(kind, n + 1);
    text = `select * from "survey_links" where "workspace_id" = ${ws} and "id" in (${ids.join(', ')})`;
    linkTexts.set(key, text);
  }
  return text;
}

export class LinkReader {
  private pending = new Map<string, Map<string, LinkWaiter[]>>();
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly kind: DatabaseKind = dialectOf(db),
  ) {}

  /** The link row, or null when there is none in this workspace. */
  read(workspaceId: string, id: string): Promise<LinkRow | null> {
    return new Promise((resolve, reject) => {
      let ids = this.pending.get(workspaceId);
      if (!ids) this.pending.set(workspaceId, (ids = new Map()));
      const waiters = ids.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else ids.set(id, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [workspaceId, waiters] of pending) {
      const ids = [...waiters.keys()];
      try {
        for (let i = 0; i < ids.length; i += LINK_CHUNK) {
          const part = ids.slice(i, i + LINK_CHUNK);
          const padded = padToPowerOfTwo(part);
          // A fixed text per size, not a query built per turn: this runs for every public submission.
          const { rows } = await this.db.executeQuery<LinkRow>(
            CompiledQuery.raw(linkSelectText(this.kind, padded.length), [workspaceId, ...padded]),
          );
          for (const row of rows) {
            for (const w of waiters.get(row.id) ?? []) w.resolve(row);
            waiters.delete(row.id);
          }
          for (const id of part) {
            for (const w of waiters.get(id) ?? []) w.resolve(null);
            waiters.delete(id);
          }
        }
      } catch (err) {
        for (const list of waiters.values()) for (const w of list) w.reject(err);
      }
    }
  }
}

const readers = new WeakMap<Db, LinkReader>();

/** A link row read together with the other links asked for in the same event-loop turn (see LinkReader). */
export function readLink(db: Db, workspaceId: string, id: string): Promise<LinkRow | null> {
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = new LinkReader(db)));
  return reader.read(workspaceId, id);
}
