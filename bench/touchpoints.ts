/**
 * Benchmarks of touchpoints and journeys. Figures are ratios to ceilings measured in the same run:
 *  (a) mapping cost: ingesting the demo generator's customers with the mobile data-service journey's rules vs the
 *      same ingestion with no touchpoint rules, two fresh databases fed slice by slice in turn (CPU time of each side
 *      summed), as a history import and as a live stream, through the collection API and straight into the
 *      ingestion transaction;
 *  (b) at scale (BENCH_TP_EVENTS events of BENCH_TP_CUSTOMERS customers over 120 days, mapped through the live
 *      ingestion hook so the rollups are the real ones): touchpoint health for 30 days (p95 vs target 100 ms, and
 *      against a raw read of the same rollup rows), the heat map, a 6-step funnel over 30 days (vs target 2 s, and
 *      against one scan of the mapped events in the period; also with entry by event name), and Sankey paths;
 *  (c) the mapping cost of (a) again, straight into the ingestion transaction, against the loaded database: new
 *      customers go into it slice by slice, alternately with the rules and without.
 *
 * Run: npx tsx bench/touchpoints.ts                                   (SQLite)
 *      bash scripts/with-postgres.sh npx tsx bench/touchpoints.ts     (PostgreSQL)
 * Env: BENCH_TP_CUSTOMERS (1000000; 0 = the mapping cost only), BENCH_TP_EVENTS (10 × customers),
 *      BENCH_TP_MAP_CUSTOMERS (10000; 0 = no mapping cost), BENCH_TP_MAP_VIA (api,fold: the ways in measured on fresh
 *      databases; empty: none), BENCH_TP_MAP_ORDERS (history,live),
 *      BENCH_TP_DB (SQLite file or postgres:// URL of a database kept and re-used), BENCH_TP_LOAD_ONLY=1 (build the kept database and stop).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { sql } from 'kysely';
import { cliActor, systemActor } from '../src/modules/audit/index.js';
import {
  demoCustomerEvents,
  recordEvents,
  type IncomingEvent,
  type RecordedEvent,
} from '../src/modules/profiles/index.js';
import { touchpointsModule } from '../src/modules/touchpoints/index.js';
import { storeMappedEvents } from '../src/modules/touchpoints/touchpoints.fixtures.js';
import { createWorkspace, createWriteKey } from '../src/modules/workspaces/index.js';
import { createFieldCipher } from '../src/platform/crypto/index.js';
import { allMigrations } from '../src/migrations/index.js';
import {
  inTransaction,
  migrateToLatest,
  openDatabase,
  type DatabaseHandle,
  type Db,
} from '../src/platform/db/index.js';
import { createTestApp } from '../test/support/app.js';
import { openTestDatabase, testDialect, type TestDatabase } from '../test/support/database.js';
import { report, type BenchResult } from './harness.js';

const CUSTOMERS = Number(process.env.BENCH_TP_CUSTOMERS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_TP_EVENTS ?? CUSTOMERS * 10);
const MAP_CUSTOMERS = Number(process.env.BENCH_TP_MAP_CUSTOMERS ?? 10_000);
const MAP_VIA = (process.env.BENCH_TP_MAP_VIA ?? 'api,fold').split(',').filter(Boolean) as ('api' | 'fold')[];
const MAP_ORDERS = (process.env.BENCH_TP_MAP_ORDERS ?? 'history,live').split(',') as ('history' | 'live')[];
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22);
const actor = cliActor('bench');

async function workspace(db: Db, slug: string): Promise<string> {
  const ws = await createWorkspace(db, actor, {
    slug,
    name: slug,
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
    ownerUserId: null,
  });
  return ws.id;
}

function ms(from: number): number {
  return performance.now() - from;
}

function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(ms(t));
  }
  return out;
}

/**
 * (a) Ingestion of the same customers with and without touchpoint rules, side by side in this process, in two orders:
 * - history import: the demo customers go in slices of MAP_SLICE customers (each slice its own seed, so its own people
 *   and events), each customer's whole history at once (the demo generator's batches of ~2,000 events), so the
 *   time-keyed indexes take their entries all over the 120 days;
 * - live stream: the same customers' events in time order, as they would have arrived, so each transaction reaches
 *   customers at random;
 * and two ways in:
 * - `fold`: straight into the ingestion transaction (`recordEvents`: identity resolution, profiles, events, hooks), a
 *   history batch per transaction or LIVE_CHUNK live events per transaction (the ingest inbox's chunk under load). The
 *   strictest reading: the denominator is the database work alone;
 * - `api`: the whole collection path, as bench/segments.ts measures its hook: POST /v1/batch (100 events per request,
 *   API_IN_FLIGHT at a time, in-process through `inject`) with write-key check, validation, channel resolution and
 *   the group commit into the inbox, then the inbox folding them in chunks of 500 — what ingesting an event costs.
 * Every slice goes first into one side then into the other (the order alternating), and each side's CPU time is the
 * sum over its slices. On a shared machine whose load swings by the minute, interleaving slices of ~0.1 s keeps both
 * sides under the same conditions, where whole runs one after the other did not.
 */
