/**
 * Benchmarks of the foundation's hot paths. Each figure is a ratio against a ceiling measured in the same run on the
 * same machine (these machines are shared and noisy, so absolute numbers mean little):
 *  - an authenticated admin API request (API key → workspace → JSON) vs a no-op route on the same server;
 *  - appending to the audit hash chain vs a raw better-sqlite3 insert of the same row;
 *  - claiming and completing a durable job vs a raw update of one row.
 * Run: npm run bench  (SQLite; set TEST_DATABASE_URL=postgres://… for PostgreSQL).
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { recordAudit } from '../src/modules/audit/index.js';
import { enqueueJob, JobRunner } from '../src/platform/jobs/index.js';
import { createTestApp } from '../test/support/app.js';
import { testDialect } from '../test/support/database.js';
import { opsPerSecond, report, type BenchResult } from './harness.js';

async function main(): Promise<void> {
  const h = await createTestApp();
  const ws = await h.workspace('bench');
  const { db } = h.t.handle;
  const results: BenchResult[] = [];

  // 1. Authenticated request vs no-op route, both through the full Fastify stack (inject, no sockets).
  const auth = { authorization: `Bearer ${ws.keys.admin}` };
  const noop = await opsPerSecond(() => h.app.inject({ method: 'GET', url: '/healthz' }));
  const authed = await opsPerSecond(() =>
    h.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: auth }),
  );
  results.push({
    name: 'GET /api/v1/workspace (API key auth)',
    opsPerSec: authed,
    ceiling: 'GET /healthz (no-op), same server',
    ceilingOpsPerSec: noop,
  });
  const list = await opsPerSecond(() =>
    h.app.inject({ method: 'GET', url: '/api/v1/audit?limit=50', headers: auth }),
  );
  results.push({
    name: 'GET /api/v1/audit?limit=50',
    opsPerSec: list,
    ceiling: 'GET /healthz (no-op), same server',
    ceilingOpsPerSec: noop,
  });

  // 2. Audit append (hash chain, head lock, one transaction) vs raw insert of the same shape.
  const ctx = { actor: { type: 'system' as const, id: 'bench' }, requestId: null, ip: null };
  const audited = await opsPerSecond(() =>
    recordAudit(db, ctx, {
      workspaceId: ws.id,
      action: 'bench.appended',
      targetType: 'bench',
      targetId: 'x',
      details: { n: 1 },
    }),
  );
  let ceilingName: string;
  let rawInsert: number;
  if (testDialect === 'sqlite') {
    const raw = new SqliteDatabase(path.join(mkdtempSync(path.join(tmpdir(), 'tp-bench-')), 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec(
      'create table t (workspace_id text, seq integer, id text, created_at integer, actor_type text, actor_id text, action text, target_type text, target_id text, request_id text, ip text, details text, prev_hash text, hash text, primary key (workspace_id, seq))',
    );
    const stmt = raw.prepare('insert into t values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
    let seq = 0;
    rawInsert = await opsPerSecond(() =>
      stmt.run(
        'ws',
        ++seq,
        `id${seq}`,
        Date.now(),
        'system',
        'bench',
        'a',
        't',
        'x',
        null,
        null,
        '{"n":1}',
        'p',
        'h',
      ),
    );
    ceilingName = 'raw better-sqlite3 insert, same pragmas (file, WAL)';
  } else {
    let seq = 0;
    await sql`create table bench_raw (workspace_id text, seq bigint, details jsonb, primary key (workspace_id, seq))`.execute(
      db,
    );
    rawInsert = await opsPerSecond(() =>
      sql`insert into bench_raw values ('ws', ${++seq}, '{"n":1}')`.execute(db),
    );
    ceilingName = 'raw single-row insert, same pool';
  }
  results.push({
    name: 'audit append (hash chain)',
    opsPerSec: audited,
    ceiling: ceilingName,
    ceilingOpsPerSec: rawInsert,
  });

  // 3. Job: enqueue + claim + run + complete vs one raw row update.
  let done = 0;
  const runner = new JobRunner({ db, concurrency: 1, handlers: { bench: async () => void done++ } });
  const jobs = await opsPerSecond(async () => {
    await enqueueJob(db, { type: 'bench', payload: {} });
    await runner.runDue();
  });
  const rawUpdate = await opsPerSecond(() =>
    sql`update workspaces set updated_at = ${Date.now()} where id = ${ws.id}`.execute(db),
  );
  results.push({
    name: 'job enqueue + claim + run + complete',
    opsPerSec: jobs,
    ceiling: 'one raw row update via Kysely',
    ceilingOpsPerSec: rawUpdate,
  });

  console.log(
    `\nTouchpoint foundation benchmarks — ${testDialect}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(report(results));
  console.log(`\n(${done} jobs ran)`);
  await h.close();
}

await main();
