import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDialect, type TestDatabase } from '../../../test/support/database.js';
import {
  fromJson,
  inTransaction,
  insertRows,
  migrateToLatest,
  newId,
  openDatabase,
  pendingMigrations,
  toJson,
  updateRows,
} from './index.js';
import { allMigrations } from '../../migrations/index.js';

describe(`database (${testDialect})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(() => t.close());

  it('writes lone surrogates as U+FFFD and leaves pairs and escaped backslashes alone', () => {
    expect(fromJson(toJson({ s: 'a\uD800b', t: '\uDFFF' }))).toEqual({ s: 'a\uFFFDb', t: '\uFFFD' });
    expect(fromJson(toJson({ s: '😀 中文' }))).toEqual({ s: '😀 中文' });
    expect(fromJson(toJson({ s: '\\ud800 is text' }))).toEqual({ s: '\\ud800 is text' });
    expect(toJson({ s: 'plain' })).toBe('{"s":"plain"}');
  });

  it('has applied every migration', async () => {
    expect(await pendingMigrations(t.handle.db, allMigrations(t.handle.kind))).toEqual([]);
  });

  it('applies a failing migration not at all: the schema and the migration records stay as they were', async () => {
    const dir = testDialect === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'tp-migrate-')) : null;
    const other = dir ? null : await openTestDatabase({ migrate: false });
    const handle = dir ? openDatabase(`sqlite:${path.join(dir, 'm.db')}`) : (other as TestDatabase).handle;
    try {
      const failing = {
        '0001_good': {
          up: async (db: Kysely<unknown>) => {
            await db.schema.createTable('m_a').addColumn('id', 'text').execute();
          },
        },
        '0002_half': {
          up: async (db: Kysely<unknown>) => {
            await db.schema.createTable('m_b').addColumn('id', 'text').execute();
            await sql`insert into m_a (id) values ('x')`.execute(db);
            await sql`select * from m_missing`.execute(db);
          },
        },
      };
      await expect(migrateToLatest(handle.db, failing)).rejects.toThrow(/0002_half/);
      const tables = async () =>
        (
          await sql<{ n: string }>`select ${sql.raw(
            testDialect === 'sqlite'
              ? "name as n from sqlite_master where type = 'table' and name like 'm\\_%' escape '\\'"
              : "table_name as n from information_schema.tables where table_schema = 'public' and table_name like 'm\\_%'",
          )}`.execute(handle.db)
        ).rows.map((r) => r.n);
      expect(await tables()).toEqual([]);
      expect(await pendingMigrations(handle.db, failing)).toEqual(['0001_good', '0002_half']);
      // Fixed, the same migrations then apply from the start.
      failing['0002_half'].up = async (db: Kysely<unknown>) => {
        await db.schema.createTable('m_b').addColumn('id', 'text').execute();
      };
      expect(await migrateToLatest(handle.db, failing)).toEqual(['0001_good', '0002_half']);
      expect((await tables()).sort()).toEqual(['m_a', 'm_b']);
    } finally {
      if (other) await other.close();
      else await handle.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips epoch-ms times as numbers and JSON through the helper', async () => {
    const now = Date.UTC(2026, 10, 22, 8, 0, 0, 123);
    await sql`insert into jobs (id, type, payload, status, run_at, attempts, max_attempts, created_at, updated_at)
      values (${'job_x'}, ${'t'}, ${toJson({ a: [1, 2], s: '中文', n: null })}, ${'pending'}, ${now}, 0, 3, ${now}, ${now})`.execute(
      t.handle.db,
    );
    const row = (
      await sql<{
        run_at: number;
        payload: string;
      }>`select run_at, payload from jobs where id = 'job_x'`.execute(t.handle.db)
    ).rows[0];
    expect(row?.run_at).toBe(now);
    expect(fromJson(row?.payload ?? null)).toEqual({ a: [1, 2], s: '中文', n: null });
  });

  it('rolls back a failed transaction and commits a good one', async () => {
    const count = async () =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from workspaces`.execute(t.handle.db)).rows[0]?.n,
      );
    const insert = (db: typeof t.handle.db, id: string) =>
      sql`insert into workspaces (id, slug, name, time_zone, default_locale, created_at, updated_at)
        values (${id}, ${id}, ${'n'}, ${'UTC'}, ${'en'}, 1, 1)`.execute(db);
    const before = await count();
    await expect(
      inTransaction(t.handle.db, async (trx) => {
        await insert(trx, 'ws_a');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count()).toBe(before);
    await inTransaction(t.handle.db, async (trx) => {
      await insert(trx, 'ws_b');
      // A nested call joins the outer transaction instead of deadlocking on it.
      await inTransaction(trx, (inner) => insert(inner, 'ws_c'));
    });
    expect(await count()).toBe(before + 2);
  });

  it('makes sortable prefixed ids', () => {
    const ids = Array.from({ length: 1000 }, () => newId('cus'));
    expect(ids.every((id) => /^cus_[0-9a-z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it('inserts any number of rows in fixed-size statements and skips duplicates of the conflict key', async () => {
    const row = (n: number) => ({
      id: `job_bulk_${n}`,
      type: 'bulk',
      payload: toJson({ n }),
      status: 'done' as const,
      run_at: n,
      attempts: 0,
      max_attempts: 1,
      created_at: n,
      updated_at: n,
    });
    const stored = async () =>
      (
        await sql<{
          id: string;
          run_at: number;
        }>`select id, run_at from jobs where type = 'bulk' order by run_at`.execute(t.handle.db)
      ).rows;
    expect(await insertRows(t.handle.db, 'jobs', [])).toBe(0);
    // 301 = 2 × 128 + 32 + 8 + 4 + 1: every piece of the power-of-two split is used.
    const inserted = await inTransaction(t.handle.db, (trx) =>
      insertRows(
        trx,
        'jobs',
        Array.from({ length: 301 }, (_, i) => row(i)),
      ),
    );
    expect(inserted).toBe(301);
    expect((await stored()).map((r) => r.run_at)).toEqual(Array.from({ length: 301 }, (_, i) => i));
    // Only the one new row counts as inserted; the two duplicates are skipped.
    expect(
      await insertRows(t.handle.db, 'jobs', [row(5), row(301), { ...row(7), run_at: 9999 }], {
        onConflictIgnore: ['id'],
      }),
    ).toBe(1);
    const after = await stored();
    expect(after).toHaveLength(302);
    expect(after.find((r) => r.id === 'job_bulk_7')?.run_at).toBe(7);
  });

  it('upserts on a conflict key: counters add up, set columns take the new value, new keys are inserted', async () => {
    const { db } = t.handle;
    const row = (n: number, attempts: number, runAt: number) => ({
      id: `job_upsert_${n}`,
      type: 'upsert',
      payload: '{}',
      status: 'done' as const,
      run_at: runAt,
      attempts,
      max_attempts: 1,
      created_at: 1,
      updated_at: 1,
    });
    const onConflict = { key: ['id'], add: ['attempts'], set: ['run_at'] };
    // 13 = 8 + 4 + 1 rows: three statements of the split.
    await insertRows(
      db,
      'jobs',
      Array.from({ length: 13 }, (_, i) => row(i, i, 100)),
      { onConflict },
    );
    // Rows 0–9 exist: attempts add, run_at is replaced; rows 13–15 are new.
    await inTransaction(db, (trx) =>
      insertRows(
        trx,
        'jobs',
        [
          ...Array.from({ length: 10 }, (_, i) => row(i, 5, 200 + i)),
          row(13, 1, 7),
          row(14, 2, 7),
          row(15, 3, 7),
        ],
        { onConflict },
      ),
    );
    const stored = await db
      .selectFrom('jobs')
      .select(['id', 'attempts', 'run_at'])
      .where('type', '=', 'upsert')
      .execute();
    const byId = new Map(
      stored.map((r) => [r.id, { attempts: Number(r.attempts), runAt: Number(r.run_at) }]),
    );
    expect(byId.size).toBe(16);
    for (let i = 0; i < 16; i++) {
      const expected =
        i < 10
          ? { attempts: i + 5, runAt: 200 + i }
          : i < 13
            ? { attempts: i, runAt: 100 }
            : { attempts: i - 12, runAt: 7 };
      expect(byId.get(`job_upsert_${i}`)).toEqual(expected);
    }
    await db.deleteFrom('jobs').where('type', '=', 'upsert').execute();
  });

  it('updates many rows by key, grouped by the columns they set, with typed values on both dialects', async () => {
    const { db } = t.handle;
    // The 302 bulk jobs of the previous test: 301 of them set two columns, every third one a third column too.
    const updates = Array.from({ length: 301 }, (_, i) => ({
      key: [`job_bulk_${i}`],
      set:
        i % 3 === 0
          ? { status: 'done', run_at: 10_000 + i, payload: toJson({ i, s: '中文' }) }
          : { status: 'failed', run_at: 20_000 + i },
    }));
    const updated = await inTransaction(db, (trx) =>
      updateRows(trx, 'jobs', ['id'], updates, { run_at: 'bigint', payload: 'jsonb' }),
    );
    expect(updated).toBe(301);
    const rows = await db
      .selectFrom('jobs')
      .select(['id', 'status', 'run_at', 'payload'])
      .where('type', '=', 'bulk')
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (let i = 0; i < 301; i++) {
      const r = byId.get(`job_bulk_${i}`);
      expect(r?.status).toBe(i % 3 === 0 ? 'done' : 'failed');
      expect(Number(r?.run_at)).toBe(i % 3 === 0 ? 10_000 + i : 20_000 + i);
      if (i % 3 === 0) expect(fromJson(r?.payload ?? null)).toEqual({ i, s: '中文' });
    }
    expect(byId.get('job_bulk_301')?.run_at).toBe(301);
    // Unknown keys change nothing; nothing to set is not a statement.
    expect(await updateRows(db, 'jobs', ['id'], [{ key: ['job_none'], set: { status: 'done' } }])).toBe(0);
    expect(await updateRows(db, 'jobs', ['id'], [{ key: ['job_bulk_1'], set: {} }])).toBe(0);
  });

  it.skipIf(testDialect !== 'sqlite')(
    'keeps the WAL bounded under a sustained write load (it starts over once past its limit)',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tp-wal-'));
      const file = path.join(dir, 'w.db');
      const handle = openDatabase(`sqlite:${file}`, { walRestartBytes: 1_000_000 });
      try {
        await sql`create table blobs (id integer primary key, body text not null)`.execute(handle.db);
        // 30 MB in 300 transactions with short gaps between them, as the group commit writes; never a quiet second.
        let largest = 0;
        for (let i = 0; i < 300; i++) {
          await inTransaction(handle.db, (trx) =>
            sql`insert into blobs (body) values (${'x'.repeat(100_000)})`.execute(trx),
          );
          largest = Math.max(largest, statSync(`${file}-wal`).size);
          await new Promise((r) => setTimeout(r, 2));
        }
        // A passive checkpoint alone let this WAL grow to the whole 30 MB.
        expect(largest).toBeLessThan(15_000_000);
        const count = await sql<{ n: number }>`select count(*) as n from blobs`.execute(handle.db);
        expect(Number(count.rows[0]?.n)).toBe(300);
      } finally {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(testDialect !== 'sqlite')(
    'copies committed pages from the WAL into the database file on its checkpoint thread',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tp-ckpt-'));
      const file = path.join(dir, 'c.db');
      const handle = openDatabase(`sqlite:${file}`);
      try {
        // Commits never checkpoint on this connection…
        const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(handle.db);
        expect(auto.rows[0]?.wal_autocheckpoint).toBe(0);
        await sql`create table blobs (id integer primary key, body text not null)`.execute(handle.db);
        const before = statSync(file).size;
        await inTransaction(handle.db, async (trx) => {
          for (let i = 0; i < 40; i++)
            await sql`insert into blobs (body) values (${'x'.repeat(100_000)})`.execute(trx);
        });
        // …so the pages reach the database file through the checkpoint thread, within a few of its ticks.
        let size = statSync(file).size;
        for (let i = 0; i < 100 && size < before + 4_000_000; i++) {
          await new Promise((r) => setTimeout(r, 50));
          size = statSync(file).size;
        }
        expect(size).toBeGreaterThan(before + 4_000_000);
      } finally {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
