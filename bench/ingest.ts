/**
 * Benchmarks of event collection over real loopback HTTP. The Touchpoint server runs as its own process
 * (`src/main.ts start`, as in production) and every load goes through one load generator (node:http, keep-alive),
 * so each figure is a ratio to a ceiling measured in the same run on the same machine:
 *  (a) single-event POST /v1/track with durable acknowledgement vs a POST no-op route of a bare Fastify server in
 *      its own process, same body, same generator;
 *  (b) POST /v1/batch with 100 events per request (events/s) vs raw inserts of the same rows into a table of the
 *      same shape and indexes, one transaction per 5,000 rows (better-sqlite3 on SQLite; multi-row inserts through
 *      pg on PostgreSQL);
 *  (c) profile lookup by identifier (phone → identities.value_hash → profiles) p50/p99, after bulk-loading
 *      BENCH_PROFILES profiles with BENCH_EVENTS events, in-process and through GET /api/v1/customers/lookup;
 *  (d) the server's peak RSS while ingesting, and (b) again against the loaded database.
 * Overlapping requests are answered once their events are in the inbox and folded into profiles behind the answers;
 * after each load the benchmark waits until the server has folded them all (nothing else runs meanwhile) and
 * reports that too: the events still waiting when the load stopped, the time to fold them, and the end-to-end rate
 * (acknowledged events ÷ (load time + folding time)).
 *
 * Run: npx tsx bench/ingest.ts                    (SQLite)
 *      bash scripts/with-postgres.sh npx tsx bench/ingest.ts   (PostgreSQL)
 * Env: BENCH_PROFILES (1000000), BENCH_EVENTS (10 × profiles), BENCH_SECONDS per measurement (4),
 *      BENCH_CONNECTIONS (32), BENCH_ONLY=track (only (a): no batches, no bulk load), BENCH_ONLY=rss (only the
 *      server's RSS while BENCH_RSS_EVENTS (10,000,000) events of BENCH_RSS_CUSTOMERS (1,000,000) customers go
 *      through /v1/batch, 429s retried after Retry-After, until all are folded into profiles; the server as `npm start`
 *      runs it: compiled by `tsc -p tsconfig.build.json` and started through bin/touchpoint.js, or under tsx with
 *      BENCH_RSS_SERVER=tsx), BENCH_SERVER_PROFILE=dir
 *      (the Touchpoint server writes a V8 CPU profile of its whole life into dir: `node --cpu-prof`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { systemActor } from '../src/modules/audit/index.js';
import { createApiKey, createWorkspace, createWriteKey } from '../src/modules/workspaces/index.js';
import { createFieldCipher, type FieldCipher } from '../src/platform/crypto/index.js';
import { newId } from '../src/platform/db/index.js';
import { openTestDatabase, testDialect } from '../test/support/database.js';
import { report, type BenchResult } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tscBin = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? PROFILES * 10);
const DAY = 86_400_000;
const ONLY_TRACK = process.env.BENCH_ONLY === 'track';
const ONLY_RSS = process.env.BENCH_ONLY === 'rss';
const RSS_EVENTS = Number(process.env.BENCH_RSS_EVENTS ?? 10_000_000);
const RSS_CUSTOMERS = Number(process.env.BENCH_RSS_CUSTOMERS ?? 1_000_000);
const SERVER_PROFILE = process.env.BENCH_SERVER_PROFILE;
const RSS_SERVER_TSX = process.env.BENCH_RSS_SERVER === 'tsx';

// --- the ceiling server: `tsx bench/ingest.ts noop-server` ------------------------------------------------------

async function noopServer(): Promise<void> {
  const app = Fastify({ logger: false, bodyLimit: 512_000 });
  app.post('/noop', async () => ({ success: true }));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
}

// --- processes ---------------------------------------------------------------------------------------------------

interface Proc {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function spawnServer(
  args: string[],
  env: Record<string, string>,
  ready: string,
  profile = false,
): Promise<Proc> {
  const port = await freePort();
  const prof = profile && SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${SERVER_PROFILE}`] : [];
  const loader = args[0]?.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...prof, ...loader, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${ready}`, {
        method: ready === '/noop' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: ready === '/noop' ? '{}' : undefined,
      });
      if (res.ok) return { child, port, stderr: () => err };
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready: ${err}`);
    await sleep(100);
  }
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resident set size and CPU time (ms) of a process, from /proc (Linux). */
function procStats(pid: number): { rssMb: number; cpuMs: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
    return { rssMb: rssKb / 1024, cpuMs };
  } catch {
    return { rssMb: 0, cpuMs: 0 };
  }
}

