import { CompiledQuery } from 'kysely';
import { dialectOf, fromJson, placeholders, type Db } from '../../platform/db/index.js';
import { localDayStart } from '../../platform/time/index.js';
import type { RecordedEvent, RecordedEventsHook } from '../profiles/index.js';
import { getWorkspace } from '../workspaces/index.js';
import { compileRule, type CompiledRule, type MatchableEvent, type MatchRule } from './touchpoint.rules.js';

const DAY = 86_400_000;
/** Other processes' catalogue edits reach this one within this time; this process's own edits at once. */
const CACHE_TTL_MS = 5_000;

interface Matcher {
  key: string;
  priority: number;
  test: CompiledRule;
}

/** A workspace's compiled catalogue: matchers by event name and the journey steps that follow each touchpoint. */
export interface CompiledCatalogue {
  timeZone: string;
  byEvent: Map<string, Matcher[]>;
  /** touchpoint key → the journey steps it leads to (with the journey's conversion window). */
  next: Map<string, { to: string; windowMs: number }[]>;
  /** touchpoint key → the journey steps that lead to it. */
  previous: Map<string, { from: string; windowMs: number }[]>;
}

interface CacheEntry {
  at: number;
  catalogue: Promise<CompiledCatalogue>;
}

/** One event mapped to a touchpoint. */
export interface Hit {
  eventId: string;
  key: string;
  profileId: string;
  channel: string;
  timestamp: number;
}

/**
 * Maps events to touchpoints as they are recorded and keeps the touchpoint rollups (daily events, unique customers,
 * first arrivals, journey conversions) up to date, inside the ingestion transaction. Two steps of the profiles
 * module's recorded-event hook: `beforeStore` decides each event's touchpoint before the events are written (the key
 * is stored on the event's row, `events.touchpoint_key`), and the hook itself folds the batch's mapped events into
 * the rollups after they are written. Events are new when recorded (duplicates are dropped by message id before),
 * so each is counted once; a retried batch rolls back with its rollups.
 */
export class TouchpointMapper {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Forgets a workspace's compiled catalogue after an edit in this process. */
  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  /** The compiled catalogue, from cache when fresh. */
  catalogue(db: Db, workspaceId: string): Promise<CompiledCatalogue> {
    const hit = this.cache.get(workspaceId);
    if (hit && this.now() - hit.at < CACHE_TTL_MS) return hit.catalogue;
    const catalogue = loadCatalogue(db, workspaceId);
    this.cache.set(workspaceId, { at: this.now(), catalogue });
    // A failed load (e.g. inside a transaction that rolled back) must not stay cached.
    catalogue.catch(() => this.cache.delete(workspaceId));
    return catalogue;
  }

  /** Before the events are written: each event's touchpoint (the first match by priority), set on the event. */
  private readonly classify = async (
    db: Db,
    workspaceId: string,
    events: readonly RecordedEvent[],
  ): Promise<void> => {
    const catalogue = await this.catalogue(db, workspaceId);
    if (catalogue.byEvent.size === 0) return;
    for (const e of events) (e as RecordedEvent).touchpointKey = touchpointOf(catalogue, e);
  };

  /**
   * The recorded-events hook for the profiles module: its `beforeStore` step maps the events (later hooks such as
   * survey triggers and complaint intake read `touchpointKey`), the call folds the mapped ones into the rollups.
   * Merges need nothing here: the profiles module re-points the merged profile's events, touchpoint keys included.
   */
  readonly hook: RecordedEventsHook = Object.assign(
    async (db: Db, workspaceId: string, events: readonly RecordedEvent[]): Promise<void> => {
      const hits: Hit[] = [];
      for (const e of events)
        if (e.touchpointKey !== null)
          hits.push({
            eventId: e.id,
            key: e.touchpointKey,
            profileId: e.profileId,
            channel: e.channel,
            timestamp: e.timestamp,
          });
      if (hits.length === 0) return;
      await applyRollups(db, workspaceId, await this.catalogue(db, workspaceId), hits);
    },
    { beforeStore: this.classify },
  );
}

/** The touchpoint an event maps to: the first matching touchpoint by priority (then key), or null. */
export function touchpointOf(catalogue: CompiledCatalogue, e: MatchableEvent): string | null {
  if (e.name === null) return null;
  const candidates = catalogue.byEvent.get(e.name);
  if (!candidates) return null;
  for (const m of candidates) if (m.test(e)) return m.key;
  return null;
}

/** The touchpoint each event maps to (the first match by priority), if any. */
export function matchEvents(
  catalogue: CompiledCatalogue,
  events: readonly (MatchableEvent & { id: string; profileId: string; timestamp: number })[],
): Hit[] {
  const hits: Hit[] = [];
  for (const e of events) {
    const key = touchpointOf(catalogue, e);
    if (key !== null)
      hits.push({ eventId: e.id, key, profileId: e.profileId, channel: e.channel, timestamp: e.timestamp });
  }
  return hits;
}

