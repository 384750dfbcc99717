import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { allMigrations } from '../../src/migrations/index.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/platform/db/index.js';

/**
 * The dialect the suite runs on: PostgreSQL when TEST_DATABASE_URL is set (CI sets it for its second pass),
 * otherwise SQLite.
 */
export const testDialect: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The URL of this test's own database (a temp SQLite file or a fresh PostgreSQL database). */
  url: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file: a SQLite file in a temp folder, or a new database on
 * the PostgreSQL server of TEST_DATABASE_URL (dropped again on close).
 */
export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  let url: string;
  let cleanup: () => Promise<void>;
  if (adminUrl) {
    const name = `tp_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'tp-test-'));
    url = `sqlite:${path.join(dir, 'test.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const handle = openDatabase(url);
  if (options.migrate !== false) await migrateToLatest(handle.db, allMigrations(handle.kind));
  return {
    handle,
    url,
    async close() {
      await handle.close();
      await cleanup();
    },
  };
}
