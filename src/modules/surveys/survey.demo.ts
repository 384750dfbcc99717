import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/index.js';
import { EventBus } from '../../platform/events/index.js';
import { systemActor } from '../audit/index.js';
import { someProfileIds, type ProfilesContext } from '../profiles/index.js';
import { insertLink } from './distribution.service.js';
import { submitResponse } from './response.service.js';
import type { Answers } from './survey.answers.js';
import { putSettings } from './survey.repository.js';
import { DEFAULT_DISTRIBUTION, DEFAULT_SETTINGS } from './survey.schema.js';
import { createSurvey, publishSurvey } from './survey.service.js';
import { SurveyTokens } from './survey.tokens.js';
import type { SurveysContext } from './surveys.context.js';

const DAY = 86_400_000;

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

/** Open comments by tone; mostly Chinese, as the demo operator's customers write. */
const COMMENTS = {
  negative: [
    '网络信号太差了，在家里经常没有信号，打电话总是断线。',
    '账单看不懂，这个月莫名其妙多扣了二十块流量费。',
    '试用到期前没有任何提醒就自动扣费，非常不满意。',
    '打客服热线等了半个多小时，问题还是没有解决。',
    '营销短信太多了，退订了还一直发。',
    '宽带故障报修三天了还没人上门维修。',
    '资费太贵，比别家同样的套餐贵不少。',
    'The app keeps crashing when I try to pay my bill.',
    'Customer service was rude and did not fix my problem.',
    '营业厅排队时间太长，工作人员态度冷淡。',
  ],
  neutral: [
    '整体还可以，就是网速有时候不太稳定。',
    '服务一般，没有特别好也没有特别差。',
    '价格还行，希望能多一些优惠活动。',
    'It is fine, nothing special.',
    'App 功能够用，界面可以再简洁一点。',
  ],
  positive: [
    '网速很快，信号稳定，用起来很满意。',
    '客服小姐姐很耐心，很快就帮我解决了问题。',
    '流量包很划算，App 办理也很方便。',
    '试用体验很好，已经正式开通了。',
    'Great coverage and the app makes everything easy.',
    '客户经理很专业，响应也很及时，点赞！',
    '账单清晰明了，自助查询很方便。',
  ],
} as const;

const CHANNELS = ['app', 'web', 'wechat', 'sms', 'email', 'store'] as const;

export interface DemoSurveyOptions {
  /** The last day of the demo history (epoch ms); responses spread over the 120 days before it. */
  now: number;
  profiles: ProfilesContext;
  /** How many responses to the NPS survey (the others scale from it). Default 1500. */
  responses?: number;
  seed?: number;
}

/**
 * Demo surveys for the demo workspace: a relationship NPS, a CSAT at the trial touchpoint, SERVQUAL and the
 * key-account index, all live, with a few thousand responses over four months from the demo customers (scores that
 * drift, bilingual comments matching the score, detractors flagged by the closed-loop rule). Deterministic for a
 * given seed and `now`. Returns the number of responses written.
 */
