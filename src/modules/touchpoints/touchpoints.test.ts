import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { AppError } from '../../platform/http/index.js';
import { compileRule, validateRule, type MatchRule } from './touchpoint.rules.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-11-01 00:00 in Shanghai. */
const NOV1 = Date.UTC(2026, 9, 31, 16);
const at = (days: number, hours = 10) => new Date(NOV1 + days * DAY + hours * HOUR).toISOString();

describe('matching rules', () => {
  const event = (properties: Record<string, unknown>, channel = 'app') => ({
    type: 'track',
    name: 'Plan Viewed',
    channel,
    properties,
    context: { locale: 'zh-CN' },
  });

  it('match on name, type, channel and every condition operator', () => {
    const rule: MatchRule = {
      events: ['Plan Viewed'],
      type: 'track',
      channels: ['app', 'web'],
      conditions: [
        { path: 'properties.plan', op: 'starts_with', value: '5G' },
        { path: 'properties.price', op: 'gte', value: 30 },
        { path: 'properties.price', op: 'lt', value: 100 },
        { path: 'properties.tags', op: 'contains', value: 'data' },
        { path: 'properties.region', op: 'in', values: ['浙江', '江苏'] },
        { path: 'properties.trial', op: 'neq', value: true },
        { path: 'properties.coupon', op: 'not_exists' },
        { path: 'context.locale', op: 'matches', pattern: '^zh(-[A-Z]{2})?$' },
      ],
    };
    validateRule(rule);
    const test = compileRule(rule);
    const good = { plan: '5G 畅享', price: '58', tags: ['data', 'promo'], region: '浙江', trial: false };
    expect(test(event(good))).toBe(true);
    expect(test(event(good, 'store'))).toBe(false);
    expect(test({ ...event(good), name: 'Plan Bought' })).toBe(false);
    expect(test(event({ ...good, price: 120 }))).toBe(false);
    expect(test(event({ ...good, price: 'cheap' }))).toBe(false);
    expect(test(event({ ...good, coupon: 'X' }))).toBe(false);
    expect(test(event({ ...good, region: '广东' }))).toBe(false);
    expect(test({ ...event(good), context: { locale: 'en' } })).toBe(false);
  });

  it('rejects rules that cannot work, naming the part', () => {
    const bad: [MatchRule, string][] = [
      [{ events: [' '] }, 'events/0'],
      [{ events: ['A'], conditions: [{ path: 'traits.x', op: 'exists' }] }, 'conditions/0/path'],
      [{ events: ['A'], conditions: [{ path: 'properties.__proto__', op: 'exists' }] }, 'conditions/0/path'],
      [
        { events: ['A'], conditions: [{ path: 'properties.x', op: 'matches', pattern: '(a+)+$' }] },
        'conditions/0/pattern',
      ],
      [
        { events: ['A'], conditions: [{ path: 'properties.x', op: 'matches', pattern: '(a|aa)*b' }] },
        'conditions/0/pattern',
      ],
      [
        { events: ['A'], conditions: [{ path: 'properties.x', op: 'matches', pattern: '[' }] },
        'conditions/0/pattern',
      ],
      [
        { events: ['A'], conditions: [{ path: 'properties.x', op: 'gt', value: Number.NaN }] },
        'conditions/0/value',
      ],
      [{ events: ['A'], conditions: [{ path: 'properties.x', op: 'bogus' } as never] }, 'conditions/0/op'],
    ];
    for (const [rule, path] of bad) {
      let caught: unknown;
      try {
        validateRule(rule);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(rule)).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('TOUCHPOINT_RULE_INVALID');
      expect((caught as AppError).details).toMatchObject({ path });
    }
  });

  it('never throws while matching, whatever the rule and the event (property)', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.double());
    const condition = fc.oneof(
      fc.record({ path: fc.constant('properties.a'), op: fc.constantFrom('eq', 'neq'), value: scalar }),
      fc.record({
        path: fc.constant('properties.a'),
        op: fc.constantFrom('in', 'not_in'),
        values: fc.array(scalar, { maxLength: 3 }),
      }),
      fc.record({
        path: fc.constant('properties.a.b'),
        op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
        value: fc.double(),
      }),
      fc.record({
        path: fc.constant('context.a'),
        op: fc.constantFrom('contains', 'starts_with'),
        value: fc.string({ maxLength: 4 }),
      }),
      fc.record({ path: fc.constant('properties.a'), op: fc.constantFrom('exists', 'not_exists') }),
      fc.record({
        path: fc.constant('properties.a'),
        op: fc.constant('matches'),
        pattern: fc.string({ maxLength: 12 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(condition, { maxLength: 4 }), fc.anything(), fc.anything(), (conditions, a, b) => {
        const rule = { events: ['E'], conditions } as MatchRule;
        try {
          validateRule(rule);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          return;
        }
        const test = compileRule(rule);
        const r = test({ type: 'track', name: 'E', channel: 'web', properties: { a }, context: { a: b } });
        expect(typeof r).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('touchpoints and journeys', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  let seq = 0;

  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    role: keyof TestWorkspace['keys'] = 'analyst',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys[role]}` },
      ...(payload && { payload }),
    });
  const track = (
    userId: string,
    event: string,
    day: number,
    channel: string,
    hours = 10,
    extra: object = {},
  ) => ({
    type: 'track',
    userId,
    event,
    timestamp: at(day, hours),
    context: { channel },
    ...extra,
  });
  const send = async (...events: Record<string, unknown>[]) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'x-write-key': writeKey },
      payload: { batch: events.map((e) => ({ messageId: `tp-${++seq}`, ...e })) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().rejected).toEqual([]);
  };
  const health = async (query = 'from=2026-11-01&to=2026-11-30') => {
    const res = await api('GET', `/analytics/touchpoint-health?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return Object.fromEntries(
      (res.json().data as { touchpoint: string }[]).map((t) => [t.touchpoint, t]),
    ) as Record<string, Record<string, unknown>>;
  };

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('journeys');
    writeKey = (await api('POST', '/write-keys', { name: 'web' }, 'owner')).json().key;
  });
  afterAll(() => h.close());

  it('applies the bilingual mobile data-service template as editable touchpoints and a journey', async () => {
    const templates = (await api('GET', '/journey-templates')).json().data;
    expect(templates.map((t: { key: string }) => t.key)).toEqual([
      'mobile_data_service',
      'retail_ecommerce',
      'service_after_sales',
    ]);
    const forbidden = await api('POST', '/journey-templates/mobile_data_service/apply', undefined, 'viewer');
    expect(forbidden.statusCode).toBe(403);
    const applied = await api('POST', '/journey-templates/mobile_data_service/apply');
    expect(applied.statusCode, applied.body).toBe(201);
    expect(applied.json()).toMatchObject({
      journey: {
        key: 'mobile_data_service',
        steps: ['discover', 'trial', 'subscribe', 'use', 'unsubscribe', 'complain'],
      },
      created: ['discover', 'trial', 'subscribe', 'use', 'unsubscribe', 'complain'],
      kept: [],
    });
    const trial = (await api('GET', '/touchpoints/trial')).json();
    expect(trial).toMatchObject({
      name: { 'zh-CN': '试用', en: 'Trial' },
      phase: 'in_sale',
      journeys: ['mobile_data_service'],
      rule: { events: ['Trial Started'] },
    });
    expect(trial.coreNeed['zh-CN']).toContain('提醒');
    expect((await api('POST', '/journey-templates/mobile_data_service/apply')).json().error.code).toBe(
      'JOURNEY_EXISTS',
    );
    expect((await api('POST', '/journey-templates/nope/apply')).statusCode).toBe(404);
    expect((await api('DELETE', '/touchpoints/trial')).json().error).toMatchObject({
      code: 'TOUCHPOINT_IN_USE',
      details: { journeys: ['mobile_data_service'] },
    });
  });

  it('rejects bad catalogue input with clear codes', async () => {
    const base = {
      key: 'vip_call',
      name: { 'zh-CN': '贵宾来电', en: 'VIP call' },
      stage: 'use',
      phase: 'after_sale',
    };
    const cases: [object, number, string][] = [
      [
        {
          ...base,
          rule: {
            events: ['Call'],
            conditions: [{ path: 'properties.x', op: 'matches', pattern: '(.*a){12}' }],
          },
        },
        400,
        'TOUCHPOINT_RULE_INVALID',
      ],
      [
        {
          ...base,
          rule: { events: ['Call'], conditions: [{ path: 'properties.x', op: 'like', value: 'a' }] },
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        {
          ...base,
          rule: { events: ['Call'], conditions: [{ path: 'properties.x', op: 'gt', value: 'ten' }] },
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { ...base, channels: ['carrier_pigeon'], rule: { events: ['Call'] } },
        400,
        'TOUCHPOINT_CHANNEL_UNKNOWN',
      ],
      [{ ...base, key: 'Bad Key', rule: { events: ['Call'] } }, 400, 'VALIDATION_FAILED'],
      [{ ...base, key: 'trial', rule: { events: ['Call'] } }, 409, 'TOUCHPOINT_EXISTS'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api('POST', '/touchpoints', body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    const journey = await api('POST', '/journeys', {
      key: 'x',
      name: { 'zh-CN': '甲', en: 'X' },
      steps: ['trial', 'ghost'],
    });
    expect(journey.json().error).toMatchObject({
      code: 'JOURNEY_STEP_UNKNOWN',
      details: { keys: ['ghost'] },
    });
  });

  it('maps events as they arrive and keeps health rollups: events, customers, first arrivals, conversion', async () => {
    await send(
      track('u1', 'Plan Viewed', 0, 'web'),
      track('u1', 'Trial Started', 1, 'app'),
      track('u1', 'Service Subscribed', 8, 'app'),
      track('u1', 'Data Used', 9, 'app'),
      track('u1', 'Data Used', 9, 'app', 12),
      track('u2', 'Plan Viewed', 0, 'wechat'),
      track('u2', 'Trial Started', 2, 'wechat'),
      track('u3', 'Plan Viewed', 0, 'app'),
      track('u3', 'Plan Viewed', 1, 'app'),
      track('u4', 'Trial Started', 1, 'store'),
      // Not a touchpoint event: ignored by the mapping.
      track('u4', 'Signed In', 1, 'app'),
    );
    // The same batch again (a client retry) changes nothing.
    seq -= 11;
    await send(
      track('u1', 'Plan Viewed', 0, 'web'),
      track('u1', 'Trial Started', 1, 'app'),
      track('u1', 'Service Subscribed', 8, 'app'),
      track('u1', 'Data Used', 9, 'app'),
      track('u1', 'Data Used', 9, 'app', 12),
      track('u2', 'Plan Viewed', 0, 'wechat'),
      track('u2', 'Trial Started', 2, 'wechat'),
      track('u3', 'Plan Viewed', 0, 'app'),
      track('u3', 'Plan Viewed', 1, 'app'),
      track('u4', 'Trial Started', 1, 'store'),
      track('u4', 'Signed In', 1, 'app'),
    );
    const hs = await health('from=2026-11-01&to=2026-11-30&journey=mobile_data_service');
    expect(hs.discover).toMatchObject({
      next: 'trial',
      events: 4,
      newCustomers: 3,
      conversion: 2 / 3,
      targetConversion: 0.3,
      byChannel: [
        { channel: 'app', events: 2 },
        { channel: 'web', events: 1 },
        { channel: 'wechat', events: 1 },
      ],
    });
    expect(hs.discover?.days).toEqual([
      {
        day: '2026-11-01',
        events: 3,
        customers: 3,
        newCustomers: 3,
        converted: 2,
        perception: null,
        responses: 0,
      },
      {
        day: '2026-11-02',
        events: 1,
        customers: 1,
        newCustomers: 0,
        converted: 0,
        perception: null,
        responses: 0,
      },
    ]);
    expect(hs.trial).toMatchObject({ events: 3, newCustomers: 3, conversion: 1 / 3 });
    expect(hs.subscribe).toMatchObject({ events: 1, newCustomers: 1, conversion: 1 });
    expect(hs.use).toMatchObject({ events: 2, newCustomers: 1, next: 'unsubscribe', conversion: 0 });
    expect(hs.complain).toMatchObject({ events: 0, next: null, conversion: null });
    // Days are local (Asia/Shanghai): an event at 23:30 local on Nov 2 (15:30 UTC) belongs to Nov 2.
    await send(track('u5', 'Plan Viewed', 1, 'web', 23.5));
    const later = await health('from=2026-11-02&to=2026-11-02');
    expect(later.discover).toMatchObject({ events: 2, newCustomers: 1 });
  });

  it("shows each event's touchpoint on the customer timeline and filters by it", async () => {
    const customer = (await api('GET', '/customers/lookup?type=userId&value=u1')).json();
    const all = (await api('GET', `/customers/${customer.id}/timeline`)).json().data;
    expect(all.map((e: { name: string; touchpoint: string | null }) => [e.name, e.touchpoint])).toEqual([
      ['Data Used', 'use'],
      ['Data Used', 'use'],
      ['Service Subscribed', 'subscribe'],
      ['Trial Started', 'trial'],
      ['Plan Viewed', 'discover'],
    ]);
    const trial = (await api('GET', `/customers/${customer.id}/timeline?touchpoint=trial`)).json().data;
    expect(trial.map((e: { name: string }) => e.name)).toEqual(['Trial Started']);
    expect((await api('GET', `/customers/${customer.id}/timeline?touchpoint=Bad-Key`)).statusCode).toBe(400);
  });

  it('computes funnels with per-step conversion, times, breakdowns and period comparison', async () => {
    const steps = [
      { touchpoint: 'discover' },
      { touchpoint: 'trial' },
      { touchpoint: 'subscribe' },
      { event: 'Data Used' },
    ];
    const res = await api('POST', '/analytics/funnel', {
      steps,
      from: '2026-11-01',
      to: '2026-11-01',
      windowDays: 30,
      breakdown: { by: 'channel' },
      compare: { from: '2026-10-01', to: '2026-10-31' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.current.steps.map((s: { customers: number }) => s.customers)).toEqual([3, 2, 1, 1]);
    expect(body.current.steps[1]).toMatchObject({
      label: 'trial',
      conversionFromStart: 2 / 3,
      conversionFromPrevious: 2 / 3,
      dropOff: 1,
      medianMsFromPrevious: 1.5 * DAY,
    });
    expect(body.current.steps[2]).toMatchObject({
      conversionFromPrevious: 0.5,
      medianMsFromPrevious: 7 * DAY,
    });
    expect(body.current.steps[3]).toMatchObject({ label: 'Data Used', medianMsFromPrevious: DAY });
    const byChannel = Object.fromEntries(
      body.breakdown.map((b: { value: string; steps: { customers: number }[] }) => [
        b.value,
        b.steps.map((s) => s.customers),
      ]),
    );
    expect(byChannel).toEqual({ web: [1, 1, 1, 1], wechat: [1, 1, 0, 0], app: [1, 0, 0, 0] });
    expect(body.previous.steps[0].customers).toBe(0);
    expect(body.changes[0]).toMatchObject({
      step: 2,
      current: 2 / 3,
      previous: 0,
      pValue: null,
      significant: false,
    });

    // The same journey from each customer's first arrivals (the fast, rollup-backed journey view).
    const journey = await api('POST', '/analytics/funnel', {
      steps: steps.slice(0, 3),
      from: '2026-11-01',
      to: '2026-11-01',
      breakdown: { by: 'channel' },
      counting: 'first_arrival',
    });
    expect(journey.statusCode, journey.body).toBe(200);
    expect(journey.json().current.steps.map((s: { customers: number }) => s.customers)).toEqual([3, 2, 1]);
    expect(journey.json().current.steps[1].medianMsFromPrevious).toBe(1.5 * DAY);
    expect(
      Object.fromEntries(
        journey
          .json()
          .breakdown.map((b: { value: string; steps: { customers: number }[] }) => [
            b.value,
            b.steps.map((s) => s.customers),
          ]),
      ),
    ).toEqual({ web: [1, 1, 1], wechat: [1, 1, 0], app: [1, 0, 0] });
    const mixed = await api('POST', '/analytics/funnel', {
      steps,
      from: '2026-11-01',
      to: '2026-11-01',
      counting: 'first_arrival',
    });
    expect(mixed.json().error).toMatchObject({
      code: 'ANALYTICS_LIMIT_EXCEEDED',
      details: { limit: 'counting' },
    });

    // The window is measured from entry: with 5 days, subscribing on day 8 does not count.
    const short = await api('POST', '/analytics/funnel', {
      steps,
      from: '2026-11-01',
      to: '2026-11-01',
      windowDays: 5,
    });
    expect(short.json().current.steps.map((s: { customers: number }) => s.customers)).toEqual([3, 2, 0, 0]);

    const byTrait = await api('POST', '/analytics/funnel', {
      steps: steps.slice(0, 2),
      from: '2026-11-01',
      to: '2026-11-01',
      breakdown: { by: 'trait', trait: 'city' },
    });
    expect(byTrait.statusCode, byTrait.body).toBe(200);
    expect(byTrait.json().breakdown).toEqual([{ value: null, steps: expect.any(Array) }]);
  });

  it('refuses funnels that would be slow or meaningless', async () => {
    const step = { touchpoint: 'trial' };
    const cases: [object, string][] = [
      [
        { steps: Array.from({ length: 9 }, () => step), from: '2026-11-01', to: '2026-11-02' },
        'ANALYTICS_LIMIT_EXCEEDED',
      ],
      [
        { steps: [step, step], from: '2026-11-01', to: '2026-11-02', windowDays: 120 },
        'ANALYTICS_LIMIT_EXCEEDED',
      ],
      [{ steps: [step, step], from: '2024-01-01', to: '2026-11-02' }, 'ANALYTICS_LIMIT_EXCEEDED'],
      [{ steps: [step, step], from: '2026-11-05', to: '2026-11-02' }, 'ANALYTICS_LIMIT_EXCEEDED'],
      [{ steps: [step, step], from: '2026-02-30', to: '2026-11-02' }, 'VALIDATION_FAILED'],
      [{ steps: [step], from: '2026-11-01', to: '2026-11-02' }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const res = await api('POST', '/analytics/funnel', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
  });

  it('gives Sankey paths after a touchpoint, with drop-off as an end node', async () => {
    const res = await api(
      'GET',
      '/analytics/paths?touchpoint=discover&from=2026-11-01&to=2026-11-01&depth=3',
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ customers: 3, sampled: false });
    const links = Object.fromEntries(
      body.links.map((l: { source: string; target: string; value: number }) => [
        `${l.source}>${l.target}`,
        l.value,
      ]),
    );
    expect(links).toEqual({
      '0:discover>1:trial': 2,
      '0:discover>1:(end)': 1,
      '1:trial>2:subscribe': 1,
      '1:trial>2:(end)': 1,
      '2:subscribe>3:use': 1,
    });
    expect(body.topPaths[0]).toEqual({ path: ['discover', 'trial', 'subscribe', 'use'], customers: 1 });
    const before = (
      await api('GET', '/analytics/paths?touchpoint=subscribe&direction=before&from=2026-11-01&to=2026-11-30')
    ).json();
    expect(before.topPaths).toEqual([{ path: ['(start)', 'discover', 'trial', 'subscribe'], customers: 1 }]);
  });

  it('draws a touchpoint × week heat map', async () => {
    const res = await api(
      'GET',
      '/analytics/touchpoint-heatmap?from=2026-11-01&to=2026-11-15&metric=events&journey=mobile_data_service',
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // 2026-11-01 is a Sunday: its week starts on Monday 2026-10-26.
    expect(body.weeks).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']);
    const cell = (t: string, w: string) =>
      body.cells.find((c: { touchpoint: string; week: string }) => c.touchpoint === t && c.week === w);
    expect(cell('discover', '2026-10-26')).toMatchObject({ value: 3, count: 3 });
    expect(cell('discover', '2026-11-02')).toMatchObject({ value: 2 });
    expect(cell('use', '2026-11-09')).toMatchObject({ value: 2 });
    expect(body.touchpoints).toHaveLength(6);
  });

  it('previews a rule on recent events and re-maps history after a rule changes', async () => {
    const preview = await api('POST', '/touchpoints/preview', {
      rule: { events: ['Trial Started'], channels: ['app'] },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      matched: 1,
      examples: [{ name: 'Trial Started', channel: 'app', currentTouchpoint: 'trial' }],
    });

    const edited = await api('PATCH', '/touchpoints/trial', {
      rule: { events: ['Trial Started'], channels: ['app', 'wechat'] },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    // New events follow the new rule at once: a store trial no longer maps.
    await send(track('u6', 'Trial Started', 3, 'store'));
    expect((await health()).trial).toMatchObject({ events: 3 });

    const started = await api('POST', '/touchpoints/remaps');
    expect(started.statusCode, started.body).toBe(202);
    expect((await api('POST', '/touchpoints/remaps')).json().error.code).toBe('TOUCHPOINT_REMAP_RUNNING');
    await h.runJobs();
    const done = (await api('GET', `/touchpoints/remaps/${started.json().id}`)).json();
    expect(done).toMatchObject({ status: 'done', progress: 1, processed: 13 });
    const hs = await health();
    // History now follows the rule: u4's store trial is gone; totals are rebuilt exactly (nothing counted twice).
    expect(hs.trial).toMatchObject({ events: 2, newCustomers: 2, conversion: 0.5 });
    expect(hs.discover).toMatchObject({ events: 5, newCustomers: 4, conversion: 0.5 });
    // The key stored on each event follows the rule too: store trials map to nothing now, the app one still to trial.
    const after = await api('POST', '/touchpoints/preview', { rule: { events: ['Trial Started'] } });
    const examples = after.json().examples as { channel: string; currentTouchpoint: string | null }[];
    expect(examples.filter((e) => e.channel === 'store').map((e) => e.currentTouchpoint)).toEqual([
      null,
      null,
    ]);
    expect(examples.filter((e) => e.channel === 'app').map((e) => e.currentTouchpoint)).toEqual(['trial']);
    expect((await api('GET', '/touchpoints/remaps/rmp_nope')).statusCode).toBe(404);
  });

  it('hands the mapped touchpoint to later hooks: an event mapped to "complain" opens a case there', async () => {
    const edited = await api('PATCH', '/touchpoints/complain', {
      rule: { events: ['Complaint Filed', 'Hotline Complaint'] },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    await send(
      track('u7', 'Hotline Complaint', 5, 'call_center', 10, {
        properties: { text: '5G 信号太差，打电话总是断线，再不解决我就携号转网' },
      }),
    );
    await h.runJobs();
    const cases = (await api('GET', '/cases?view=all', undefined, 'admin')).json().data;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ touchpointKey: 'complain', channel: 'call_center' });
  });

  it('follows merged customers: anonymous browsing joins the signed-in profile', async () => {
    await send({
      type: 'track',
      anonymousId: 'anon-9',
      event: 'Plan Viewed',
      timestamp: at(3),
      context: { channel: 'web' },
    });
    await send({ type: 'identify', userId: 'u9', anonymousId: 'anon-9', timestamp: at(3, 11) });
    await send(track('u9', 'Trial Started', 3, 'app', 12));
    const res = await api('POST', '/analytics/funnel', {
      steps: [{ touchpoint: 'discover' }, { touchpoint: 'trial' }],
      from: '2026-11-04',
      to: '2026-11-04',
    });
    expect(res.json().current.steps.map((s: { customers: number }) => s.customers)).toEqual([1, 1]);
  });

  it('agrees with a per-customer reference on random journeys, and sums breakdown values past the top 20', async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const SEP1 = NOV1 - 61 * DAY;
    const names = ['Plan Viewed', 'Trial Started', 'Service Subscribed', 'Data Used'];
    const people: { city: string; events: [number, number][] }[] = [];
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const user = `fz-${i}`;
      const city = `c${String(i % 25).padStart(2, '0')}`;
      const events: [number, number][] = [];
      let t = SEP1 - 2 * DAY + Math.floor(rand() * 14 * DAY);
      events.push([0, t]);
      if (rand() < 0.4) events.push([0, t + Math.floor(rand() * 3 * DAY)]);
      for (let step = 1; step < 4 && rand() < 0.75; step++) {
        t += Math.floor(rand() * 6 * DAY) - DAY;
        events.push([step, t]);
        if (rand() < 0.3) events.push([step, t + Math.floor(rand() * 4 * DAY)]);
      }
      people.push({ city, events });
      batch.push({
        type: 'identify',
        userId: user,
        traits: { city },
        timestamp: new Date(SEP1 - 30 * DAY).toISOString(),
      });
      for (const [step, time] of events)
        batch.push({
          type: 'track',
          userId: user,
          event: names[step],
          timestamp: new Date(time).toISOString(),
          context: { channel: 'app' },
        });
    }
    await send(...batch);

    const WINDOW = 10 * DAY;
    const quantile = (xs: number[], q: number) => {
      if (!xs.length) return null;
      const sorted = [...xs].sort((a, b) => a - b);
      const pos = (sorted.length - 1) * q;
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
    };
    // The reference, customer by customer: entry at the first step-1 event of the period, then each step's earliest
    // event at or after the previous step and within the window from entry.
    const journeys = people.flatMap(({ city, events }) => {
      const entries = events
        .filter(([s, t]) => s === 0 && t >= SEP1 && t < SEP1 + 10 * DAY)
        .map(([, t]) => t);
      if (!entries.length) return [];
      const times: (number | null)[] = [Math.min(...entries)];
      for (let step = 1; step < 4; step++) {
        const previous = times[step - 1];
        const next = events
          .filter(
            ([s, t]) => s === step && previous != null && t >= previous && t <= (times[0] as number) + WINDOW,
          )
          .map(([, t]) => t);
        times.push(next.length ? Math.min(...next) : null);
      }
      return [{ city, times }];
    });
    const expected = (list: typeof journeys) =>
      [0, 1, 2, 3].map((i) => {
        const reached = list.filter((j) => j.times[i] != null);
        const durations = reached.map((j) => (j.times[i] as number) - (j.times[i - 1] as number));
        return {
          customers: reached.length,
          medianMsFromPrevious: i === 0 ? null : quantile(durations, 0.5),
          p90MsFromPrevious: i === 0 ? null : quantile(durations, 0.9),
        };
      });
    const res = await api('POST', '/analytics/funnel', {
      steps: [
        { touchpoint: 'discover' },
        { touchpoint: 'trial' },
        { event: 'Service Subscribed' },
        { touchpoint: 'use' },
      ],
      from: '2026-09-01',
      to: '2026-09-10',
      windowDays: 10,
      breakdown: { by: 'trait', trait: 'city' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const pick = (steps: Record<string, unknown>[]) =>
      steps.map(({ customers, medianMsFromPrevious, p90MsFromPrevious }) => ({
        customers,
        medianMsFromPrevious,
        p90MsFromPrevious,
      }));
    expect(journeys.length).toBeGreaterThan(30);
    expect(pick(body.current.steps)).toEqual(expected(journeys));

    // Top 20 cities by entrants (ties by name), then every other city summed as one null-valued row.
    const sizes = new Map<string, number>();
    for (const j of journeys) sizes.set(j.city, (sizes.get(j.city) ?? 0) + 1);
    const ranked = [...sizes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
    expect(ranked.length).toBeGreaterThan(20);
    const top = ranked.slice(0, 20);
    expect(body.breakdown).toHaveLength(21);
    for (const city of top) {
      const row = body.breakdown.find((b: { value: string | null }) => b.value === city);
      expect(pick(row.steps), city).toEqual(expected(journeys.filter((j) => j.city === city)));
    }
    const rest = body.breakdown[20];
    expect(rest.value).toBeNull();
    expect(pick(rest.steps)).toEqual(expected(journeys.filter((j) => !top.includes(j.city))));

    // By segment: two overlapping segments over the same cities; a customer counts in each segment they are in,
    // and under null when in none.
    const low = ['c00', 'c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07'];
    const mid = ['c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
    for (const [key, cities] of [
      ['fz_low', low],
      ['fz_mid', mid],
    ] as const) {
      const created = await api(
        'POST',
        '/segments',
        {
          key,
          name: { 'zh-CN': key, en: key },
          condition: { type: 'trait', trait: 'city', op: 'in', values: cities },
        },
        'marketer',
      );
      expect(created.statusCode, created.body).toBe(201);
    }
    await h.runJobs();
    const bySegment = await api('POST', '/analytics/funnel', {
      steps: [
        { touchpoint: 'discover' },
        { touchpoint: 'trial' },
        { event: 'Service Subscribed' },
        { touchpoint: 'use' },
      ],
      from: '2026-09-01',
      to: '2026-09-10',
      windowDays: 10,
      breakdown: { by: 'segment', segments: ['fz_mid', 'fz_low'] },
    });
    expect(bySegment.statusCode, bySegment.body).toBe(200);
    const groups = bySegment.json().breakdown as { value: string | null; steps: Record<string, unknown>[] }[];
    expect(groups.map((g) => g.value).sort()).toEqual(['fz_low', 'fz_mid', null].sort());
    const of = (value: string | null) =>
      pick((groups.find((g) => g.value === value) as (typeof groups)[0]).steps);
    expect(of('fz_low')).toEqual(expected(journeys.filter((j) => low.includes(j.city))));
    expect(of('fz_mid')).toEqual(expected(journeys.filter((j) => mid.includes(j.city))));
    expect(of(null)).toEqual(
      expected(journeys.filter((j) => !low.includes(j.city) && !mid.includes(j.city))),
    );
    const unknown = await api('POST', '/analytics/funnel', {
      steps: [{ touchpoint: 'discover' }, { touchpoint: 'trial' }],
      from: '2026-09-01',
      to: '2026-09-10',
      breakdown: { by: 'segment', segments: ['nope'] },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'SEGMENT_NOT_FOUND', details: { keys: ['nope'] } });
  });
});
