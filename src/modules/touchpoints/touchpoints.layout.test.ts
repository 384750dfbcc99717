import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { allMigrations } from '../../migrations/index.js';
import { createFieldCipher } from '../../platform/crypto/index.js';
import { inTransaction, insertRows, migrateToLatest, type Db } from '../../platform/db/index.js';
import { cliActor, systemActor } from '../audit/index.js';
import { seedDemoCustomers, type RecordedEvent } from '../profiles/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { touchpointsModule } from './index.js';
import { matchEvents, TouchpointMapper } from './touchpoint.mapping.js';
import { storeMappedEvents } from './touchpoints.fixtures.js';

type Module = ReturnType<typeof touchpointsModule>;
const STEPS = ['discover', 'trial', 'subscribe', 'use', 'unsubscribe', 'complain'].map((touchpoint) => ({
  touchpoint,
}));
const PERIOD = { from: '2026-09-01', to: '2026-10-31' };
const NOW = Date.UTC(2026, 10, 22);

type Paths = Awaited<ReturnType<Module['analytics']['paths']>>;
/** Paths with nodes, links and top paths in a canonical order (paths of equal counts keep no defined order). */
function canonical(p: Paths) {
  return {
    ...p,
    nodes: [...p.nodes].sort((x, y) => (x.id < y.id ? -1 : 1)),
    links: [...p.links].sort((x, y) => (`${x.source}>${x.target}` < `${y.source}>${y.target}` ? -1 : 1)),
    topPaths: [...p.topPaths].sort(
      (x, y) => y.customers - x.customers || (x.path.join('>') < y.path.join('>') ? -1 : 1),
    ),
  };
}

/** Every analytics answer the console draws: funnels (both countings, both step plans, breakdown, comparison, an event step), paths, health, heat maps. */
async function analyticsOf(module: Module, ws: string): Promise<Record<string, unknown>> {
  const a = module.analytics;
  const out: Record<string, unknown> = {};
  out.funnelEvery = await a.funnel(ws, {
    steps: STEPS,
    ...PERIOD,
    windowDays: 30,
    breakdown: { by: 'channel' },
    compare: { from: '2026-08-01', to: '2026-08-31' },
  });
  out.funnelFirst = await a.funnel(ws, {
    steps: STEPS,
    ...PERIOD,
    windowDays: 30,
    counting: 'first_arrival',
    breakdown: { by: 'channel' },
  });
  out.funnelMixed = await a.funnel(ws, {
    steps: [{ touchpoint: 'discover' }, { event: 'Bill Paid' }, { touchpoint: 'use' }],
    ...PERIOD,
    windowDays: 14,
  });
  for (const plan of ['seek', 'scan'] as const)
    out[`funnel_${plan}`] = await a.funnel(ws, { steps: STEPS, ...PERIOD, windowDays: 30 }, { plan });
  out.pathsAfter = canonical(await a.paths(ws, { touchpoint: 'trial', ...PERIOD, depth: 4 }));
  out.pathsBefore = canonical(
    await a.paths(ws, { touchpoint: 'subscribe', ...PERIOD, depth: 3, direction: 'before' }),
  );
  out.health = await a.health(ws, { ...PERIOD, journey: 'mobile_data_service' });
  for (const metric of ['customers', 'events', 'conversion', 'perception'] as const)
    out[`heat_${metric}`] = await a.heatmap(ws, { from: '2026-08-01', to: '2026-10-31', metric });
  return out;
}

async function workspace(db: Db, slug: string): Promise<string> {
  const ws = await createWorkspace(db, cliActor('test'), {
    slug,
    name: slug,
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'en',
    ownerUserId: null,
  });
  return ws.id;
}

