import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerFacts } from '../profiles/index.js';
import { AppError } from '../../platform/http/index.js';
import {
  compileCondition,
  dependsOnTime,
  readsContact,
  validateCondition,
  type SegmentCondition,
} from './segment.rules.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12);

const facts = (over: Partial<CustomerFacts> = {}): CustomerFacts => ({
  id: 'cus_1',
  traits: {
    city: '杭州',
    level: '3',
    vip: true,
    tags: ['5g', 'family'],
    birthday: '1990-11-23',
    address: { zip: '310000' },
  },
  contact: ['phone', 'name'],
  spendMinor: 60_000,
  orderCount: 3,
  lastPurchaseAt: NOW - 10 * DAY,
  eventCount: 42,
  firstSeenAt: NOW - 95 * DAY,
  lastSeenAt: NOW - 2 * DAY,
  channels: { app: 30, wechat: 12 },
  interests: { '5G 套餐': 4, video: 1 },
  subscriptions: {
    '5G 畅享 30GB': { status: 'trial', since: NOW - 5 * DAY, trialEndsAt: NOW + 2 * DAY, endedAt: null },
    夜间流量包: { status: 'cancelled', since: NOW - 60 * DAY, trialEndsAt: null, endedAt: NOW - 30 * DAY },
  },
  ...over,
});

const holds = (c: SegmentCondition, f = facts(), now = NOW) => compileCondition(validateCondition(c))(f, now);