// --- the load generator ------------------------------------------------------------------------------------------

interface LoadResult {
  requests: number;
  perSecond: number;
  non2xx: number;
  p50: number;
  p99: number;
  serverCpu: number;
  generatorCpu: number;
  peakRssMb: number;
}

/**
 * `connections` keep-alive clients send requests back to back for `seconds`; `body(i)` makes each request's body.
 * Also samples the server's CPU use and RSS while it runs.
 */
async function load(
  port: number,
  pid: number,
  url: string,
  headers: Record<string, string>,
  body: (i: number) => string,
  seconds: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let n = 0;
  let non2xx = 0;
  const latencies: number[] = [];
  let peakRssMb = procStats(pid).rssMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, procStats(pid).rssMb)), 200);
  const cpu0 = procStats(pid).cpuMs;
  const gen0 = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  const one = (payload: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: url,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const payload = body(n + non2xx);
        const t0 = performance.now();
        const status = await one(payload);
        latencies.push(performance.now() - t0);
        if (status >= 200 && status < 300) n++;
        else non2xx++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const gen = process.cpuUsage(gen0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: n,
    perSecond: n / elapsed,
    non2xx,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    serverCpu: (procStats(pid).cpuMs - cpu0) / 1000 / elapsed,
    generatorCpu: (gen.user + gen.system) / 1e6 / elapsed,
    peakRssMb,
  };
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : NaN;
}

// --- event shapes ------------------------------------------------------------------------------------------------

const CATEGORIES = ['流量包', '5G 套餐', '宽带', '国际漫游', '家庭套餐', '视频会员'];
const CITIES = ['杭州', '上海', '北京', '广州', '深圳', '成都'];
let seq = 0;
const run = randomBytes(4).toString('hex');

/** One Segment message as an SDK would send it, for customer `u` (known user or anonymous visitor). */
function message(u: number, i: number, now: string, userPrefix: string): Record<string, unknown> {
  const messageId = `${run}-${++seq}`;
  const kind = i % 10;
  const base = {
    messageId,
    timestamp: now,
    context: { channel: i % 3 ? 'app' : 'web', library: { name: 'bench' } },
  };
  if (kind === 0)
    return {
      ...base,
      type: 'identify',
      userId: `${userPrefix}${u}`,
      traits: {
        phone: `${userPrefix === 'bulk-' ? 137 : 139}${String(u % 1e8).padStart(8, '0')}`,
        city: CITIES[u % CITIES.length],
        name: `用户${u}`,
      },
    };
  if (kind === 1)
    return {
      ...base,
      type: 'track',
      userId: `${userPrefix}${u}`,
      event: 'Order Completed',
      properties: { order_id: messageId, revenue: 39.9, currency: 'CNY' },
    };
  if (kind === 2)
    return {
      ...base,
      type: 'page',
      anonymousId: `${userPrefix}anon-${u}`,
      name: '套餐',
      properties: { path: '/plans' },
    };
  return {
    ...base,
    type: 'track',
    userId: `${userPrefix}${u}`,
    anonymousId: `${userPrefix}anon-${u}`,
    event: 'Product Viewed',
    properties: { category: CATEGORIES[i % CATEGORIES.length], product: `plan-${i % 40}`, price: 59 },
  };
}

// --- storage ceilings --------------------------------------------------------------------------------------------

const EVENT_COLUMNS = [
  'workspace_id',
  'id',
  'message_id',
  'type',
  'name',
  'profile_id',
  'user_id',
  'anonymous_id',
  'channel',
  'properties',
  'context',
  'source_id',
  'received_at',
  'sent_at',
  'original_timestamp',
  'timestamp',
] as const;
type EventRow = (string | number | null)[];

/** Event rows as the server stores them (same columns, JSON of the same messages). */
function eventRows(count: number, workspaceId: string): EventRow[] {
  const now = Date.now();
  const iso = new Date(now).toISOString();
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const m = message(i % 50_000, i, iso, 'raw-u-') as {
      messageId: string;
      type: string;
      event?: string;
      name?: string;
      userId?: string;
      anonymousId?: string;
      properties?: unknown;
      context: unknown;
    };
    rows.push([
      workspaceId,
      newId('evt'),
      m.messageId,
      m.type,
      m.event ?? m.name ?? null,
      newId('cus'),
      m.userId ?? null,
      m.anonymousId ?? null,
      'app',
      JSON.stringify(m.properties ?? {}),
      JSON.stringify(m.context),
      'wk_bench',
      now,
      now,
      now,
      now,
    ]);
  }
  return rows;
}

