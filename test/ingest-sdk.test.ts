import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFieldCipher } from '../src/platform/crypto/index.js';
import { createTestApp, testConfig, type TestApp, type TestWorkspace } from './support/app.js';

/**
 * The official Segment Node SDK (`@segment/analytics-node`), unchanged, pointed at a Touchpoint server listening on
 * a real loopback port. Everything it sends is read back from the database: each message stored once, identities
 * resolved and normalised, the anonymous visitor merged into the known customer, commercial stats derived.
 *
 * Profiles are read back through the customer API (lookup, 360° view, timeline); what the API does not show
 * (message ids, sealed values at rest, blind-index hashes) through the tables.
 */
describe('collection through the official @segment/analytics-node client', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  let baseUrl: string;
  const cipher = createFieldCipher(testConfig.secretKey);
  /** Every request body the SDK sent, and every HTTP status it got back. */
  const sentBodies: string[] = [];
  const statuses: number[] = [];
  const sdkErrors: unknown[] = [];

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('sdk');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/write-keys',
      headers: { authorization: `Bearer ${ws.keys.owner}` },
      payload: { name: 'Node SDK' },
    });
    expect(res.statusCode).toBe(201);
    writeKey = res.json().key;
    baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => h.close());

  /** A client like a customer's backend would configure it, recording what goes over the wire. */
  function client(): Analytics {
    const analytics = new Analytics({
      writeKey,
      host: baseUrl,
      path: '/v1/batch',
      flushAt: 3,
      flushInterval: 50,
      maxRetries: 2,
    });
    analytics.on('http_request', (r) => sentBodies.push(r.body));
    analytics.on('http_response', (r) => statuses.push(r.status));
    analytics.on('error', (err) => sdkErrors.push(err));
    return analytics;
  }

  const db = () => h.t.handle.db;
  const api = (url: string, key = ws.keys.owner) =>
    h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  const sentMessageIds = () =>
    sentBodies.flatMap((b) =>
      (JSON.parse(b) as { batch: { messageId: string }[] }).batch.map((m) => m.messageId),
    );
  const storedEvents = () =>
    db()
      .selectFrom('events')
      .select(['message_id', 'type', 'name', 'profile_id', 'user_id', 'anonymous_id', 'channel', 'timestamp'])
      .where('workspace_id', '=', ws.id)
      .execute();
  const profileRow = (id: string) =>
    db()
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  const userId = 'u-10001';
  const anonymousId = 'anon-7f3c9a';
  let customerId: string;
  let visitorId: string;

  it('stores what the SDK sends from two sources as two customers until they are linked', async () => {
    // The app knows the customer; the website only sees an anonymous visitor so far.
    const app = client();
    app.identify({
      userId,
      traits: { email: 'Zhang.San@Example.COM', phone: '13812341234', name: '张三', city: '杭州' },
      context: { channel: 'app' },
    });
    app.track({ userId, event: 'App Opened', context: { channel: 'app' } });
    await app.closeAndFlush();

    const web = client();
    web.page({
      anonymousId,
      name: '5G 套餐',
      properties: { category: '流量包', url: 'https://example.cn/plans/5g' },
      context: { channel: 'web' },
    });
    web.track({
      anonymousId,
      event: 'Plan Viewed',
      properties: { plan: '5G 流量包', category: '流量包' },
      context: { channel: 'web' },
    });
    web.screen({ anonymousId, name: 'Plan detail', context: { channel: 'h5' } });
    await web.closeAndFlush();

    expect(sdkErrors).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const events = await storedEvents();
    expect(events).toHaveLength(5);
    const byUser = events.filter((e) => e.user_id === userId);
    const byVisitor = events.filter((e) => e.anonymous_id === anonymousId);
    expect(byUser).toHaveLength(2);
    expect(byVisitor).toHaveLength(3);
    customerId = byUser[0]!.profile_id;
    visitorId = byVisitor[0]!.profile_id;
    expect(new Set(byUser.map((e) => e.profile_id))).toEqual(new Set([customerId]));
    expect(new Set(byVisitor.map((e) => e.profile_id))).toEqual(new Set([visitorId]));
    expect(visitorId).not.toBe(customerId);
    // `h5` is an alias of the web channel in the default catalogue.
    expect(byVisitor.map((e) => e.channel)).toEqual(['web', 'web', 'web']);
  });

  it('merges the anonymous visitor into the customer on alias, and derives spend and trials', async () => {
    const analytics = client();
    analytics.alias({ previousId: anonymousId, userId });
    analytics.track({
      userId,
      event: 'Trial Started',
      properties: { product: '5G 流量包', trial_days: 7 },
      context: { channel: 'web' },
    });
    analytics.track({
      userId,
      event: 'Order Completed',
      properties: {
        order_id: 'o-20260101-1',
        revenue: 99.5,
        currency: 'cny',
        products: [{ sku: '5g-10gb' }],
      },
      context: { channel: 'web' },
    });
    analytics.group({ userId, groupId: 'org-zj-mobile', traits: { industry: 'telecom', employees: 1200 } });
    analytics.page({ userId, name: 'Order confirmation', context: { channel: 'web' } });
    await analytics.closeAndFlush();

    expect(sdkErrors).toEqual([]);
    expect(statuses.every((s) => s === 200)).toBe(true);

    // Every message the SDK sent is stored exactly once.
    const sent = sentMessageIds();
    expect(sent).toHaveLength(10);
    expect(new Set(sent).size).toBe(10);
    const events = await storedEvents();
    expect(events.map((e) => e.message_id).sort()).toEqual([...sent].sort());
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['identify', 'track', 'page', 'screen', 'alias', 'group']),
    );

    // One customer now: the visitor's earlier events moved to the customer, and the merge is recorded.
    expect(new Set(events.map((e) => e.profile_id))).toEqual(new Set([customerId]));
    expect((await profileRow(visitorId)).merged_into).toBe(customerId);
    const merges = await db()
      .selectFrom('profile_merges')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({
      into_profile_id: customerId,
      from_profile_id: visitorId,
      identifier_type: 'anonymous_id',
    });

    // Identifiers: all on the customer; phone in E.164 (+86 default region), e-mail lower-cased, both sealed.
    const identities = await db()
      .selectFrom('identities')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(identities.map((i) => i.type).sort()).toEqual(['anonymous_id', 'email', 'phone', 'user_id']);
    expect(new Set(identities.map((i) => i.profile_id))).toEqual(new Set([customerId]));
    const phone = identities.find((i) => i.type === 'phone')!;
    expect(phone.value).not.toContain('13812341234');
    expect(cipher.decrypt(phone.value)).toBe('+8613812341234');
    expect(phone.value_hash).toBe(cipher.blindIndex('identity:phone', '+8613812341234'));
    const email = identities.find((i) => i.type === 'email')!;
    expect(cipher.decrypt(email.value)).toBe('zhang.san@example.com');
    expect(identities.find((i) => i.type === 'anonymous_id')!.value).toBe(anonymousId);

    // The profile at rest: PII sealed, never in plain text.
    const profile = await profileRow(customerId);
    expect(profile.merged_into).toBeNull();
    expect(profile.pii).not.toContain('张三');
    expect(profile.pii).not.toContain('13812341234');

    // The 360° view through the profile API, found by the phone number as a person would type it.
    const trial = events.find((e) => e.name === 'Trial Started')!;
    const iso = (ms: number) => new Date(ms).toISOString();
    const times = events.map((e) => e.timestamp);
    const view = await api(
      `/api/v1/customers/lookup?type=phone&value=${encodeURIComponent('138 1234 1234')}`,
    );
    expect(view.statusCode).toBe(200);
    const customer = view.json();
    expect(customer).toMatchObject({
      id: customerId,
      mergedFrom: null,
      piiMasked: false,
      basic: { name: '张三', city: '杭州' },
      pii: { name: '张三', phone: '+8613812341234', email: 'zhang.san@example.com' },
      traits: { city: '杭州' },
      value: { totalSpendMinor: 9950, currency: 'CNY', orderCount: 1 },
      subscriptions: [
        {
          product: '5G 流量包',
          status: 'trial',
          since: iso(trial.timestamp),
          trialEndsAt: iso(trial.timestamp + 7 * 86_400_000),
          endedAt: null,
        },
      ],
      engagement: {
        firstSeenAt: iso(Math.min(...times)),
        lastSeenAt: iso(Math.max(...times)),
        eventCount: 10,
        eventsByChannel: { app: 2, web: 6, other: 2 },
        eventsByType: { identify: 1, track: 4, page: 2, screen: 1, alias: 1, group: 1 },
      },
      merges: [{ fromProfileId: visitorId, identifierType: 'anonymous_id' }],
    });
    expect(customer.interests).toEqual(
      expect.arrayContaining([
        { tag: '流量包', count: 2 },
        { tag: '5G 流量包', count: 1 },
      ]),
    );
    expect(
      (customer.identities as { type: string; value: string }[]).map((i) => [i.type, i.value]).sort(),
    ).toEqual([
      ['anonymous_id', anonymousId],
      ['email', 'zhang.san@example.com'],
      ['phone', '+8613812341234'],
      ['user_id', userId],
    ]);

    // The visitor's id and identifiers lead to the surviving customer; the timeline holds the visitor's events.
    const viaVisitor = await api(`/api/v1/customers/${visitorId}`);
    expect(viaVisitor.json()).toMatchObject({ id: customerId, mergedFrom: visitorId });
    expect((await api(`/api/v1/customers/lookup?type=anonymousId&value=${anonymousId}`)).json().id).toBe(
      customerId,
    );
    expect((await api(`/api/v1/customers/lookup?type=email&value=ZHANG.SAN%40example.com`)).json().id).toBe(
      customerId,
    );
    const timeline = (await api(`/api/v1/customers/${customerId}/timeline?limit=50`)).json();
    expect(timeline.data).toHaveLength(10);
    expect(timeline.data.map((e: { name: string | null }) => e.name)).toContain('Plan Viewed');

    // A role without PII access sees the same customer masked.
    const masked = (await api(`/api/v1/customers/${customerId}`, ws.keys.viewer)).json();
    expect(masked).toMatchObject({ piiMasked: true, pii: { phone: '138****1234' } });
    expect(JSON.stringify(masked)).not.toContain('13812341234');
    expect(JSON.stringify(masked)).not.toContain('张三');
  });

  it('never double-counts when the SDK retries a batch it already delivered', async () => {
    const before = await profileRow(customerId);
    for (const body of sentBodies) {
      const res = await fetch(`${baseUrl}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          'x-retry-count': '1',
        },
        body,
      });
      expect(res.status).toBe(200);
    }
    expect(await storedEvents()).toHaveLength(10);
    const after = await profileRow(customerId);
    expect(after.event_count).toBe(before.event_count);
    expect(after.stats).toBe(before.stats);
  });

  it('keeps group traits (the company) apart from the person who belongs to it', async () => {
    const analytics = client();
    analytics.identify({ userId: 'u-20002', traits: { name: '李四', email: 'li.si@example.com' } });
    await analytics.closeAndFlush();
    const later = client();
    later.group({
      userId: 'u-20002',
      groupId: 'org-acme',
      traits: { name: 'Acme 有限公司', email: 'info@acme.example.com', industry: 'retail' },
    });
    await later.closeAndFlush();
    const person = (await api('/api/v1/customers/lookup?type=userId&value=u-20002')).json();
    expect(person.basic.name).toBe('李四');
    expect(person.identities.map((i: { value: string }) => i.value)).not.toContain('info@acme.example.com');
  });

  it('gets 401 for an unknown write key, and the SDK reports the failure instead of retrying forever', async () => {
    const failed: unknown[] = [];
    const analytics = new Analytics({
      writeKey: 'tp_wk_unknown_key_000000000',
      host: baseUrl,
      path: '/v1/batch',
      flushAt: 1,
      maxRetries: 1,
    });
    analytics.on('error', (err) => failed.push(err));
    const codes: number[] = [];
    analytics.on('http_response', (r) => codes.push(r.status));
    analytics.track({ userId: 'u-nobody', event: 'Should Not Land' });
    await analytics.closeAndFlush();
    expect(codes).toEqual([401]);
    expect(failed).toHaveLength(1);
    const stored = await db().selectFrom('events').select('id').where('user_id', '=', 'u-nobody').execute();
    expect(stored).toEqual([]);
  });
});
