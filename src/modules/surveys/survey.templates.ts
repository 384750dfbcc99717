import type { LocalText, Question, SurveyDefinition } from './survey.definition.js';

/** A bilingual survey template shipped with Touchpoint. */
export interface SurveyTemplate {
  key: string;
  name: LocalText;
  description: LocalText;
  /** A touchpoint the template is meant for, when it is transactional. */
  touchpointKey: string | null;
  definition: SurveyDefinition;
}

const t = (zh: string, en: string): LocalText => ({ 'zh-CN': zh, en });

const text = (id: string, zh: string, en: string): Question => ({
  id,
  type: 'text',
  text: t(zh, en),
  required: false,
  multiline: true,
  maxLength: 2000,
});

const rating10 = (id: string, zh: string, en: string): Question => ({
  id,
  type: 'rating',
  text: t(zh, en),
  required: true,
  points: 10,
  style: 'numbers',
  lowLabel: t('非常不满意', 'Very dissatisfied'),
  highLabel: t('非常满意', 'Very satisfied'),
});

const THANKS = t('感谢您的反馈！', 'Thank you for your feedback!');

const npsRelationship: SurveyTemplate = {
  key: 'nps-relationship',
  name: t('客户关系 NPS 调查', 'Relationship NPS'),
  description: t(
    '定期衡量客户的推荐意愿（0–10 分），并了解原因。',
    'Measures how likely customers are to recommend you (0–10), and why, at regular intervals.',
  ),
  touchpointKey: null,
  definition: {
    intro: t('占用您一分钟，帮助我们做得更好。', 'One minute of your time helps us improve.'),
    thanks: THANKS,
    questions: [
      {
        id: 'nps',
        type: 'nps',
        text: t(
          '您有多大可能向朋友或同事推荐我们？',
          'How likely are you to recommend us to a friend or colleague?',
        ),
        required: true,
      },
      text('reason', '您给出这个分数的主要原因是什么？', 'What is the main reason for your score?'),
      {
        id: 'improve',
        type: 'multiple_choice',
        text: t('我们最应该改进哪些方面？', 'What should we improve first?'),
        required: false,
        shuffle: true,
        allowOther: true,
        options: [
          { id: 'network', text: t('网络质量', 'Network quality') },
          { id: 'price', text: t('资费价格', 'Price') },
          { id: 'billing', text: t('账单清晰度', 'Billing clarity') },
          { id: 'service', text: t('客服服务', 'Customer service') },
          { id: 'app', text: t('App 与线上服务', 'App and online service') },
        ],
      },
    ],
    hiddenFields: ['source'],
    // Promoters are not asked what to improve.
    logic: [
      {
        from: 'reason',
        when: { type: 'answer', question: 'nps', op: 'gte', value: 9 },
        then: { type: 'end' },
      },
    ],
    primaryQuestionId: 'nps',
    index: null,
    drivers: null,
    servqual: null,
  },
};

const csatTouchpoint: SurveyTemplate = {
  key: 'csat-touchpoint',
  name: t('触点满意度（CSAT）', 'Touchpoint CSAT'),
  description: t(
    '在某个触点（如试用、开通、投诉处理）之后询问满意度（1–5 分）。',
    'Asks for satisfaction (1–5) right after a touchpoint such as a trial, activation or complaint handling.',
  ),
  touchpointKey: 'trial',
  definition: {
    thanks: THANKS,
    questions: [
      {
        id: 'csat',
        type: 'csat',
        text: t('您对这次体验的满意程度如何？', 'How satisfied are you with this experience?'),
        required: true,
      },
      text('comment', '请告诉我们原因或建议。', 'Please tell us why, or how we could do better.'),
    ],
    hiddenFields: ['caseId', 'orderId'],
    logic: [],
    primaryQuestionId: 'csat',
    index: null,
    drivers: null,
    servqual: null,
  },
};

const ces: SurveyTemplate = {
  key: 'ces',
  name: t('客户费力度（CES）', 'Customer Effort Score'),
  description: t(
    '衡量客户办理事务的难易程度（1–7 分，越高越省力）。',
    'Measures how easy it was for the customer to get things done (1–7, higher is easier).',
  ),
  touchpointKey: null,
  definition: {
    thanks: THANKS,
    questions: [
      {
        id: 'ces',
        type: 'ces',
        text: t(
          '“公司让我轻松地解决了问题。”您是否同意？',
          '“The company made it easy for me to handle my issue.” Do you agree?',
        ),
        required: true,
      },
      text('hardest', '哪一步最费力？', 'Which step took the most effort?'),
    ],
    hiddenFields: ['caseId'],
    logic: [],
    primaryQuestionId: 'ces',
    index: null,
    drivers: null,
    servqual: null,
  },
};

