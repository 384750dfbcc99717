/**
 * Benchmarks of the surveys module.
 *
 * (a) Submitting responses through the public API over real loopback HTTP: the Touchpoint server runs as its own
 *     process (`src/main.ts start`, LOG_LEVEL=warn, jobs off) and one load generator (node:http, keep-alive) posts a
 *     completed NPS response per request, each through its own personal link (so per-link rate limits do not
 *     apply; a third of them with a Chinese comment that is analysed), answered after its group commit — against a
 *     POST no-op route of a bare Fastify server in its own process, same body, same generator. After a warm-up
 *     second for each server, two rounds, alternated and averaged.
 * (b) Analytics over 1 M responses: 1 M completed responses (600 k NPS, 400 k CSAT, a year, 6 channels × 5
 *     touchpoints) and their rollups are bulk-loaded; then trends (day/week/month), breakdowns (channel, touchpoint)
 *     and summaries are requested through the API (in-process inject) and timed: p50/p95.
 *
 * Run: npx tsx bench/surveys.ts                    (SQLite)
 *      bash scripts/with-postgres.sh npx tsx bench/surveys.ts   (PostgreSQL)
 * Env: BENCH_SECONDS per measurement (4), BENCH_CONNECTIONS (32), BENCH_RESPONSES for (b) (1000000),
 *      BENCH_SKIP_INPROCESS / BENCH_SKIP_SUBMIT / BENCH_SKIP_ANALYTICS=1 (leave a part out), BENCH_CPU_PROFILE=path
 *      (profile the in-process submissions), BENCH_SERVER_PROFILE=dir (the HTTP server process writes a V8 CPU
 *      profile of its whole life into dir: `node --cpu-prof`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { systemActor } from '../src/modules/audit/index.js';
import { AFTER_RESPONSE_JOB } from '../src/modules/surveys/response.after-commit.js';
import { createSurvey, publishSurvey } from '../src/modules/surveys/survey.service.js';
import { SurveyTokens } from '../src/modules/surveys/survey.tokens.js';
import { createApiKey, createWorkspace } from '../src/modules/workspaces/index.js';
import { newId, type Db } from '../src/platform/db/index.js';
import { JobRunner, type JobHandler } from '../src/platform/jobs/index.js';
import { localDayStart } from '../src/platform/time/index.js';
import { testConfig } from '../test/support/app.js';
import { openTestDatabase, testDialect, type TestDatabase } from '../test/support/database.js';
import { report, type BenchResult } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';

async function noopServer(): Promise<void> {
  const app = Fastify({ logger: false, bodyLimit: 512_000 });
  app.post('/noop', async () => ({
    responseId: 'rsp_x',
    responseToken: 'x',
    status: 'completed',
    created: true,
  }));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
}

/**
 * Closes a test database. A timer keeps the process alive meanwhile: the SQLite WAL checkpointer thread is unref'd,
 * so awaiting its last checkpoint alone would let the process end with the benchmark unfinished.
 */
async function closeDatabase(t: TestDatabase): Promise<void> {
  const keep = setInterval(() => undefined, 1000);
  try {
    await t.close();
  } finally {
    clearInterval(keep);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

/** The 1, 5 and 15 minute load averages, for the record beside each figure. */
const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

async function spawnServer(args: string[], env: Record<string, string>, ready: string, profile = false) {
  const port = await freePort();
  const dir = process.env.BENCH_SERVER_PROFILE;
  const prof = profile && dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', ...args], {
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

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** `CONNECTIONS` keep-alive clients post back to back for `SECONDS`; `request(i)` gives each request's path and body. */
async function load(port: number, request: (i: number) => { path: string; body: string }, seconds = SECONDS) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let ok = 0;
  let other = 0;
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const until = start + seconds * 1000;
  const one = (p: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: p,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const { path: p, body } = request(next++);
        const t0 = performance.now();
        const status = await one(p, body);
        latencies.push(performance.now() - t0);
        if (status >= 200 && status < 300) ok++;
        else other++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { perSecond: ok / elapsed, ok, other, p50: pct(0.5), p99: pct(0.99), used: next };
}

const COMMENTS = [
  '网络信号太差了，在家里经常没有信号，打电话总是断线。',
  '客服很耐心，很快就帮我解决了问题，非常满意。',
  '账单看不懂，这个月莫名其妙多扣了二十块流量费。',
  'Great coverage and the app makes everything easy.',
];

/** Inserts `n` personal links of a survey straight into the table (the shape createLink writes). */
async function bulkLinks(db: Db, workspaceId: string, surveyId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - i) }, () => {
      const id = newId('sl');
      ids.push(id);
      return {
        workspace_id: workspaceId,
        id,
        survey_id: surveyId,
        profile_id: null,
        single_use: 1,
        expires_at: null,
        hidden: '{}',
        channel: 'sms',
        origin: 'api',
        created_by: null,
        created_at: now,
        used_at: null,
        response_id: null,
      };
    });
    await db.insertInto('survey_links').values(rows).execute();
  }
  return ids;
}