export async function seedDemoSurveys(
  db: Db,
  workspaceId: string,
  options: DemoSurveyOptions,
): Promise<number> {
  const rand = prng(options.seed ?? 20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const actor = systemActor('demo-seed');
  const ctx: SurveysContext = {
    db,
    events: new EventBus(),
    profiles: options.profiles,
    tokens: new SurveyTokens(randomBytes(32)),
    publicUrl: 'http://localhost',
    // Demo data is complete when this returns: comments analysed and detractors flagged without a job runner.
    finishInline: true,
  };
  await putSettings(db, workspaceId, DEFAULT_SETTINGS);
  const customers = await someProfileIds(db, workspaceId, 5000);
  if (customers.length === 0) return 0;

  const make = async (template: string, touchpointKey?: string) => {
    const s = await createSurvey(db, actor, workspaceId, {
      template,
      ...(touchpointKey ? { touchpointKey } : {}),
      distribution: DEFAULT_DISTRIBUTION,
    });
    await publishSurvey(db, actor, workspaceId, s.id);
    return s.id;
  };
  const nps = await make('nps-relationship');
  const csat = await make('csat-touchpoint', 'trial');
  const sq = await make('servqual');
  const ka = await make('key-account-index');

  const total = options.responses ?? 1500;
  let written = 0;
  const start = options.now - 120 * DAY;
  const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(x)));
  const normal = () => {
    // Sum of uniforms: a cheap, deterministic bell curve.
    let s = 0;
    for (let i = 0; i < 6; i++) s += rand();
    return s - 3;
  };
  const commentFor = (score01: number): string | undefined => {
    if (rand() < 0.35) return undefined;
    const tone = score01 < 0.45 ? 'negative' : score01 < 0.75 ? 'neutral' : 'positive';
    return pick(COMMENTS[tone]);
  };

  const respond = async (
    surveyId: string,
    at: number,
    answers: Answers,
    channel: string,
    language: string,
  ): Promise<void> => {
    const link = await insertLink(db, {
      workspaceId,
      surveyId,
      profileId: pick(customers),
      singleUse: true,
      expiresAt: null,
      hidden: {},
      channel,
      origin: 'api',
      createdBy: null,
    });
    await submitResponse(
      ctx,
      ctx.tokens.link(workspaceId, link.id),
      {
        answers,
        complete: true,
        language,
        startedAt: at - Math.floor(30_000 + rand() * 240_000),
      },
      { source: 'demo' },
      at,
    );
    written++;
  };
  const timeAt = (i: number, n: number) => start + Math.floor(((i + rand()) / n) * 120 * DAY);
  const language = () => (rand() < 0.85 ? 'zh-CN' : 'en');

  for (let i = 0; i < total; i++) {
    const at = timeAt(i, total);
    const progress = (at - start) / (120 * DAY);
    // NPS improves over the four months (network upgrade), from about −5 to about +20.
    const score = clamp(7.2 + progress * 1.1 + normal() * 2.2, 0, 10);
    const answers: Answers = { nps: score };
    const comment = commentFor(score / 10);
    if (comment) answers.reason = comment;
    if (score < 9 && rand() < 0.6)
      answers.improve = [pick(['network', 'price', 'billing', 'service', 'app'])];
    await respond(nps, at, answers, pick(CHANNELS), language());
  }
  const trials = Math.round(total * 0.6);
  for (let i = 0; i < trials; i++) {
    const at = timeAt(i, trials);
    const score = clamp(3.9 + normal() * 1.1, 1, 5);
    const answers: Answers = { csat: score };
    const comment = commentFor((score - 1) / 4);
    if (comment) answers.comment = comment;
    await respond(csat, at, answers, pick(['app', 'web', 'sms']), language());
  }
  const sqN = Math.round(total * 0.1);
  for (let i = 0; i < sqN; i++) {
    const at = timeAt(i, sqN);
    const answers: Answers = {};
    for (let k = 1; k <= 22; k++) {
      // Expectations are high; reliability and responsiveness fall shortest.
      const e = clamp(6.2 + normal() * 0.7, 1, 7);
      const shortfall = k >= 5 && k <= 13 ? 1.4 : 0.7;
      answers[`sq${k}`] = { expectation: e, perception: clamp(e - shortfall + normal() * 1.1, 1, 7) };
    }
    const w = [10 + rand() * 10, 25 + rand() * 10, 20 + rand() * 10, 15 + rand() * 5, 0];
    const rounded = w.slice(0, 4).map((x) => Math.round(x));
    const importance = {
      tangibles: rounded[0] as number,
      reliability: rounded[1] as number,
      responsiveness: rounded[2] as number,
      assurance: rounded[3] as number,
      empathy: 100 - rounded.reduce((s, x) => s + x, 0),
    };
    answers.importance = importance;
    await respond(sq, at, answers, pick(['email', 'web']), language());
  }
  const kaN = Math.round(total * 0.15);
  const kaItems = [
    'product_reliability',
    'product_fit',
    'presale_information',
    'presale_consultation',
    'insale_ordering',
    'insale_activation',
    'aftersale_billing',
    'aftersale_fault',
    'aftersale_repair',
    'am_proactive',
    'am_coordination',
    'am_competence',
  ];
  for (let i = 0; i < kaN; i++) {
    const at = timeAt(i, kaN);
    const base = 7.4 + normal() * 1.2;
    const answers: Answers = {};
    const values = kaItems.map((id) => {
      // After-sale repair and billing are the weak spots; product reliability drives overall satisfaction.
      const bias = id.startsWith('aftersale') ? -1.2 : id.startsWith('am_') ? 0.4 : 0;
      const v = clamp(base + bias + normal() * 1.1, 1, 10);
      answers[id] = v;
      return v;
    });
    const overall = clamp(
      0.35 * (values[0] as number) + 0.25 * (values[8] as number) + 0.4 * base + normal() * 0.6,
      1,
      10,
    );
    answers.overall = overall;
    const comment = commentFor((overall - 1) / 9);
    if (comment) answers.comment = comment;
    await respond(ka, at, answers, 'account_manager', 'zh-CN');
  }
  return written;
}