const EVENTS_DDL = (table: string, json: string) => [
  `create table ${table} (workspace_id text not null, id text not null, message_id text not null, type text not null,
    name text, profile_id text not null, user_id text, anonymous_id text, channel text not null,
    properties ${json} not null, context ${json} not null, source_id text, received_at bigint not null,
    sent_at bigint, original_timestamp bigint, timestamp bigint not null,
    primary key (workspace_id, id), unique (workspace_id, message_id))`,
  `create index ${table}_profile on ${table} (workspace_id, profile_id, timestamp)`,
  `create index ${table}_time on ${table} (workspace_id, timestamp)`,
];

/** Rows per second of raw inserts of the same rows, one transaction per 5,000 rows, in a fresh table. */
async function storageCeiling(
  pgUrl: string | null,
  rows: EventRow[],
): Promise<{ perSecond: number; name: string }> {
  if (!pgUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'tp-bench-raw-'));
    const raw = new SqliteDatabase(path.join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    for (const ddl of EVENTS_DDL('events', 'text')) raw.exec(ddl);
    const stmt = raw.prepare(`insert into events values (${EVENT_COLUMNS.map(() => '?').join(',')})`);
    const tx = raw.transaction((part: EventRow[]) => {
      for (const r of part) stmt.run(r);
    });
    const start = performance.now();
    for (let i = 0; i < rows.length; i += 5000) tx(rows.slice(i, i + 5000));
    const perSecond = rows.length / ((performance.now() - start) / 1000);
    raw.close();
    rmSync(dir, { recursive: true, force: true });
    return { perSecond, name: 'raw better-sqlite3 inserts, same rows + indexes, 5,000 rows/tx' };
  }
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  for (const ddl of EVENTS_DDL('bench_raw_events', 'jsonb')) await client.query(ddl);
  const start = performance.now();
  for (let i = 0; i < rows.length; i += 5000) {
    await client.query('begin');
    for (let j = i; j < Math.min(i + 5000, rows.length); j += 1000)
      await multiInsert(
        client,
        'bench_raw_events',
        EVENT_COLUMNS,
        rows.slice(j, Math.min(j + 1000, i + 5000)),
      );
    await client.query('commit');
  }
  const perSecond = rows.length / ((performance.now() - start) / 1000);
  await client.query('drop table bench_raw_events');
  await client.end();
  return { perSecond, name: 'raw multi-row inserts through pg, same rows + indexes, 5,000 rows/tx' };
}

async function multiInsert(
  client: pg.Client,
  table: string,
  columns: readonly string[],
  rows: EventRow[],
): Promise<void> {
  const params: (string | number | null)[] = [];
  const tuples = rows.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
  await client.query(`insert into ${table} (${columns.join(',')}) values ${tuples.join(',')}`, params);
}

// --- bulk load for the lookup benchmark --------------------------------------------------------------------------

/**
 * Writes `profiles` customers (user id + phone identities, sealed PII, stats) and `events` events straight into
 * the tables, in the shapes recordEvents writes — ingesting 10 M events through HTTP would take longer than a
 * benchmark run should.
 */