const MAP_SLICE = 100;
const LIVE_CHUNK = 500;
const API_BATCH = 100;
const API_IN_FLIGHT = 8;

interface Side {
  close: () => Promise<void>;
  /** Ingests the events (in this order) and returns once they are stored. */
  ingest: (events: IncomingEvent[][]) => Promise<void>;
  cpu: number;
  events: number;
}

/** A database the mapping cost is measured against: a fresh one per side, or the loaded one (both sides in turn). */
interface Target {
  db: Db;
  wsId: string;
  module: ReturnType<typeof touchpointsModule>;
}

async function foldSide(withRules: boolean, order: 'history' | 'live', loaded?: Target): Promise<Side> {
  const t: TestDatabase | null = loaded ? null : await openTestDatabase();
  const target: Target = loaded ?? (await freshTarget((t as TestDatabase).handle.db, withRules));
  const { db, wsId, module } = target;
  const ctx = {
    cipher: createFieldCipher(randomBytes(32)),
    phoneRegion: 'CN',
    hooks: withRules ? [module.hook] : [],
  };
  return {
    close: async () => t?.close(),
    async ingest(batches) {
      // History: the generator's batches as they come; live: the stream cut in the inbox's chunks.
      const transactions = order === 'history' ? batches : [...chunked(batches.flat(), LIVE_CHUNK)];
      for (const events of transactions)
        await inTransaction(db, (trx) => recordEvents(trx, ctx, wsId, events));
    },
    cpu: 0,
    events: 0,
  };
}

async function freshTarget(db: Db, withRules: boolean): Promise<Target> {
  const wsId = await workspace(db, withRules ? 'rules' : 'plain');
  const module = touchpointsModule(db);
  if (withRules) await module.catalogue.applyTemplate(systemActor('bench'), wsId, 'mobile_data_service');
  return { db, wsId, module };
}

async function apiSide(withRules: boolean): Promise<Side> {
  const h = await createTestApp();
  const ws = await h.workspace(withRules ? 'rules' : 'plain');
  const writeKey = (await createWriteKey(h.t.handle.db, systemActor('bench'), ws.id, { name: 'bench' })).key;
  if (withRules) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/journey-templates/mobile_data_service/apply',
      headers: { authorization: `Bearer ${ws.keys.admin}` },
    });
    if (res.statusCode !== 201) throw new Error(`template: ${res.statusCode} ${res.body}`);
  }
  const post = async (events: IncomingEvent[]) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: { batch: events.map(segmentCall) },
    });
    if (res.statusCode !== 200) throw new Error(`batch: ${res.statusCode} ${res.body}`);
  };
  return {
    close: () => h.close(),
    async ingest(batches) {
      const requests = [...chunked(batches.flat(), API_BATCH)];
      let next = 0;
      const client = async () => {
        while (next < requests.length) await post(requests[next++] as IncomingEvent[]);
      };
      await Promise.all(Array.from({ length: API_IN_FLIGHT }, client));
      await h.settle();
    },
    cpu: 0,
    events: 0,
  };
}

