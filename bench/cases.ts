/**
 * Benchmarks of the cases module with BENCH_CASES (1,000,000) cases in one workspace, BENCH_ACTIVE (10 %) of them active and
 * spread over 20 agents and 4 teams. Each figure comes with a ceiling measured in the same run on the same machine:
 *  (a) agent inbox (`GET /api/v1/cases?view=mine`, SLA-due order, page of 50), team queue with filters, and case
 *      search (text over the active cases; a case number) — p50/p95 through the whole HTTP stack (inject) vs the
 *      p95 of a no-op route (`GET /healthz`) of the same server;
 *  (b) the SLA/escalation sweep of BENCH_SWEEP (100,000) open cases whose check is due, one in BENCH_BREACH_EVERY
 *      (100) of them breaching its first-response target and escalated (priority raised) — vs a raw read of the same rows (`select *` of the
 *      due cases, no evaluation, no writes) plus a raw one-column update of the same rows, both on the same database.
 *
 * Run: npx tsx bench/cases.ts            (SQLite)
 *      bash scripts/with-postgres.sh npx tsx bench/cases.ts   (PostgreSQL)
 */
import { Session } from 'node:inspector/promises';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { addMember } from '../src/modules/workspaces/index.js';
import { actor, createTestApp, testConfig, type TestApp } from '../test/support/app.js';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/modules/workspaces/index.js';
import { testDialect } from '../test/support/database.js';
import { saveRule } from '../src/modules/cases/case.settings.js';
import { sweepWorkspace, type SweepResult } from '../src/modules/cases/index.js';
import { checkInputsOf } from '../src/modules/cases/case.engine.js';
import { searchTokens } from '../src/modules/cases/case.search.js';
import type { CaseChecksTable, CasesTable } from '../src/modules/cases/cases.tables.js';
import { EventBus } from '../src/platform/events/index.js';
import {
  dialectOf,
  migrateToLatest,
  openDatabase,
  toJson,
  type DatabaseHandle,
  type Db,
} from '../src/platform/db/index.js';
import { allMigrations } from '../src/migrations/index.js';

const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const SWEEP = Number(process.env.BENCH_SWEEP ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
/** One due case in BREACH_EVERY breaches its first-response target during the sweep (and is escalated). */
const BREACH_EVERY = Number(process.env.BENCH_BREACH_EVERY ?? 100);
const DAY = 86_400_000;

const TEXTS = [
  '家里信号很差，经常无服务',
  '本月账单多扣了流量费',
  '营业厅服务态度差',
  '宽带经常断网，报修没人管',
  '营销短信太多，退订无效',
  '试用到期自动扣费没有提醒',
  'Mobile data is very slow in the evening',
  'I was charged twice for my plan',
  '携号转网办理失败',
  '光猫频繁掉线',
];
const CATEGORIES = [
  'network_quality',
  'billing',
  'service_attitude',
  'network_quality',
  'marketing_harassment',
  'product_package',
  'network_quality',
  'billing',
  'business_handling',
  'device',
];
const STATUSES_DONE = ['resolved', 'closed', 'closed'];
const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function latency(fn: () => Promise<unknown>, n = ITERATIONS): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < Math.min(20, n); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/**
 * BENCH_CASES_DB=<file> (SQLite): the first run saves the loaded database there; later runs sweep a copy of it
 * instead of loading again (the sweeps change it), skipping the HTTP queries (the app has its own database).
 */
const KEPT = testDialect === 'sqlite' ? process.env.BENCH_CASES_DB : undefined;

/**
 * Kept databases: the HTTP queries through an app built over the copy (an admin API key is created in it), before
 * its sweeps change it.
 */
async function queriesOnKept(handle: DatabaseHandle, wsId: string, label: string): Promise<void> {
  if (process.env.BENCH_ONLY_SWEEP === '1') return;
  const app = await buildApp({ config: testConfig, database: handle, logger: false });
  await app.ready();
  try {
    const key = (await createApiKey(handle.db, actor, null, wsId, { name: 'bench', role: 'admin' })).key;
    const agent = await handle.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'agent3@bench.test')
      .executeTakeFirstOrThrow();
    const active = await handle.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', wsId)
      .where('is_active', '=', 1)
      .executeTakeFirstOrThrow();
    await runQueries(app, key, agent.id, label, 0, Number(active.n));
  } finally {
    await app.close();
  }
}