async function loadCatalogue(db: Db, workspaceId: string): Promise<CompiledCatalogue> {
  const [ws, touchpoints, journeys] = await Promise.all([
    getWorkspace(db, workspaceId),
    db
      .selectFrom('touchpoints')
      .select(['key', 'rule', 'priority'])
      .where('workspace_id', '=', workspaceId)
      .where('active', '=', 1)
      .orderBy('priority')
      .orderBy('key')
      .execute(),
    db
      .selectFrom('journeys')
      .select(['steps', 'conversion_window_days'])
      .where('workspace_id', '=', workspaceId)
      .execute(),
  ]);
  const byEvent = new Map<string, Matcher[]>();
  for (const t of touchpoints) {
    const rule = fromJson<MatchRule>(t.rule);
    const matcher = { key: t.key, priority: t.priority, test: compileRule(rule) };
    for (const name of rule.events) {
      const list = byEvent.get(name) ?? [];
      list.push(matcher);
      byEvent.set(name, list);
    }
  }
  const active = new Set(touchpoints.map((t) => t.key));
  const next = new Map<string, { to: string; windowMs: number }[]>();
  const previous = new Map<string, { from: string; windowMs: number }[]>();
  for (const j of journeys) {
    const steps = fromJson<string[]>(j.steps);
    const windowMs = j.conversion_window_days * DAY;
    for (let i = 0; i + 1 < steps.length; i++) {
      const from = steps[i] as string;
      const to = steps[i + 1] as string;
      if (!active.has(from) || !active.has(to) || from === to) continue;
      const n = next.get(from) ?? [];
      const existing = n.find((x) => x.to === to);
      if (existing) existing.windowMs = Math.max(existing.windowMs, windowMs);
      else n.push({ to, windowMs });
      next.set(from, n);
      const p = previous.get(to) ?? [];
      const prior = p.find((x) => x.from === from);
      if (prior) prior.windowMs = Math.max(prior.windowMs, windowMs);
      else p.push({ from, windowMs });
      previous.set(to, p);
    }
  }
  return { timeZone: ws.time_zone, byEvent, next, previous };
}

/**
 * Zone offsets and their changes fall on whole quarter hours (+05:30, +05:45, DST at 02:00…), so every instant of a
 * quarter hour has the same local day: memoised per zone and quarter hour across batches, which keeps Intl calls
 * (the costliest step of mapping a batch) off the ingestion path. A miss finds the whole local day (its start and the
 * next day's) and memoises every quarter hour inside it, so history spread over many days costs a few Intl calls per
 * day rather than per quarter hour. A quarter hour that a historical offset (local mean time) splits is not memoised.
 */
const QUARTER_HOUR = 900_000;
const MAX_MEMOISED = 100_000;
const daysByZone = new Map<string, Map<number, number>>();

/** The instant the local day containing `at` begins in `timeZone` (as localDayStart), memoised. */
export function localDayOf(timeZone: string, at: number): number {
  let days = daysByZone.get(timeZone);
  if (!days) daysByZone.set(timeZone, (days = new Map()));
  const memo = days.get(Math.floor(at / QUARTER_HOUR));
  if (memo !== undefined) return memo;
  const start = localDayStart(timeZone, at);
  // Local days last 23–25 hours (a few more or less at historical changes): 36 hours on is in the next day.
  const next = localDayStart(timeZone, start + 36 * 3_600_000);
  // Local day starts never decrease with time, so when the last instant before `next` belongs to the day of `start`,
  // so does every instant between.
  if (next > start && localDayStart(timeZone, next - 1) === start) {
    if (days.size >= MAX_MEMOISED) days.clear();
    for (let q = Math.ceil(start / QUARTER_HOUR); (q + 1) * QUARTER_HOUR <= next; q++) days.set(q, start);
  }
  return start;
}

/** Rows per statement of the hot writes; a remainder goes out in power-of-two pieces (at most 8 texts each). */
const PIECE = 128;
const texts = new Map<string, string>();

/**
 * Runs one statement per piece of `items` with a text built once per statement, dialect and piece size (so it is
 * prepared once per connection): building the mapping's multi-row writes through the query builder cost about as
 * much JavaScript as the rest of mapping a batch. `text` gets the dialect and the parameter markers of each row.
 */