/** The 22 SERVQUAL items (Parasuraman, Zeithaml & Berry, 1988), worded for a service company. */
const SERVQUAL_ITEMS: [string, string, string][] = [
  ['tangibles', '拥有现代化的设备', 'Has up-to-date equipment'],
  ['tangibles', '营业厅等设施外观吸引人', 'Physical facilities are visually appealing'],
  ['tangibles', '员工穿着整洁得体', 'Employees are well dressed and neat'],
  ['tangibles', '设施与所提供的服务相匹配', 'Facilities match the type of service provided'],
  ['reliability', '承诺在某个时间做到的事情能按时做到', 'Does what it promises by the time it promises'],
  ['reliability', '客户遇到问题时真诚地帮助解决', 'Shows sincere interest in solving customers’ problems'],
  ['reliability', '值得信赖', 'Is dependable'],
  ['reliability', '在承诺的时间提供服务', 'Provides its services at the time it promises'],
  ['reliability', '准确无误地保存记录（如账单）', 'Keeps its records (such as bills) accurately'],
  ['responsiveness', '明确告诉客户何时提供服务', 'Tells customers exactly when services will be performed'],
  ['responsiveness', '员工提供及时的服务', 'Employees give prompt service'],
  ['responsiveness', '员工总是愿意帮助客户', 'Employees are always willing to help'],
  [
    'responsiveness',
    '员工不会因为太忙而无法及时响应客户',
    'Employees are never too busy to respond to requests',
  ],
  ['assurance', '员工的行为让客户信任', 'Employees’ behaviour instils confidence'],
  ['assurance', '客户在交易中感到安全', 'Customers feel safe in their transactions'],
  ['assurance', '员工始终礼貌待客', 'Employees are consistently courteous'],
  ['assurance', '员工有足够的知识回答客户的问题', 'Employees have the knowledge to answer questions'],
  ['empathy', '给予客户个别的关注', 'Gives customers individual attention'],
  ['empathy', '营业时间方便所有客户', 'Operating hours are convenient to all customers'],
  ['empathy', '员工给予客户个性化的关怀', 'Employees give customers personal attention'],
  ['empathy', '把客户的利益放在心上', 'Has the customers’ best interests at heart'],
  ['empathy', '员工理解客户的具体需求', 'Employees understand customers’ specific needs'],
];

const DIMENSIONS: [string, string, string][] = [
  ['tangibles', '有形性（设施、设备、人员外表）', 'Tangibles (facilities, equipment, appearance)'],
  ['reliability', '可靠性（准确可靠地履行承诺）', 'Reliability (performing the promised service dependably)'],
  ['responsiveness', '响应性（愿意帮助并迅速服务）', 'Responsiveness (willingness to help, prompt service)'],
  ['assurance', '保证性（知识、礼貌、可信）', 'Assurance (knowledge, courtesy, trust)'],
  ['empathy', '移情性（关心与个性化关注）', 'Empathy (caring, individual attention)'],
];

const servqual: SurveyTemplate = {
  key: 'servqual',
  name: t('SERVQUAL 服务质量调查', 'SERVQUAL service quality'),
  description: t(
    '22 个条目、5 个维度，分别评价期望与感知（1–7 分），并以 100 分分配各维度的重要性；差距 = 感知 − 期望。',
    '22 items in 5 dimensions, each rated for expectation and perception (1–7), with a 100-point importance allocation; gap = perception − expectation.',
  ),
  touchpointKey: null,
  definition: {
    intro: t(
      '每一项请分别给出：您对优秀服务商的期望，以及您对我们实际表现的感受（1 = 非常不同意，7 = 非常同意）。',
      'For each item, rate what you expect of an excellent provider and how you perceive us (1 = strongly disagree, 7 = strongly agree).',
    ),
    thanks: THANKS,
    questions: [
      ...SERVQUAL_ITEMS.map(([dimension, zh, en], i): Question => ({
        id: `sq${i + 1}`,
        type: 'expectation_perception',
        text: t(zh, en),
        required: true,
        dimension,
      })),
      {
        id: 'importance',
        type: 'constant_sum',
        text: t(
          '请把 100 分分配给以下五个方面，表示它们对您的重要程度。',
          'Please allocate 100 points among these five aspects according to how important each is to you.',
        ),
        required: true,
        total: 100,
        options: DIMENSIONS.map(([id, zh, en]) => ({ id, text: t(zh, en) })),
      },
      text('comment', '还有什么想告诉我们的吗？', 'Anything else you would like to tell us?'),
    ],
    hiddenFields: [],
    logic: [],
    primaryQuestionId: null,
    index: null,
    drivers: null,
    servqual: { weightsQuestionId: 'importance' },
  },
};