/** The Segment call a demo event came from (what a client library would have sent). */
function segmentCall(e: IncomingEvent): Record<string, unknown> {
  return {
    type: e.type,
    messageId: e.messageId,
    ...(e.userId !== null && { userId: e.userId }),
    ...(e.anonymousId !== null && { anonymousId: e.anonymousId }),
    ...(e.previousId !== null && { previousId: e.previousId }),
    ...(e.name !== null && (e.type === 'track' ? { event: e.name } : { name: e.name })),
    ...(e.type === 'identify' && { traits: e.traits }),
    properties: e.properties,
    context: { ...e.context, channel: e.channel },
    timestamp: new Date(e.timestamp).toISOString(),
  };
}

/**
 * The mapping cost in one order and one way in. With `loaded` (the database loaded for the queries), both sides write
 * into it in turn, one with the rules' hook and one without, as new customers (numbered from `firstCustomer`, so a
 * kept database meets none it already holds).
 */
async function mappingCost(
  order: 'history' | 'live',
  via: 'fold' | 'api',
  loaded?: Target & { firstCustomer: number; what: string },
): Promise<BenchResult> {
  const open = (withRules: boolean) =>
    via === 'fold' ? foldSide(withRules, order, loaded) : apiSide(withRules);
  const slices = Math.ceil(MAP_CUSTOMERS / MAP_SLICE);
  // Each slice its own customers (and seed).
  const first = loaded?.firstCustomer ?? 1;
  const options = (slice: number) => ({
    customers: MAP_SLICE,
    now: NOW,
    seed: (loaded ? first : 7_000) + slice,
    firstCustomer: first + slice * MAP_SLICE,
  });
  // History: each slice's batches as the generator makes them. Live: every slice's events, merged in time order and
  // cut into as many slices of consecutive events.
  const input: IncomingEvent[][][] = [];
  if (order === 'history')
    for (let slice = 0; slice < slices; slice++) input.push([...demoCustomerEvents(options(slice))]);
  else {
    const all: IncomingEvent[] = [];
    for (let slice = 0; slice < slices; slice++)
      for (const batch of demoCustomerEvents(options(slice))) all.push(...batch);
    all.sort((a, b) => a.timestamp - b.timestamp);
    const per = Math.ceil(all.length / slices);
    for (let i = 0; i < all.length; i += per) input.push([all.slice(i, i + per)]);
  }
  const sides = [await open(false), await open(true)] as const;
  try {
    for (let slice = 0; slice < slices; slice++) {
      const batches = input[slice] ?? [];
      for (const side of slice % 2 === 0 ? sides : ([sides[1], sides[0]] as const)) {
        // CPU time of this process (all threads; SQLite runs in it), which the other load on a shared machine
        // disturbs far less than wall time.
        const cpu = process.cpuUsage();
        await side.ingest(batches);
        const used = process.cpuUsage(cpu);
        side.cpu += (used.user + used.system) / 1e6;
        side.events += batches.reduce((n, b) => n + b.length, 0);
      }
    }
  } finally {
    for (const side of sides) await side.close();
  }
  const [plain, rules] = sides;
  const what =
    (order === 'history'
      ? `history import (${MAP_CUSTOMERS.toLocaleString('en')} customers, each one's history at once)`
      : 'live stream (the same events in time order)') + (loaded ? ` ${loaded.what}` : '');
  const how =
    via === 'fold'
      ? `folded straight into the ingestion transaction (${order === 'history' ? '~2,000' : LIVE_CHUNK} per transaction)`
      : `through POST /v1/batch (${API_BATCH} per request, ${API_IN_FLIGHT} in flight) and the inbox`;
  return {
    name: `${what} with the data-service journey's rules, ${how}; events per CPU-second`,
    opsPerSec: rules.events / rules.cpu,
    ceiling: loaded
      ? 'the same ingestion into the same database without touchpoint rules (alternate slices)'
      : 'the same ingestion without touchpoint rules',
    ceilingOpsPerSec: plain.events / plain.cpu,
  };
}