describe('segment rules', () => {
  it('evaluate every condition type against a customer', () => {
    const yes: SegmentCondition[] = [
      { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
      { type: 'trait', trait: 'city', op: 'in', values: ['杭州', '宁波'] },
      { type: 'trait', trait: 'level', op: 'gte', value: 3 },
      { type: 'trait', trait: 'tags', op: 'contains', value: 'family' },
      { type: 'trait', trait: 'address.zip', op: 'starts_with', value: '310' },
      { type: 'trait', trait: 'vip', op: 'exists' },
      { type: 'trait', trait: 'gender', op: 'not_exists' },
      { type: 'trait', trait: 'city', op: 'not_in', values: ['上海'] },
      { type: 'metric', metric: 'total_spend', op: 'gte', value: 50_000 },
      { type: 'metric', metric: 'order_count', op: 'gt', value: 2 },
      { type: 'metric', metric: 'event_count', op: 'lte', value: 42 },
      { type: 'metric', metric: 'active_channels', op: 'gte', value: 2 },
      // 600 CNY over ceil(93 / 30) = 4 months.
      { type: 'metric', metric: 'arpu', op: 'gte', value: 15_000 },
      // Born 1990-11-23: 35 on 2026-11-22, 36 a day later.
      { type: 'metric', metric: 'age', op: 'lt', value: 36 },
      { type: 'recency', field: 'last_seen', op: 'within_days', days: 7 },
      { type: 'recency', field: 'first_seen', op: 'not_within_days', days: 90 },
      { type: 'channel', channel: 'wechat', minEvents: 12 },
      { type: 'interest', interest: '5g 套餐', minCount: 3 },
      { type: 'subscription', status: 'trial', trialEndsWithinDays: 3 },
      { type: 'subscription', status: 'cancelled', product: '夜间流量包' },
      { type: 'contact', via: 'phone' },
      { type: 'not', condition: { type: 'contact', via: 'email' } },
      {
        type: 'all',
        conditions: [
          { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
          {
            type: 'any',
            conditions: [
              { type: 'contact', via: 'email' },
              { type: 'channel', channel: 'app' },
            ],
          },
        ],
      },
    ];
    for (const c of yes) expect(holds(c), JSON.stringify(c)).toBe(true);
    const no: SegmentCondition[] = [
      { type: 'trait', trait: 'city', op: 'neq', value: '杭州' },
      { type: 'trait', trait: 'level', op: 'gt', value: 3 },
      { type: 'trait', trait: 'city', op: 'gt', value: 1 },
      { type: 'metric', metric: 'total_spend', op: 'lt', value: 60_000 },
      { type: 'recency', field: 'last_seen', op: 'within_days', days: 1 },
      { type: 'channel', channel: 'wechat', minEvents: 13 },
      { type: 'channel', channel: 'store' },
      { type: 'interest', interest: 'video', minCount: 2 },
      { type: 'subscription', status: 'trial', trialEndsWithinDays: 1 },
      { type: 'subscription', status: 'active' },
      { type: 'contact', via: 'email' },
      {
        type: 'any',
        conditions: [
          { type: 'contact', via: 'email' },
          { type: 'channel', channel: 'sms' },
        ],
      },
    ];
    for (const c of no) expect(holds(c), JSON.stringify(c)).toBe(false);
  });

  it('treat never as "not within" and unknown values as failing comparisons', () => {
    const never = facts({ lastPurchaseAt: null, traits: {} });
    expect(holds({ type: 'recency', field: 'last_purchase', op: 'not_within_days', days: 30 }, never)).toBe(
      true,
    );
    expect(holds({ type: 'recency', field: 'last_purchase', op: 'within_days', days: 30 }, never)).toBe(
      false,
    );
    expect(holds({ type: 'metric', metric: 'age', op: 'lt', value: 200 }, never)).toBe(false);
    expect(holds({ type: 'trait', trait: 'level', op: 'lt', value: 10 }, never)).toBe(false);
    // Age falls back to a numeric age trait.
    expect(
      holds({ type: 'metric', metric: 'age', op: 'gte', value: 30 }, facts({ traits: { age: 31 } })),
    ).toBe(true);
    // The birthday moves the age with time alone.
    const rule: SegmentCondition = { type: 'metric', metric: 'age', op: 'gte', value: 36 };
    expect(holds(rule)).toBe(false);
    expect(holds(rule, facts(), NOW + DAY)).toBe(true);
    expect(dependsOnTime(rule)).toBe(true);
    expect(dependsOnTime({ type: 'all', conditions: [{ type: 'contact', via: 'phone' }] })).toBe(false);
    // Only rules that look at personal fields make facts open the sealed PII.
    expect(
      readsContact({
        type: 'any',
        conditions: [{ type: 'not', condition: { type: 'contact', via: 'email' } }],
      }),
    ).toBe(true);
    expect(readsContact(rule)).toBe(false);
    expect(
      dependsOnTime({
        type: 'not',
        condition: { type: 'recency', field: 'last_seen', op: 'within_days', days: 3 },
      }),
    ).toBe(true);
  });

  it('reject rules that cannot work, naming the part', () => {
    const leaf = { type: 'contact', via: 'phone' };
    let deep: unknown = leaf;
    for (let i = 0; i < 6; i++) deep = { type: 'all', conditions: [deep] };
    const bad: [unknown, string][] = [
      [null, ''],
      [[leaf], ''],
      [{ type: 'bogus' }, '/type'],
      [{ type: 'all', conditions: [] }, '/conditions'],
      [
        { type: 'all', conditions: [leaf, { type: 'trait', trait: '__proto__', op: 'exists' }] },
        '/conditions/1/trait',
      ],
      [{ type: 'trait', trait: 'city', op: 'eq' }, '/value'],
      [{ type: 'trait', trait: 'city', op: 'in', values: [] }, '/values'],
      [{ type: 'trait', trait: 'city', op: 'gt', value: '3' }, '/value'],
      [{ type: 'trait', trait: 'city', op: 'exists', value: 1 }, '/value'],
      [{ type: 'trait', trait: 'city', op: 'like', value: 'x' }, '/op'],
      [{ type: 'metric', metric: 'spend', op: 'gt', value: 1 }, '/metric'],
      [{ type: 'metric', metric: 'order_count', op: 'gt', value: Number.POSITIVE_INFINITY }, '/value'],
      [{ type: 'recency', field: 'last_seen', op: 'within_days', days: 0 }, '/days'],
      [{ type: 'recency', field: 'last_seen', op: 'within_days', days: 2.5 }, '/days'],
      [{ type: 'channel', channel: 'a b' }, '/channel'],
      [{ type: 'channel', channel: 'app', extra: 1 }, '/extra'],
      [{ type: 'subscription', status: 'active', trialEndsWithinDays: 3 }, '/trialEndsWithinDays'],
      [{ type: 'not', condition: 'x' }, '/condition'],
      [deep, '/conditions/0/conditions/0/conditions/0/conditions/0/conditions/0'],
      [{ type: 'any', conditions: Array.from({ length: 21 }, () => leaf) }, '/conditions'],
      [
        {
          type: 'all',
          conditions: Array.from({ length: 3 }, () => ({ type: 'any', conditions: Array(20).fill(leaf) })),
        },
        '/conditions/2/conditions/10',
      ],
    ];
    for (const [input, path] of bad) {
      let caught: unknown;
      try {
        validateCondition(input);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(input)).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('SEGMENT_CONDITION_INVALID');
      expect((caught as AppError).details, JSON.stringify(input)).toMatchObject({ path });
    }
  });

  it('accept any JSON with a clear error or a rule that evaluates without throwing', () => {
    const leaf: fc.Arbitrary<unknown> = fc.oneof(
      fc.record({
        type: fc.constant('trait'),
        trait: fc.constantFrom('city', 'level', 'a.b', '', '__proto__'),
        op: fc.constantFrom('eq', 'in', 'gt', 'contains', 'exists', 'nope'),
        value: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
        values: fc.option(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('metric'),
        metric: fc.constantFrom('total_spend', 'age', 'arpu', 'x'),
        op: fc.constantFrom('gt', 'lte', 'eq'),
        value: fc.oneof(fc.double(), fc.string()),
      }),
      fc.record({
        type: fc.constant('recency'),
        field: fc.constantFrom('last_seen', 'last_purchase'),
        op: fc.constantFrom('within_days', 'not_within_days'),
        days: fc.integer({ min: -5, max: 5000 }),
      }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const tree = (depth: number): fc.Arbitrary<unknown> =>
      depth === 0
        ? leaf
        : fc.oneof(
            leaf,
            fc.record({
              type: fc.constantFrom('all', 'any'),
              conditions: fc.array(tree(depth - 1), { maxLength: 4 }),
            }),
            fc.record({ type: fc.constant('not'), condition: tree(depth - 1) }),
          );
    const condition = tree(4);
    const customer = fc.record({
      traits: fc.dictionary(fc.constantFrom('city', 'level', 'a', 'birthday', 'age'), fc.jsonValue()),
      spendMinor: fc.integer(),
      lastPurchaseAt: fc.option(fc.integer({ min: 0, max: NOW })),
    });
    fc.assert(
      fc.property(condition, customer, (c, f) => {
        let rule: SegmentCondition;
        try {
          rule = validateCondition(c);
        } catch (err) {
          return err instanceof AppError && err.code === 'SEGMENT_CONDITION_INVALID';
        }
        const verdict = compileCondition(rule)(
          facts({ ...f, traits: f.traits as Record<string, unknown> }),
          NOW,
        );
        return typeof verdict === 'boolean';
      }),
      { numRuns: 500 },
    );
  });
});
