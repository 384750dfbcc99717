import { inTransaction, type Db } from '../../platform/db/index.js';
import type { IncomingEvent } from './incoming-event.js';
import { recordEvents, type ProfilesContext } from './record-events.js';

/** A small seeded PRNG (mulberry32): the same seed always gives the same demo customers and journeys. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红玲建国文斌宇浩凯俊晨欣怡梓涵子轩雨萱思远嘉豪佳琪';
const CITIES: [string, string, number][] = [
  ['浙江', '杭州', 18],
  ['上海', '上海', 14],
  ['北京', '北京', 12],
  ['广东', '广州', 10],
  ['广东', '深圳', 10],
  ['四川', '成都', 8],
  ['湖北', '武汉', 6],
  ['江苏', '南京', 6],
  ['陕西', '西安', 5],
  ['重庆', '重庆', 5],
  ['浙江', '宁波', 4],
  ['江苏', '苏州', 4],
];
const PLANS: [string, number][] = [
  ['5G 畅享 30GB', 129],
  ['5G 畅享 100GB', 199],
  ['4G 流量包 10GB', 58],
  ['视频定向流量包', 30],
  ['夜间流量包', 15],
];
const COMPLAINTS = [
  '网络信号差，室内经常无服务',
  '本月账单多扣了流量费',
  '试用到期没有提醒就开始收费',
  '客服态度不好，问题没有解决',
  '营销短信太多，已经多次要求退订',
];
const DAY = 86_400_000;

export interface DemoOptions {
  customers: number;
  /** The last day of the demo history (epoch ms); journeys spread over the 120 days before it. */
  now: number;
  seed?: number;
  /** The number of the first customer (1): customers are `demo-<number>`, so generators with other seeds and ranges
   * make other people, while the same numbers are the same people (their identifiers merge). */
  firstCustomer?: number;
}

/**
 * Generates customers of a mobile operator along the data-service journey — discover (page views, plan views),
 * trial, subscribe, use, unsubscribe, complain — on every channel, with Chinese names and phone numbers, and
 * writes them through the same identity resolution as real events. Deterministic for a given seed and `now`.
 * Returns the number of events written.
 */
export async function seedDemoCustomers(
  db: Db,
  ctx: ProfilesContext,
  workspaceId: string,
  options: DemoOptions,
): Promise<number> {
  let written = 0;
  for (const batch of demoCustomerEvents(options)) {
    written += batch.length;
    await inTransaction(db, (trx) => recordEvents(trx, ctx, workspaceId, batch));
  }
  return written;
}

/**
 * The demo customers' events (see {@link seedDemoCustomers}) in the batches that write them, each customer's in
 * journey order: one batch per ~2,000 events, and before it the sessions of a second device that began long before
 * the rest of the batch (so that signing in there merges them).
 */
