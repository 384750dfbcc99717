import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../platform/db/index.js';

/**
 * The touchpoint an event maps to is stored on the event's own row (`events.touchpoint_key`, null when it maps to
 * none), decided while the event is recorded, instead of a copy of every mapped event in `touchpoint_events`
 * (a table with its primary key and two indexes: four B-tree writes per mapped event). Two partial indexes hold the
 * mapped events only (both dialects support them):
 * - `events_touchpoint_time_idx` (workspace, touchpoint, time, customer): a touchpoint's arrivals by time, covering
 *   a funnel's entrants and scanned steps, paths' anchors;
 * - `events_touchpoint_profile_idx` (workspace, customer, touchpoint, time): a customer's arrivals at a touchpoint,
 *   for a funnel's per-customer seeks and paths.
 * Existing mappings are copied onto the events (one UPDATE … FROM), then `touchpoint_events` is dropped. On SQLite the
 * rollups `touchpoint_daily` and `touchpoint_profiles` become WITHOUT ROWID tables (copied over, same columns, keys and
 * indexes).
 */
export function touchpointKeyOnEvents(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('events').addColumn('touchpoint_key', 'text').execute();
      await sql`update events set touchpoint_key = t.touchpoint_key from touchpoint_events t where t.workspace_id = events.workspace_id and t.event_id = events.id`.execute(
        db,
      );
      // Built after the backfill: one sorted build each instead of an index insert per updated row.
      await sql`create index events_touchpoint_time_idx on events (workspace_id, touchpoint_key, "timestamp", profile_id) where touchpoint_key is not null`.execute(
        db,
      );
      await sql`create index events_touchpoint_profile_idx on events (workspace_id, profile_id, touchpoint_key, "timestamp") where touchpoint_key is not null`.execute(
        db,
      );
      await db.schema.dropTable('touchpoint_events').execute();
      // SQLite: the two rollups written per ingestion batch keep their rows in their primary-key B-tree (no rowid
      // table beside it), so an upsert touches one B-tree less. PostgreSQL has no rowid table; nothing to do there.
      if (kind === 'sqlite') {
        await rebuildWithoutRowid(db, 'touchpoint_daily', (t) =>
          t
            .addColumn('touchpoint_key', 'text', (c) => c.notNull())
            .addColumn('day', 'bigint', (c) => c.notNull())
            .addColumn('channel', 'text', (c) => c.notNull())
            .addColumn('events', 'bigint', (c) => c.notNull())
            .addColumn('customers', 'bigint', (c) => c.notNull())
            .addColumn('new_customers', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('touchpoint_daily_pk', [
              'workspace_id',
              'touchpoint_key',
              'day',
              'channel',
            ]),
        );
        await db.schema
          .createIndex('touchpoint_daily_day_idx')
          .on('touchpoint_daily')
          .columns(['workspace_id', 'day'])
          .execute();
        await rebuildWithoutRowid(db, 'touchpoint_profiles', (t) =>
          t
            .addColumn('profile_id', 'text', (c) => c.notNull())
            .addColumn('touchpoint_key', 'text', (c) => c.notNull())
            .addColumn('first_at', 'bigint', (c) => c.notNull())
            .addColumn('first_day', 'bigint', (c) => c.notNull())
            .addColumn('first_channel', 'text', (c) => c.notNull())
            .addColumn('last_day', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('touchpoint_profiles_pk', [
              'workspace_id',
              'profile_id',
              'touchpoint_key',
            ]),
        );
        await db.schema
          .createIndex('touchpoint_profiles_first_idx')
          .on('touchpoint_profiles')
          .columns(['workspace_id', 'touchpoint_key', 'first_at', 'profile_id'])
          .execute();
      }
    },
  };
}

/** SQLite: re-creates `table` WITHOUT ROWID with the columns `define` adds (after workspace_id), keeping its rows. */
async function rebuildWithoutRowid(
  db: Kysely<unknown>,
  table: string,
  define: (t: CreateTableBuilder<string, string>) => CreateTableBuilder<string, string>,
): Promise<void> {
  const next = `${table}_next`;
  await define(
    db.schema
      .createTable(next)
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade')),
  )
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`insert into ${sql.table(next)} select * from ${sql.table(table)}`.execute(db);
  await db.schema.dropTable(table).execute();
  await db.schema.alterTable(next).renameTo(table).execute();
}