describe('touchpoint key on the events row (migration 0015)', () => {
  it('gives the same funnels, paths, health and heat maps as the mapped-event copy did', async () => {
    // The fixture is what the same procedure returned with the `touchpoint_events` layout (commit 3c1bc9e), on
    // SQLite and on PostgreSQL alike: 800 demo customers ingested through identity resolution and the live hook.
    const before = JSON.parse(
      readFileSync(new URL('./__fixtures__/analytics-before-0015.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const t = await openTestDatabase();
    try {
      const { db } = t.handle;
      const ws = await workspace(db, 'layout');
      const module = touchpointsModule(db);
      await module.catalogue.applyTemplate(systemActor('test'), ws, 'mobile_data_service');
      await seedDemoCustomers(
        db,
        { cipher: createFieldCipher(randomBytes(32)), phoneRegion: 'CN', hooks: [module.hook] },
        ws,
        { customers: 800, now: NOW },
      );
      const after = await analyticsOf(module, ws);
      // Round trip through JSON, as the fixture was stored (undefined members dropped).
      expect(JSON.parse(JSON.stringify(after))).toEqual(before);
    } finally {
      await t.close();
    }
  });

  describe('backfill', () => {
    let old: TestDatabase;
    let fresh: TestDatabase;
    beforeAll(async () => {
      old = await openTestDatabase({ migrate: false });
      fresh = await openTestDatabase();
    });
    afterAll(async () => {
      await old.close();
      await fresh.close();
    });

    /** Journeys of `customers` customers with unmapped events between the mapped ones. */
    function journeyEvents(customers: number): RecordedEvent[] {
      let seed = 7;
      const rand = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const channels = ['app', 'web', 'wechat', 'store'];
      const out: RecordedEvent[] = [];
      const DAY = 86_400_000;
      for (let u = 0; u < customers; u++) {
        let t = Date.UTC(2026, 8, 1) + Math.floor(rand() * 70 * DAY);
        const names = ['Plan Viewed', 'Signed In'];
        if (rand() < 0.6) names.push('Trial Started', 'Bill Paid');
        if (rand() < 0.5) names.push('Service Subscribed', 'Data Used', 'Data Used');
        if (rand() < 0.2) names.push('Service Unsubscribed');
        if (rand() < 0.2) names.push('Complaint Filed');
        for (const name of names) {
          t += Math.floor(rand() * 4 * DAY);
          const n = out.length + 1;
          out.push({
            id: `evt_${n.toString(36).padStart(6, '0')}`,
            messageId: `m${n}`,
            type: 'track',
            name,
            profileId: `cus_${u}`,
            channel: channels[Math.floor(rand() * channels.length)] as string,
            properties: {},
            context: {},
            timestamp: t,
            touchpointKey: null,
          });
        }
      }
      return out.sort((a, b) => a.timestamp - b.timestamp);
    }

    it('copies every mapping onto its event, drops the copy and answers as live ingestion does', async () => {
      const events = journeyEvents(400);
      // Before 0015: the events, their mapped copies in touchpoint_events and the rollups, as written then.
      const migrations = allMigrations(old.handle.kind);
      const upTo0014 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0015'));
      await migrateToLatest(old.handle.db, upTo0014);
      const db = old.handle.db;
      const oldWs = await workspace(db, 'backfill');
      const oldModule = touchpointsModule(db);
      await oldModule.catalogue.applyTemplate(systemActor('test'), oldWs, 'mobile_data_service');
      const catalogue = await new TouchpointMapper().catalogue(db, oldWs);
      const hits = matchEvents(catalogue, events);
      expect(hits.length).toBeGreaterThan(1000);

      // The same events recorded live on the latest schema; their rollups are also the ones the old code kept (the
      // columns both share), copied into the old database beside its events and mapped copies.
      const freshWs = await workspace(fresh.handle.db, 'backfill');
      const freshModule = touchpointsModule(fresh.handle.db);
      await freshModule.catalogue.applyTemplate(systemActor('test'), freshWs, 'mobile_data_service');
      await inTransaction(fresh.handle.db, (trx) =>
        storeMappedEvents(
          trx,
          freshModule.hook,
          freshWs,
          events.map((e) => ({ ...e })),
        ),
      );
      const rollups = {
        touchpoint_daily: ['touchpoint_key', 'day', 'channel', 'events', 'customers', 'new_customers'],
        touchpoint_profiles: [
          'profile_id',
          'touchpoint_key',
          'first_at',
          'first_day',
          'first_channel',
          'last_day',
        ],
        touchpoint_conversions: ['from_key', 'to_key', 'profile_id', 'converted_at'],
        touchpoint_conversion_daily: ['from_key', 'to_key', 'day', 'converted'],
      } as const;
      const kept: Record<string, Record<string, unknown>[]> = {};
      for (const [table, columns] of Object.entries(rollups))
        kept[table] = (
          await sql<
            Record<string, unknown>
          >`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} where workspace_id = ${freshWs}`.execute(
            fresh.handle.db,
          )
        ).rows;
      expect(kept.touchpoint_conversions?.length).toBeGreaterThan(50);

      await inTransaction(db, async (trx) => {
        await insertRows(
          trx,
          'events',
          events.map((e) => ({
            workspace_id: oldWs,
            id: e.id,
            message_id: e.messageId,
            type: e.type,
            name: e.name,
            profile_id: e.profileId,
            channel: e.channel,
            properties: '{}',
            context: '{}',
            received_at: e.timestamp,
            timestamp: e.timestamp,
          })),
        );
        for (const h of hits)
          await sql`insert into touchpoint_events (workspace_id, event_id, touchpoint_key, profile_id, channel, "timestamp") values (${oldWs}, ${h.eventId}, ${h.key}, ${h.profileId}, ${h.channel}, ${h.timestamp})`.execute(
            trx,
          );
        for (const [table, rows] of Object.entries(kept))
          if (rows.length)
            await insertRows(
              trx,
              table as keyof typeof rollups,
              rows.map((r) => ({ workspace_id: oldWs, ...r })) as never,
            );
      });
      await migrateToLatest(db, migrations);

      const stored = await db
        .selectFrom('events')
        .select(['id', 'touchpoint_key'])
        .where('workspace_id', '=', oldWs)
        .execute();
      const expected = new Map(hits.map((h) => [h.eventId, h.key]));
      expect(stored).toHaveLength(events.length);
      for (const r of stored) expect(r.touchpoint_key).toBe(expected.get(r.id) ?? null);
      await expect(sql`select count(*) from touchpoint_events`.execute(db)).rejects.toThrow();

      const backfilled = await analyticsOf(oldModule, oldWs);
      expect(
        (backfilled.funnelEvery as { current: { steps: { customers: number }[] } }).current.steps[1]
          ?.customers,
      ).toBeGreaterThan(50);
      expect(backfilled).toEqual(await analyticsOf(freshModule, freshWs));
    });
  });
});
