import type { LocalText, SurveyQuestion } from '../../api/surveys';

/** The survey languages the console edits side by side. */
export const EDIT_LANGUAGES = ['zh-CN', 'en'] as const;

/** Text in the wanted language, else the survey's default language, else any. */
export function pickText(text: LocalText | undefined, language: string, fallback = 'zh-CN'): string {
  if (!text) return '';
  return text[language] ?? text[fallback] ?? Object.values(text)[0] ?? '';
}

/** The UI language as a survey language tag (the console speaks zh-CN and en). */
export function surveyLanguageOf(uiLanguage: string | undefined): 'zh-CN' | 'en' {
  return uiLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Score questions: they have one number per answer (NPS, CSAT, CES, rating). */
export function isScoreQuestion(q: SurveyQuestion): boolean {
  return q.type === 'nps' || q.type === 'csat' || q.type === 'ces' || q.type === 'rating';
}

/** The answer scale of a score question. */
export function scaleOf(q: SurveyQuestion): { min: number; max: number } | null {
  switch (q.type) {
    case 'nps':
      return { min: 0, max: 10 };
    case 'csat':
      return { min: 1, max: 5 };
    case 'ces':
      return { min: 1, max: 7 };
    case 'rating':
      return { min: 1, max: q.points };
    case 'expectation_perception':
      return { min: 1, max: 7 };
    default:
      return null;
  }
}

/** A fresh question id not used yet: q1, q2, … */
export function nextQuestionId(questions: SurveyQuestion[], prefix = 'q'): string {
  const used = new Set(questions.map((q) => q.id));
  for (let i = questions.length + 1; ; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
}