const acsi: SurveyTemplate = {
  key: 'acsi',
  name: t('ACSI 式满意度指数', 'ACSI-style satisfaction index'),
  description: t(
    '三个条目（总体满意、与期望相比、与理想相比，1–10 分）合成 0–100 的满意度指数。',
    'Three items (overall satisfaction, versus expectations, versus an ideal; 1–10) combined into a 0–100 index.',
  ),
  touchpointKey: null,
  definition: {
    thanks: THANKS,
    questions: [
      rating10(
        'overall',
        '总体而言，您对我们的服务满意吗？',
        'Overall, how satisfied are you with our service?',
      ),
      rating10(
        'expectations',
        '与您的期望相比，我们的服务如何？',
        'How well did our service meet your expectations?',
      ),
      rating10(
        'ideal',
        '与您心目中理想的服务商相比，我们有多接近？',
        'How close are we to the ideal provider you can imagine?',
      ),
      text('comment', '请告诉我们您的意见。', 'Please share your thoughts.'),
    ],
    hiddenFields: [],
    logic: [],
    primaryQuestionId: '_index',
    index: {
      components: [
        { key: 'overall', name: t('总体满意', 'Overall satisfaction'), weight: 1, questions: ['overall'] },
        {
          key: 'expectations',
          name: t('与期望相比', 'Versus expectations'),
          weight: 1,
          questions: ['expectations'],
        },
        { key: 'ideal', name: t('与理想相比', 'Versus ideal'), weight: 1, questions: ['ideal'] },
      ],
    },
    drivers: null,
    servqual: null,
  },
};

const keyAccount: SurveyTemplate = {
  key: 'key-account-index',
  name: t('集团客户满意度指数', 'Key-account satisfaction index'),
  description: t(
    '电信运营商集团客户满意度：产品质量、售前、售中、售后服务与客户经理，加权合成 0–100 指数。',
    'Telecom key-account satisfaction: product quality, pre-sale, in-sale and after-sale service and the account manager, weighted into a 0–100 index.',
  ),
  touchpointKey: null,
  definition: {
    intro: t(
      '请就以下方面为我们打分（1 = 非常不满意，10 = 非常满意）。',
      'Please rate us on the following (1 = very dissatisfied, 10 = very satisfied).',
    ),
    thanks: THANKS,
    questions: [
      rating10(
        'product_reliability',
        '产品质量：网络与业务的稳定可靠',
        'Product quality: reliability of network and services',
      ),
      rating10(
        'product_fit',
        '产品质量：产品满足贵单位业务需要的程度',
        'Product quality: fit to your organisation’s needs',
      ),
      rating10(
        'presale_information',
        '售前服务：主动提供产品与方案信息',
        'Pre-sale: proactive information on products and solutions',
      ),
      rating10('presale_consultation', '售前服务：咨询的便捷性', 'Pre-sale: ease of consultation'),
      rating10('insale_ordering', '售中服务：办理订购的便捷与快速', 'In-sale: ease and speed of ordering'),
      rating10('insale_activation', '售中服务：业务开通的及时性', 'In-sale: speed of activation'),
      rating10('aftersale_billing', '售后服务：账单查询的便捷性', 'After-sale: ease of billing queries'),
      rating10('aftersale_fault', '售后服务：故障申告的便捷性', 'After-sale: ease of fault reporting'),
      rating10('aftersale_repair', '售后服务：故障修复的速度', 'After-sale: speed of repair'),
      rating10('am_proactive', '客户经理：服务的主动性', 'Account manager: proactiveness'),
      rating10('am_coordination', '客户经理：内部协调能力', 'Account manager: coordination'),
      rating10('am_competence', '客户经理：专业能力', 'Account manager: competence'),
      rating10('overall', '总体而言，您对我们的满意程度', 'Overall, how satisfied are you with us?'),
      text('comment', '您对我们还有哪些意见和建议？', 'What else should we improve?'),
    ],
    hiddenFields: ['accountId'],
    logic: [],
    primaryQuestionId: '_index',
    index: {
      components: [
        {
          key: 'product',
          name: t('产品质量', 'Product quality'),
          weight: 0.3,
          questions: ['product_reliability', 'product_fit'],
        },
        {
          key: 'presale',
          name: t('售前服务', 'Pre-sale service'),
          weight: 0.15,
          questions: ['presale_information', 'presale_consultation'],
        },
        {
          key: 'insale',
          name: t('售中服务', 'In-sale service'),
          weight: 0.15,
          questions: ['insale_ordering', 'insale_activation'],
        },
        {
          key: 'aftersale',
          name: t('售后服务', 'After-sale service'),
          weight: 0.2,
          questions: ['aftersale_billing', 'aftersale_fault', 'aftersale_repair'],
        },
        {
          key: 'account_manager',
          name: t('客户经理', 'Account manager'),
          weight: 0.2,
          questions: ['am_proactive', 'am_coordination', 'am_competence'],
        },
      ],
    },
    drivers: {
      outcome: 'overall',
      attributes: [
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
      ],
    },
    servqual: null,
  },
};

/** Every template shipped, in the order the console lists them. */
export const TEMPLATES: readonly SurveyTemplate[] = [
  npsRelationship,
  csatTouchpoint,
  ces,
  servqual,
  acsi,
  keyAccount,
];

/** A template by key, or undefined. */
export function templateOf(key: string): SurveyTemplate | undefined {
  return TEMPLATES.find((x) => x.key === key);
}
