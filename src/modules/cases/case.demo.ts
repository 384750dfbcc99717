/**
 * Demo cases for the demo workspace: two teams of the demo members, a business calendar with the 2026 National Day
 * holiday, SLA policies, routing and escalation rules, and about sixty cases across the demo customers in every
 * status — mostly Chinese complaints, some English — with replies, notes, resolutions and reopenings. The same
 * `now` always gives the same cases, texts, states and times.
 */
import type { Db } from '../../platform/db/index.js';
import { EventBus } from '../../platform/events/index.js';
import { cliActor, systemActor } from '../audit/index.js';
import { someProfileIds } from '../profiles/index.js';
import type { HandlingStep, Priority, ResolutionCode } from './case.model.js';
import { addMessage, createCase, transitionCase } from './case.service.js';
import { createTeam, ensureSettingsRow, saveRule, setCalendar } from './case.settings.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface DemoText {
  text: string;
  category: string;
  subcategory: string;
  channel: string;
  rootCause: string;
  code: ResolutionCode;
  reply: string;
}

const TEXTS: DemoText[] = [
  {
    text: '家里室内信号特别差，经常显示无服务，打电话都要跑到阳台上，已经投诉过两次了还是没解决。',
    category: 'network_quality',
    subcategory: 'no_signal',
    channel: 'call_center',
    rootCause: '小区基站覆盖不足',
    code: 'fixed',
    reply: '您好，非常抱歉给您带来不便。我们已安排网优工程师明天上门测试，并申请在您小区增设室分设备。',
  },
  {
    text: '晚上八点到十一点上网特别慢，刷视频一直转圈，5G 套餐形同虚设。',
    category: 'network_quality',
    subcategory: 'slow_data',
    channel: 'app',
    rootCause: '高峰时段小区容量不足',
    code: 'workaround',
    reply: '您好，已为您反馈网络优化，同时赠送 10GB 夜间流量包作为补偿。',
  },
  {
    text: '通话经常断断续续，对方听不清我说话，开车时尤其严重。',
    category: 'network_quality',
    subcategory: 'call_drop',
    channel: 'wechat',
    rootCause: '高速沿线切换参数不合理',
    code: 'fixed',
    reply: '您好，经排查是沿线基站切换参数问题，已完成调整，请您再观察几天。',
  },
  {
    text: '宽带从昨天下午开始断网，报修后一直没人联系，在家办公受影响很大！',
    category: 'network_quality',
    subcategory: 'broadband_outage',
    channel: 'call_center',
    rootCause: '光缆被施工挖断',
    code: 'fixed',
    reply: '您好，故障原因是附近施工挖断光缆，已于今天上午抢修完成，给您添麻烦了。',
  },
  {
    text: '本月账单多扣了 58 元流量费，我明明开了流量包，怎么还按标准资费收费？',
    category: 'billing',
    subcategory: 'overcharge',
    channel: 'app',
    rootCause: '流量包生效时间晚于使用时间',
    code: 'refund_or_credit',
    reply: '您好，核实后确认多收 58 元，已退回您的账户，预计 24 小时内到账。',
  },
  {
    text: '话费里有一笔 15 元的增值业务费，我从来没订过，要求退款并查明原因。',
    category: 'billing',
    subcategory: 'unknown_charge',
    channel: 'call_center',
    rootCause: '第三方 SP 违规订购',
    code: 'refund_or_credit',
    reply: '您好，该业务为第三方违规订购，已为您退订并全额退款，同时开通了增值业务防护。',
  },
  {
    text: '申请退费快一个月了，一直说在处理，到底什么时候能到账？',
    category: 'billing',
    subcategory: 'refund',
    channel: 'wechat',
    rootCause: '退费流程审批环节积压',
    code: 'refund_or_credit',
    reply: '您好，已为您加急处理，退款今天已经原路退回。',
  },
  {
    text: '电子发票一直开不出来，公司报销急用。',
    category: 'billing',
    subcategory: 'invoice',
    channel: 'web',
    rootCause: '发票系统抬头校验错误',
    code: 'fixed',
    reply: '您好，发票已重新开具并发送到您的邮箱。',
  },
  {
    text: '营业厅工作人员态度很差，问了两句就不耐烦，还让我自己去网上办。',
    category: 'service_attitude',
    subcategory: 'rude_staff',
    channel: 'store',
    rootCause: '门店员工服务规范执行不到位',
    code: 'explained',
    reply: '您好，非常抱歉让您有不好的体验，我们已对该门店进行通报并安排服务培训。',
  },
  {
    text: '上次客服承诺三天内回电，结果一周了都没人联系我。',
    category: 'service_attitude',
    subcategory: 'unresolved_promise',
    channel: 'call_center',
    rootCause: '回访工单未按时派发',
    code: 'explained',
    reply: '您好，是我们的疏忽，向您诚恳道歉，您的问题已由专人跟进。',
  },
  {
    text: '打客服电话排队等了四十分钟才有人接，太浪费时间了。',
    category: 'service_attitude',
    subcategory: 'long_wait',
    channel: 'call_center',
    rootCause: '话务高峰坐席排班不足',
    code: 'explained',
    reply: '您好，抱歉让您久等，我们已调整高峰时段排班，您也可以通过 App 在线客服办理。',
  },
  {
    text: '在 App 上办理 5G 套餐升级一直失败，提示系统繁忙。',
    category: 'business_handling',
    subcategory: 'activation_failed',
    channel: 'app',
    rootCause: 'App 升级接口超时',
    code: 'fixed',
    reply: '您好，已在后台为您完成套餐升级，下月 1 日生效。',
  },
  {
    text: '想退订视频会员，网上找不到入口，客服说要去营业厅，太麻烦了！我要去工信部投诉。',
    category: 'business_handling',
    subcategory: 'cancellation',
    channel: 'wechat',
    rootCause: '线上退订入口缺失',
    code: 'fixed',
    reply: '您好，已为您直接办理退订，同时我们会在 App 增加退订入口。',
  },
  {
    text: '携号转网一直提示不满足条件，但我合约早就到期了。',
    category: 'business_handling',
    subcategory: 'number_porting',
    channel: 'store',
    rootCause: '合约状态未及时同步',
    code: 'fixed',
    reply: '您好，合约状态已更新，您现在可以正常办理携号转网。',
  },
  {
    text: '每天都收到好几条营销短信，已经回复退订了还在发，严重骚扰。',
    category: 'marketing_harassment',
    subcategory: 'spam_sms',
    channel: 'sms',
    rootCause: '退订名单未同步到营销平台',
    code: 'fixed',
    reply: '您好，已将您的号码加入营销免打扰名单，十分抱歉打扰您。',
  },
  {
    text: '一天接到三个推销宽带的电话，上班时间很影响工作。',
    category: 'marketing_harassment',
    subcategory: 'spam_calls',
    channel: 'call_center',
    rootCause: '外呼名单未过滤拒访客户',
    code: 'fixed',
    reply: '您好，已将您加入外呼拒访名单，以后不会再打扰您。',
  },
  {
    text: '试用到期没有任何提醒就开始收费了，这不是变相扣费吗？',
    category: 'product_package',
    subcategory: 'trial_conversion',
    channel: 'app',
    rootCause: '试用到期提醒短信未触发',
    code: 'refund_or_credit',
    reply: '您好，已为您退还首月费用并取消自动续费，同时修复了到期提醒。',
  },
  {
    text: '套餐说明里写的不限量，结果用到 40GB 就限速了，这是虚假宣传。',
    category: 'product_package',
    subcategory: 'package_terms',
    channel: 'web',
    rootCause: '套餐限速规则说明不清',
    code: 'explained',
    reply: '您好，向您解释了达量限速规则，并为您推荐了更合适的套餐。',
  },
  {
    text: '流量明细显示凌晨三点用了 2GB，我那时候在睡觉，怀疑计费有问题。',
    category: 'product_package',
    subcategory: 'data_allowance',
    channel: 'app',
    rootCause: '手机系统自动更新消耗流量',
    code: 'explained',
    reply: '您好，经核查为手机系统自动更新所致，已教您关闭自动更新。',
  },
  {
    text: '新办的光猫三天两头掉线，重启也没用。',
    category: 'device',
    subcategory: 'router_fault',
    channel: 'call_center',
    rootCause: '光猫批次固件缺陷',
    code: 'fixed',
    reply: '您好，已为您免费更换新光猫。',
  },
  {
    text: 'SIM 卡突然无法识别，补卡还要收费吗？',
    category: 'device',
    subcategory: 'sim_card',
    channel: 'store',
    rootCause: 'SIM 卡老化',
    code: 'fixed',
    reply: '您好，已为您免费补换 5G SIM 卡。',
  },
  {
    text: 'My mobile data has been extremely slow for a week in the Pudong office area. I am considering switching carriers.',
    category: 'network_quality',
    subcategory: 'slow_data',
    channel: 'email',
    rootCause: 'Congested cell at the office park',
    code: 'workaround',
    reply: 'We are sorry. A capacity upgrade is scheduled; meanwhile Wi-Fi calling is enabled on your line.',
  },
  {
    text: 'I was charged twice for the same monthly plan. Please refund the duplicate charge.',
    category: 'billing',
    subcategory: 'overcharge',
    channel: 'web',
    rootCause: 'Duplicate charge after payment retry',
    code: 'refund_or_credit',
    reply: 'Apologies — the duplicate charge has been refunded to your card.',
  },
  {
    text: 'The hotline agent hung up on me twice. Very poor service.',
    category: 'service_attitude',
    subcategory: 'rude_staff',
    channel: 'call_center',
    rootCause: 'Call transfer failure',
    code: 'explained',
    reply:
      'We apologise. The calls dropped on a faulty transfer, which is now fixed; a senior agent will call you back.',
  },
];

