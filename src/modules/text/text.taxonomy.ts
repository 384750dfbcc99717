/**
 * Topics: the default bilingual customer-experience taxonomy, and matching a text against it plus a workspace's own
 * keywords and topics. Matching is by keyword, not by model: people who run a CX programme need to see and change
 * why a text was put under a topic, and a keyword list is something they can read and extend.
 *
 * Keyword syntax: Chinese (or any non-ASCII) keywords match as substrings of the normalised text. ASCII keywords
 * match whole words ("rate" does not match "accurate"), may span several words ("on hold"), and a trailing `*`
 * matches any word ending ("charg*" matches charge, charged, charges).
 */
import { normalizeText } from './text.features.js';

export interface TopicName {
  'zh-CN': string;
  en: string;
}

export interface TopicDefinition {
  key: string;
  name: TopicName;
  keywords: { zh: readonly string[]; en: readonly string[] };
}

/** The topic given to a text that matched no other topic. */
export const OTHER_TOPIC = 'other';

/** The default CX taxonomy (telecom, banking, retail and delivery service), in order of display. */
export const DEFAULT_TAXONOMY: readonly TopicDefinition[] = [
  {
    key: 'network',
    name: { 'zh-CN': '网络与信号', en: 'Network and signal' },
    keywords: {
      zh: [
        '信号',
        '网络',
        '网速',
        '断网',
        '掉线',
        '上不了网',
        '没网',
        '无服务',
        '基站',
        '通话质量',
        '打不通',
        '杂音',
        '卡顿',
        '延迟',
        '宽带',
        '覆盖',
        '流量用不了',
        '网络差',
      ],
      en: [
        'signal',
        'network',
        'coverage',
        'no service',
        'dropped call*',
        'call drop*',
        'internet',
        'outage*',
        'wifi',
        'wi fi',
        'broadband',
        'connection',
        'disconnect*',
        'reception',
        'latency',
        'lag*',
        '4g',
        '5g',
        'lte',
        'slow data',
        'data speed*',
      ],
    },
  },
  {
    key: 'price',
    name: { 'zh-CN': '资费与价格', en: 'Price and charges' },
    keywords: {
      zh: [
        '价格',
        '资费',
        '太贵',
        '很贵',
        '好贵',
        '偏贵',
        '贵了',
        '不贵',
        '便宜',
        '性价比',
        '套餐',
        '涨价',
        '降价',
        '优惠',
        '划算',
        '不值',
        '物美价廉',
        '收费标准',
        '月租',
      ],
      en: [
        'price*',
        'pricing',
        'expensive',
        'cheap*',
        'cost*',
        'overpriced',
        'afford*',
        'value for money',
        'plan',
        'plans',
        'tariff*',
        'rate',
        'rates',
        'discount*',
        'price increase',
        'monthly fee*',
      ],
    },
  },
  {
    key: 'billing',
    name: { 'zh-CN': '账单与扣费', en: 'Billing' },
    keywords: {
      zh: [
        '账单',
        '扣费',
        '乱扣',
        '多扣',
        '扣钱',
        '扣了',
        '话费',
        '余额',
        '欠费',
        '停机',
        '退款',
        '退钱',
        '发票',
        '充值',
        '缴费',
        '计费',
        '乱收费',
        '收费',
      ],
      en: [
        'bill',
        'bills',
        'billing',
        'billed',
        'charg*',
        'overcharg*',
        'refund*',
        'invoice*',
        'payment*',
        'fee',
        'fees',
        'balance',
        'top up',
        'statement',
        'autopay',
        'debit*',
      ],
    },
  },
  {
    key: 'service_attitude',
    name: { 'zh-CN': '服务态度', en: 'Service attitude' },
    keywords: {
      zh: [
        '态度',
        '客服',
        '服务员',
        '工作人员',
        '营业员',
        '不耐烦',
        '敷衍',
        '冷漠',
        '冷淡',
        '礼貌',
        '热情',
        '耐心',
        '推诿',
        '踢皮球',
        '服务差',
        '服务好',
        '服务很好',
        '服务周到',
        '骂人',
        '爱理不理',
      ],
      en: [
        'rude',
        'rudely',
        'attitude',
        'staff',
        'agent*',
        'representative*',
        'rep',
        'customer service',
        'support team',
        'helpful',
        'unhelpful',
        'polite',
        'impolite',
        'friendly',
        'unfriendly',
        'unprofessional',
        'professional',
        'courteous',
        'ignored',
      ],
    },
  },
  {
    key: 'waiting_time',
    name: { 'zh-CN': '等待时间', en: 'Waiting time' },
    keywords: {
      zh: [
        '等了',
        '等待',
        '排队',
        '太慢',
        '好慢',
        '很慢',
        '慢死',
        '半天',
        '很久',
        '好久',
        '没人接',
        '占线',
        '回复慢',
        '一直等',
        '效率低',
        '拖了',
        '拖延',
        '迟迟',
      ],
      en: [
        'wait',
        'waits',
        'waited',
        'waiting',
        'on hold',
        'hold time',
        'queue*',
        'took forever',
        'forever',
        'slow response',
        'no response',
        'nobody answer*',
        'no one answer*',
        'hours',
        'long time',
        'delay*',
      ],
    },
  },
  {
    key: 'product_quality',
    name: { 'zh-CN': '产品质量', en: 'Product quality' },
    keywords: {
      zh: [
        '质量',
        '品质',
        '坏了',
        '破损',
        '故障',
        '做工',
        '次品',
        '好用',
        '不好用',
        '耐用',
        '正品',
        '假货',
        '瑕疵',
        '用不了',
        '死机',
        '发热',
        '掉色',
        '异味',
        '味道',
        '好吃',
        '难吃',
        '新鲜',
      ],
      en: [
        'quality',
        'broken',
        'broke',
        'defect*',
        'faulty',
        'damaged',
        'works great',
        'works well',
        'durable',
        'fake',
        'counterfeit',
        'poor quality',
        'stopped working',
        'crash*',
        'malfunction*',
        'taste*',
        'fresh',
      ],
    },
  },
  {
    key: 'delivery',
    name: { 'zh-CN': '配送与物流', en: 'Delivery' },
    keywords: {
      zh: [
        '快递',
        '物流',
        '配送',
        '送货',
        '送餐',
        '外卖',
        '骑手',
        '送达',
        '发货',
        '包装',
        '到货',
        '送错',
        '洒了',
        '漏了',
        '送到',
        '收货',
        '派送',
        '上门',
      ],
      en: [
        'deliver*',
        'shipping',
        'shipped',
        'shipment',
        'courier*',
        'package*',
        'parcel*',
        'arrived',
        'arrival',
        'tracking',
        'driver',
        'dispatch*',
        'late delivery',
        'never arrived',
        'wrong item',
        'packaging',
      ],
    },
  },
  {
    key: 'activation',
    name: { 'zh-CN': '开通与办理', en: 'Activation and handling' },
    keywords: {
      zh: [
        '开通',
        '办理',
        '激活',
        '销户',
        '携号转网',
        '补卡',
        '换卡',
        '实名',
        '手续',
        '营业厅',
        '过户',
        '退订',
        '取消业务',
        '变更套餐',
        '改套餐',
        '申请',
        '审核',
      ],
      en: [
        'activat*',
        'sign up',
        'signup',
        'set up',
        'setup',
        'porting',
        'port my number',
        'port out',
        'sim',
        'sim card',
        'registration',
        'register',
        'cancel*',
        'unsubscrib*',
        'application',
        'upgrade',
        'downgrade',
        'store visit',
      ],
    },
  },
  {
    key: 'marketing_harassment',
    name: { 'zh-CN': '营销骚扰', en: 'Marketing harassment' },
    keywords: {
      zh: [
        '骚扰',
        '推销',
        '营销电话',
        '垃圾短信',
        '广告短信',
        '频繁打电话',
        '天天打电话',
        '电话推销',
        '短信轰炸',
        '强制推销',
        '诱导',
      ],
      en: [
        'spam*',
        'telemarketing',
        'marketing call*',
        'sales call*',
        'unsolicited',
        'robocall*',
        'promotional',
        'harass*',
        'too many messages',
        'too many calls',
        'keep calling me',
        'junk mail',
      ],
    },
  },
  {
    key: 'privacy',
    name: { 'zh-CN': '隐私与安全', en: 'Privacy' },
    keywords: {
      zh: [
        '隐私',
        '泄露',
        '泄漏',
        '个人信息',
        '信息安全',
        '诈骗',
        '被盗',
        '盗刷',
        '盗号',
        '冒用',
        '身份证号',
      ],
      en: [
        'privacy',
        'personal data',
        'personal information',
        'data breach',
        'leak*',
        'fraud*',
        'scam*',
        'identity theft',
        'hacked',
        'unauthori?ed',
        'stolen',
        'gdpr',
      ],
    },
  },
  {
    key: OTHER_TOPIC,
    name: { 'zh-CN': '其他', en: 'Other' },
    keywords: { zh: [], en: [] },
  },
];