async function inPieces<T, R>(
  db: Db,
  name: string,
  items: readonly T[],
  width: number,
  text: (rows: string[], kind: 'sqlite' | 'postgres') => string,
  params: (item: T) => unknown[],
  lead: readonly unknown[] = [],
): Promise<R[]> {
  const kind = dialectOf(db);
  const out: R[] = [];
  for (let i = 0; i < items.length;) {
    const left = items.length - i;
    const n = left >= PIECE ? PIECE : 2 ** Math.floor(Math.log2(left));
    const key = `${name}\u0000${kind}\u0000${n}`;
    let statement = texts.get(key);
    if (statement === undefined) {
      const rows = Array.from({ length: n }, (_, r) =>
        placeholders(kind, width, lead.length + r * width).join(', '),
      );
      statement = text(rows, kind);
      texts.set(key, statement);
    }
    const values: unknown[] = [...lead];
    for (let r = i; r < i + n; r++) values.push(...params(items[r] as T));
    const result = await db.executeQuery<R>(CompiledQuery.raw(statement, values));
    out.push(...result.rows);
    i += n;
  }
  return out;
}

/** A customer's arrivals at one touchpoint within a batch. */
interface Pair {
  key: string;
  profileId: string;
  first: number;
  firstDay: number;
  channel: string;
  days: number[];
}

interface DailyDelta {
  key: string;
  day: number;
  channel: string;
  events: number;
  customers: number;
  newCustomers: number;
}

/**
 * Folds newly mapped events into the rollups: the increments are summed per batch in memory, so there is one upsert
 * per (touchpoint, day, channel) and one per (customer, touchpoint) the batch reached. Every hit must be counted for
 * the first time (live ingestion: new events; re-mapping: after the rollups were cleared). Returns their number.
 */
export async function applyRollups(
  db: Db,
  workspaceId: string,
  catalogue: CompiledCatalogue,
  fresh: readonly Hit[],
): Promise<number> {
  if (fresh.length === 0) return 0;
  const timeZone = catalogue.timeZone;
  const deltas = new Map<string, DailyDelta>();
  const delta = (key: string, d: number, channel: string) => {
    const id = `${key}\u0000${d}\u0000${channel}`;
    let x = deltas.get(id);
    if (!x) {
      x = { key, day: d, channel, events: 0, customers: 0, newCustomers: 0 };
      deltas.set(id, x);
    }
    return x;
  };
  // 1. Per hit: the daily events (by channel and on the all-channels row), and each customer's history with each
  // touchpoint hit — first arrival and the days seen — in one pass.
  const pairs = new Map<string, Pair>();
  for (const h of fresh) {
    const d = localDayOf(timeZone, h.timestamp);
    delta(h.key, d, h.channel).events++;
    delta(h.key, d, '*').events++;
    const id = `${h.key}\u0000${h.profileId}`;
    const p = pairs.get(id);
    if (p) {
      if (h.timestamp < p.first) {
        p.first = h.timestamp;
        p.firstDay = d;
        p.channel = h.channel;
      }
      if (!p.days.includes(d)) p.days.push(d);
    } else
      pairs.set(id, {
        key: h.key,
        profileId: h.profileId,
        first: h.timestamp,
        firstDay: d,
        channel: h.channel,
        days: [d],
      });
  }

  // 2. One upsert of these histories, which returns what the customers' counts need: `counted_day`, the last day
  // counted before this write (-1 for a customer new at the touchpoint), and the first arrival stored. A day at or
  // before the last day counted is not counted again; so a late event for an earlier day is not counted either, which
  // keeps the count exact for streams that arrive in time order. The upsert sets no column of the first-arrival index
  // (SQLite rewrites an index entry whenever its column is set, even to the same value); an arrival earlier than the
  // stored first one (a late event) updates the first arrival's time and channel in a second statement, keeping its
  // day (new customers were counted on it).
  const stored = await inPieces<
    Pair,
    { profile_id: string; touchpoint_key: string; counted_day: number | string; first_at: number | string }
  >(
    db,
    'touchpoint_profiles.upsert',
    [...pairs.values()],
    7,
    (rows, kind) =>
      `insert into touchpoint_profiles (workspace_id, profile_id, touchpoint_key, first_at, first_day, first_channel, last_day) values ${rows.map((r) => `(${r})`).join(', ')} on conflict (workspace_id, profile_id, touchpoint_key) do update set counted_day = touchpoint_profiles.last_day, last_day = ${kind === 'postgres' ? 'greatest' : 'max'}(touchpoint_profiles.last_day, excluded.last_day) returning profile_id, touchpoint_key, counted_day, first_at`,
    (p) => [workspaceId, p.profileId, p.key, p.first, p.firstDay, p.channel, Math.max(...p.days)],
  );
  const earlier: Pair[] = [];
  for (const r of stored) {
    const p = pairs.get(`${r.touchpoint_key}\u0000${r.profile_id}`) as Pair;
    const counted = Number(r.counted_day);
    for (const d of p.days) if (d > counted) delta(p.key, d, '*').customers++;
    if (counted === -1) delta(p.key, p.firstDay, '*').newCustomers++;
    else if (p.first < Number(r.first_at)) earlier.push(p);
  }
  for (const p of earlier)
    await db
      .updateTable('touchpoint_profiles')
      .set({ first_at: p.first, first_channel: p.channel })
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', p.profileId)
      .where('touchpoint_key', '=', p.key)
      .execute();

  // 3. Journey conversions: a customer reaching a step after the previous one (within the journey's window).
  await applyConversions(db, workspaceId, catalogue, fresh);

  // 4. Daily rollup.
  await inPieces(
    db,
    'touchpoint_daily.add',
    [...deltas.values()],
    7,
    (rows) =>
      `insert into touchpoint_daily (workspace_id, touchpoint_key, day, channel, events, customers, new_customers) values ${rows.map((r) => `(${r})`).join(', ')} on conflict (workspace_id, touchpoint_key, day, channel) do update set events = touchpoint_daily.events + excluded.events, customers = touchpoint_daily.customers + excluded.customers, new_customers = touchpoint_daily.new_customers + excluded.new_customers`,
    (x) => [workspaceId, x.key, x.day, x.channel, x.events, x.customers, x.newCustomers],
  );
  return fresh.length;
}

