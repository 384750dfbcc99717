/**
 * Segments: what keeping members current costs.
 *  (a) full refresh of one segment (a five-condition rule) over BENCH_SEGMENT_PROFILES (100,000) customers, against
 *      a raw keyset scan of the same profile rows in the same page size (the read the refresh cannot avoid);
 *  (b) ingestion with five active segments — the change hook evaluates them on the changed profiles and writes the
 *      membership changes in the ingestion transaction — against the same ingestion with no segment (the hook then
 *      does nothing), both through POST /v1/batch (in-process, 100 events per request on known customers; any job
 *      left is run and counted in).
 * Run: npx tsx bench/segments.ts (SQLite) or bash scripts/with-postgres.sh npx tsx bench/segments.ts.
 */
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { systemActor } from '../src/modules/audit/index.js';
import { createWriteKey } from '../src/modules/workspaces/index.js';
import { createTestApp } from '../test/support/app.js';
import { testDialect } from '../test/support/database.js';
import { report, type BenchResult } from './harness.js';

const PROFILES = Number(process.env.BENCH_SEGMENT_PROFILES ?? 100_000);
const CITIES = ['杭州', '上海', '北京', '广州', '深圳', '成都', '宁波', '南京'];
const CHANNELS = ['app', 'web', 'wechat', 'store'];
const DAY = 86_400_000;

const SEGMENTS = [
  {
    key: 'hz_phone_spend',
    condition: {
      type: 'all',
      conditions: [
        { type: 'trait', trait: 'city', op: 'in', values: ['杭州', '宁波'] },
        { type: 'contact', via: 'phone' },
        {
          type: 'any',
          conditions: [
            { type: 'metric', metric: 'total_spend', op: 'gte', value: 20_000 },
            { type: 'channel', channel: 'wechat', minEvents: 2 },
          ],
        },
        { type: 'recency', field: 'last_seen', op: 'within_days', days: 60 },
      ],
    },
  },
  { key: 'big_spend', condition: { type: 'metric', metric: 'total_spend', op: 'gte', value: 30_000 } },
  { key: 'trial_end', condition: { type: 'subscription', status: 'trial', trialEndsWithinDays: 3 } },
  { key: 'wechat', condition: { type: 'channel', channel: 'wechat', minEvents: 3 } },
  {
    key: 'lapsed_gold',
    condition: {
      type: 'all',
      conditions: [
        { type: 'trait', trait: 'tier', op: 'eq', value: 'gold' },
        { type: 'recency', field: 'last_seen', op: 'not_within_days', days: 30 },
      ],
    },
  },
];