/** A fresh database with a published relationship-NPS survey and `n` personal links bulk-loaded for it. */
async function surveyWithLinks(slug: string, n: number) {
  const t = await openTestDatabase();
  const { db } = t.handle;
  const actor = systemActor('bench');
  const ws = await createWorkspace(db, actor, {
    slug,
    name: 'Bench',
    timeZone: TZ,
    defaultLocale: 'en',
    ownerUserId: null,
  });
  const survey = await createSurvey(db, actor, ws.id, { template: 'nps-relationship' });
  await publishSurvey(db, actor, ws.id, survey.id);
  const links = await bulkLinks(db, ws.id, survey.id, n);
  return { t, db, ws, links };
}

async function submissions(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { t, db, ws, links } = await surveyWithLinks('bench-surveys', 400_000);
  const secret = randomBytes(32);
  const tokens = new SurveyTokens(secret);
  const serverEnv = {
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tp-bench-surveys-')),
    DATABASE_URL: t.url,
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: 'false',
    TOUCHPOINT_SECRET_KEY: secret.toString('hex'),
  };
  const noop = await spawnServer([fileURLToPath(import.meta.url), 'noop-server'], {}, '/noop');
  const server = await spawnServer(['src/main.ts', 'start'], serverEnv, '/readyz', true);
  let used = 0;
  const body = (i: number) =>
    JSON.stringify({
      answers: { nps: i % 11, ...(i % 3 === 0 ? { reason: COMMENTS[i % COMMENTS.length] } : {}) },
      complete: true,
      language: 'zh-CN',
    });
  const submit = (base: number) => (i: number) => ({
    path: `/api/v1/public/surveys/${tokens.link(ws.id, links[base + i] as string)}/responses`,
    body: body(i),
  });
  // A warm-up second for each server (its code compiled by the JIT, its caches and pages warm), as in-process.
  await load(noop.port, (i) => ({ path: '/noop', body: body(i) }), 1);
  used += (await load(server.port, submit(used), 1)).used;
  const notes: string[] = [`load average (1/5/15 min) before: ${loadAverage()}`];
  let noopSum = 0;
  let surveySum = 0;
  for (let round = 0; round < 2; round++) {
    const noopCpuBefore = processCpuSeconds(noop.child.pid ?? 0);
    const n = await load(noop.port, (i) => ({ path: '/noop', body: body(i) }));
    const noopCpuAfter = processCpuSeconds(noop.child.pid ?? 0);
    const noopCpuMs =
      noopCpuBefore !== null && noopCpuAfter !== null
        ? ((noopCpuAfter - noopCpuBefore) * 1000) / Math.max(1, n.ok + n.other)
        : NaN;
    const cpuBefore = processCpuSeconds(server.child.pid ?? 0);
    const s = await load(server.port, submit(used));
    used += s.used;
    const cpuAfter = processCpuSeconds(server.child.pid ?? 0);
    const serverCpuMs =
      cpuBefore !== null && cpuAfter !== null
        ? ((cpuAfter - cpuBefore) * 1000) / Math.max(1, s.ok + s.other)
        : NaN;
    noopSum += n.perSecond;
    surveySum += s.perSecond;
    notes.push(
      `round ${round + 1}: no-op ${Math.round(n.perSecond)} req/s (p99 ${n.p99.toFixed(1)} ms, ${noopCpuMs.toFixed(3)} ms CPU per request); ` +
        `responses ${Math.round(s.perSecond)} req/s (p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, non-2xx ${s.other}; ` +
        `server process ${serverCpuMs.toFixed(3)} ms CPU per request)`,
    );
  }
  const stored = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  notes.push(`responses stored: ${Number(stored.n).toLocaleString('en')}`);
  notes.push(`load average (1/5/15 min) after: ${loadAverage()}`);
  await stop(server.child);
  await stop(noop.child);
  await closeDatabase(t);
  return {
    results: [
      {
        name: 'POST /api/v1/public/surveys/:token/responses (completed NPS, 1/3 with a comment), 2xx after commit',
        opsPerSec: surveySum / 2,
        ceiling: 'POST no-op route, bare Fastify, own process',
        ceilingOpsPerSec: noopSum / 2,
      },
    ],
    notes,
  };
}

