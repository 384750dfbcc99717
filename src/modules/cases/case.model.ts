/**
 * The vocabulary of cases: statuses and their state machine, priorities, sources, resolution codes and the
 * complaint-handling steps, and the default bilingual telecom taxonomy of categories.
 */

export const STATUSES = ['new', 'open', 'pending_customer', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof STATUSES)[number];

/** Statuses in which a case still needs work (counted against an agent's capacity, shown in queues). */
export const ACTIVE_STATUSES: readonly CaseStatus[] = ['new', 'open', 'pending_customer'];

/**
 * Allowed transitions. Reopening goes from resolved or closed back to open; `new` is only ever the first status.
 * Resolving needs a resolution (checked by the use case), so it has its own route as well.
 */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['open', 'pending_customer', 'resolved', 'closed'],
  open: ['pending_customer', 'resolved', 'closed'],
  pending_customer: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** One step up (urgent stays urgent). */
export function raisedPriority(p: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.length - 1, priorityRank(p) + 1)] as Priority;
}

export const SOURCES = ['complaint_event', 'survey', 'api', 'agent', 'email'] as const;
export type CaseSource = (typeof SOURCES)[number];

export const HANDLING_STEPS = ['listen', 'apologise', 'solve_on_the_spot', 'escalate', 'delight'] as const;
export type HandlingStep = (typeof HANDLING_STEPS)[number];

export const RESOLUTION_CODES = [
  'fixed',
  'refund_or_credit',
  'explained',
  'workaround',
  'duplicate',
  'no_fault_found',
  'customer_unreachable',
  'declined',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export const SLA_STATES = ['active', 'paused', 'met', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export interface Bilingual {
  'zh-CN': string;
  en: string;
}

export interface TaxonomyNode {
  key: string;
  name: Bilingual;
  subcategories: { key: string; name: Bilingual }[];
}

const n = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

/** The default taxonomy of a mobile operator's complaints (every workspace starts with it and may replace it). */
export const DEFAULT_CASE_TAXONOMY: readonly TaxonomyNode[] = [
  {
    key: 'network_quality',
    name: n('网络质量', 'Network quality'),
    subcategories: [
      { key: 'no_signal', name: n('无信号/弱信号', 'No or weak signal') },
      { key: 'slow_data', name: n('上网慢', 'Slow mobile data') },
      { key: 'call_drop', name: n('掉话/通话质量差', 'Dropped calls or poor call quality') },
      { key: 'broadband_outage', name: n('宽带故障', 'Broadband outage') },
    ],
  },
  {
    key: 'billing',
    name: n('计费与收费', 'Billing and charges'),
    subcategories: [
      { key: 'overcharge', name: n('多收费/乱扣费', 'Overcharged') },
      { key: 'unknown_charge', name: n('不明扣费', 'Unrecognised charge') },
      { key: 'refund', name: n('退费', 'Refund') },
      { key: 'invoice', name: n('发票与账单', 'Invoice and bill') },
    ],
  },
  {
    key: 'service_attitude',
    name: n('服务态度', 'Service attitude'),
    subcategories: [
      { key: 'rude_staff', name: n('人员态度差', 'Rude staff') },
      { key: 'unresolved_promise', name: n('承诺未兑现', 'Promise not kept') },
      { key: 'long_wait', name: n('等待时间长', 'Long waiting time') },
    ],
  },
  {
    key: 'business_handling',
    name: n('业务办理', 'Business handling'),
    subcategories: [
      { key: 'activation_failed', name: n('业务开通失败', 'Activation failed') },
      { key: 'cancellation', name: n('退订/销户困难', 'Hard to cancel') },
      { key: 'number_porting', name: n('携号转网', 'Number porting') },
      { key: 'real_name', name: n('实名登记', 'Real-name registration') },
    ],
  },
  {
    key: 'marketing_harassment',
    name: n('营销骚扰', 'Marketing harassment'),
    subcategories: [
      { key: 'spam_sms', name: n('营销短信', 'Marketing SMS') },
      { key: 'spam_calls', name: n('营销电话', 'Marketing calls') },
      { key: 'unsolicited_subscription', name: n('未经同意订购', 'Subscribed without consent') },
    ],
  },
  {
    key: 'product_package',
    name: n('产品与套餐', 'Product and package'),
    subcategories: [
      { key: 'package_terms', name: n('套餐规则不清', 'Unclear package terms') },
      { key: 'trial_conversion', name: n('试用到期自动扣费', 'Trial converted to paid') },
      { key: 'data_allowance', name: n('流量使用争议', 'Data allowance dispute') },
    ],
  },
  {
    key: 'device',
    name: n('终端设备', 'Device'),
    subcategories: [
      { key: 'handset_fault', name: n('手机故障', 'Handset fault') },
      { key: 'router_fault', name: n('光猫/路由器故障', 'Modem or router fault') },
      { key: 'sim_card', name: n('SIM 卡问题', 'SIM card problem') },
    ],
  },
  {
    key: 'other',
    name: n('其他', 'Other'),
    subcategories: [{ key: 'general', name: n('一般咨询', 'General enquiry') }],
  },
];

/** Case numbers for people: `C-000123`. */
export function formatCaseNumber(n: number): string {
  return `C-${String(n).padStart(6, '0')}`;
}

/** Parses `C-000123` (case-insensitive, leading zeros optional) to 123, or null. */
export function parseCaseNumber(s: string): number | null {
  const m = /^c-?(\d{1,9})$/i.exec(s.trim());
  return m ? Number(m[1]) : null;
}