async function bulkLoad(
  url: string,
  workspaceId: string,
  cipher: FieldCipher,
  profiles: number,
  events: number,
): Promise<number> {
  const start = performance.now();
  const now = Date.now();
  const perProfile = Math.max(0, Math.floor(events / Math.max(1, profiles)));
  const sqlite = url.startsWith('sqlite:') ? new SqliteDatabase(url.slice('sqlite:'.length)) : null;
  const client = sqlite ? null : new pg.Client({ connectionString: url });
  await client?.connect();
  if (sqlite) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -524288');
  }
  const profileCols = [
    'workspace_id',
    'id',
    'merged_into',
    'traits',
    'pii',
    'name_index',
    'phone_suffix_index',
    'stats',
    'event_count',
    'first_seen_at',
    'last_seen_at',
    'created_at',
    'updated_at',
  ];
  const identityCols = [
    'workspace_id',
    'type',
    'value_hash',
    'value',
    'profile_id',
    'first_seen_at',
    'last_seen_at',
  ];
  const insertSqlite = sqlite
    ? {
        profiles: sqlite.prepare(`insert into profiles values (${profileCols.map(() => '?').join(',')})`),
        identities: sqlite.prepare(
          `insert into identities (${identityCols.join(',')}) values (${identityCols.map(() => '?').join(',')})`,
        ),
        events: sqlite.prepare(
          `insert into events (${EVENT_COLUMNS.join(',')}) values (${EVENT_COLUMNS.map(() => '?').join(',')})`,
        ),
      }
    : null;
  const propsJson = CATEGORIES.map((c, i) =>
    JSON.stringify({ category: c, product: `plan-${i}`, price: 59 }),
  );
  const ctxJson = JSON.stringify({ channel: 'app', library: { name: 'bulk' } });
  const BLOCK = 5000;
  for (let from = 0; from < profiles; from += BLOCK) {
    const p: EventRow[] = [];
    const ids: EventRow[] = [];
    const ev: EventRow[] = [];
    for (let u = from; u < Math.min(profiles, from + BLOCK); u++) {
      const id = newId('cus');
      const phone = `+86137${String(u).padStart(8, '0')}`;
      const first = now - 90 * DAY + (u % 1000) * 60_000;
      const stats = {
        traitTimes: { city: first, 'pii.name': first, 'pii.phone': first },
        spendMinor: 3990 * (u % 5),
        currency: 'CNY',
        orderCount: u % 5,
        lastPurchaseAt: first,
        interests: { [CATEGORIES[u % 6] as string]: perProfile },
        channels: { app: perProfile },
        subscriptions: {},
      };
      p.push([
        workspaceId,
        id,
        null,
        JSON.stringify({ city: CITIES[u % 6], gender: u % 2 ? 'female' : 'male' }),
        cipher.encrypt(JSON.stringify({ name: `用户${u}`, phone })),
        cipher.blindIndex('name', `用户${u}`),
        cipher.blindIndex('phone_suffix', phone.slice(-4)),
        JSON.stringify(stats),
        perProfile,
        first,
        first + perProfile * DAY,
        now,
        now,
      ]);
      ids.push([
        workspaceId,
        'user_id',
        cipher.blindIndex('identity:user_id', `bulk-${u}`),
        `bulk-${u}`,
        id,
        now,
        now,
      ]);
      ids.push([
        workspaceId,
        'phone',
        cipher.blindIndex('identity:phone', phone),
        cipher.encrypt(phone),
        id,
        now,
        now,
      ]);
      for (let j = 0; j < perProfile; j++) {
        const t = first + j * DAY;
        ev.push([
          workspaceId,
          newId('evt'),
          `bulk-${String(u).padStart(8, '0')}-${j}`,
          'track',
          'Product Viewed',
          id,
          `bulk-${u}`,
          null,
          'app',
          propsJson[(u + j) % 6] as string,
          ctxJson,
          'wk_bulk',
          t,
          t,
          t,
          t,
        ]);
      }
    }
    if (sqlite && insertSqlite) {
      sqlite.transaction(() => {
        for (const r of p) insertSqlite.profiles.run(r);
        for (const r of ids) insertSqlite.identities.run(r);
        for (const r of ev) insertSqlite.events.run(r);
      })();
    } else if (client) {
      await client.query('begin');
      for (let i = 0; i < p.length; i += 1000)
        await multiInsert(client, 'profiles', profileCols, p.slice(i, i + 1000));
      for (let i = 0; i < ids.length; i += 1000)
        await multiInsert(client, 'identities', identityCols, ids.slice(i, i + 1000));
      for (let i = 0; i < ev.length; i += 1000)
        await multiInsert(client, 'events', EVENT_COLUMNS, ev.slice(i, i + 1000));
      await client.query('commit');
    }
    if ((from / BLOCK) % 20 === 19)
      process.stderr.write(
        `  bulk load: ${(from + BLOCK).toLocaleString('en')} profiles, ${((from + BLOCK) * perProfile).toLocaleString('en')} events, ${((performance.now() - start) / 1000).toFixed(0)} s\n`,
      );
  }
  if (sqlite) {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.exec('analyze');
    sqlite.close();
  } else if (client) {
    await client.query('analyze');
    await client.end();
  }
  return (performance.now() - start) / 1000;
}

// --- main --------------------------------------------------------------------------------------------------------

