import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';

describe('identity resolution and customer profiles', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  let seq = 0;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('crm');
    writeKey = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: { authorization: `Bearer ${ws.keys.owner}` },
        payload: { name: 'web' },
      })
    ).json().key;
  });
  afterAll(() => h.close());

  const batch = async (...events: Record<string, unknown>[]) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: { batch: events.map((e) => ({ messageId: `msg-${++seq}`, ...e })) },
    });
    expect(res.json().rejected).toEqual([]);
  };
  const api = (
    url: string,
    role: keyof TestWorkspace['keys'] = 'admin',
    method: 'GET' | 'PATCH' | 'DELETE' = 'GET',
    payload?: object,
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys[role]}` },
      ...(payload && { payload }),
    });
  const lookup = async (type: string, value: string, role: keyof TestWorkspace['keys'] = 'admin') =>
    api(`/customers/lookup?type=${type}&value=${encodeURIComponent(value)}`, role);

  it('writes back only what an event changed: counters move, the sealed PII and its indexes stay as stored', async () => {
    await batch({
      type: 'identify',
      userId: 'u-writeback',
      traits: { name: '王芳', phone: '13911112222', city: '宁波' },
      timestamp: '2026-11-02T08:00:00Z',
    });
    const id = (await lookup('user_id', 'u-writeback')).json().id as string;
    const row = () =>
      h.t.handle.db
        .selectFrom('profiles')
        .selectAll()
        .where('workspace_id', '=', ws.id)
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const before = await row();
    await batch({
      type: 'track',
      userId: 'u-writeback',
      event: 'Plan Viewed',
      properties: { category: '宽带' },
      timestamp: '2026-11-03T08:00:00Z',
    });
    const after = await row();
    expect(after.event_count).toBe(before.event_count + 1);
    expect(after.last_seen_at).toBeGreaterThan(before.last_seen_at);
    expect(after.pii).toBe(before.pii);
    expect(after.name_index).toBe(before.name_index);
    await batch({
      type: 'identify',
      userId: 'u-writeback',
      traits: { name: '王小芳' },
      timestamp: '2026-11-04T08:00:00Z',
    });
    const renamed = await row();
    expect(renamed.pii).not.toBe(before.pii);
    expect(renamed.name_index).not.toBe(before.name_index);
    expect(renamed.phone_suffix_index).toBe(before.phone_suffix_index);
    const found = await api(`/customers?q=${encodeURIComponent('王小芳')}`);
    expect(found.json().data.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it('joins anonymous browsing to the person who signs in', async () => {
    await batch(
      {
        type: 'page',
        anonymousId: 'anon-1',
        name: '套餐 Plans',
        properties: { category: '流量包' },
        timestamp: '2026-11-01T10:00:00Z',
      },
      {
        type: 'track',
        anonymousId: 'anon-1',
        event: 'Plan Viewed',
        properties: { plan: '5G 畅享 30GB', category: '流量包' },
        timestamp: '2026-11-01T10:01:00Z',
      },
    );
    await batch({
      type: 'identify',
      userId: 'u-100',
      anonymousId: 'anon-1',
      traits: {
        name: '张三',
        phone: '138 1234 5678',
        email: 'ZhangSan@Example.com',
        city: '杭州',
        gender: 'male',
        birthday: '1990-05-20',
      },
      timestamp: '2026-11-01T10:05:00Z',
    });
    const byUser = (await lookup('userId', 'u-100')).json();
    const byAnon = (await lookup('anonymous_id', 'anon-1')).json();
    expect(byAnon.id).toBe(byUser.id);
    expect(byUser.engagement.eventCount).toBe(3);
    expect(byUser.basic).toMatchObject({
      name: '张三',
      city: '杭州',
      gender: 'male',
      birthday: '1990-05-20',
    });
    expect(byUser.interests[0]).toEqual({ tag: '流量包', count: 2 });
    const types = byUser.identities.map((i: { type: string }) => i.type).sort();
    expect(types).toEqual(['anonymous_id', 'email', 'phone', 'user_id']);
    // Phone normalised to E.164 and e-mail lower-cased: other spellings find the same customer.
    expect((await lookup('phone', '+86 138-1234-5678')).json().id).toBe(byUser.id);
    expect((await lookup('email', 'zhangsan@example.com')).json().id).toBe(byUser.id);
    const timeline = (await api(`/customers/${byUser.id}/timeline`)).json();
    expect(timeline.data.map((e: { type: string }) => e.type)).toEqual(['identify', 'track', 'page']);
  });

  it('merges profiles when an event links their identifiers, and records the merge', async () => {
    await batch({
      type: 'track',
      anonymousId: 'anon-2',
      event: 'Bill Paid',
      properties: { amount: 58 },
      timestamp: '2026-10-01T08:00:00Z',
    });
    await batch({
      type: 'identify',
      userId: 'u-200',
      traits: { city: '上海' },
      timestamp: '2026-11-02T08:00:00Z',
    });
    const anonProfile = (await lookup('anonymous_id', 'anon-2')).json().id;
    const userProfile = (await lookup('userId', 'u-200')).json().id;
    expect(anonProfile).not.toBe(userProfile);
    await batch({
      type: 'track',
      userId: 'u-200',
      anonymousId: 'anon-2',
      event: 'Order Completed',
      properties: { revenue: 99.5, currency: 'cny' },
      timestamp: '2026-11-03T08:00:00Z',
    });
    const merged = (await lookup('anonymous_id', 'anon-2')).json();
    expect(merged.id).toBe(userProfile);
    expect(merged.merges).toEqual([
      expect.objectContaining({ fromProfileId: anonProfile, identifierType: 'anonymous_id' }),
    ]);
    // Counters add, first-seen is the earliest, purchases count.
    expect(merged.value).toMatchObject({ totalSpendMinor: 5800 + 9950, orderCount: 1, currency: 'CNY' });
    expect(merged.engagement.firstSeenAt).toBe('2026-10-01T08:00:00.000Z');
    expect(merged.engagement.eventCount).toBe(3);
    // The old id still answers, with the survivor.
    const old = (await api(`/customers/${anonProfile}`)).json();
    expect(old).toMatchObject({ id: userProfile, mergedFrom: anonProfile });
    const timeline = (await api(`/customers/${anonProfile}/timeline`)).json();
    expect(timeline.data).toHaveLength(3);
  });

  it('never merges two different userIds, even through a shared device', async () => {
    await batch({
      type: 'identify',
      userId: 'u-300',
      anonymousId: 'shared-tablet',
      traits: { name: '李四' },
    });
    await batch({
      type: 'identify',
      userId: 'u-301',
      anonymousId: 'shared-tablet',
      traits: { name: '王五' },
    });
    const a = (await lookup('userId', 'u-300')).json();
    const b = (await lookup('userId', 'u-301')).json();
    expect(a.id).not.toBe(b.id);
    expect(b.basic.name).toBe('王五');
    expect((await lookup('anonymous_id', 'shared-tablet')).json().id).toBe(a.id);
  });

  it('ignores placeholder identifiers that would join strangers', async () => {
    await batch(
      { type: 'identify', userId: 'u-400', traits: { email: 'null' } },
      { type: 'identify', userId: 'u-401', traits: { email: 'null', phone: '0' } },
    );
    expect((await lookup('userId', 'u-400')).json().id).not.toBe((await lookup('userId', 'u-401')).json().id);
    await batch(
      { type: 'track', userId: 'anonymous', event: 'x' },
      { type: 'track', userId: 'anonymous', event: 'y' },
    );
    expect((await lookup('userId', 'anonymous')).statusCode).toBe(400);
  });

  it('keeps the newest trait value, also when events arrive out of order', async () => {
    await batch({
      type: 'identify',
      userId: 'u-500',
      traits: { city: '北京' },
      timestamp: '2026-11-10T00:00:00Z',
    });
    await batch({
      type: 'identify',
      userId: 'u-500',
      traits: { city: '天津', plan: 'gold' },
      timestamp: '2026-11-01T00:00:00Z',
    });
    const p = (await lookup('userId', 'u-500')).json();
    expect(p.traits).toMatchObject({ city: '北京', plan: 'gold' });
  });

  it('tracks subscriptions with trial end dates', async () => {
    await batch({
      type: 'track',
      userId: 'u-600',
      event: 'Trial Started',
      properties: { product: '5G 流量包', trial_days: 7 },
      timestamp: '2026-01-10T00:00:00Z',
    });
    const p = (await lookup('userId', 'u-600')).json();
    expect(p.subscriptions).toEqual([
      {
        product: '5G 流量包',
        status: 'trial',
        since: '2026-01-10T00:00:00.000Z',
        trialEndsAt: '2026-01-17T00:00:00.000Z',
        endedAt: null,
      },
    ]);
    await batch({
      type: 'track',
      userId: 'u-600',
      event: 'Service Unsubscribed',
      properties: { product: '5G 流量包' },
      timestamp: '2026-01-15T00:00:00Z',
    });
    expect((await lookup('userId', 'u-600')).json().subscriptions[0]).toMatchObject({
      status: 'cancelled',
      endedAt: '2026-01-15T00:00:00.000Z',
    });
  });

  it('resolves custom identifiers from context.externalIds', async () => {
    await batch({
      type: 'track',
      anonymousId: 'wx-visitor',
      event: 'Article Read',
      context: {
        channel: 'wechat',
        externalIds: [{ id: 'oWx123', type: 'wechat_openid', collection: 'users', encoding: 'none' }],
      },
    });
    await batch({
      type: 'identify',
      userId: 'u-700',
      context: { externalIds: [{ id: 'oWx123', type: 'openid' }] },
    });
    const p = (await lookup('wechat_openid', 'oWx123')).json();
    expect(p.identities.map((i: { type: string }) => i.type).sort()).toEqual([
      'anonymous_id',
      'user_id',
      'wechat_openid',
    ]);
    expect(p.engagement.eventsByChannel).toMatchObject({ wechat: 1 });
  });

  it('encrypts PII at rest and masks it for roles without pii.read', async () => {
    const id = (await lookup('userId', 'u-100')).json().id;
    const row = await h.t.handle.db
      .selectFrom('profiles')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('13812345678');
    expect(JSON.stringify(row)).not.toContain('张三');
    const identityRows = await h.t.handle.db
      .selectFrom('identities')
      .selectAll()
      .where('profile_id', '=', id)
      .execute();
    expect(JSON.stringify(identityRows)).not.toContain('zhangsan@example.com');
    const viewer = (await api(`/customers/${id}`, 'viewer')).json();
    expect(viewer.piiMasked).toBe(true);
    expect(viewer.pii.phone).toBe('138****5678');
    expect(viewer.pii.email).toBe('z***@example.com');
    expect(viewer.basic.name).toBe('张*');
    expect(viewer.identities.find((i: { type: string }) => i.type === 'phone').value).toBe('138****5678');
    const agent = (await api(`/customers/${id}`, 'agent')).json();
    expect(agent.pii.phone).toBe('+8613812345678');
  });

  it('searches by phone suffix, full phone, e-mail, user id and exact name; filters by trait', async () => {
    const id = (await lookup('userId', 'u-100')).json().id;
    for (const q of ['5678', '13812345678', 'zhangsan@example.com', 'u-100', '张三']) {
      const res = (await api(`/customers?q=${encodeURIComponent(q)}`)).json();
      expect(
        res.data.map((c: { id: string }) => c.id),
        q,
      ).toContain(id);
    }
    const hz = (await api(`/customers?trait.city=${encodeURIComponent('杭州')}`)).json();
    expect(hz.data.map((c: { id: string }) => c.id)).toEqual([id]);
    const bad = await api('/customers?city=x');
    expect(bad.statusCode).toBe(400);
    const page1 = (await api('/customers?limit=2')).json();
    const page2 = (await api(`/customers?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2.data[0].id < page1.data[1].id).toBe(true);
  });

  it('updates traits by hand and erases a customer with all their data, both audited', async () => {
    const id = (await lookup('userId', 'u-500')).json().id;
    const updated = await api(`/customers/${id}`, 'agent', 'PATCH', {
      traits: { vip: true, city: null, phone: '13900001111' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().traits).toEqual({ plan: 'gold', vip: true });
    expect(updated.json().pii.phone).toBe('13900001111');
    expect((await api(`/customers/${id}`, 'agent', 'DELETE')).statusCode).toBe(403);
    expect((await api(`/customers/${id}`, 'admin', 'DELETE')).statusCode).toBe(204);
    expect((await api(`/customers/${id}`)).json().error.code).toBe('CUSTOMER_NOT_FOUND');
    expect((await lookup('userId', 'u-500')).statusCode).toBe(404);
    const left = await h.t.handle.db
      .selectFrom('events')
      .select('id')
      .where('user_id', '=', 'u-500')
      .execute();
    expect(left).toEqual([]);
    const audit = (await api('/audit?targetType=customer')).json();
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual([
      'customer.deleted',
      'customer.updated',
    ]);
  });
});