/** An inspector session with the profiler enabled (BENCH_CPU_PROFILE=path: profile the in-process submissions). */
async function startProfile() {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  return { post };
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (1-based), i.e. 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * (a') The same submissions in-process: `app.inject` (no sockets) with CONNECTIONS requests in flight, against a
 * POST no-op route of a bare Fastify instance through inject in the same process. Reports the CPU per request of
 * the submission path (process.cpuUsage), then runs the post-commit jobs (text analysis, closed loop) the
 * submissions left and reports their rate and CPU per analysed response.
 */
async function inProcessSubmissions(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { t, db, ws, links } = await surveyWithLinks('bench-surveys-inproc', 200_000);
  const tokens = new SurveyTokens(testConfig.secretKey);
  const jobHandlers: Record<string, JobHandler> = {};
  const app = await buildApp({ config: testConfig, database: t.handle, logger: false, jobHandlers });
  await app.ready();
  const noop = Fastify({ logger: false, bodyLimit: 512_000 });
  noop.post('/noop', async () => ({
    responseId: 'rsp_x',
    responseToken: 'x',
    status: 'completed',
    created: true,
  }));
  await noop.ready();
  const body = (i: number) =>
    JSON.stringify({
      answers: { nps: i % 11, ...(i % 3 === 0 ? { reason: COMMENTS[i % COMMENTS.length] } : {}) },
      complete: true,
      language: 'zh-CN',
    });
  let used = 0;
  let noopSent = 0;
  const run = async (
    target: 'noop' | 'survey',
    seconds: number,
  ): Promise<{ perSecond: number; cpuMsPerRequest: number; other: number; n: number }> => {
    let ok = 0;
    let other = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const until = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          // Each submission takes the next unused link; the no-op requests use no link.
          const i = target === 'survey' ? used++ : noopSent++;
          const res =
            target === 'noop'
              ? await noop.inject({
                  method: 'POST',
                  url: '/noop',
                  payload: body(i),
                  headers: { 'content-type': 'application/json' },
                })
              : await app.inject({
                  method: 'POST',
                  url: `/api/v1/public/surveys/${tokens.link(ws.id, links[i] as string)}/responses`,
                  payload: body(i),
                  headers: { 'content-type': 'application/json' },
                });
          if (res.statusCode >= 200 && res.statusCode < 300) ok++;
          else other++;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      perSecond: ok / elapsed,
      cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, ok + other),
      other,
      n: ok,
    };
  };
  await run('survey', 1); // warm-up
  await run('noop', 1);
  const notes: string[] = [`load average (1/5/15 min) before: ${loadAverage()}`];
  let noopSum = 0;
  let surveySum = 0;
  let cpuSurvey = 0;
  let cpuNoop = 0;
  const profile = process.env.BENCH_CPU_PROFILE ? await startProfile() : null;
  for (let round = 0; round < 2; round++) {
    const n = await run('noop', SECONDS);
    if (profile) await profile.post('Profiler.start');
    const s = await run('survey', SECONDS);
    if (profile)
      await profile.post('Profiler.stop').then((r) => {
        writeFileSync(
          `${process.env.BENCH_CPU_PROFILE}.${round}.cpuprofile`,
          JSON.stringify((r as { profile: unknown }).profile),
        );
      });
    noopSum += n.perSecond;
    surveySum += s.perSecond;
    cpuSurvey += s.cpuMsPerRequest / 2;
    cpuNoop += n.cpuMsPerRequest / 2;
    notes.push(
      `in-process round ${round + 1}: no-op ${Math.round(n.perSecond)} req/s (${n.cpuMsPerRequest.toFixed(3)} ms CPU/req); ` +
        `responses ${Math.round(s.perSecond)} req/s (${s.cpuMsPerRequest.toFixed(3)} ms CPU/req, non-2xx ${s.other})`,
    );
  }
  notes.push(
    `in-process CPU per request: responses ${cpuSurvey.toFixed(3)} ms, no-op ${cpuNoop.toFixed(3)} ms`,
  );
  notes.push(`load average (1/5/15 min) after: ${loadAverage()}`);
  // The post-commit work the submissions left behind (open-text analysis, closed loop, events): run it now.
  const pending = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('type', '=', AFTER_RESPONSE_JOB)
    .executeTakeFirstOrThrow();
  const completed = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  // Only the surveys' own post-commit jobs: the event deliveries they cause (the cases module opening detractor
  // follow-up cases) are the cases module's cost, not counted here.
  const ownJobs = { [AFTER_RESPONSE_JOB]: jobHandlers[AFTER_RESPONSE_JOB] as JobHandler };
  const runner = new JobRunner({ db, handlers: ownJobs, concurrency: 1 });
  const cpu0 = process.cpuUsage();
  const j0 = performance.now();
  let jobs = 0;
  for (let k = await runner.runDue(); k > 0; k = await runner.runDue()) jobs += k;
  const jobSeconds = (performance.now() - j0) / 1000;
  const jobCpu = process.cpuUsage(cpu0);
  const texts = await db
    .selectFrom('survey_answer_texts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const cases = await db
    .selectFrom('domain_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', 'survey.response.flagged')
    .executeTakeFirstOrThrow();
  const nCompleted = Number(completed.n);
  notes.push(
    `after the submissions: ${nCompleted.toLocaleString('en')} completed responses, ${Number(pending.n).toLocaleString('en')} post-commit jobs; ` +
      `running them (${jobs.toLocaleString('en')} jobs, one at a time; not the event deliveries they enqueue) took ${jobSeconds.toFixed(1)} s = ` +
      `${Math.round(nCompleted / jobSeconds).toLocaleString('en')} responses/s, ` +
      `${((jobCpu.user + jobCpu.system) / 1000 / Math.max(1, nCompleted)).toFixed(3)} ms CPU per response; ` +
      `${Number(texts.n).toLocaleString('en')} comments analysed, ${Number(cases.n).toLocaleString('en')} survey.response.flagged events`,
  );
  await app.close();
  await noop.close();
  await closeDatabase(t);
  return {
    results: [
      {
        name: 'POST …/responses in-process (app.inject), same bodies, 2xx after commit',
        opsPerSec: surveySum / 2,
        ceiling: 'POST no-op route, bare Fastify, inject, same process',
        ceilingOpsPerSec: noopSum / 2,
      },
    ],
    notes,
  };
}

// --- (b) analytics over 1 M responses ------------------------------------------------------------------------------

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Cell {
  n: number;
  sum: number;
  sumSq: number;
  low: number;
  mid: number;
  high: number;
}

/** Writes `n` completed responses of one survey and the rollups they make (the rows submitResponse would write). */
async function bulkResponses(
  db: Db,
  workspaceId: string,
  surveyId: string,
  questionId: string,
  scale: { min: number; max: number },
  n: number,
  now: number,
  rand: () => number,
): Promise<void> {
  const channels = ['app', 'web', 'wechat', 'sms', 'email', 'store'];
  const touchpoints = ['discover', 'trial', 'subscribe', 'use', 'complain'];
  const cells = new Map<string, Cell>();
  const add = (key: string, v: number, cat: 'low' | 'mid' | 'high') => {
    const c = cells.get(key) ?? { n: 0, sum: 0, sumSq: 0, low: 0, mid: 0, high: 0 };
    c.n++;
    c.sum += v;
    c.sumSq += v * v;
    c[cat]++;
    cells.set(key, c);
  };
  const dayCache = new Map<number, number>();
  for (let i = 0; i < n; i += 2000) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 2000); j++) {
      const at = now - Math.floor(rand() * 365 * DAY);
      const hour = Math.floor(at / 3_600_000);
      let day = dayCache.get(hour);
      if (day === undefined) dayCache.set(hour, (day = localDayStart(TZ, at)));
      const channel = channels[Math.floor(rand() * channels.length)] as string;
      const tp = touchpoints[Math.floor(rand() * touchpoints.length)] as string;
      const score = scale.min + Math.floor(rand() * (scale.max - scale.min + 1));
      const score100 = ((score - scale.min) / (scale.max - scale.min)) * 100;
      const cat =
        questionId === 'nps'
          ? score <= 6
            ? 'low'
            : score <= 8
              ? 'mid'
              : 'high'
          : score >= scale.max - 1
            ? 'high'
            : score <= scale.min + 1
              ? 'low'
              : 'mid';
      const duration = 30_000 + Math.floor(rand() * 120_000);
      const id = newId('rsp');
      rows.push({
        workspace_id: workspaceId,
        id,
        survey_id: surveyId,
        version: 1,
        respondent_key: `x:${id}`,
        link_id: null,
        profile_id: null,
        status: 'completed',
        language: 'zh-CN',
        channel,
        touchpoint_key: tp,
        hidden: '{}',
        answers: JSON.stringify({ [questionId]: score }),
        metric: questionId,
        score,
        score100,
        last_question_id: questionId,
        flags: null,
        started_at: at - duration,
        updated_at: at,
        completed_at: at,
        rollup_day: day,
        duration_ms: duration,
      });
      const base = `${day}\u0000${tp}\u0000${channel}`;
      add(`${questionId}\u0000${base}`, score, cat);
      add(`_primary\u0000${base}`, score100, cat);
      add(`_duration\u0000${base}`, Math.round(duration / 1000), 'mid');
    }
    for (let k = 0; k < rows.length; k += 500)
      await db
        .insertInto('survey_responses')
        .values(rows.slice(k, k + 500))
        .execute();
  }
  const rollups = [...cells].map(([key, c]) => {
    const [q, day, tp, channel] = key.split('\u0000') as [string, string, string, string];
    return {
      workspace_id: workspaceId,
      survey_id: surveyId,
      question_id: q,
      day: Number(day),
      touchpoint_key: tp,
      channel,
      n: c.n,
      sum: c.sum,
      sum_sq: c.sumSq,
      c_low: c.low,
      c_mid: c.mid,
      c_high: c.high,
    };
  });
  for (let k = 0; k < rollups.length; k += 500)
    await db
      .insertInto('survey_rollups')
      .values(rollups.slice(k, k + 500))
      .execute();
}