async function sweepKept(file: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tp-bench-cases-'));
  const copy = path.join(dir, 'cases.db');
  copyFileSync(file, copy);
  const handle = openDatabase(`sqlite:${copy}`);
  try {
    // A database saved before migration 0014 gets its checks moved to case_checks here (not timed with the sweeps).
    const migrateStart = performance.now();
    await migrateToLatest(handle.db, allMigrations('sqlite'));
    await sql`analyze`.execute(handle.db);
    await sql`pragma wal_checkpoint(truncate)`.execute(handle.db);
    console.log(`migrated the copy in ${((performance.now() - migrateStart) / 1000).toFixed(1)} s`);
    const ws = await handle.db
      .selectFrom('workspaces')
      .select('id')
      .where('slug', '=', 'bench-cases')
      .executeTakeFirstOrThrow();
    const settings = await handle.db
      .selectFrom('case_settings')
      .select('updated_at')
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    console.log(`reusing ${file} (loaded at ${new Date(Number(settings.updated_at)).toISOString()})`);
    await queriesOnKept(handle, ws.id, 'sqlite (kept database)');
    await runSweeps(handle.db, ws.id, Number(settings.updated_at), 'sqlite (kept database)', 0);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * BENCH_CASES_PG=<name> (PostgreSQL): the first run keeps the loaded database on the server as database <name>
 * (after the HTTP queries); later runs sweep a copy of it (`create database … template <name>`), migrated to the
 * latest migration first (untimed), without loading again. The server must outlive the runs (not with-postgres.sh).
 */
const KEPT_PG = testDialect === 'postgres' ? process.env.BENCH_CASES_PG : undefined;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function sweepKeptPg(template: string): Promise<void> {
  const copy = `${template}_run_${Date.now().toString(36)}`;
  const copyStart = performance.now();
  await admin((c) => c.query(`create database ${copy} template ${template}`));
  const u = new URL(process.env.TEST_DATABASE_URL as string);
  u.pathname = `/${copy}`;
  const handle = openDatabase(u.toString());
  try {
    const migrateStart = performance.now();
    await migrateToLatest(handle.db, allMigrations('postgres'));
    await sql`vacuum analyze`.execute(handle.db);
    console.log(
      `copied ${template} in ${((migrateStart - copyStart) / 1000).toFixed(1)} s, migrated and analyzed in ${((performance.now() - migrateStart) / 1000).toFixed(1)} s`,
    );
    const ws = await handle.db
      .selectFrom('workspaces')
      .select('id')
      .where('slug', '=', 'bench-cases')
      .executeTakeFirstOrThrow();
    const settings = await handle.db
      .selectFrom('case_settings')
      .select('updated_at')
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow();
    await queriesOnKept(handle, ws.id, 'postgres (kept database)');
    await runSweeps(handle.db, ws.id, Number(settings.updated_at), 'postgres (kept database)', 0);
  } finally {
    await handle.close();
    await admin((c) => c.query(`drop database if exists ${copy} with (force)`));
  }
}

async function main(): Promise<void> {
  if (KEPT && existsSync(KEPT)) return sweepKept(KEPT);
  if (KEPT_PG) {
    const exists = await admin(
      async (c) => (await c.query('select 1 from pg_database where datname = $1', [KEPT_PG])).rowCount,
    );
    if (exists) return sweepKeptPg(KEPT_PG);
  }
  const h = await createTestApp();
  const ws = await h.workspace('bench-cases');
  const { db } = h.t.handle;
  const agents: string[] = [];
  for (let i = 0; i < 20; i++)
    agents.push(
      (
        await addMember(db, actor, null, ws.id, {
          email: `agent${i}@bench.test`,
          name: `Agent ${i}`,
          role: 'agent',
          password: 'correct-horse-battery',
        })
      ).member.user_id,
    );
  const teams = ['team_a', 'team_b', 'team_c', 'team_d'];
  await db
    .insertInto('case_teams')
    .values(
      teams.map((id, i) => ({
        workspace_id: ws.id,
        id,
        name_zh: `组${i}`,
        name_en: `Team ${i}`,
        supervisor_id: agents[0] as string,
        rr_last_user_id: null,
        created_at: 0,
        updated_at: 0,
      })),
    )
    .execute();
  // The instant the data is loaded around, kept in the settings row for runs on a kept database.
  const now = Date.now();
  await db
    .insertInto('case_settings')
    .values({
      workspace_id: ws.id,
      taxonomy: null,
      calendar: null,
      settings: null,
      next_number: CASES + 1,
      updated_at: now,
    })
    .execute();
  await saveRule(db, actor, ws.id, 'escalation', {
    name: 'first response breached → raise priority',
    trigger: { type: 'sla_breached', target: 'first_response' },
    actions: [{ type: 'raise_priority' }],
  });

  // Bulk load: 1 M cases, 10 % active (the most recent ones).
  const loadStart = performance.now();
  const active = Number(process.env.BENCH_ACTIVE ?? Math.round(CASES * 0.1));
  const chunk = testDialect === 'sqlite' ? 400 : 800;
  const emptyTags = toJson([]);
  let rows: CasesTable[] = [];
  let checks: CaseChecksTable[] = [];
  const flush = async () => {
    if (!rows.length) return;
    const batch = rows;
    rows = [];
    await db.insertInto('cases').values(batch).execute();
    // Their queue rows (migration 0016).
    await db
      .insertInto('case_queue')
      .values(
        batch.map((c) => ({
          workspace_id: c.workspace_id,
          case_id: c.id,
          assignee_id: c.assignee_id,
          team_id: c.team_id,
          status: c.status,
          is_active: c.is_active,
          due_sort: c.due_sort,
        })),
      )
      .execute();
    const pending = checks;
    checks = [];
    if (pending.length) await db.insertInto('case_checks').values(pending).execute();
  };
  // One transaction for the whole load on SQLite (one connection); PostgreSQL commits each multi-row insert.
  if (testDialect === 'sqlite') await sql`begin`.execute(db);
  for (let i = 0; i < CASES; i++) {
    const isActive = i >= CASES - active;
    const created = now - Math.floor(((CASES - i) / CASES) * 365 * DAY);
    const text = `${TEXTS[i % TEXTS.length]} #${i}`;
    const activeIndex = i - (CASES - active);
    // The first SWEEP active cases have a due check; one in BREACH_EVERY is past its first-response target.
    const due = isActive && activeIndex < SWEEP;
    const breaching = due && activeIndex % BREACH_EVERY === 0;
    const frDue = isActive ? (breaching ? now - 60_000 : now + ((activeIndex % 500) + 1) * 60_000) : null;
    const status = isActive
      ? (['new', 'open', 'open', 'pending_customer'][i % 4] as string)
      : (STATUSES_DONE[i % 3] as string);
    const paused = status === 'pending_customer';
    const searchText = `c-${String(i + 1).padStart(6, '0')} ${text.slice(0, 40)} ${text}`
      .toLowerCase()
      .slice(0, 600);
    rows.push({
      workspace_id: ws.id,
      id: `case_${String(i).padStart(8, '0')}`,
      number: i + 1,
      profile_id: `cus_${i % 200_000}`,
      channel: ['app', 'call_center', 'wechat', 'store', 'web'][i % 5] as string,
      touchpoint_key: 'complain',
      category: CATEGORIES[i % CATEGORIES.length] as string,
      subcategory: null,
      priority: PRIORITIES[i % PRIORITIES.length] as string,
      source: 'complaint_event',
      status,
      subject: text.slice(0, 40),
      description: text,
      language: 'zh',
      sentiment_label: 'negative',
      sentiment_score: 0.1,
      topics: emptyTags,
      urgent: 0,
      urgency_reasons: emptyTags,
      assignee_id: i % 17 === 0 ? null : (agents[i % agents.length] as string),
      team_id: teams[i % teams.length] as string,
      tags: emptyTags,
      search_text: searchText,
      search_tokens: searchTokens(searchText),
      version: 1,
      parent_case_id: null,
      duplicate_count: 0,
      reopen_count: 0,
      agent_replies: isActive ? 0 : 1,
      sla_policy_id: 'slap_bench',
      fr_status: isActive ? (paused ? 'paused' : 'active') : 'met',
      fr_due_at: isActive && !paused ? frDue : null,
      fr_remaining_ms: paused ? 3_600_000 : null,
      fr_at: isActive ? null : created + 3_600_000,
      res_status: isActive ? (paused ? 'paused' : 'active') : 'met',
      res_due_at: isActive && !paused ? now + 3 * DAY : null,
      res_remaining_ms: paused ? 2 * DAY : null,
      res_breached_at: null,
      sla_state: isActive ? (paused ? 'paused' : 'active') : 'met',
      sla_due_at: isActive && !paused ? frDue : null,
      due_sort: isActive && !paused ? (frDue as number) : 8_000_000_000_000,
      is_active: isActive ? 1 : 0,
      escalations: ',',
      resolution: isActive
        ? null
        : toJson({
            code: 'fixed',
            rootCause: ['基站故障', '计费错误', '流程问题'][i % 3],
            steps: ['listen'],
          }),
      follow_up_score: null,
      follow_up_metric: null,
      created_by: null,
      created_at: created,
      updated_at: created,
      last_activity_at: created,
      first_resolved_at: isActive ? null : created + DAY,
      resolved_at: isActive ? null : created + DAY,
      closed_at: null,
    });
    const check = due ? now - 1000 : isActive && !paused ? frDue : null;
    if (check !== null)
      checks.push({
        workspace_id: ws.id,
        case_id: `case_${String(i).padStart(8, '0')}`,
        version: 1,
        next_check_at: check,
        ...checkInputsOf(rows[rows.length - 1] as CasesTable),
      });
    if (rows.length >= chunk) await flush();
  }
  await flush();
  if (testDialect === 'sqlite') await sql`commit`.execute(db);
  if (testDialect === 'postgres') await sql`analyze cases, case_checks, case_queue`.execute(db);
  else await sql`analyze`.execute(db);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  // The rechecks the rule change above enqueued ran on an empty table; they are not part of the benchmark.
  await db.deleteFrom('jobs').where('type', '=', 'cases.recheck').execute();
  await db.deleteFrom('case_rechecks').where('workspace_id', '=', ws.id).execute();
  if (KEPT) {
    // The online backup API: a consistent copy while the app's connections (and checkpoint thread) hold the file.
    const source = new Sqlite(h.t.url.replace(/^sqlite:/, ''), { readonly: true });
    await source.backup(KEPT);
    source.close();
    console.log(`saved the loaded database to ${KEPT}`);
  }

  if (process.env.BENCH_PLANS && testDialect === 'sqlite') {
    const from = sql`from case_queue q join cases on cases.workspace_id = q.workspace_id and cases.id = q.case_id
      where q.workspace_id = ${ws.id}`;
    const plans = {
      mine: sql`explain query plan select cases.* ${from} and q.assignee_id = ${agents[3]} and q.is_active = 1 order by q.due_sort, q.case_id limit 51`,
      text: sql`explain query plan select cases.* ${from} and q.is_active = 1 and cases.search_text like ${'%x%'} escape '\\' order by q.due_sort, q.case_id limit 51`,
      fts: sql`explain query plan select cases.* ${from} and q.is_active = 1 and cases.search_text like ${'%999999%'} escape '\\' and cases.rowid in (select rowid from cases_fts where cases_fts match ${'"999" AND "999999"'}) order by q.due_sort, q.case_id limit 51`,
      team: sql`explain query plan select cases.* ${from} and q.team_id = ${'team_b'} and q.is_active = 1 and q.status = ${'open'} order by q.due_sort, q.case_id limit 51`,
    };
    for (const [name, q] of Object.entries(plans))
      console.log(name, JSON.stringify((await q.execute(db)).rows));
  }
  await runQueries(h.app, ws.keys.admin, agents[3] as string, `${testDialect}`, loadSeconds, active);
  if (KEPT_PG) {
    // Keep the loaded database on the server, then sweep a copy of it like later runs.
    await h.app.close();
    await h.t.handle.close();
    const name = new URL(h.t.url).pathname.slice(1);
    await admin(async (c) => {
      await c.query(`create database ${KEPT_PG} template ${name}`);
      await c.query(`drop database ${name}`);
    });
    console.log(`kept the loaded database as ${KEPT_PG}`);
    return sweepKeptPg(KEPT_PG);
  }
  await runSweeps(db, ws.id, now, testDialect, loadSeconds);
  await h.close();
}

/** The HTTP queries (inbox, queues, search) through `app`, each against the p95 of `GET /healthz`; prints their table. */
async function runQueries(
  app: { inject: TestApp['app']['inject'] },
  key: string,
  agent: string,
  label: string,
  loadSeconds: number,
  active: number,
): Promise<void> {
  const h = { app };
  const auth = { authorization: `Bearer ${key}` };
  const get = (url: string) => async () => {
    const res = await h.app.inject({ method: 'GET', url, headers: auth });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    return res;
  };
  const onlySweep = process.env.BENCH_ONLY_SWEEP === '1';
  const ceiling = await latency(get('/healthz'), onlySweep ? 1 : ITERATIONS);
  const measures: [string, { p50: number; p95: number }][] = [];
  const measure = async (name: string, url: string) =>
    onlySweep ? undefined : measures.push([name, await latency(get(url))]);
  await measure(
    'inbox: my active cases, SLA-due order (page 50)',
    `/api/v1/cases?view=mine&assigneeId=${agent}`,
  );
  await measure(
    'inbox: my cases, 2nd page (cursor)',
    `/api/v1/cases?view=mine&assigneeId=${agent}&cursor=${(await get(`/api/v1/cases?view=mine&assigneeId=${agent}`)()).json().nextCursor}`,
  );
  await measure(
    'team queue: open + high/urgent + category',
    '/api/v1/cases?view=team&teamId=team_b&status=open&priority=high,urgent&category=network_quality',
  );
  await measure('unassigned queue', '/api/v1/cases?view=unassigned');
  await measure('breached cases (slaState filter)', '/api/v1/cases?slaState=active&priority=urgent');
  await measure(
    'search: text over active cases (common term)',
    `/api/v1/cases?q=${encodeURIComponent('信号')}`,
  );
  await measure(
    'search: text over active cases (rare term)',
    `/api/v1/cases?q=${encodeURIComponent('#999999')}`,
  );
  await measure(
    'search: case number C-123456',
    `/api/v1/cases?q=C-${String(Math.floor(CASES * 0.12)).padStart(6, '0')}&status=all`,
  );
  await measure(
    'case view by number',
    `/api/v1/cases/C-${String(Math.floor(CASES * 0.77)).padStart(6, '0')}`,
  );

  const fmt = (ms: number) => ms.toFixed(1);
  console.log(
    `\nTouchpoint cases benchmarks — ${label}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `${CASES.toLocaleString('en')} cases (${active.toLocaleString('en')} active)${loadSeconds ? ` loaded in ${loadSeconds.toFixed(0)} s` : ''}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(
    '| query (through HTTP, inject) | p50 ms | p95 ms | ceiling p95 ms (GET /healthz) | ratio p95 |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, m] of measures)
    console.log(
      `| ${name} | ${fmt(m.p50)} | ${fmt(m.p95)} | ${fmt(ceiling.p95)} | ${(m.p95 / ceiling.p95).toFixed(1)} |`,
    );
}

/**
 * The three sweeps on the loaded database (the stale checks it was loaded with, exact checks ten minutes later, a
 * catch-up 8 hours later), each with its ceiling measured just before it; prints their table.
 */
async function runSweeps(
  db: Db,
  wsId: string,
  now: number,
  label: string,
  loadSeconds: number,
): Promise<void> {
  const ws = { id: wsId };
  // Sweeps. Each ceiling is measured just before its sweep on the same rows: a raw `select *` of the due cases plus a
  // raw one-column update of them.
  const sweeps: {
    name: string;
    ms: number;
    raw: number;
    rawRead: number;
    rawUpdate: number;
    rows: number;
    result: SweepResult;
    phases: string;
  }[] = [];
  const sweepAt = async (name: string, at: number) => {
    // The due rows through the check table (case_checks since migration 0014; no index on its time since 0017), each
    // case read whole; the update writes one column of the same `cases` rows (as the ceiling did when the check was a
    // column of cases).
    const dueCases = sql`select case_id from case_checks where workspace_id = ${ws.id} and next_check_at >= 0
      and next_check_at <= ${at}`;
    const rawStart = performance.now();
    const dueRows = (
      await sql`select cases.*, k.next_check_at from case_checks k
        join cases on cases.workspace_id = k.workspace_id and cases.id = k.case_id
        where k.workspace_id = ${ws.id} and k.next_check_at >= 0 and k.next_check_at <= ${at}`.execute(db)
    ).rows;
    const rawRead = performance.now() - rawStart;
    const updStart = performance.now();
    await sql`update cases set updated_at = updated_at + 0 where workspace_id = ${ws.id}
      and id in (${dueCases})`.execute(db);
    const rawUpdate = performance.now() - updStart;
    // SQLite: the ceiling's writes are checkpointed before the sweep, which would otherwise read through them.
    if (dialectOf(db) === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(db);
    // BENCH_PROFILE=1 prints the functions where the sweep spends its CPU time (inspector CPU profile).
    const session = process.env.BENCH_PROFILE ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const phases = new Map<string, number>();
    const trace = (phase: string, ms: number) => phases.set(phase, (phases.get(phase) ?? 0) + ms);
    const sweepStart = performance.now();
    const result = await sweepWorkspace(db, { events: new EventBus(), trace }, ws.id, at);
    const ms = performance.now() - sweepStart;
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      (profile.samples ?? []).forEach((id, i) => {
        const n = byId.get(id);
        if (!n) return;
        const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + ((profile.timeDeltas ?? [])[i] ?? 0));
      });
      console.log(`${name} — CPU profile (self time):`);
      for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12))
        console.log(`  ${(t / 1000).toFixed(0)} ms ${k}`);
      session.disconnect();
    }
    sweeps.push({
      name,
      ms,
      raw: rawRead + rawUpdate,
      rawRead,
      rawUpdate,
      rows: dueRows.length,
      result,
      phases: [...phases].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '),
    });
  };
  // 1. Stale checks (what the benchmark loaded, as after a rule change): SWEEP cases due, one in BREACH_EVERY
  //    breaching, the others only getting their next check moved to their real first-response due time.
  await sweepAt('stale checks: due cases, 1 in 100 breaching, the rest only moved', now);
  // 2. Normal operation: every check is now exact; ten minutes later the cases whose first response falls due in
  //    those minutes (about 2 % of the open cases) breach and are escalated; no other case is read or written.
  await sweepAt('exact checks, 10 minutes later: only the cases falling due', now + 10 * 60_000);
  // 3. Catch-up: every remaining first-response target falls due in one sweep (a runner down for 8 hours).
  await sweepAt('catch-up: every remaining first-response target due at once', now + 501 * 60_000);

  const fmt = (ms: number) => ms.toFixed(1);
  console.log(
    `\nSLA sweeps — ${label}${loadSeconds ? ` (loaded in ${loadSeconds.toFixed(0)} s)` : ''}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('\n| SLA sweep | due cases | breaches | escalations | conflicts | ms | ceiling ms | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of sweeps)
    console.log(
      `| ${w.name} | ${w.result.examined.toLocaleString('en')} | ${w.result.breaches.toLocaleString('en')} | ${w.result.escalations.toLocaleString('en')} | ${w.result.conflicts} | ${fmt(w.ms)} | ${fmt(w.raw)} (raw select * of the ${w.rows.toLocaleString('en')} rows ${fmt(w.rawRead)} + raw one-column update ${fmt(w.rawUpdate)}) | ${(w.ms / w.raw).toFixed(2)} |`,
    );
  for (const w of sweeps) console.log(`${w.name} — phases (ms): ${w.phases}`);
}

await main();
