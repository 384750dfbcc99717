/**
 * A small hand-written customer-service lexicon, added to the training data as short labelled phrases (the same form
 * as SST-2's phrase rows). The English data set is movie reviews: without these, words that carry the sentiment of
 * service feedback ("friendly", "fixed", "overcharged", "on hold") are rare or skewed there ("problem" is mostly
 * negative in reviews, while "fixed my problem" is praise). They are training data only, never test data, and are
 * written here, not taken from any data set.
 */
import type { Example } from './datasets.js';

const EN_POSITIVE = [
  'friendly',
  'friendly staff',
  'helpful',
  'very helpful',
  'polite',
  'courteous',
  'professional',
  'patient',
  'knowledgeable',
  'responsive',
  'resolved',
  'resolved quickly',
  'fixed',
  'fixed my problem',
  'fixed it quickly',
  'solved my issue',
  'problem solved',
  'quick',
  'quickly',
  'fast',
  'prompt',
  'efficient',
  'reliable',
  'stable',
  'strong signal',
  'good coverage',
  'great service',
  'excellent service',
  'good service',
  'thank you',
  'thanks',
  'appreciate it',
  'satisfied',
  'very satisfied',
  'happy with the service',
  'would recommend',
  'works well',
  'works perfectly',
  'easy',
  'easy to use',
  'convenient',
  'affordable',
  'good value',
  'fair price',
  'on time',
  'arrived early',
  'smooth',
  'well done',
  'impressed',
  'love it',
];

const EN_NEGATIVE = [
  'rude',
  'rude staff',
  'unhelpful',
  'impolite',
  'unprofessional',
  'slow',
  'too slow',
  'delayed',
  'late',
  'on hold for hours',
  'kept me waiting',
  'nobody answered',
  'no one called back',
  'ignored',
  'overcharged',
  'charged twice',
  'hidden fees',
  'wrong bill',
  'still waiting for a refund',
  'broken',
  'defective',
  'faulty',
  'dropped calls',
  'no signal',
  'weak signal',
  'outage',
  'keeps disconnecting',
  'not working',
  'does not work',
  'stopped working',
  'still not fixed',
  'unresolved',
  'useless',
  'terrible',
  'terrible service',
  'worst service',
  'awful',
  'horrible',
  'disappointed',
  'frustrating',
  'annoying',
  'scam',
  'misleading',
  'lied to me',
  'spam calls',
  'harassing',
  'waste of time',
  'too expensive',
  'ripped off',
  'never again',
  'want to cancel',
];

const ZH_POSITIVE = [
  '态度很好',
  '服务热情',
  '耐心解答',
  '很专业',
  '解决了',
  '问题很快解决了',
  '处理及时',
  '办理很快',
  '很方便',
  '信号很好',
  '网速很快',
  '资费便宜',
  '实惠',
  '满意',
  '非常满意',
  '感谢',
  '谢谢',
  '点赞',
  '好评',
  '推荐',
];

const ZH_NEGATIVE = [
  '态度恶劣',
  '态度很差',
  '爱理不理',
  '敷衍',
  '推诿',
  '不耐烦',
  '没人管',
  '一直没解决',
  '处理太慢',
  '乱扣费',
  '多扣钱',
  '收费不合理',
  '没信号',
  '信号很差',
  '老是掉线',
  '网速太慢',
  '骚扰电话',
  '垃圾短信',
  '欺骗消费者',
  '投诉',
];

/**
 * The lexicon as training examples, each phrase repeated: 30 times in English, where one phrase row among ~48,000
 * SST-2 phrases barely moves a weight (30 copies also raised validation accuracy, 83.3 → 83.9 %, when measured), and
 * 10 times in Chinese, whose review data already covers service words.
 */
export function lexiconExamples(language: 'zh' | 'en', copies = language === 'en' ? 30 : 10): Example[] {
  const [pos, neg] = language === 'en' ? [EN_POSITIVE, EN_NEGATIVE] : [ZH_POSITIVE, ZH_NEGATIVE];
  const out: Example[] = [];
  for (let c = 0; c < copies; c++) {
    for (const text of pos) out.push({ text, label: 1, dataset: `lexicon_${language}` });
    for (const text of neg) out.push({ text, label: 0, dataset: `lexicon_${language}` });
  }
  return out;
}
