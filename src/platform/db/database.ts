import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
  type DialectAdapter,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';

/**
 * The table map of the whole application. It is empty here on purpose: each module adds its own tables by
 * declaration merging (`declare module '…/platform/db/index.js' { interface Database { … } }`), so the platform
 * layer knows no business domain.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}

export type Db = Kysely<Database>;
export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: DatabaseKind;
  close(): Promise<void>;
}

const kinds = new WeakMap<object, DatabaseKind>();

// PostgreSQL returns int8/numeric as strings; our times (epoch ms) and counts fit in a double, so parse them.
// JSON is handed back as raw text on both dialects so that one helper (fromJson) reads it.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(114, (v) => v);
pg.types.setTypeParser(3802, (v) => v);

/** Prepared statements kept per connection: preparing costs more than running for the hot-path statements. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Hands Kysely a better-sqlite3 connection whose `prepare` reuses statements by SQL text (least recently used
 * dropped first). Kysely runs one query at a time on the single connection, so a statement is never in use twice.
 */
function cachingStatements(conn: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      conn.close();
    },
    prepare: (text: string) => {
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = conn.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

/**
 * SQLite runs schema changes inside transactions, but Kysely's adapter says it cannot, so its migrator would apply a
 * SQLite migration statement by statement: a failure half way (a full disk, a lock held past the busy timeout after a
 * large index build) would leave the schema half changed and the migration unrecorded, and no retry could apply it.
 * Declared transactional, the pending migrations and their records commit together or not at all, as on PostgreSQL.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * The WAL checkpointer of a SQLite file, on a thread of its own with its own connection. SQLite's automatic
 * checkpoint runs inside the commit that crosses the threshold, so one unlucky write pays for copying the whole
 * WAL back into the database file (and its fsync). Here the writer only appends to the WAL, and a PASSIVE checkpoint
 * (which never blocks the writer or readers) copies committed pages back every `intervalMs` on another core.
 *
 * A PASSIVE checkpoint never lets the WAL start over while the writer keeps appending (each pass ends behind the
 * newest frames), so under a sustained load the file would grow without bound — gigabytes per million events. Once
 * the WAL holds more than `restartBytes`, a RESTART checkpoint follows the passive one: it waits (up to 200 ms on this
 * thread) for a gap between the writer's transactions, copies the few frames the passive pass left and makes the
 * next transaction write the WAL from its start; `journal_size_limit` then trims the file.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const pageSize = db.pragma('page_size', { simple: true });
const checkpoint = () => {
  try {
    const [pass] = db.pragma('wal_checkpoint(PASSIVE)');
    if (pass && pass.log * pageSize > workerData.restartBytes) {
      db.pragma('busy_timeout = 200');
      try { db.pragma('wal_checkpoint(RESTART)'); } finally { db.pragma('busy_timeout = 0'); }
    }
  } catch { /* busy: next tick */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

function startCheckpointer(
  conn: SqliteDatabase.Database,
  file: string,
  restartBytes: number,
  intervalMs = 250,
): () => Promise<void> {
  conn.pragma('wal_autocheckpoint = 0');
  conn.pragma(`journal_size_limit = ${restartBytes}`);
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: {
      file,
      intervalMs,
      restartBytes,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  worker.unref();
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // Should the thread fail, the connection checkpoints by itself again rather than let the WAL grow.
  worker.on('error', () => {
    if (conn.open) conn.pragma('wal_autocheckpoint = 1000');
  });
  let stopped: Promise<void> | null = null;
  return () =>
    (stopped ??= exited
      ? Promise.resolve()
      : (() => {
          // Referenced again while stopping, so a script awaiting close() is not ended before the last checkpoint.
          worker.ref();
          worker.postMessage('stop');
          return exit;
        })());
}

/** Opens the database named by a `sqlite:<file>` or `postgres://` URL. */
export function openDatabase(
  url: string,
  options: {
    poolSize?: number;
    /** SQLite: WAL size past which the checkpoint thread makes it start over (default 64 MiB). */
    walRestartBytes?: number;
  } = {},
): DatabaseHandle {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const conn = new SqliteDatabase(file);
    conn.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
    conn.pragma('synchronous = NORMAL');
    conn.pragma('busy_timeout = 5000');
    conn.pragma('foreign_keys = ON');
    // 64 MiB of page cache (the default is 2 MiB): ingestion writes indexes in random order, and hitting the OS
    // cache for every page costs more than the memory.
    conn.pragma('cache_size = -65536');
    const stopCheckpointer =
      file === ':memory:' ? null : startCheckpointer(conn, file, options.walRestartBytes ?? 64 * 1024 * 1024);
    const db = new Kysely<Database>({
      dialect: new TransactionalDdlSqliteDialect({ database: cachingStatements(conn) }),
    });
    kinds.set(db, 'sqlite');
    return {
      db,
      kind: 'sqlite',
      close: async () => {
        await stopCheckpointer?.();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  kinds.set(db, 'postgres');
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/** Which dialect a Kysely instance (or a transaction opened by `inTransaction`) talks to. */
export function dialectOf(db: Db): DatabaseKind {
  const kind = kinds.get(db);
  if (!kind) throw new Error('dialectOf: database was not opened with openDatabase');
  return kind;
}

const inTx = new WeakSet<object>();

/**
 * Runs `fn` in one transaction and returns its result; rolls back if it throws. Every use case that changes state
 * goes through here. On SQLite it uses BEGIN IMMEDIATE so that two processes on one file queue for the write lock
 * instead of failing with SQLITE_BUSY on upgrade. Nested calls join the outer transaction.
 */
export async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (inTx.has(db) || db.isTransaction) return fn(db);
  const kind = dialectOf(db);
  if (kind === 'postgres') {
    return db.transaction().execute(async (trx) => {
      kinds.set(trx, kind);
      inTx.add(trx);
      return fn(trx);
    });
  }
  return db.connection().execute(async (conn) => {
    kinds.set(conn, kind);
    inTx.add(conn);
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}