/** A keyword a workspace added, to a default topic or to one of its own. */
export interface VocabularyKeyword {
  topic: string;
  keyword: string;
  /** Which texts it applies to; `any` for both. */
  language: 'zh' | 'en' | 'any';
}

/** A topic a workspace defined itself. */
export interface CustomTopic {
  key: string;
  name: TopicName;
}

export interface TopicMatch {
  key: string;
  name: TopicName;
  matched: string[];
}

interface CompiledKeyword {
  /** What is reported in `matched`: the keyword as configured. */
  label: string;
  /** Substring to look for: in the text (CJK) or in the padded word string (ASCII). */
  needle: string;
  ascii: boolean;
}

interface CompiledTopic {
  key: string;
  name: TopicName;
  keywords: CompiledKeyword[];
}

/** A taxonomy ready for matching; build once per workspace vocabulary and reuse for many texts. */
export interface Taxonomy {
  readonly topics: readonly CompiledTopic[];
  readonly byKey: ReadonlyMap<string, TopicName>;
}

const ASCII = /^[\x20-\x7e]+$/;

function compileKeyword(raw: string): CompiledKeyword | null {
  const k = normalizeText(raw);
  if (!k) return null;
  if (ASCII.test(k)) {
    // Words are compared as " w1 w2 " inside " text words "; a trailing * drops the closing space (prefix match).
    const words = k.replace(/[^a-z0-9*? ]+/g, ' ').trim();
    if (!words || words === '*') return null;
    if (words.includes('?')) return null;
    const prefix = words.endsWith('*');
    const body = words.replace(/\*/g, '').trim();
    if (!body) return null;
    return { label: raw.trim(), needle: ` ${body}${prefix ? '' : ' '}`, ascii: true };
  }
  return { label: raw.trim(), needle: k, ascii: false };
}