/** An arrival at a journey step, with the step before it and the journey's window. */
interface Candidate {
  from: string;
  to: string;
  profileId: string;
  at: number;
  windowMs: number;
}

/**
 * Journey conversions, found in SQL against the customers' first arrivals at the previous steps (already updated with
 * this batch): the earliest arrival at `to` within the window from the first arrival at `from` is one conversion per
 * customer and pair, stored once (the insert skips those already stored and returns the new ones) and counted under
 * the local day of that first arrival at `from`.
 */
async function applyConversions(
  db: Db,
  workspaceId: string,
  catalogue: CompiledCatalogue,
  hits: readonly Hit[],
): Promise<void> {
  const candidates: Candidate[] = [];
  for (const h of hits)
    for (const p of catalogue.previous.get(h.key) ?? [])
      candidates.push({
        from: p.from,
        to: h.key,
        profileId: h.profileId,
        at: h.timestamp,
        windowMs: p.windowMs,
      });
  if (candidates.length === 0) return;
  // Earliest first, so a customer's earliest arrival is the one stored when the candidates take several statements.
  candidates.sort((a, b) => a.at - b.at);
  const inserted = await inPieces<Candidate, { from_key: string; to_key: string; from_day: number | string }>(
    db,
    'touchpoint_conversions.find',
    candidates,
    5,
    (rows, kind) => {
      const typed =
        kind === 'postgres'
          ? rows.map((r) => {
              const [f, t, p, at, w] = r.split(', ');
              return `(${f}, ${t}, ${p}, cast(${at} as bigint), cast(${w} as bigint))`;
            })
          : rows.map((r) => `(${r})`);
      // The workspace's marker comes first in the text too (SQLite numbers its markers in order of appearance).
      const ws = placeholders(kind, 1)[0];
      return `with w (id) as (select cast(${ws} as text)), c (from_key, to_key, profile_id, at, window_ms) as (values ${typed.join(', ')}) insert into touchpoint_conversions (workspace_id, from_key, to_key, profile_id, converted_at, from_day) select f.workspace_id, c.from_key, c.to_key, c.profile_id, min(c.at), f.first_day from w cross join c join touchpoint_profiles f on f.workspace_id = w.id and f.profile_id = c.profile_id and f.touchpoint_key = c.from_key where c.at >= f.first_at and c.at <= f.first_at + c.window_ms group by f.workspace_id, c.from_key, c.to_key, c.profile_id, f.first_day on conflict (workspace_id, from_key, to_key, profile_id) do nothing returning from_key, to_key, from_day`;
    },
    (c) => [c.from, c.to, c.profileId, c.at, c.windowMs],
    [workspaceId],
  );
  if (inserted.length === 0) return;
  const counts = new Map<string, { from: string; to: string; day: number; converted: number }>();
  for (const r of inserted) {
    const id = `${r.from_key}\u0000${r.to_key}\u0000${r.from_day}`;
    const x = counts.get(id);
    if (x) x.converted++;
    else counts.set(id, { from: r.from_key, to: r.to_key, day: Number(r.from_day), converted: 1 });
  }
  await inPieces(
    db,
    'touchpoint_conversion_daily.add',
    [...counts.values()],
    5,
    (rows) =>
      `insert into touchpoint_conversion_daily (workspace_id, from_key, to_key, day, converted) values ${rows.map((r) => `(${r})`).join(', ')} on conflict (workspace_id, from_key, to_key, day) do update set converted = touchpoint_conversion_daily.converted + excluded.converted`,
    (x) => [workspaceId, x.from, x.to, x.day, x.converted],
  );
}