export function* demoCustomerEvents(options: DemoOptions): Generator<IncomingEvent[]> {
  const rand = prng(options.seed ?? 20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const weighted = <T>(xs: readonly (readonly [...unknown[], number])[]): T => {
    const total = xs.reduce((s, x) => s + (x[x.length - 1] as number), 0);
    let r = rand() * total;
    for (const x of xs) if ((r -= x[x.length - 1] as number) <= 0) return x as unknown as T;
    return xs[xs.length - 1] as unknown as T;
  };
  let events: IncomingEvent[] = [];
  /** Sessions that happened long before the rest of a batch: written in a transaction of their own first. */
  let early: IncomingEvent[] = [];
  let seq = 0;
  const add = (
    e: Partial<IncomingEvent> & Pick<IncomingEvent, 'type' | 'timestamp' | 'channel'>,
    into: IncomingEvent[] = events,
  ) => {
    if (e.timestamp > options.now) return;
    into.push({
      messageId: `demo-${options.seed ?? 20261122}-${++seq}`,
      name: null,
      userId: null,
      anonymousId: null,
      previousId: null,
      traits: {},
      properties: {},
      context: { source: 'demo' },
      sourceId: null,
      receivedAt: e.timestamp,
      sentAt: null,
      originalTimestamp: e.timestamp,
      ...e,
    });
  };

  const first = options.firstCustomer ?? 1;
  for (let i = first; i < first + options.customers; i++) {
    const anonymousId = `demo-anon-${i}`;
    const userId = `demo-${String(i).padStart(5, '0')}`;
    const [region, city] = weighted<[string, string, number]>(CITIES);
    const gender = rand() < 0.52 ? 'male' : 'female';
    const name = pick([...SURNAMES]) + pick([...GIVEN]) + (rand() < 0.6 ? pick([...GIVEN]) : '');
    const phone = `1${pick(['38', '39', '58', '59', '87', '88', '36', '35'])}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
    const birthYear = 1962 + Math.floor(rand() * 43);
    const birthday = `${birthYear}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    const [plan, price] = pick(PLANS);
    let t = options.now - Math.floor(rand() * 120) * DAY - Math.floor(rand() * DAY);
    const discoverChannel = pick(['web', 'app', 'wechat', 'wechat', 'app']);

    // Discover: anonymous browsing of plans.
    for (let v = 0; v < 1 + Math.floor(rand() * 4); v++) {
      add({
        type: 'page',
        anonymousId,
        name: '流量套餐 Data plans',
        channel: discoverChannel,
        timestamp: t,
        properties: { category: '流量包', path: '/plans' },
      });
      add({
        type: 'track',
        anonymousId,
        name: 'Plan Viewed',
        channel: discoverChannel,
        timestamp: t + 60_000,
        properties: { plan: pick(PLANS)[0], category: '流量包' },
      });
      t += Math.floor(rand() * 2 * DAY);
    }
    if (rand() < 0.3) continue; // never signed in

    const traits = {
      name,
      phone,
      gender,
      birthday,
      region,
      city,
      language: 'zh-CN',
      ...(rand() < 0.4 && { email: `${userId}@example.cn` }),
    };
    add({
      type: 'identify',
      userId,
      anonymousId,
      traits,
      channel: pick(['app', 'web', 'wechat', 'store']),
      timestamp: t,
    });
    if (rand() < 0.25) {
      // A second device browsed anonymously first; signing in there merges that profile into the customer's.
      const second = `${anonymousId}-b`;
      add(
        {
          type: 'page',
          anonymousId: second,
          name: '流量套餐 Data plans',
          channel: 'web',
          timestamp: t - DAY,
          properties: { category: '流量包' },
        },
        early,
      );
      add({
        type: 'track',
        userId,
        anonymousId: second,
        name: 'Signed In',
        channel: 'web',
        timestamp: t + 3_600_000,
      });
    }
    t += Math.floor(rand() * 3 * DAY);
    if (rand() < 0.4) continue; // identified, no trial

    // Trial: 7 days; some end in the coming days.
    const trialChannel = pick(['app', 'wechat', 'store', 'call_center', 'account_manager']);
    add({
      type: 'track',
      userId,
      name: 'Trial Started',
      channel: trialChannel,
      timestamp: t,
      properties: { product: plan, trial_days: 7 },
    });
    const trialEnd = t + 7 * DAY;
    for (let d = t + DAY; d < Math.min(trialEnd, options.now); d += 2 * DAY) {
      add({
        type: 'track',
        userId,
        name: 'Data Used',
        channel: 'app',
        timestamp: d,
        properties: { product: plan, mb: Math.round(200 + rand() * 1800) },
      });
    }
    if (trialEnd > options.now) continue; // still in trial
    if (rand() < 0.35) {
      add({
        type: 'track',
        userId,
        name: 'Trial Ended',
        channel: 'sms',
        timestamp: trialEnd,
        properties: { product: plan },
      });
      continue;
    }

    // Subscribe, use, pay monthly.
    add({
      type: 'track',
      userId,
      name: 'Service Subscribed',
      channel: trialChannel,
      timestamp: trialEnd,
      properties: { product: plan, price },
    });
    let end = options.now;
    if (rand() < 0.2) end = trialEnd + Math.floor(rand() * 60) * DAY;
    for (let m = trialEnd; m < end; m += 30 * DAY) {
      add({
        type: 'track',
        userId,
        name: 'Bill Paid',
        channel: pick(['app', 'wechat', 'store']),
        timestamp: m + DAY,
        properties: { product: plan, amount: price, currency: 'CNY' },
      });
      for (let w = 0; w < 4; w++)
        add({
          type: 'track',
          userId,
          name: 'Data Used',
          channel: 'app',
          timestamp: m + w * 7 * DAY + DAY,
          properties: { product: plan, mb: Math.round(1000 + rand() * 20000) },
        });
    }
    if (rand() < 0.1) {
      add({
        type: 'track',
        userId,
        name: 'Complaint Filed',
        channel: 'call_center',
        timestamp: trialEnd + Math.floor(rand() * 40) * DAY,
        properties: { text: pick(COMPLAINTS), product: plan },
      });
    }
    if (end < options.now)
      add({
        type: 'track',
        userId,
        name: 'Service Unsubscribed',
        channel: pick(['app', 'call_center', 'store']),
        timestamp: end,
        properties: { product: plan },
      });

    if (events.length >= 2000) {
      if (early.length) yield early;
      yield events;
      early = [];
      events = [];
    }
  }
  if (early.length) yield early;
  if (events.length) yield events;
}
