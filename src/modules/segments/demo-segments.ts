import type { Db } from '../../platform/db/index.js';
import { systemActor } from '../audit/index.js';
import { SegmentRegistry } from './segment.membership.js';
import type { SegmentCondition } from './segment.rules.js';
import { SegmentService } from './segment.service.js';

interface DemoSegment {
  key: string;
  name: { 'zh-CN': string; en: string };
  description: { 'zh-CN': string; en: string };
  condition: SegmentCondition;
}

/** Segments a mobile-data-service team would start with; their members are computed by the job runner. */
const DEMO_SEGMENTS: DemoSegment[] = [
  {
    key: 'high_value',
    name: { 'zh-CN': '高价值客户', en: 'High-value customers' },
    description: { 'zh-CN': '累计消费 500 元及以上', en: 'Total spend of ¥500 or more' },
    condition: { type: 'metric', metric: 'total_spend', op: 'gte', value: 50_000 },
  },
  {
    key: 'trial_ending',
    name: { 'zh-CN': '试用即将到期', en: 'Trial ending soon' },
    description: {
      'zh-CN': '试用将在 3 天内结束：到期前提醒并推荐合适的套餐',
      en: 'Trial ends within 3 days: remind them and suggest a plan that fits',
    },
    condition: { type: 'subscription', status: 'trial', trialEndsWithinDays: 3 },
  },
  {
    key: 'lapsed',
    name: { 'zh-CN': '沉睡客户', en: 'Lapsed customers' },
    description: { 'zh-CN': '30 天内没有任何互动', en: 'No interaction in the last 30 days' },
    condition: { type: 'recency', field: 'last_seen', op: 'not_within_days', days: 30 },
  },
  {
    key: 'wechat_engaged',
    name: { 'zh-CN': '微信活跃客户', en: 'Engaged on WeChat' },
    description: { 'zh-CN': '在微信渠道至少 3 次互动', en: 'At least 3 interactions on WeChat' },
    condition: { type: 'channel', channel: 'wechat', minEvents: 3 },
  },
  {
    key: 'hangzhou_reachable',
    name: { 'zh-CN': '杭州可电话触达客户', en: 'Reachable by phone in Hangzhou' },
    description: { 'zh-CN': '城市为杭州且留有手机号', en: 'City is Hangzhou and a phone number is known' },
    condition: {
      type: 'all',
      conditions: [
        { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
        { type: 'contact', via: 'phone' },
      ],
    },
  },
];

/** Adds the demo segments to a workspace. */
export async function seedDemoSegments(db: Db, workspaceId: string): Promise<void> {
  const service = new SegmentService(db, new SegmentRegistry());
  for (const s of DEMO_SEGMENTS) await service.create(systemActor('demo-seed'), workspaceId, s);
}
