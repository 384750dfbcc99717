import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testConfig, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { createFieldCipher } from '../../platform/crypto/index.js';
import { previewRule } from './segment.membership.js';
import type { SegmentCondition } from './segment.rules.js';

const DAY = 86_400_000;

describe('segments', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  let seq = 0;

  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    role: keyof TestWorkspace['keys'] = 'marketer',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys[role]}` },
      ...(payload && { payload }),
    });
  const send = async (...events: Record<string, unknown>[]) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: { batch: events.map((e) => ({ messageId: `sg-${++seq}`, ...e })) },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rejected).toEqual([]);
  };
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const idOf = async (userId: string) => {
    const res = await api('GET', `/customers/lookup?type=userId&value=${userId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id as string;
  };
  const members = async (key: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api('GET', `/segments/${key}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      ids.push(...res.json().data.map((m: { id: string }) => m.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    return ids.sort();
  };
  const segment = async (key: string) => (await api('GET', `/segments/${key}`)).json();

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('segments');
    writeKey = (await api('POST', '/write-keys', { name: 'app' }, 'owner')).json().key;
  });
  afterAll(() => h.close());

  it('validates definitions, enforces permissions, unique keys and versions', async () => {
    const body = {
      key: 'vip_hz',
      name: { 'zh-CN': '杭州贵宾', en: 'Hangzhou VIPs' },
      condition: { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
    };
    expect((await api('POST', '/segments', body, 'viewer')).statusCode).toBe(403);
    const bad = await api('POST', '/segments', {
      ...body,
      condition: { type: 'all', conditions: [{ type: 'metric', metric: 'spend', op: 'gt', value: 1 }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'SEGMENT_CONDITION_INVALID',
      details: { path: '/conditions/0/metric' },
    });
    const created = await api('POST', '/segments', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      key: 'vip_hz',
      name: body.name,
      status: 'active',
      version: 1,
      memberCount: 0,
      timeDependent: false,
      refresh: { status: 'running' },
    });
    expect((await api('POST', '/segments', body)).json().error.code).toBe('SEGMENT_EXISTS');
    const stale = await api('PATCH', '/segments/vip_hz', { name: { 'zh-CN': '杭州', en: 'HZ' }, version: 7 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'SEGMENT_VERSION_CONFLICT', details: { actual: 1 } });
    expect((await api('GET', '/segments/nope')).json().error.code).toBe('SEGMENT_NOT_FOUND');
    expect((await api('DELETE', '/segments/vip_hz')).statusCode).toBe(204);
    await h.runJobs();
    expect((await api('GET', '/segments')).json().data).toEqual([]);
  });

  it('keeps members current as events, trait edits, merges and erasure change profiles', async () => {
    await send(
      { type: 'identify', userId: 'u1', traits: { city: '杭州', phone: '13800000001' }, timestamp: ago(3) },
      { type: 'identify', userId: 'u2', traits: { city: '杭州' }, timestamp: ago(3) },
      { type: 'identify', userId: 'u3', traits: { city: '上海', phone: '13800000003' }, timestamp: ago(3) },
      {
        type: 'track',
        userId: 'u3',
        event: 'Bill Paid',
        properties: { amount: 800, currency: 'CNY' },
        timestamp: ago(2),
      },
    );
    const created = await api('POST', '/segments', {
      key: 'hz_phone',
      name: { 'zh-CN': '杭州可电话触达', en: 'Hangzhou, by phone' },
      condition: {
        type: 'all',
        conditions: [
          { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
          { type: 'contact', via: 'phone' },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    await api('POST', '/segments', {
      key: 'big_spenders',
      name: { 'zh-CN': '高消费', en: 'Big spenders' },
      condition: { type: 'metric', metric: 'total_spend', op: 'gte', value: 50_000 },
    });
    await h.runJobs();
    const [u1, u2, u3] = [await idOf('u1'), await idOf('u2'), await idOf('u3')];
    expect(await members('hz_phone')).toEqual([u1]);
    expect(await members('big_spenders')).toEqual([u3]);
    expect(await segment('hz_phone')).toMatchObject({
      memberCount: 1,
      refresh: { status: 'idle', processed: 3, total: 3, progress: 1 },
    });

    // New events: u2 gets a phone; u1 moves to Shanghai.
    await send(
      { type: 'identify', userId: 'u2', traits: { phone: '13800000002' }, timestamp: ago(1) },
      { type: 'identify', userId: 'u1', traits: { city: '上海' }, timestamp: ago(1) },
    );
    await h.runJobs();
    expect(await members('hz_phone')).toEqual([u2]);

    // A trait edit through the API.
    expect((await api('PATCH', `/customers/${u3}`, { traits: { city: '杭州' } })).statusCode).toBe(200);
    await h.runJobs();
    expect(await members('hz_phone')).toEqual([u2, u3].sort());
    const of3 = (await api('GET', `/customers/${u3}/segments`)).json().data;
    expect(of3.map((s: { key: string }) => s.key)).toEqual(['big_spenders', 'hz_phone']);
    expect(of3[0].name).toEqual({ 'zh-CN': '高消费', en: 'Big spenders' });

    // A merge: an anonymous visitor with spend merges into u2; the merged-away profile leaves, u2's spend joins.
    await send({
      type: 'track',
      anonymousId: 'anon-9',
      event: 'Bill Paid',
      properties: { amount: 600 },
      timestamp: ago(1),
    });
    await h.runJobs();
    const anon = (await api('GET', '/customers/lookup?type=anonymousId&value=anon-9')).json().id as string;
    expect(await members('big_spenders')).toEqual([u3, anon].sort());
    await send({ type: 'identify', userId: 'u2', anonymousId: 'anon-9', timestamp: ago(0) });
    await h.runJobs();
    expect(await members('big_spenders')).toEqual([u2, u3].sort());
    expect((await segment('big_spenders')).memberCount).toBe(2);
    // The merged-away id answers with the live profile's segments.
    expect(
      (await api('GET', `/customers/${anon}/segments`)).json().data.map((s: { key: string }) => s.key),
    ).toEqual(['big_spenders', 'hz_phone']);

    // Erasure.
    expect((await api('DELETE', `/customers/${u3}`, undefined, 'owner')).statusCode).toBe(204);
    await h.runJobs();
    expect(await members('big_spenders')).toEqual([u2]);
    expect(await members('hz_phone')).toEqual([u2]);
    expect((await segment('hz_phone')).memberCount).toBe(1);
    expect((await api('GET', `/customers/${u3}/segments`)).statusCode).toBe(404);
  });

  it('recomputes members when the rule changes, freezes them when archived, purges them when deleted', async () => {
    const before = await segment('hz_phone');
    const edited = await api('PATCH', '/segments/hz_phone', {
      condition: { type: 'trait', trait: 'city', op: 'in', values: ['杭州', '上海'] },
      version: before.version,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: before.version + 1, refresh: { status: 'running' } });
    await h.runJobs();
    const [u1, u2] = [await idOf('u1'), await idOf('u2')];
    expect(await members('hz_phone')).toEqual([u1, u2].sort());

    const archived = await api('PATCH', '/segments/hz_phone', { status: 'archived' });
    expect(archived.json().status).toBe('archived');
    const frozen = await api('POST', '/segments/hz_phone/refresh');
    expect(frozen.statusCode).toBe(409);
    expect(frozen.json().error.code).toBe('SEGMENT_ARCHIVED');
    expect((await api('GET', `/customers/${u1}/segments`)).json().data).toContainEqual(
      expect.objectContaining({ key: 'hz_phone', status: 'archived' }),
    );
    await send({ type: 'identify', userId: 'u4', traits: { city: '杭州' }, timestamp: ago(0) });
    await h.runJobs();
    expect(await members('hz_phone')).toEqual([u1, u2].sort());
    expect(
      (await api('GET', '/segments?status=active')).json().data.map((s: { key: string }) => s.key),
    ).toEqual(['big_spenders']);
    await api('PATCH', '/segments/hz_phone', { status: 'active' });
    await h.runJobs();
    expect(await members('hz_phone')).toEqual([u1, u2, await idOf('u4')].sort());

    expect((await api('DELETE', '/segments/hz_phone')).statusCode).toBe(204);
    await h.runJobs();
    const left = await h.t.handle.db
      .selectFrom('segment_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.id)
      .where('segment_id', '=', before.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
    const audit = await h.t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', ws.id)
      .where('target_type', '=', 'segment')
      .execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(
      new Set(['segment.created', 'segment.updated', 'segment.deleted']),
    );
  });

  it('keeps the same members by incremental upkeep as a full recomputation, on random data', async () => {
    let state = 7;
    const rand = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const rule = {
      type: 'any',
      conditions: [
        {
          type: 'all',
          conditions: [
            { type: 'trait', trait: 'city', op: 'in', values: ['杭州', '宁波'] },
            { type: 'channel', channel: 'wechat', minEvents: 2 },
          ],
        },
        { type: 'metric', metric: 'total_spend', op: 'gte', value: 30_000 },
        { type: 'not', condition: { type: 'recency', field: 'last_seen', op: 'within_days', days: 20 } },
      ],
    };
    expect(
      (
        await api('POST', '/segments', {
          key: 'mixed',
          name: { 'zh-CN': '混合', en: 'Mixed' },
          condition: rule,
        })
      ).statusCode,
    ).toBe(201);
    await h.runJobs();
    for (let round = 0; round < 6; round++) {
      const batch = Array.from({ length: 40 }, () => {
        const user = `r${Math.floor(rand() * 30)}`;
        const kind = rand();
        const timestamp = ago(Math.floor(rand() * 40));
        if (kind < 0.3)
          return {
            type: 'identify',
            userId: user,
            traits: { city: pick(['杭州', '宁波', '上海']) },
            timestamp,
          };
        if (kind < 0.5)
          return {
            type: 'track',
            userId: user,
            event: 'Bill Paid',
            properties: { amount: Math.floor(rand() * 200) },
            timestamp,
          };
        if (kind < 0.6)
          return { type: 'alias', userId: user, previousId: `anon-r${Math.floor(rand() * 10)}`, timestamp };
        return {
          type: 'track',
          ...(rand() < 0.8 ? { userId: user } : { anonymousId: `anon-r${Math.floor(rand() * 10)}` }),
          event: 'Page Viewed',
          context: { channel: pick(['wechat', 'app', 'web']) },
          timestamp,
        };
      });
      await send(...batch);
      await h.runJobs();
    }
    const incremental = await members('mixed');
    const count = (await segment('mixed')).memberCount;
    expect(incremental.length).toBeGreaterThan(3);
    expect((await api('POST', '/segments/mixed/refresh')).statusCode).toBe(202);
    await h.runJobs();
    expect(await members('mixed')).toEqual(incremental);
    expect((await segment('mixed')).memberCount).toBe(count);
    expect(count).toBe(incremental.length);
  });

  it('previews a rule before it is saved: exact on a small workspace, estimated from a sample otherwise', async () => {
    const condition = { type: 'trait', trait: 'city', op: 'eq', value: '杭州' };
    const all = await h.t.handle.db
      .selectFrom('profiles')
      .select(['id', 'traits'])
      .where('workspace_id', '=', ws.id)
      .where('merged_into', 'is', null)
      .execute();
    const hz = all.filter((p) => JSON.parse(p.traits).city === '杭州').map((p) => p.id);
    const exact = await api('POST', '/segments/preview', { condition }, 'viewer');
    expect(exact.statusCode, exact.body).toBe(200);
    expect(exact.json()).toMatchObject({
      total: all.length,
      sampled: all.length,
      matched: hz.length,
      exact: true,
    });
    expect(exact.json().estimate).toBe(hz.length);
    for (const e of exact.json().examples) expect(hz).toContain(e.id);
    // The viewer may not read personal data: names and phones come masked.
    expect(JSON.stringify(exact.json().examples)).not.toContain('13800000002');
    const sampled = await api('POST', '/segments/preview', {
      condition: { type: 'trait', trait: 'x', op: 'exists' },
      sample: 100,
    });
    expect(sampled.json()).toMatchObject({ total: all.length, matched: 0, estimate: 0 });
    // Sampled (a sample smaller than the workspace): ten runs from random places, scaled to the total.
    const cipher = createFieldCipher(testConfig.secretKey);
    const everyone = await previewRule(
      h.t.handle.db,
      cipher,
      ws.id,
      { type: 'trait', trait: 'nope', op: 'not_exists' },
      20,
    );
    expect(everyone).toMatchObject({ total: all.length, exact: false, estimate: all.length });
    expect(everyone.sampled).toBe(20);
    const some = await previewRule(h.t.handle.db, cipher, ws.id, condition as SegmentCondition, 20);
    expect(some.estimate).toBe(Math.round((some.matched / some.sampled) * all.length));
    const bad = await api('POST', '/segments/preview', { condition: { type: 'metric', metric: 'x' } });
    expect(bad.json().error).toMatchObject({
      code: 'SEGMENT_CONDITION_INVALID',
      details: { path: '/metric' },
    });
  });

  it('schedules hourly recomputation of rules that depend on time', async () => {
    const res = await api('POST', '/segments', {
      key: 'quiet_week',
      name: { 'zh-CN': '一周未活跃', en: 'Quiet for a week' },
      condition: { type: 'recency', field: 'last_seen', op: 'not_within_days', days: 7 },
    });
    expect(res.json().timeDependent).toBe(true);
    await h.runJobs();
    const scheduled = await h.t.handle.db
      .selectFrom('jobs')
      .select(['run_at', 'status'])
      .where('workspace_id', '=', ws.id)
      .where('type', '=', 'segments.scheduled-refresh')
      .where('status', '=', 'pending')
      .where('unique_key', '=', `segments.scheduled-refresh:${res.json().id}`)
      .execute();
    expect(scheduled).toHaveLength(1);
    expect(Number(scheduled[0]?.run_at)).toBeGreaterThan(Date.now() + 59 * 60_000);
    // When the hour is up (moved here instead of waiting), the scheduled job starts a new refresh, which
    // schedules the next one an hour on.
    const first = (await segment('quiet_week')).refresh.refreshedAt;
    await h.t.handle.db
      .updateTable('jobs')
      .set({ run_at: Date.now() })
      .where('unique_key', '=', `segments.scheduled-refresh:${res.json().id}`)
      .where('status', '=', 'pending')
      .execute();
    await new Promise((r) => setTimeout(r, 5));
    await h.runJobs();
    const again = await segment('quiet_week');
    expect(again.refresh.status).toBe('idle');
    expect(Date.parse(again.refresh.refreshedAt)).toBeGreaterThan(Date.parse(first));
    const next = await h.t.handle.db
      .selectFrom('jobs')
      .select('run_at')
      .where('unique_key', '=', `segments.scheduled-refresh:${res.json().id}`)
      .where('status', '=', 'pending')
      .execute();
    expect(next).toHaveLength(1);
  });
});
