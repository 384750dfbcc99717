import type { MatchRule } from './touchpoint.rules.js';

type Bilingual = { 'zh-CN': string; en: string };

export interface TemplateTouchpoint {
  key: string;
  name: Bilingual;
  description: Bilingual;
  coreNeed: Bilingual;
  stage: string;
  phase: 'pre_sale' | 'in_sale' | 'after_sale';
  channels: string[];
  ownerTeam: string;
  targetScore: number;
  targetConversion: number | null;
  rule: MatchRule;
}

export interface JourneyTemplate {
  key: string;
  name: Bilingual;
  description: Bilingual;
  conversionWindowDays: number;
  touchpoints: TemplateTouchpoint[];
}

const tp = (t: TemplateTouchpoint): TemplateTouchpoint => t;

/**
 * Journeys that ship with the product. Applying one creates editable touchpoints and the journey; the event names
 * follow Segment's conventions (and the e-commerce spec) so existing tracking plans map without changes.
 */
export const JOURNEY_TEMPLATES: readonly JourneyTemplate[] = [
  {
    key: 'mobile_data_service',
    name: { 'zh-CN': '移动数据业务旅程', en: 'Mobile data service journey' },
    description: {
      'zh-CN': '从发现流量套餐到试用、定制、使用、退订与投诉的完整客户旅程。',
      en: 'From discovering a data plan to trial, subscription, use, unsubscription and complaint.',
    },
    conversionWindowDays: 30,
    touchpoints: [
      tp({
        key: 'discover',
        name: { 'zh-CN': '发现', en: 'Discover' },
        description: {
          'zh-CN': '客户通过网站、App、微信或门店了解流量套餐。',
          en: 'The customer learns about data plans on the web, in the app, on WeChat or in a store.',
        },
        coreNeed: {
          'zh-CN': '快速看懂套餐内容与价格，找到适合自己的方案。',
          en: 'Understand plans and prices quickly and find the one that fits.',
        },
        stage: 'discover',
        phase: 'pre_sale',
        channels: ['web', 'app', 'wechat', 'store'],
        ownerTeam: 'marketing',
        targetScore: 80,
        targetConversion: 0.3,
        rule: { events: ['Plan Viewed', '流量套餐 Data plans'] },
      }),
      tp({
        key: 'trial',
        name: { 'zh-CN': '试用', en: 'Trial' },
        description: {
          'zh-CN': '客户开通流量包试用。',
          en: 'The customer starts a data-pack trial.',
        },
        coreNeed: {
          'zh-CN': '业务与个人需求匹配；试用结束前及时提醒。',
          en: 'A service that matches their needs, and a reminder before the trial ends.',
        },
        stage: 'trial',
        phase: 'in_sale',
        channels: ['app', 'wechat', 'store', 'call_center', 'account_manager'],
        ownerTeam: 'sales',
        targetScore: 85,
        targetConversion: 0.6,
        rule: { events: ['Trial Started'] },
      }),
      tp({
        key: 'subscribe',
        name: { 'zh-CN': '定制', en: 'Subscribe' },
        description: {
          'zh-CN': '客户正式订购流量业务。',
          en: 'The customer subscribes to the data service.',
        },
        coreNeed: {
          'zh-CN': '办理简单快捷，资费清楚透明，立即生效。',
          en: 'Simple, fast ordering with clear charges and immediate activation.',
        },
        stage: 'subscribe',
        phase: 'in_sale',
        channels: ['app', 'wechat', 'store', 'call_center', 'account_manager'],
        ownerTeam: 'sales',
        targetScore: 85,
        targetConversion: 0.9,
        rule: { events: ['Service Subscribed'] },
      }),
      tp({
        key: 'use',
        name: { 'zh-CN': '使用', en: 'Use' },
        description: {
          'zh-CN': '客户日常使用流量并缴费。',
          en: 'The customer uses data day to day and pays the bills.',
        },
        coreNeed: {
          'zh-CN': '网络稳定、速度快，用量和账单随时可查。',
          en: 'A fast, stable network, and usage and bills visible at any time.',
        },
        stage: 'use',
        phase: 'after_sale',
        channels: ['app', 'wechat', 'store'],
        ownerTeam: 'network',
        targetScore: 80,
        targetConversion: null,
        rule: { events: ['Data Used', 'Bill Paid'] },
      }),
      tp({
        key: 'unsubscribe',
        name: { 'zh-CN': '退订', en: 'Unsubscribe' },
        description: {
          'zh-CN': '客户退订流量业务。',
          en: 'The customer cancels the data service.',
        },
        coreNeed: {
          'zh-CN': '退订渠道畅通、无阻碍，费用结算清楚。',
          en: 'An easy way out with no obstacles and a clear final bill.',
        },
        stage: 'unsubscribe',
        phase: 'after_sale',
        channels: ['app', 'call_center', 'store'],
        ownerTeam: 'retention',
        targetScore: 70,
        targetConversion: null,
        rule: { events: ['Service Unsubscribed'] },
      }),
      tp({
        key: 'complain',
        name: { 'zh-CN': '投诉', en: 'Complain' },
        description: {
          'zh-CN': '客户对网络、资费或服务提出投诉。',
          en: 'The customer complains about the network, charges or service.',
        },
        coreNeed: {
          'zh-CN': '被倾听、被重视，问题及时解决并得到回访。',
          en: 'To be heard and taken seriously, with a quick fix and a follow-up.',
        },
        stage: 'complain',
        phase: 'after_sale',
        channels: ['call_center', 'app', 'wechat', 'store', 'sms'],
        ownerTeam: 'service',
        targetScore: 75,
        targetConversion: null,
        rule: { events: ['Complaint Filed'] },
      }),
    ],
  },
  {
    key: 'retail_ecommerce',
    name: { 'zh-CN': '零售电商旅程', en: 'Retail and e-commerce journey' },
    description: {
      'zh-CN': '浏览商品、加入购物车、下单、配送、评价与售后退货。',
      en: 'Browse, add to cart, order, delivery, review and returns.',
    },
    conversionWindowDays: 14,
    touchpoints: [
      tp({
        key: 'browse',
        name: { 'zh-CN': '浏览商品', en: 'Browse' },
        description: { 'zh-CN': '客户浏览商品详情。', en: 'The customer views products.' },
        coreNeed: {
          'zh-CN': '信息准确、图片清晰、价格透明。',
          en: 'Accurate details, clear pictures, transparent prices.',
        },
        stage: 'browse',
        phase: 'pre_sale',
        channels: ['web', 'app', 'wechat'],
        ownerTeam: 'ecommerce',
        targetScore: 80,
        targetConversion: 0.15,
        rule: { events: ['Product Viewed'] },
      }),
      tp({
        key: 'cart',
        name: { 'zh-CN': '加入购物车', en: 'Add to cart' },
        description: { 'zh-CN': '客户把商品加入购物车。', en: 'The customer adds a product to the cart.' },
        coreNeed: { 'zh-CN': '操作顺畅，优惠清楚。', en: 'A smooth cart with clear discounts.' },
        stage: 'consider',
        phase: 'pre_sale',
        channels: ['web', 'app', 'wechat'],
        ownerTeam: 'ecommerce',
        targetScore: 80,
        targetConversion: 0.5,
        rule: { events: ['Product Added'] },
      }),
      tp({
        key: 'checkout',
        name: { 'zh-CN': '下单支付', en: 'Checkout' },
        description: { 'zh-CN': '客户完成下单和支付。', en: 'The customer places and pays for the order.' },
        coreNeed: {
          'zh-CN': '支付安全便捷，一次成功。',
          en: 'Safe, convenient payment that works the first time.',
        },
        stage: 'purchase',
        phase: 'in_sale',
        channels: ['web', 'app', 'wechat', 'store'],
        ownerTeam: 'ecommerce',
        targetScore: 85,
        targetConversion: 0.95,
        rule: { events: ['Order Completed'] },
      }),
      tp({
        key: 'delivery',
        name: { 'zh-CN': '配送', en: 'Delivery' },
        description: { 'zh-CN': '订单出库并送达客户。', en: 'The order ships and reaches the customer.' },
        coreNeed: { 'zh-CN': '准时送达，物流可追踪。', en: 'On-time delivery with tracking.' },
        stage: 'deliver',
        phase: 'after_sale',
        channels: ['sms', 'app', 'wechat'],
        ownerTeam: 'logistics',
        targetScore: 85,
        targetConversion: 0.3,
        rule: { events: ['Order Delivered'] },
      }),
      tp({
        key: 'review',
        name: { 'zh-CN': '评价', en: 'Review' },
        description: { 'zh-CN': '客户评价商品和服务。', en: 'The customer reviews the product and service.' },
        coreNeed: { 'zh-CN': '意见被看到并得到回应。', en: 'Feedback that is seen and answered.' },
        stage: 'review',
        phase: 'after_sale',
        channels: ['web', 'app', 'wechat'],
        ownerTeam: 'cx',
        targetScore: 80,
        targetConversion: null,
        rule: { events: ['Product Reviewed'] },
      }),
      tp({
        key: 'return',
        name: { 'zh-CN': '退换货', en: 'Return' },
        description: { 'zh-CN': '客户申请退货或退款。', en: 'The customer asks for a return or refund.' },
        coreNeed: { 'zh-CN': '流程简单，退款迅速。', en: 'A simple process and a fast refund.' },
        stage: 'return',
        phase: 'after_sale',
        channels: ['web', 'app', 'call_center', 'store'],
        ownerTeam: 'service',
        targetScore: 75,
        targetConversion: null,
        rule: { events: ['Order Refunded', 'Return Requested'] },
      }),
    ],
  },
  {
    key: 'service_after_sales',
    name: { 'zh-CN': '售后服务旅程', en: 'Service and after-sales journey' },
    description: {
      'zh-CN': '报障或咨询、受理、上门维修、问题解决与回访。',
      en: 'Reporting a fault or asking for help, handling, repair visit, resolution and follow-up.',
    },
    conversionWindowDays: 30,
    touchpoints: [
      tp({
        key: 'contact',
        name: { 'zh-CN': '联系客服', en: 'Contact' },
        description: {
          'zh-CN': '客户通过热线、App 或微信联系客服。',
          en: 'The customer contacts support by phone, app or WeChat.',
        },
        coreNeed: {
          'zh-CN': '快速接通，不用反复说明。',
          en: 'Get through fast without repeating themselves.',
        },
        stage: 'contact',
        phase: 'after_sale',
        channels: ['call_center', 'app', 'wechat', 'email'],
        ownerTeam: 'service',
        targetScore: 80,
        targetConversion: 0.8,
        rule: { events: ['Support Contacted'] },
      }),
      tp({
        key: 'fault_report',
        name: { 'zh-CN': '报障受理', en: 'Fault reported' },
        description: { 'zh-CN': '故障被记录并受理。', en: 'The fault is logged and accepted.' },
        coreNeed: {
          'zh-CN': '明确告知处理时限和进度。',
          en: 'A clear promise of when it will be fixed, and progress updates.',
        },
        stage: 'diagnose',
        phase: 'after_sale',
        channels: ['call_center', 'app', 'wechat'],
        ownerTeam: 'service',
        targetScore: 80,
        targetConversion: 0.7,
        rule: { events: ['Fault Reported'] },
      }),
      tp({
        key: 'repair_visit',
        name: { 'zh-CN': '上门维修', en: 'Repair visit' },
        description: { 'zh-CN': '工程师上门或远程处理。', en: 'An engineer visits or fixes it remotely.' },
        coreNeed: { 'zh-CN': '准时上门，专业高效。', en: 'On time, professional and efficient.' },
        stage: 'repair',
        phase: 'after_sale',
        channels: ['store', 'account_manager'],
        ownerTeam: 'field_service',
        targetScore: 85,
        targetConversion: 0.9,
        rule: { events: ['Technician Visited'] },
      }),
      tp({
        key: 'resolved',
        name: { 'zh-CN': '问题解决', en: 'Resolved' },
        description: { 'zh-CN': '问题被解决并确认。', en: 'The issue is fixed and confirmed.' },
        coreNeed: { 'zh-CN': '一次解决，不再复发。', en: 'Fixed the first time, for good.' },
        stage: 'resolve',
        phase: 'after_sale',
        channels: ['call_center', 'app', 'sms'],
        ownerTeam: 'service',
        targetScore: 85,
        targetConversion: 0.5,
        rule: { events: ['Issue Resolved'] },
      }),
      tp({
        key: 'follow_up',
        name: { 'zh-CN': '回访', en: 'Follow-up' },
        description: {
          'zh-CN': '回访客户确认满意度。',
          en: 'The customer is asked whether they are satisfied.',
        },
        coreNeed: {
          'zh-CN': '感到被关心，意见能带来改进。',
          en: 'To feel cared for and see feedback lead to improvements.',
        },
        stage: 'follow_up',
        phase: 'after_sale',
        channels: ['sms', 'call_center', 'wechat'],
        ownerTeam: 'cx',
        targetScore: 85,
        targetConversion: null,
        rule: { events: ['Follow-up Completed'] },
      }),
    ],
  },
];