async function main(): Promise<void> {
  const h = await createTestApp();
  const ws = await h.workspace('bench-segments');
  const { db } = h.t.handle;
  const writeKey = (await createWriteKey(db, systemActor('bench'), ws.id, { name: 'bench' })).key;
  const now = Date.now();
  let seq = 0;
  const batch = async (events: Record<string, unknown>[]) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: { batch: events.map((e) => ({ messageId: `b-${++seq}`, ...e })) },
    });
    if (res.statusCode !== 200) throw new Error(`batch: ${res.statusCode} ${res.body}`);
  };
  const at = (u: number, k: number) => new Date(now - ((u * 7 + k * 13) % 90) * DAY).toISOString();

  // Customers: traits, a phone for half, bills, channel activity, trials for some.
  const loadStart = performance.now();
  for (let from = 0; from < PROFILES; from += 250) {
    const events: Record<string, unknown>[] = [];
    for (let u = from; u < Math.min(PROFILES, from + 250); u++) {
      const userId = `u${u}`;
      events.push({
        type: 'identify',
        userId,
        traits: {
          city: CITIES[u % CITIES.length],
          tier: u % 5 === 0 ? 'gold' : 'silver',
          ...(u % 2 === 0 ? { phone: `139${String(u).padStart(8, '0')}` } : {}),
        },
        timestamp: at(u, 0),
      });
      events.push({
        type: 'track',
        userId,
        event: u % 7 === 0 ? 'Trial Started' : 'Bill Paid',
        properties: { product: '5G 畅享', amount: (u % 40) * 10, trial_days: 7 },
        context: { channel: CHANNELS[u % CHANNELS.length] },
        timestamp: at(u, 1),
      });
    }
    await batch(events);
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  await h.runJobs();

  // (a) Full refresh vs a raw keyset scan of the same rows.
  const scanStart = performance.now();
  let after = '';
  let scanned = 0;
  for (;;) {
    const rows = await db
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '>', after)
      .where('merged_into', 'is', null)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) break;
    scanned += rows.length;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
  const scanMs = performance.now() - scanStart;
  const api = (method: 'POST' | 'GET' | 'DELETE', url: string, payload?: object) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.marketer}` },
      ...(payload && { payload }),
    });
  const first = SEGMENTS[0] as (typeof SEGMENTS)[number];
  await api('POST', '/segments', {
    key: first.key,
    name: { 'zh-CN': first.key, en: first.key },
    condition: first.condition,
  });
  const refreshStart = performance.now();
  const refreshCpu = process.cpuUsage();
  await h.runJobs();
  const refreshMs = performance.now() - refreshStart;
  const refreshCpuMs = (process.cpuUsage(refreshCpu).user + process.cpuUsage(refreshCpu).system) / 1000;
  const refreshed = (await api('GET', `/segments/${first.key}`)).json();

  // (b) Ingestion on known customers without segments, then with five.
  const rounds = 60;
  const ingest = async () => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let r = 0; r < rounds; r++) {
      const events = Array.from({ length: 100 }, (_, i) => {
        const u = (r * 997 + i * 131 + seq) % PROFILES;
        return {
          type: 'track',
          userId: `u${u}`,
          event: 'Bill Paid',
          properties: { amount: 50 },
          context: { channel: CHANNELS[(u + r) % CHANNELS.length] },
          timestamp: new Date(now - DAY).toISOString(),
        };
      });
      await batch(events);
    }
    const jobs = await h.runJobs();
    const used = process.cpuUsage(cpu);
    return {
      eventsPerSec: (rounds * 100 * 1000) / (performance.now() - start),
      cpuMsPerEvent: (used.user + used.system) / 1000 / (rounds * 100),
      jobs,
    };
  };
  await api('DELETE', `/segments/${first.key}`);
  for (const s of SEGMENTS)
    await api('POST', '/segments', {
      key: s.key,
      name: { 'zh-CN': s.key, en: s.key },
      condition: s.condition,
    });
  await h.runJobs();
  // Alternate: all five archived (the hook has nothing to evaluate), then all five active; best of three each.
  const setStatus = async (status: 'active' | 'archived') => {
    for (const s of SEGMENTS)
      await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/segments/${s.key}`,
        headers: { authorization: `Bearer ${ws.keys.marketer}` },
        payload: { status },
      });
    await h.runJobs(); // reactivation recomputes the members: outside the measured rounds
  };
  await ingest(); // warm-up
  const best = (a: Awaited<ReturnType<typeof ingest>>, b: Awaited<ReturnType<typeof ingest>> | null) =>
    b && b.cpuMsPerEvent < a.cpuMsPerEvent ? b : a;
  let without: Awaited<ReturnType<typeof ingest>> | null = null;
  let withSegments: Awaited<ReturnType<typeof ingest>> | null = null;
  for (let i = 0; i < 3; i++) {
    await setStatus('archived');
    without = best(await ingest(), without);
    await setStatus('active');
    withSegments = best(await ingest(), withSegments);
  }
  if (!without || !withSegments) throw new Error('no rounds');
  const members = await sql<{
    n: number;
  }>`select count(*) as n from segment_members where workspace_id = ${ws.id}`.execute(db);

  const results: BenchResult[] = [
    {
      name: `full refresh of a five-condition segment, ${PROFILES.toLocaleString('en')} customers (profiles/s)`,
      opsPerSec: (scanned * 1000) / refreshMs,
      ceiling: 'raw keyset scan of the same profile rows, 1,000 per page',
      ceilingOpsPerSec: (scanned * 1000) / scanMs,
    },
    {
      name: 'POST /v1/batch (100 events) with 5 active segments kept current (events per CPU-second)',
      opsPerSec: 1000 / withSegments.cpuMsPerEvent,
      ceiling: 'the same ingestion with no segment',
      ceilingOpsPerSec: 1000 / without.cpuMsPerEvent,
    },
  ];
  console.log(
    `# Segments — ${testDialect}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(report(results));
  console.log(
    `\nloaded ${PROFILES.toLocaleString('en')} customers in ${loadSeconds.toFixed(0)} s; refresh: ${refreshMs.toFixed(0)} ms wall, ${refreshCpuMs.toFixed(0)} ms CPU, ${refreshed.memberCount} members, scan ${scanMs.toFixed(0)} ms`,
  );
  console.log(
    `ingestion: ${Math.round(without.eventsPerSec)} events/s without segments, ${Math.round(withSegments.eventsPerSec)} with 5 (wall clock; ${withSegments.jobs} jobs run); ${Number(members.rows[0]?.n ?? 0).toLocaleString('en')} memberships`,
  );
  await h.close();
}

await main();