function* chunked<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Synthetic journeys: every customer discovers; some trial, subscribe, use (most events), unsubscribe, complain. */
function* journeyEvents(customers: number, events: number): Generator<RecordedEvent> {
  const perUser = events / customers;
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const channels = ['app', 'web', 'wechat', 'store', 'call_center'];
  let n = 0;
  for (let u = 0; u < customers && n < events; u++) {
    const profileId = `cus_bench_${u.toString(36)}`;
    const out: [string, number][] = [];
    let t = NOW - 120 * DAY + Math.floor(rand() * 110 * DAY);
    out.push(['Plan Viewed', t]);
    if (rand() < 0.5) out.push(['Plan Viewed', (t += Math.floor(rand() * DAY))]);
    if (rand() < 0.6) {
      out.push(['Trial Started', (t += Math.floor(rand() * 5 * DAY))]);
      if (rand() < 0.65) {
        out.push(['Service Subscribed', (t += 7 * DAY)]);
        const uses = Math.max(1, Math.round(perUser * 2.3 - out.length));
        for (let k = 0; k < uses; k++) out.push(['Data Used', t + Math.floor(rand() * 30 * DAY)]);
        if (rand() < 0.08) out.push(['Service Unsubscribed', t + 31 * DAY]);
        if (rand() < 0.05) out.push(['Complaint Filed', t + Math.floor(rand() * 20 * DAY)]);
      }
    }
    for (const [name, timestamp] of out) {
      if (timestamp > NOW || n >= events) continue;
      n++;
      yield {
        id: `evt_b${n.toString(36).padStart(8, '0')}`,
        messageId: `m${n}`,
        type: 'track',
        name,
        profileId,
        channel: channels[Math.floor(rand() * channels.length)] as string,
        properties: {},
        context: {},
        timestamp,
        touchpointKey: null,
      };
    }
  }
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  const lines: string[] = [];
  console.log(
    `touchpoints benchmark on ${process.env.BENCH_TP_DB?.startsWith('postgres') ? 'postgres' : testDialect}, ${cpus().length} cores, ${new Date().toISOString()}`,
  );

  if (MAP_CUSTOMERS > 0 && MAP_VIA.length > 0) {
    for (const via of MAP_VIA) for (const order of MAP_ORDERS) results.push(await mappingCost(order, via));
    console.log(report(results));
    console.log(
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  }
  if (CUSTOMERS === 0) return; // BENCH_TP_CUSTOMERS=0: the mapping cost only

  // BENCH_TP_DB=<SQLite file or postgres:// URL> keeps the loaded database for later runs: loading 10 M events takes a
  // while.
  const kept = process.env.BENCH_TP_DB;
  const t: { handle: DatabaseHandle; close: () => Promise<void> } = kept
    ? await (async () => {
        const handle = openDatabase(kept.startsWith('postgres') ? kept : `sqlite:${kept}`);
        await migrateToLatest(handle.db, allMigrations(handle.kind));
        return { handle, close: () => handle.close() };
      })()
    : await openTestDatabase();
  const { db } = t.handle;
  const existing = await db
    .selectFrom('workspaces')
    .select('id')
    .where('slug', '=', 'scale')
    .executeTakeFirst();
  const wsId = existing?.id ?? (await workspace(db, 'scale'));
  const module = touchpointsModule(db);
  if (!existing) await module.catalogue.applyTemplate(systemActor('bench'), wsId, 'mobile_data_service');
  // Events arrive roughly in time order in production; sort by time in slices so conversions see the earlier step.
  const load = performance.now();
  let batch: RecordedEvent[] = [];
  let loaded = 0;
  const flush = async () => {
    batch.sort((a, b) => a.timestamp - b.timestamp);
    const events = batch;
    batch = [];
    await inTransaction(db, (trx) => storeMappedEvents(trx, module.hook, wsId, events));
    loaded += events.length;
    // The platform's background checkpointer (PASSIVE) never catches up with a writer that commits without pause,
    // so the WAL would grow by gigabytes per million events: reset it every 100,000 events.
    if (t.handle.kind === 'sqlite' && loaded % 100_000 < events.length)
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    if (loaded % 1_000_000 < events.length)
      console.log(`  mapped ${loaded.toLocaleString('en')} events (${Math.round(ms(load) / 1000)} s)`);
  };
  for (const e of existing ? [] : journeyEvents(CUSTOMERS, EVENTS)) {
    batch.push(e);
    if (batch.length >= 5000) await flush();
  }
  if (batch.length) await flush();
  // PostgreSQL: vacuumed as autovacuum would have done to a table this old, so index-only scans skip the heap.
  await (t.handle.kind === 'postgres' ? sql`vacuum analyze` : sql`analyze`).execute(db);
  lines.push(
    existing
      ? `Reused the database in ${kept}: ${Number(
          (
            await db
              .selectFrom('events')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('touchpoint_key', 'is not', null)
              .executeTakeFirstOrThrow()
          ).n,
        ).toLocaleString('en')} mapped events.`
      : `Loaded ${loaded.toLocaleString('en')} events of ${CUSTOMERS.toLocaleString('en')} customers through the mapping hook in ${Math.round(ms(load) / 1000)} s.`,
  );

  if (process.env.BENCH_TP_LOAD_ONLY === '1') {
    // Build the kept database only (e.g. under nice, outside the benchmark lock); measure in a later run.
    console.log(lines.join('\n'));
    await t.close();
    return;
  }

  const loadAtStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const from = '2026-10-01';
  const to = '2026-10-30';
  const {
    health: touchpointHealthFor,
    heatmap: touchpointHeatmapFor,
    funnel: funnelFor,
    paths: pathsFor,
  } = module.analytics;
  const health = await timed(20, () =>
    touchpointHealthFor(wsId, { from, to, journey: 'mobile_data_service' }),
  );
  const start = Date.UTC(2026, 8, 30, 16);
  const end = Date.UTC(2026, 9, 30, 16);
  const rawRollup = await timed(20, () =>
    db
      .selectFrom('touchpoint_daily')
      .selectAll()
      .where('workspace_id', '=', wsId)
      .where('day', '>=', start)
      .where('day', '<', end)
      .execute(),
  );
  const heat = await timed(10, () =>
    touchpointHeatmapFor(wsId, { from: '2026-08-01', to: '2026-10-31', metric: 'conversion' }),
  );
  const steps = ['discover', 'trial', 'subscribe', 'use', 'unsubscribe', 'complain'].map((touchpoint) => ({
    touchpoint,
  }));
  // Funnels with the step plans chosen from the rollups, against the statement before session 5 (every step sought,
  // one materialised CTE per step) and every step sought in the nested form, alternated round by round so the
  // machine's noise spreads over all; wall time and this process's CPU time (SQLite runs in-process) of each run.
  const every = { steps, from, to, windowDays: 30 };
  const journey = { ...every, counting: 'first_arrival' as const };
  const variants = {
    planned: () => funnelFor(wsId, every),
    before: () => funnelFor(wsId, every, { plan: 'seek', chained: true }),
    sought: () => funnelFor(wsId, every, { plan: 'seek' }),
    journeyPlanned: () => funnelFor(wsId, journey),
    journeyBefore: () => funnelFor(wsId, journey, { plan: 'seek', chained: true }),
    // Entry by event name: the entrants come from both of the events' time indexes (migration 0019).
    eventEntry: () => funnelFor(wsId, { ...every, steps: [{ event: 'Plan Viewed' }, ...steps.slice(1)] }),
  };
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let round = -1; round < 5; round++)
    for (const [name, run] of Object.entries(variants)) {
      const c = process.cpuUsage();
      const w = performance.now();
      await run();
      if (round < 0) continue; // warm-up
      (wall[name] ??= []).push(ms(w));
      const used = process.cpuUsage(c);
      (cpu[name] ??= []).push((used.user + used.system) / 1000);
    }
  const [funnelRuns, funnelSeek, funnelNested, journeyRuns, journeySeek, eventRuns] = Object.keys(
    variants,
  ).map((k) => wall[k] as number[]) as [number[], number[], number[], number[], number[], number[]];
  const cpuOf = (k: string) => percentile(cpu[k] as number[], 0.5).toFixed(0);
  const rss = process.memoryUsage().rss;
  const scan = await timed(3, () =>
    db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', wsId)
      .where('touchpoint_key', 'is not', null)
      .where('timestamp', '>=', start)
      .where('timestamp', '<', end + 30 * DAY)
      .execute(),
  );
  const pathRuns = await timed(5, () => pathsFor(wsId, { touchpoint: 'trial', from, to, depth: 4 }));

  const p95 = (xs: number[]) => percentile(xs, 0.95);
  lines.push(
    '',
    '| query | p50 ms | p95 ms | target | ceiling (same run) | ceiling p95 ms | ratio |',
    '|---|---:|---:|---|---|---:|---:|',
    `| touchpoint health, 6 touchpoints × 30 days | ${percentile(health, 0.5).toFixed(1)} | ${p95(health).toFixed(1)} | < 100 ms p95 | raw read of the same rollup rows | ${p95(rawRollup).toFixed(1)} | ${(p95(rawRollup) / p95(health)).toFixed(2)} |`,
    `| heat map, touchpoint × 13 weeks (conversion) | ${percentile(heat, 0.5).toFixed(1)} | ${p95(heat).toFixed(1)} | < 100 ms p95 | — | — | — |`,
    `| funnel, 6 steps, 30 days, 30-day window | ${percentile(funnelRuns, 0.5).toFixed(0)} | ${p95(funnelRuns).toFixed(0)} | < 2,000 ms | count(*) over the mapped events of the period + window | ${p95(scan).toFixed(0)} | ${(p95(scan) / p95(funnelRuns)).toFixed(2)} |`,
    `| funnel, 6 steps, 30 days, every step sought, one CTE per step (before) | ${percentile(funnelSeek, 0.5).toFixed(0)} | ${p95(funnelSeek).toFixed(0)} | — | the planned funnel above | ${p95(funnelRuns).toFixed(0)} | ${(p95(funnelRuns) / p95(funnelSeek)).toFixed(2)} |`,
    `| funnel, 6 steps, 30 days, every step sought, nested (SQLite) | ${percentile(funnelNested, 0.5).toFixed(0)} | ${p95(funnelNested).toFixed(0)} | — | the planned funnel above | ${p95(funnelRuns).toFixed(0)} | ${(p95(funnelRuns) / p95(funnelNested)).toFixed(2)} |`,
    `| funnel, 6 steps, 30 days, first arrivals (journey view) | ${percentile(journeyRuns, 0.5).toFixed(0)} | ${p95(journeyRuns).toFixed(0)} | < 2,000 ms | — | — | — |`,
    `| funnel, first arrivals, every step sought, one CTE per step (before) | ${percentile(journeySeek, 0.5).toFixed(0)} | ${p95(journeySeek).toFixed(0)} | — | the planned journey view above | ${p95(journeyRuns).toFixed(0)} | ${(p95(journeyRuns) / p95(journeySeek)).toFixed(2)} |`,
    `| funnel, 6 steps, 30 days, entry by event name (Plan Viewed) | ${percentile(eventRuns, 0.5).toFixed(0)} | ${p95(eventRuns).toFixed(0)} | < 2,000 ms | the planned funnel above (entry by touchpoint) | ${p95(funnelRuns).toFixed(0)} | ${(p95(funnelRuns) / p95(eventRuns)).toFixed(2)} |`,
    `| Sankey paths after trial, depth 4 (≤ 20,000 customers followed) | ${percentile(pathRuns, 0.5).toFixed(0)} | ${p95(pathRuns).toFixed(0)} | — | — | — | — |`,
  );
  lines.push(
    '',
    `CPU ms per funnel (p50 of 5, this process): planned ${cpuOf('planned')}, before ${cpuOf('before')}, every step sought nested ${cpuOf('sought')}; journey view planned ${cpuOf('journeyPlanned')}, before ${cpuOf('journeyBefore')}.`,
  );
  lines.push(
    '',
    `RSS after the funnels ${(rss / 2 ** 20).toFixed(0)} MiB; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end (${loadAtStart} at the start of the queries).`,
  );
  console.log(lines.join('\n'));

  // (c) The mapping cost against the loaded database: new customers (numbered after this second, so a kept database
  // meets none it holds) go into it slice by slice, alternately with the rules' hook and without. Both sides write
  // into the same B-trees; the unmapped side's events land in the time index of unmapped events, which the loaded
  // data (all mapped) leaves small, so its ceiling is if anything flattered.
  if (MAP_CUSTOMERS > 0) {
    const base = Math.floor(Date.now() / 1000) * 100_000;
    const atScale: BenchResult[] = [];
    for (const [i, order] of MAP_ORDERS.entries())
      atScale.push(
        await mappingCost(order, 'fold', {
          db,
          wsId,
          module,
          firstCustomer: base + i * MAP_CUSTOMERS,
          what: `into the loaded database of ${CUSTOMERS.toLocaleString('en')} customers`,
        }),
      );
    console.log(
      `\n${report(atScale)}\nload average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  }
  await t.close();
}

await main();