const STEPS: HandlingStep[][] = [
  ['listen', 'apologise', 'solve_on_the_spot'],
  ['listen', 'apologise', 'escalate', 'delight'],
  ['listen', 'solve_on_the_spot', 'delight'],
  ['listen', 'apologise', 'escalate'],
];

type Plan = 'new' | 'open' | 'pending' | 'resolved' | 'closed' | 'reopened' | 'breached';
const PLANS: Plan[] = [
  'resolved',
  'closed',
  'open',
  'new',
  'resolved',
  'pending',
  'closed',
  'breached',
  'resolved',
  'open',
  'reopened',
  'new',
];

/**
 * Seeds the demo cases of a workspace (its customers must exist). Does nothing when the workspace has cases
 * already. Returns the number of cases created.
 */
export async function seedDemoCases(
  db: Db,
  workspaceId: string,
  options: { now: number; count?: number },
): Promise<number> {
  const existing = await db
    .selectFrom('cases')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  if (existing) return 0;
  const ctx = systemActor('demo-seed');
  const { now } = options;
  const count = options.count ?? 60;
  await ensureSettingsRow(db, workspaceId);

  const members = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'm.role'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('u.email')
    .execute();
  const byRole = (role: string) => members.filter((m) => m.role === role).map((m) => m.id);
  const owner = byRole('owner')[0] ?? members[0]?.id ?? null;
  const agents = [...byRole('agent'), ...byRole('admin')];
  const frontline = await createTeam(db, ctx, workspaceId, {
    name: { 'zh-CN': '一线投诉处理组', en: 'Frontline complaints' },
    supervisorId: owner,
    members: [...agents, ...(owner ? [owner] : [])].map((userId, i) => ({
      userId,
      capacity: i === 0 ? 30 : 20,
    })),
  });
  const vip = await createTeam(db, ctx, workspaceId, {
    name: { 'zh-CN': '高端客户服务组', en: 'VIP care' },
    supervisorId: owner,
    members: (owner ? [owner] : agents.slice(0, 1)).map((userId) => ({ userId, capacity: 15 })),
  });

  const year = new Date(now).getUTCFullYear();
  await setCalendar(db, ctx, workspaceId, {
    timeZone: 'Asia/Shanghai',
    weekly: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [
        d,
        d === 'sat'
          ? [{ start: '09:00', end: '17:00' }]
          : [
              { start: '08:30', end: '12:00' },
              { start: '13:00', end: '20:00' },
            ],
      ]),
    ),
    holidays: [1, 2, 3, 4, 5, 6, 7].map((d) => `${year}-10-0${d}`),
    workdays: [`${year}-09-27`, `${year}-10-11`],
  });
  await saveRule(db, ctx, workspaceId, 'sla', {
    name: '紧急/高优先级 Urgent & high',
    conditions: [{ type: 'priority', atLeast: 'high' }],
    firstResponseMinutes: 30,
    resolutionMinutes: 8 * 60,
  });
  await saveRule(db, ctx, workspaceId, 'sla', {
    name: '标准 Standard',
    conditions: [],
    firstResponseMinutes: 4 * 60,
    resolutionMinutes: 3 * 10 * 60,
  });
  await saveRule(db, ctx, workspaceId, 'routing', {
    name: 'VIP 客户 → 高端客户服务组',
    conditions: [{ type: 'vip', value: true }],
    target: { type: 'team', teamId: vip.id },
  });
  await saveRule(db, ctx, workspaceId, 'routing', {
    name: '全部投诉 → 一线投诉处理组',
    conditions: [],
    target: { type: 'team', teamId: frontline.id },
  });
  await saveRule(db, ctx, workspaceId, 'escalation', {
    name: '解决超时升级 Resolution breach',
    trigger: { type: 'sla_breached', target: 'resolution' },
    actions: [{ type: 'raise_priority' }, { type: 'notify', recipients: ['supervisor', 'assignee'] }],
  });
  await saveRule(db, ctx, workspaceId, 'escalation', {
    name: '首次响应超时通知 First-response breach',
    trigger: { type: 'sla_breached', target: 'first_response' },
    actions: [{ type: 'notify', recipients: ['assignee'] }],
  });

  const profiles = await someProfileIds(db, workspaceId, count * 3);
  // Demo events publish into a bus without subscribers: nothing downstream should react to seeded history.
  const deps = { events: new EventBus() };
  const agent = cliActor('demo-agent');
  let created = 0;
  for (let i = 0; i < count; i++) {
    const t = TEXTS[(i * 7) % TEXTS.length] as DemoText;
    const plan = PLANS[i % PLANS.length] as Plan;
    const age =
      plan === 'new'
        ? 2 * HOUR + (i % 5) * HOUR
        : plan === 'breached'
          ? 6 * DAY
          : ((i * 37) % 50) * DAY + 3 * DAY;
    const at = now - age - (i % 7) * HOUR;
    const priority: Priority =
      i % 11 === 0 ? 'urgent' : i % 4 === 0 ? 'high' : i % 9 === 0 ? 'low' : 'normal';
    const result = await createCase(db, deps, null, workspaceId, {
      description: t.text,
      profileId: profiles.length ? (profiles[(i * 3) % profiles.length] as string) : null,
      channel: t.channel,
      touchpointKey: 'complain',
      category: t.category,
      subcategory: t.subcategory,
      priority,
      source:
        i % 6 === 0 ? 'survey' : i % 5 === 0 ? 'agent' : t.channel === 'email' ? 'email' : 'complaint_event',
      sourceRef: `demo:${i}`,
      lenientCustomer: true,
      tags: i % 3 === 0 ? ['demo', '重点关注'] : ['demo'],
      at,
    });
    if (!result.created) continue;
    created++;
    const id = result.case.id;
    if (plan === 'new' || plan === 'breached') continue;
    const replyAt = at + (1 + (i % 3)) * HOUR;
    await addMessage(db, deps, agent, workspaceId, id, { body: t.reply, direction: 'outbound', at: replyAt });
    if (i % 4 === 1)
      await addMessage(db, deps, agent, workspaceId, id, {
        body: '已联系网优/计费后台核实，等待处理结果。Checked with the back office.',
        direction: 'outbound',
        internal: true,
        at: replyAt + HOUR,
      });
    if (plan === 'open') continue;
    if (plan === 'pending') {
      await transitionCase(db, deps, agent, workspaceId, id, {
        status: 'pending_customer',
        comment: '等待客户提供账单截图',
        at: replyAt + 2 * HOUR,
      });
      continue;
    }
    const resolveAt = replyAt + (4 + (i % 30)) * HOUR;
    const resolution = {
      code: t.code,
      rootCause: t.rootCause,
      steps: STEPS[i % STEPS.length] as HandlingStep[],
    };
    await transitionCase(db, deps, agent, workspaceId, id, { status: 'resolved', resolution, at: resolveAt });
    if (plan === 'closed')
      await transitionCase(db, deps, agent, workspaceId, id, { status: 'closed', at: resolveAt + 3 * DAY });
    if (plan === 'reopened') {
      await addMessage(db, deps, agent, workspaceId, id, {
        body: '问题又出现了，还是没解决！',
        direction: 'inbound',
        at: resolveAt + DAY,
      });
    }
  }
  void ctx;
  return created;
}
