import { sql, type RawBuilder } from 'kysely';
import { dialectOf, fromJson, jsonText, type Db } from '../../platform/db/index.js';

/** A stored event, as other modules may read it (read-only; the events table stays the profiles module's own). */
export interface StoredEvent {
  id: string;
  type: string;
  name: string | null;
  channel: string;
  profileId: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: number;
}

type EventRow = {
  id: string;
  type: string;
  name: string | null;
  channel: string;
  profile_id: string;
  properties: string;
  context: string;
  timestamp: number;
};

function toStored(r: EventRow): StoredEvent {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    channel: r.channel,
    profileId: r.profile_id,
    properties: fromJson<Record<string, unknown>>(r.properties) ?? {},
    context: fromJson<Record<string, unknown>>(r.context) ?? {},
    timestamp: Number(r.timestamp),
  };
}

const COLUMNS = [
  'id',
  'type',
  'name',
  'channel',
  'profile_id',
  'properties',
  'context',
  'timestamp',
] as const;

/** The workspace's most recently received events (by id, i.e. arrival order), newest first. */
export async function latestEvents(db: Db, workspaceId: string, limit: number): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toStored);
}

/** Events with `afterId < id <= uptoId` in id order, for walks over history in chunks. */
export async function eventsBetweenIds(
  db: Db,
  workspaceId: string,
  afterId: string,
  uptoId: string,
  limit: number,
): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('id', '>', afterId)
    .where('id', '<=', uptoId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toStored);
}

/** How many events the workspace has, and the id of the last one received ('' when none). */
export async function eventWatermark(
  db: Db,
  workspaceId: string,
): Promise<{ count: number; lastId: string }> {
  const [count, last] = await Promise.all([
    db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('events')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { count: Number(count.n), lastId: last?.id ?? '' };
}

/**
 * SQL pieces for analytics that join events in one statement (funnels): the events table under `alias`, and the
 * condition selecting the workspace's events named `name` (columns profile_id, channel, timestamp; the profile is
 * the live one, since merges re-point events).
 */
export function eventStepSql(
  alias: string,
  workspaceId: string,
  name: string,
): { table: RawBuilder<unknown>; match: RawBuilder<unknown> } {
  const a = sql.ref(alias);
  return {
    table: sql`events as ${a}`,
    match: sql`${sql.ref(`${alias}.workspace_id`)} = ${workspaceId} and ${sql.ref(`${alias}.name`)} = ${name}`,
  };
}

/**
 * SQL selecting `p` (customer) and `t` (time) of the workspace's events named `name` in [start, end), for a funnel
 * whose first step is an event. Every event has one time index entry: the events mapped to no touchpoint are in
 * `events_time_idx` (workspace, time), the mapped ones in `events_touchpoint_time_idx` (workspace, touchpoint, time,
 * customer); so the statement reads the first by time and the second by each touchpoint key the events hold (found
 * by one index seek per key; `cross join` keeps the keys the outer loop on SQLite), rather than every event of the
 * workspace.
 */
export function eventArrivalsSql(
  workspaceId: string,
  name: string,
  start: number,
  end: number,
): RawBuilder<unknown> {
  return sql`with recursive k (key) as (select min(touchpoint_key) from events where workspace_id = ${workspaceId} and touchpoint_key is not null union all select (select min(e.touchpoint_key) from events e where e.workspace_id = ${workspaceId} and e.touchpoint_key > k.key) from k where k.key is not null) select x.profile_id as p, x."timestamp" as t from events x where x.workspace_id = ${workspaceId} and x.touchpoint_key is null and x."timestamp" >= ${start} and x."timestamp" < ${end} and x.name = ${name} union all select x.profile_id as p, x."timestamp" as t from k cross join events x where x.workspace_id = ${workspaceId} and x.touchpoint_key = k.key and x.touchpoint_key is not null and x."timestamp" >= ${start} and x."timestamp" < ${end} and x.name = ${name}`;
}

/** SQL for one trait of the profile `profileColumn` refers to, as text (null when absent), for breakdowns. */
export function profileTraitSql(
  db: Db,
  workspaceId: string,
  profileColumn: string,
  trait: string,
): RawBuilder<string | null> {
  return sql<
    string | null
  >`(select ${jsonText(dialectOf(db), 'p.traits', trait)} from profiles p where p.workspace_id = ${workspaceId} and p.id = ${sql.ref(profileColumn)})`;
}