function expandAlternatives(keyword: string): string[] {
  // "unauthori?ed" is a small convenience for British and American spelling: one ? stands for s or z.
  return keyword.includes('?') ? [keyword.replace('?', 's'), keyword.replace('?', 'z')] : [keyword];
}

/** True when a keyword can match something (not empty, not only punctuation or wildcards). */
export function isMatchableKeyword(raw: string): boolean {
  return expandAlternatives(raw).some((k) => compileKeyword(k) !== null);
}

/** Compiles the default taxonomy plus a workspace's own topics and keywords. Unknown topics of keywords are skipped. */
export function compileTaxonomy(
  custom: { topics?: readonly CustomTopic[]; keywords?: readonly VocabularyKeyword[] } = {},
  base: readonly TopicDefinition[] = DEFAULT_TAXONOMY,
): Taxonomy {
  const topics = new Map<string, CompiledTopic & { seen: Set<string> }>();
  const add = (t: CompiledTopic & { seen: Set<string> }, keyword: string) => {
    for (const alt of expandAlternatives(keyword)) {
      const c = compileKeyword(alt);
      if (!c || t.seen.has(`${c.ascii}:${c.needle}`)) continue;
      t.seen.add(`${c.ascii}:${c.needle}`);
      t.keywords.push({ ...c, label: keyword.includes('?') ? keyword.trim() : c.label });
    }
  };
  for (const def of base) {
    const t = { key: def.key, name: def.name, keywords: [], seen: new Set<string>() };
    topics.set(def.key, t);
    for (const k of [...def.keywords.zh, ...def.keywords.en]) add(t, k);
  }
  for (const ct of custom.topics ?? []) {
    if (!topics.has(ct.key))
      topics.set(ct.key, { key: ct.key, name: ct.name, keywords: [], seen: new Set() });
  }
  for (const k of custom.keywords ?? []) {
    const t = topics.get(k.topic);
    if (t) add(t, k.keyword);
  }
  const list = [...topics.values()].map(({ key, name, keywords }) => ({ key, name, keywords }));
  return { topics: list, byKey: new Map(list.map((t) => [t.key, t.name])) };
}

/**
 * The words of a normalised text as " w1 w2 … " (ASCII letters and digits only), the haystack of ASCII keywords.
 */
export function paddedWords(normalized: string): string {
  const words = normalized.match(/[a-z0-9]+/g);
  return words ? ` ${words.join(' ')} ` : ' ';
}

/**
 * Topics of a normalised text, in taxonomy order, each with the keywords that matched. A non-empty text with
 * no match gets the `other` topic; an empty one gets none.
 */
export function matchTopics(taxonomy: Taxonomy, normalized: string): TopicMatch[] {
  if (!normalized) return [];
  const words = paddedWords(normalized);
  const out: TopicMatch[] = [];
  for (const t of taxonomy.topics) {
    let matched: string[] | undefined;
    for (const k of t.keywords) {
      if ((k.ascii ? words : normalized).includes(k.needle)) (matched ??= []).push(k.label);
    }
    if (matched) out.push({ key: t.key, name: t.name, matched });
  }
  if (out.length === 0) {
    const other = taxonomy.byKey.get(OTHER_TOPIC);
    if (other) out.push({ key: OTHER_TOPIC, name: other, matched: [] });
  }
  return out;
}
