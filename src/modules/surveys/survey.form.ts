import type { AnswerProblem } from './survey.answers.js';
import type { Question, SurveyDefinition } from './survey.definition.js';

/**
 * The hosted page's form fields as the server receives them without JavaScript (`application/x-www-form-urlencoded`,
 * parsed by @fastify/formbody into a null-prototype record: one value, or a list when a name repeats).
 *
 * Field names: `q.<id>` (scales, choices, text), `q.<id>.other` (the "other" text), `q.<id>.<sub>` (matrix rows,
 * ranking and constant-sum options, `expectation`/`perception`), `h.<field>` (hidden fields), `_rid` (the page's
 * anonymous respondent id) and `_startedAt` (when the page was rendered, epoch ms).
 */
export type FormFields = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Every value posted under a name, in form order. */
export function allValues(fields: FormFields, name: string): string[] {
  if (!Object.hasOwn(fields, name)) return [];
  const v = fields[name];
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

/** The non-empty values of a field, in form order (survey.js's `valuesOf`: empty inputs are no answer). */
function valuesOf(fields: FormFields, name: string): string[] {
  return allValues(fields, name).filter((v) => v !== '');
}

/** The non-empty values posted under `prefix.<sub>`, by sub-name in form order; a repeated sub-name keeps its last. */
function subValues(fields: FormFields, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(fields)) {
    if (!key.startsWith(prefix)) continue;
    for (const v of valuesOf(fields, key)) out.set(key.slice(prefix.length), v);
  }
  return out;
}

/**
 * A problem the page shows at a question: one of the answer check's, or `RANK_TIE`, which only a page can have (its
 * ranking gives each option a position; the JSON route takes an ordered list, which cannot tie).
 */
export interface FormProblem {
  questionId: string;
  code: AnswerProblem['code'] | 'RANK_TIE';
  message: string;
}

/** Whether two positions are the same number (survey.js's `tied`). */
function tied(positions: Iterable<number>): boolean {
  const seen = new Set<number>();
  for (const p of positions) {
    if (seen.has(p)) return true;
    seen.add(p);
  }
  return false;
}

/**
 * The ranking questions whose posted positions give two options the same rank (survey.js refuses these before
 * posting): the options' order would be arbitrary, so the form is refused with `RANK_TIE` at each of them.
 */
export function rankingTies(def: SurveyDefinition, fields: FormFields): FormProblem[] {
  const out: FormProblem[] = [];
  for (const q of def.questions) {
    if (q.type !== 'ranking') continue;
    const positions = [...subValues(fields, `q.${q.id}.`).values()].map(Number);
    if (tied(positions))
      out.push({ questionId: q.id, code: 'RANK_TIE', message: 'gives two options the same rank' });
  }
  return out;
}

const other = (fields: FormFields, name: string) => ({
  other: (valuesOf(fields, `${name}.other`)[0] ?? '').slice(0, 500),
});

/**
 * One question's answer from the form, exactly as survey.js's `answerOf` builds it from the page's controls
 * (undefined: not answered). The result is untrusted: checkAnswers validates it like a JSON submission.
 */
export function answerFromForm(q: Question, fields: FormFields): unknown {
  const name = `q.${q.id}`;
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating': {
      const v = valuesOf(fields, name);
      return v.length ? Number(v[0]) : undefined;
    }
    case 'single_choice': {
      const v = valuesOf(fields, name);
      if (!v.length) return undefined;
      return v[0] === '__other' ? other(fields, name) : v[0];
    }
    case 'multiple_choice': {
      const v = valuesOf(fields, name);
      if (!v.length) return undefined;
      return v.map((x) => (x === '__other' ? other(fields, name) : x));
    }
    case 'text': {
      const v = valuesOf(fields, name);
      return v.length && (v[0] as string).trim() ? v[0] : undefined;
    }
    case 'matrix':
    case 'constant_sum':
    case 'ranking': {
      const subs = subValues(fields, `${name}.`);
      if (!subs.size) return undefined;
      // A null prototype: a posted sub-name such as "__proto__" stays a key, which checkAnswer then rejects.
      const answer: Record<string, string | number> = Object.create(null) as Record<string, string | number>;
      for (const [sub, v] of subs) answer[sub] = q.type === 'matrix' ? v : Number(v);
      if (q.type === 'ranking') {
        // A tie has no order: no answer (rankingTies refuses the form; survey.js neither saves nor submits it).
        if (tied(Object.values(answer) as number[])) return undefined;
        return Object.keys(answer).sort((a, b) => (answer[a] as number) - (answer[b] as number));
      }
      return answer;
    }
    case 'expectation_perception': {
      const e = valuesOf(fields, `${name}.expectation`);
      const p = valuesOf(fields, `${name}.perception`);
      if (!e.length && !p.length) return undefined;
      return {
        expectation: e.length ? Number(e[0]) : null,
        perception: p.length ? Number(p[0]) : null,
      };
    }
  }
}

/** The answers of every question of the definition that the form answers (survey.js's `collect`). */
export function answersFromForm(def: SurveyDefinition, fields: FormFields): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const q of def.questions) {
    const a = answerFromForm(q, fields);
    // survey.js sends JSON: a number that is not finite (Number("abc")) travels as null.
    if (a !== undefined) answers[q.id] = toJsonValue(a);
  }
  return answers;
}

/** What JSON.stringify then JSON.parse would make of a value (NaN → null), so both paths validate the same data. */
function toJsonValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

/** The declared hidden fields the form carries (`h.<field>`, at most 500 characters, as the page reads them). */
export function hiddenFromForm(def: SurveyDefinition, fields: FormFields): Record<string, string> {
  const hidden: Record<string, string> = {};
  for (const k of def.hiddenFields) {
    const v = allValues(fields, `h.${k}`)[0];
    if (v !== undefined && v.length <= 500) hidden[k] = v;
  }
  return hidden;
}

const RESPONDENT_ID = /^[A-Za-z0-9_-]{16,100}$/;

/** The page's anonymous respondent id (`_rid`), when well-formed: a resubmitted page updates the same response. */
export function respondentIdFromForm(fields: FormFields): string | undefined {
  const v = allValues(fields, '_rid')[0];
  return v !== undefined && RESPONDENT_ID.test(v) ? v : undefined;
}

/** When the page was rendered (`_startedAt`, epoch ms), when it is a plausible integer. */
export function startedAtFromForm(fields: FormFields): number | undefined {
  const v = allValues(fields, '_startedAt')[0];
  if (v === undefined || !/^\d{1,15}$/.test(v)) return undefined;
  return Number(v);
}