/**
 * The server's resident memory while `total` events of `customers` customers go through /v1/batch (100 per request,
 * 8 connections, a 429 retried after its Retry-After) and are folded into profiles: RSS sampled every 250 ms.
 */
async function rssSoak(
  serverEnv: Record<string, string>,
  headers: Record<string, string>,
  inboxCount: () => Promise<number>,
  total: number,
  customers: number,
): Promise<string[]> {
  const lines: string[] = [];
  if (!RSS_SERVER_TSX) execFileSync(process.execPath, [tscBin, '-p', 'tsconfig.build.json'], { cwd: ROOT });
  const server = await spawnServer(
    RSS_SERVER_TSX ? ['src/main.ts', 'start'] : ['bin/touchpoint.js', 'start'],
    serverEnv,
    '/readyz',
  );
  lines.push(
    `server: ${RSS_SERVER_TSX ? 'src/main.ts under tsx' : 'compiled (dist/), started through bin/touchpoint.js'}`,
  );
  const pid = server.child.pid!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let peak = 0;
  let acked = 0;
  let refused = 0;
  let connectionErrors = 0;
  let next = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, procStats(pid).rssMb)), 250);
  const cpu0 = procStats(pid).cpuMs;
  const started = performance.now();
  const post = (payload: string) =>
    new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/v1/batch',
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  let nextReport = 1_000_000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next;
        next += 100;
        const iso = new Date().toISOString();
        const batch = Array.from({ length: 100 }, (_, j) =>
          message(Math.floor(Math.random() * customers), i + j, iso, 'u-'),
        );
        const payload = JSON.stringify({ batch, sentAt: iso });
        for (;;) {
          let answer: { status: number; retryAfter: number };
          try {
            answer = await post(payload);
          } catch {
            // A connection the server closed (keep-alive timeout, restart): sent again. The batch's messageIds are
            // the same, so whatever the server had already stored is de-duplicated, as for an SDK's retry.
            connectionErrors++;
            await sleep(500);
            continue;
          }
          const { status, retryAfter } = answer;
          if (status >= 200 && status < 300) break;
          if (status !== 429) throw new Error(`/v1/batch answered ${status}`);
          refused++;
          await sleep(retryAfter * 1000);
        }
        acked += 100;
        if (acked >= nextReport) {
          nextReport += 1_000_000;
          lines.push(
            `${acked.toLocaleString('en')} acknowledged after ${((performance.now() - started) / 1000).toFixed(0)} s: ` +
              `RSS ${Math.round(procStats(pid).rssMb)} MB (peak so far ${Math.round(peak)} MB), ` +
              `${(await inboxCount()).toLocaleString('en')} waiting in the inbox`,
          );
          console.error(lines.at(-1));
        }
      }
    }),
  );
  const ackSeconds = (performance.now() - started) / 1000;
  while ((await inboxCount()) > 0) await sleep(250);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  agent.destroy();
  lines.push(
    `${acked.toLocaleString('en')} events of ${customers.toLocaleString('en')} customers acknowledged in ${ackSeconds.toFixed(0)} s ` +
      `(${refused.toLocaleString('en')} requests refused with 429 and retried, ${connectionErrors} sent again after a connection error) ` +
      `and folded into profiles after ${seconds.toFixed(0)} s ` +
      `(${Math.round(acked / seconds).toLocaleString('en')} events/s end to end, server CPU ${((procStats(pid).cpuMs - cpu0) / 1000).toFixed(0)} s); ` +
      `server RSS peak ${Math.round(peak)} MB (target < 500 MB)`,
  );
  await stop(server);
  return lines;
}

