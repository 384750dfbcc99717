import type { LocalText, QuestionType, SurveyQuestion } from '../../../api/surveys';

/** A translation function fixed to one language (i18n.getFixedT), called with dynamic keys. */
export type FixedT = (key: string, options?: Record<string, unknown>) => string;

/** A text in both console languages, from the catalogue. */
function both(tZh: FixedT, tEn: FixedT, key: string): LocalText {
  return { 'zh-CN': tZh(key), en: tEn(key) };
}

/** A new question of a type with sensible bilingual defaults, ready to edit. */
export function newQuestion(type: QuestionType, id: string, tZh: FixedT, tEn: FixedT): SurveyQuestion {
  const text = both(tZh, tEn, `surveys.defaults.${type}`);
  const option = (n: number, prefix = 'o') => ({
    id: `${prefix}${n}`,
    text: {
      'zh-CN': tZh('surveys.defaults.option', { n }),
      en: tEn('surveys.defaults.option', { n }),
    },
  });
  const base = { id, text, required: false };
  switch (type) {
    case 'nps':
    case 'csat':
    case 'ces':
      return { ...base, type, required: true };
    case 'rating':
      return { ...base, type, points: 5, style: 'stars' };
    case 'single_choice':
    case 'multiple_choice':
      return { ...base, type, options: [option(1), option(2), option(3)], shuffle: false, allowOther: false };
    case 'text':
      return { ...base, type, multiline: true, maxLength: 2000 };
    case 'matrix':
      return {
        ...base,
        type,
        rows: [option(1, 'r'), option(2, 'r')],
        columns: [1, 2, 3, 4, 5].map((n) => ({ id: `c${n}`, text: { 'zh-CN': String(n), en: String(n) } })),
      };
    case 'ranking':
      return { ...base, type, options: [option(1, 'i'), option(2, 'i'), option(3, 'i')] };
    case 'expectation_perception':
      return { ...base, type, dimension: 'reliability' };
    case 'constant_sum':
      return { ...base, type, options: [option(1), option(2)], total: 100 };
  }
}