async function analytics(): Promise<string[]> {
  const t = await openTestDatabase();
  const { db } = t.handle;
  const actor = systemActor('bench');
  const ws = await createWorkspace(db, actor, {
    slug: 'bench-analytics',
    name: 'Bench',
    timeZone: TZ,
    defaultLocale: 'en',
    ownerUserId: null,
  });
  const key = (await createApiKey(db, actor, null, ws.id, { name: 'bench', role: 'analyst' })).key;
  const nps = await createSurvey(db, actor, ws.id, { template: 'nps-relationship' });
  const csat = await createSurvey(db, actor, ws.id, { template: 'csat-touchpoint', key: 'csat' });
  const now = Date.now();
  const rand = prng(42);
  const t0 = performance.now();
  await bulkResponses(db, ws.id, nps.id, 'nps', { min: 0, max: 10 }, Math.round(RESPONSES * 0.6), now, rand);
  await bulkResponses(db, ws.id, csat.id, 'csat', { min: 1, max: 5 }, Math.round(RESPONSES * 0.4), now, rand);
  const loadSeconds = (performance.now() - t0) / 1000;
  const rollupRows = await db
    .selectFrom('survey_rollups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const app = await buildApp({ config: testConfig, database: t.handle, logger: false });
  await app.ready();
  const from = new Date(now - 365 * DAY).toISOString();
  const to = new Date(now + 1).toISOString();
  const routes: [string, string][] = [
    ['NPS summary, 1 year', `/api/v1/surveys/${nps.id}/analytics/summary?from=${from}&to=${to}`],
    [
      'NPS trend by day, 1 year',
      `/api/v1/surveys/${nps.id}/analytics/trend?granularity=day&from=${from}&to=${to}`,
    ],
    [
      'NPS trend by week, 1 year',
      `/api/v1/surveys/${nps.id}/analytics/trend?granularity=week&from=${from}&to=${to}`,
    ],
    [
      'NPS trend by month, 1 year',
      `/api/v1/surveys/${nps.id}/analytics/trend?granularity=month&from=${from}&to=${to}`,
    ],
    [
      'NPS breakdown by channel',
      `/api/v1/surveys/${nps.id}/analytics/breakdown?by=channel&from=${from}&to=${to}`,
    ],
    [
      'NPS breakdown by touchpoint',
      `/api/v1/surveys/${nps.id}/analytics/breakdown?by=touchpoint&from=${from}&to=${to}`,
    ],
    [
      'CSAT trend by week, 1 year',
      `/api/v1/surveys/${csat.id}/analytics/trend?granularity=week&from=${from}&to=${to}`,
    ],
    [
      'CSAT breakdown by touchpoint',
      `/api/v1/surveys/${csat.id}/analytics/breakdown?by=touchpoint&from=${from}&to=${to}`,
    ],
    [
      'CSAT trend by day, last 90 days, channel=app',
      `/api/v1/surveys/${csat.id}/analytics/trend?granularity=day&channel=app&from=${new Date(now - 90 * DAY).toISOString()}&to=${to}`,
    ],
  ];
  const lines = [
    `${Math.round(RESPONSES * 0.6).toLocaleString('en')} NPS + ${Math.round(RESPONSES * 0.4).toLocaleString('en')} CSAT responses over 365 days, ` +
      `${Number(rollupRows.n).toLocaleString('en')} rollup rows, loaded in ${loadSeconds.toFixed(0)} s`,
    '',
    '| request (through the API, in-process) | p50 ms | p95 ms | max ms |',
    '|---|---:|---:|---:|',
  ];
  for (const [name, url] of routes) {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const s = performance.now();
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
      times.push(performance.now() - s);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) =>
      (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(1);
    lines.push(`| ${name} | ${p(0.5)} | ${p(0.95)} | ${p(1)} |`);
  }
  await app.close();
  await closeDatabase(t);
  return lines;
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `# surveys benchmark — ${new Date().toISOString()}, ${cpu}, ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${testDialect}\n`,
  );
  if (process.env.BENCH_SKIP_INPROCESS !== '1') {
    const a = await inProcessSubmissions();
    console.log(report(a.results));
    console.log(`\n${a.notes.map((n) => `- ${n}`).join('\n')}\n`);
  }
  if (process.env.BENCH_SKIP_SUBMIT !== '1') {
    const a = await submissions();
    console.log(report(a.results));
    console.log(`\n${a.notes.map((n) => `- ${n}`).join('\n')}\n`);
  }
  if (process.env.BENCH_SKIP_ANALYTICS !== '1') console.log((await analytics()).join('\n'));
}

if (process.argv[2] === 'noop-server') await noopServer();
else await main();