async function main(): Promise<void> {
  const t = await openTestDatabase();
  const { db } = t.handle;
  const actor = systemActor('bench');
  const ws = await createWorkspace(db, actor, {
    slug: 'bench-ingest',
    name: 'Bench',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'en',
    ownerUserId: null,
  });
  const writeKey = (await createWriteKey(db, actor, ws.id, { name: 'bench' })).key;
  const apiKey = (await createApiKey(db, actor, null, ws.id, { name: 'bench', role: 'admin' })).key;
  const secret = randomBytes(32);
  const cipher = createFieldCipher(secret);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-bench-ingest-'));
  const serverEnv = {
    DATA_DIR: dataDir,
    DATABASE_URL: t.url,
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: 'false',
    TOUCHPOINT_SECRET_KEY: secret.toString('hex'),
  };
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
  };
  const lines: string[] = [];
  const results: BenchResult[] = [];
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const describeLoad = (name: string, r: LoadResult) =>
    `${name}: ${Math.round(r.perSecond).toLocaleString('en')} req/s, latency p50 ${r.p50.toFixed(1)} ms / p99 ${r.p99.toFixed(1)} ms, ` +
    `server CPU ${pct(r.serverCpu)} of a core (${((r.serverCpu * 1000) / Math.max(1, r.perSecond)).toFixed(3)} ms per request), ` +
    `load generator CPU ${pct(r.generatorCpu)}, non-2xx ${r.non2xx}`;
  const loadAverage = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ');
  lines.push(`load average (1/5/15 min) at the start: ${loadAverage()}`);

  // Overlapping requests are answered once their events are in the inbox; the server folds them into profiles
  // behind the answers. After each load: how many were still waiting, and how long the server took to fold them in
  // (with nothing else running, so that it never overlaps a ceiling's measurement).
  interface Drain {
    waiting: number;
    seconds: number;
    serverCpu: number;
  }
  const inboxCount = async () =>
    Number(
      (
        await db
          .selectFrom('ingest_inbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('failed_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const drain = async (pid: number): Promise<Drain> => {
    const waiting = await inboxCount();
    const cpu0 = procStats(pid).cpuMs;
    const t0 = performance.now();
    while ((await inboxCount()) > 0) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t0) / 1000;
    return { waiting, seconds, serverCpu: (procStats(pid).cpuMs - cpu0) / 1000 / Math.max(seconds, 1e-3) };
  };
  const describeDrain = (name: string, acknowledged: number, loadSeconds: number, d: Drain) =>
    `${name}: ${d.waiting.toLocaleString('en')} of ${acknowledged.toLocaleString('en')} acknowledged events still in the inbox when the load stopped, ` +
    `folded into profiles in ${d.seconds.toFixed(2)} s (${Math.round(d.waiting / Math.max(d.seconds, 1e-3)).toLocaleString('en')} events/s, server CPU ${pct(d.serverCpu)}); ` +
    `end to end ${Math.round(acknowledged / (loadSeconds + d.seconds)).toLocaleString('en')} events/s`;

  if (ONLY_RSS) {
    lines.push(...(await rssSoak(serverEnv, headers, inboxCount, RSS_EVENTS, RSS_CUSTOMERS)));
    console.log(
      `\nTouchpoint ingestion memory — ${testDialect}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.versions.node}, ${new Date().toISOString()}\n`,
    );
    for (const l of lines) console.log(`- ${l}`);
    console.log(`- load average (1/5/15 min) at the end: ${loadAverage()}`);
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
    return;
  }

  const noop = await spawnServer([fileURLToPath(import.meta.url), 'noop-server'], {}, '/noop');
  let server = await spawnServer(['src/main.ts', 'start'], serverEnv, '/readyz', true);
  let ingestedByServer = 0;
  let peakRss = 0;

  // (a) single events: no-op ceiling and /v1/track, alternating so that drift on a shared machine hits both.
  const nowIso = () => new Date().toISOString();
  const trackBody = (i: number) => {
    const m = message(i % 20_000, 3 + (i % 7), nowIso(), 'u-');
    return JSON.stringify({ ...m, type: undefined, sentAt: nowIso() });
  };
  await load(noop.port, noop.child.pid!, '/noop', headers, trackBody, 1);
  await load(server.port, server.child.pid!, '/v1/track', headers, trackBody, 1);
  await drain(server.child.pid!);
  const noopRuns: LoadResult[] = [];
  const trackRuns: LoadResult[] = [];
  const trackDrains: Drain[] = [];
  for (let round = 0; round < 2; round++) {
    noopRuns.push(await load(noop.port, noop.child.pid!, '/noop', headers, trackBody, SECONDS));
    trackRuns.push(await load(server.port, server.child.pid!, '/v1/track', headers, trackBody, SECONDS));
    trackDrains.push(await drain(server.child.pid!));
  }
  const avg = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.perSecond, 0) / rs.length;
  for (const r of trackRuns) {
    ingestedByServer += r.requests;
    peakRss = Math.max(peakRss, r.peakRssMb);
  }
  const endToEnd = (runs: LoadResult[], drains: Drain[], perRequest: number) =>
    runs.reduce((a, r, i) => a + (r.requests * perRequest) / (SECONDS + drains[i]!.seconds), 0) / runs.length;
  results.push({
    name: 'POST /v1/track, 1 event, 2xx after commit (req/s)',
    opsPerSec: avg(trackRuns),
    ceiling: 'POST no-op route, bare Fastify, own process',
    ceilingOpsPerSec: avg(noopRuns),
  });
  results.push({
    name: 'POST /v1/track end to end: acknowledged, then folded into profiles (events/s)',
    opsPerSec: endToEnd(trackRuns, trackDrains, 1),
    ceiling: 'POST no-op route, bare Fastify, own process',
    ceilingOpsPerSec: avg(noopRuns),
  });
  for (let round = 0; round < 2; round++) {
    lines.push(describeLoad(`no-op ceiling (round ${round + 1})`, noopRuns[round]!));
    lines.push(describeLoad(`/v1/track (round ${round + 1})`, trackRuns[round]!));
    lines.push(
      describeDrain(
        `/v1/track (round ${round + 1})`,
        trackRuns[round]!.requests,
        SECONDS,
        trackDrains[round]!,
      ),
    );
  }
  lines.push(`load average (1/5/15 min) after (a): ${loadAverage()}`);
  if (ONLY_TRACK) {
    await stop(server);
    await stop(noop);
    console.log(
      `\nTouchpoint /v1/track benchmark — ${testDialect}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ` +
        `Node ${process.versions.node}, ${new Date().toISOString()}; ${CONNECTIONS} keep-alive connections, ${SECONDS} s per measurement\n`,
    );
    console.log(report(results));
    console.log('');
    for (const l of lines) console.log(`- ${l}`);
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
    return;
  }

  // (b) batches of 100 events vs raw inserts of the same rows.
  const batchBody = (userPrefix: string, users: number) => (i: number) => {
    const iso = nowIso();
    const batch = Array.from({ length: 100 }, (_, j) =>
      message(Math.floor(Math.random() * users), i * 100 + j, iso, userPrefix),
    );
    return JSON.stringify({ batch, sentAt: iso });
  };
  await load(server.port, server.child.pid!, '/v1/batch', headers, batchBody('u-', 200_000), 1);
  await drain(server.child.pid!);
  const batchRuns: LoadResult[] = [];
  const batchDrains: Drain[] = [];
  for (let round = 0; round < 2; round++) {
    batchRuns.push(
      await load(server.port, server.child.pid!, '/v1/batch', headers, batchBody('u-', 200_000), SECONDS),
    );
    batchDrains.push(await drain(server.child.pid!));
  }
  for (const r of batchRuns) {
    ingestedByServer += r.requests * 100;
    peakRss = Math.max(peakRss, r.peakRssMb);
  }
  const ceilingRows = eventRows(200_000, ws.id);
  const ceiling = await storageCeiling(t.handle.kind === 'postgres' ? t.url : null, ceilingRows);
  results.push({
    name: 'POST /v1/batch, 100 events/request (events/s)',
    opsPerSec: avg(batchRuns) * 100,
    ceiling: ceiling.name,
    ceilingOpsPerSec: ceiling.perSecond,
  });
  results.push({
    name: 'POST /v1/batch end to end: acknowledged, then folded into profiles (events/s)',
    opsPerSec: endToEnd(batchRuns, batchDrains, 100),
    ceiling: ceiling.name,
    ceilingOpsPerSec: ceiling.perSecond,
  });
  for (let round = 0; round < 2; round++) {
    lines.push(describeLoad(`/v1/batch (round ${round + 1}, requests of 100 events)`, batchRuns[round]!));
    lines.push(
      describeDrain(
        `/v1/batch (round ${round + 1})`,
        batchRuns[round]!.requests * 100,
        SECONDS,
        batchDrains[round]!,
      ),
    );
  }
  const counts = async () => {
    const e = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const p = await db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    return { events: Number(e.n), profiles: Number(p.n) };
  };
  const afterIngest = await counts();
  lines.push(
    `stored after (a)+(b): ${afterIngest.events.toLocaleString('en')} events, ${afterIngest.profiles.toLocaleString('en')} live profiles`,
  );
  lines.push(
    `server RSS peak while ingesting ${ingestedByServer.toLocaleString('en')} events over HTTP: ${Math.round(peakRss)} MB`,
  );
  await stop(server);
  await stop(noop);

  // (c) bulk-load to the target size, then look customers up by phone.
  const loadSeconds = await bulkLoad(t.url, ws.id, cipher, PROFILES, EVENTS);
  const sized = await counts();
  lines.push(
    `bulk load: ${sized.profiles.toLocaleString('en')} live profiles, ${sized.events.toLocaleString('en')} events in ${loadSeconds.toFixed(0)} s (direct inserts)`,
  );
  const phoneOf = (u: number) => `+86137${String(u).padStart(8, '0')}`;
  const pick = () => Math.floor(Math.random() * PROFILES);
  const lookupOnce = async (u: number) => {
    const row = await db
      .selectFrom('identities')
      .select('profile_id')
      .where('workspace_id', '=', ws.id)
      .where('value_hash', '=', cipher.blindIndex('identity:phone', phoneOf(u)))
      .executeTakeFirst();
    if (!row) throw new Error(`no identity for ${u}`);
    const p = await db
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', row.profile_id)
      .executeTakeFirstOrThrow();
    return [JSON.parse(p.traits), JSON.parse(p.stats), p.pii ? JSON.parse(cipher.decrypt(p.pii)) : null];
  };
  for (let i = 0; i < 2000; i++) await lookupOnce(pick());
  const inProcess: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t0 = performance.now();
    await lookupOnce(pick());
    inProcess.push(performance.now() - t0);
  }
  inProcess.sort((a, b) => a - b);
  lines.push(
    `profile lookup by phone (blind index → identities → profiles row, decrypt), ${sized.profiles.toLocaleString('en')} profiles / ${sized.events.toLocaleString('en')} events, in-process: ` +
      `p50 ${percentile(inProcess, 0.5).toFixed(3)} ms, p99 ${percentile(inProcess, 0.99).toFixed(3)} ms (20,000 random lookups; target p99 ≤ 5 ms)`,
  );

  // The same through the HTTP API (the 360° view: profile, identities, merges, per-channel/type/day counts).
  server = await spawnServer(['src/main.ts', 'start'], serverEnv, '/readyz');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const getStatus = (u: number) =>
    new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port: server.port,
            agent,
            path: `/api/v1/customers/lookup?type=phone&value=${encodeURIComponent(phoneOf(u))}`,
            headers: { authorization: `Bearer ${apiKey}` },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        )
        .on('error', reject);
    });
  const viaApi: number[] = [];
  let apiStatus = 0;
  for (let i = 0; i < 3000; i++) {
    const t0 = performance.now();
    apiStatus = await getStatus(pick());
    if (apiStatus !== 200) break;
    if (i >= 500) viaApi.push(performance.now() - t0);
  }
  agent.destroy();
  viaApi.sort((a, b) => a - b);
  lines.push(
    apiStatus === 200
      ? `GET /api/v1/customers/lookup?type=phone (full 360° view, one keep-alive connection): p50 ${percentile(viaApi, 0.5).toFixed(2)} ms, p99 ${percentile(viaApi, 0.99).toFixed(2)} ms (2,500 lookups)`
      : `GET /api/v1/customers/lookup answered ${apiStatus}; not measured`,
  );

  // (b) again on the loaded database: events for known customers.
  await load(server.port, server.child.pid!, '/v1/batch', headers, batchBody('bulk-', PROFILES), 1);
  await drain(server.child.pid!);
  const scaled = await load(
    server.port,
    server.child.pid!,
    '/v1/batch',
    headers,
    batchBody('bulk-', PROFILES),
    SECONDS,
  );
  const scaledDrain = await drain(server.child.pid!);
  results.push({
    name: `POST /v1/batch at ${sized.profiles.toLocaleString('en')} profiles / ${sized.events.toLocaleString('en')} events`,
    opsPerSec: scaled.perSecond * 100,
    ceiling: `${ceiling.name} (empty table)`,
    ceilingOpsPerSec: ceiling.perSecond,
  });
  lines.push(describeLoad('/v1/batch on the loaded database', scaled));
  lines.push(describeDrain('/v1/batch on the loaded database', scaled.requests * 100, SECONDS, scaledDrain));
  lines.push(`server RSS peak while ingesting into the loaded database: ${Math.round(scaled.peakRssMb)} MB`);
  await stop(server);

  console.log(
    `\nTouchpoint ingestion benchmarks — ${testDialect}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}; ` +
      `${CONNECTIONS} keep-alive connections, ${SECONDS} s per measurement\n`,
  );
  console.log(report(results));
  console.log('');
  for (const l of lines) console.log(`- ${l}`);
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
}

if (process.argv[2] === 'noop-server') await noopServer();
else await main();
