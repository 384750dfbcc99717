/**
 * The typed survey definition (questions, hidden fields, branching logic, index and driver settings) and its
 * validation on save. Definitions arrive as untrusted JSON: `parseDefinition` checks every field and returns either
 * the normalised definition or a list of problems, each with a JSON path and a stable code.
 */

/** Text in several languages: { "zh-CN": "…", "en": "…" }. */
export type LocalText = Record<string, string>;

export interface Option {
  id: string;
  text: LocalText;
}

interface QuestionBase {
  id: string;
  text: LocalText;
  description?: LocalText;
  required: boolean;
}

export interface NpsQuestion extends QuestionBase {
  type: 'nps';
}
export interface CsatQuestion extends QuestionBase {
  type: 'csat';
}
export interface CesQuestion extends QuestionBase {
  type: 'ces';
}
export interface RatingQuestion extends QuestionBase {
  type: 'rating';
  /** 3–10 points, answered 1…points. */
  points: number;
  style: 'stars' | 'numbers';
  lowLabel?: LocalText;
  highLabel?: LocalText;
}
export interface ChoiceQuestion extends QuestionBase {
  type: 'single_choice' | 'multiple_choice';
  options: Option[];
  shuffle: boolean;
  /** Allows a free-text "other" answer. */
  allowOther: boolean;
  /** multiple_choice only: most options that may be picked. */
  maxSelected?: number;
}
export interface TextQuestion extends QuestionBase {
  type: 'text';
  multiline: boolean;
  maxLength: number;
}
export interface MatrixQuestion extends QuestionBase {
  type: 'matrix';
  rows: Option[];
  columns: Option[];
}
export interface RankingQuestion extends QuestionBase {
  type: 'ranking';
  options: Option[];
}
/** The SERVQUAL form: the same item rated for expectation and for perception, 1–7. */
export interface ExpectationPerceptionQuestion extends QuestionBase {
  type: 'expectation_perception';
  /** SERVQUAL dimension (tangibles, reliability, responsiveness, assurance, empathy) or any grouping key. */
  dimension: string;
}
/** Points spread across options so that they add up to `total` (SERVQUAL's 100-point importance allocation). */
export interface ConstantSumQuestion extends QuestionBase {
  type: 'constant_sum';
  options: Option[];
  total: number;
}

export type Question =
  | NpsQuestion
  | CsatQuestion
  | CesQuestion
  | RatingQuestion
  | ChoiceQuestion
  | TextQuestion
  | MatrixQuestion
  | RankingQuestion
  | ExpectationPerceptionQuestion
  | ConstantSumQuestion;

export type QuestionType = Question['type'];
export const QUESTION_TYPES: readonly QuestionType[] = [
  'nps',
  'csat',
  'ces',
  'rating',
  'single_choice',
  'multiple_choice',
  'text',
  'matrix',
  'ranking',
  'expectation_perception',
  'constant_sum',
];

export type Operator =
  'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'not_in' | 'contains' | 'answered' | 'not_answered';
const OPERATORS: readonly Operator[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'not_in',
  'contains',
  'answered',
  'not_answered',
];

export type Condition =
  | { type: 'all'; conditions: Condition[] }
  | { type: 'any'; conditions: Condition[] }
  | { type: 'answer'; question: string; op: Operator; value?: string | number | (string | number)[] }
  | { type: 'hidden'; field: string; op: Operator; value?: string | number | (string | number)[] };

export type LogicAction = { type: 'jump'; to: string } | { type: 'end' };

/** After question `from` is answered, if `when` holds, jump forward to `then.to` or end the survey. */
export interface LogicRule {
  from: string;
  when: Condition;
  then: LogicAction;
}

/** A weighted satisfaction index rolled up to 0–100 (ACSI-style or the key-account index). */
export interface IndexComponent {
  key: string;
  name: LocalText;
  /** Relative weight; weights are normalised to sum to 1. */
  weight: number;
  /** Score questions whose normalised 0–100 scores are averaged into this component. */
  questions: string[];
}

export interface SurveyDefinition {
  intro?: LocalText;
  thanks?: LocalText;
  questions: Question[];
  /** Keys of hidden fields a link or the embedding page may set (e.g. caseId, orderId). */
  hiddenFields: string[];
  logic: LogicRule[];
  /** The question (or '_index') whose score is the response's headline score. */
  primaryQuestionId: string | null;
  index: { components: IndexComponent[] } | null;
  /** Driver analysis: which attribute ratings drive the outcome score. */
  drivers: { outcome: string; attributes: string[] } | null;
  /** SERVQUAL: the constant-sum question whose option ids are the dimensions' importance weights. */
  servqual: { weightsQuestionId: string } | null;
}

export interface DefinitionProblem {
  path: string;
  code: string;
  message: string;
}

export const LIMITS = {
  questions: 200,
  options: 100,
  logicRules: 200,
  conditions: 50,
  conditionDepth: 4,
  textLength: 2000,
  hiddenFields: 30,
  textAnswerMax: 5000,
  indexComponents: 20,
} as const;

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Is the tag acceptable as a survey language (BCP 47-like: zh-CN, en, ja, pt-BR…)? */
export function isLanguageTag(tag: string): boolean {
  return LANGUAGE.test(tag) && tag.length <= 20;
}

/** The scale of a score question (min, max) or null when the type has no single score. */
export function scaleOf(q: Question): { min: number; max: number } | null {
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
    case 'single_choice':
    case 'multiple_choice':
    case 'text':
    case 'matrix':
    case 'ranking':
    case 'constant_sum':
      return null;
  }
}

/** True for the question types whose answer is one number on a scale (rolled up, usable in indices and drivers). */
export function isScoreQuestion(q: Question): q is NpsQuestion | CsatQuestion | CesQuestion | RatingQuestion {
  return q.type === 'nps' || q.type === 'csat' || q.type === 'ces' || q.type === 'rating';
}

/**
 * Low / middle / high category of a score: NPS detractor (0–6) / passive (7–8) / promoter (9–10); for 5-, 7- and
 * n-point scales the top two boxes are high, the bottom two low (CSAT 1–2 / 3 / 4–5; CES 1–2 / 3–5 / 6–7).
 */
export function categoryOf(q: Question, score: number): 'low' | 'mid' | 'high' {
  if (q.type === 'nps') return score <= 6 ? 'low' : score <= 8 ? 'mid' : 'high';
  const scale = scaleOf(q) ?? { min: 1, max: 5 };
  if (score >= scale.max - 1) return 'high';
  if (score <= scale.min + 1) return 'low';
  return 'mid';
}

/** A score normalised to 0–100 on the question's scale. */
export function normalize100(q: Question, score: number): number {
  const s = scaleOf(q) ?? { min: 0, max: 100 };
  return ((score - s.min) / (s.max - s.min)) * 100;
}

/** The text in `language`, else the first of the fallbacks that exists, else any. */
export function localize(text: LocalText | undefined, language: string, fallback: string): string {
  if (!text) return '';
  if (Object.hasOwn(text, language)) return text[language] as string;
  const base = language.split('-')[0] as string;
  for (const [k, v] of Object.entries(text)) if (k.split('-')[0] === base) return v;
  if (Object.hasOwn(text, fallback)) return text[fallback] as string;
  return Object.values(text)[0] ?? '';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: DefinitionProblem[] = [];
  constructor(readonly languages: readonly string[]) {}

  add(path: string, code: string, message: string): void {
    if (this.problems.length < 100) this.problems.push({ path, code, message });
  }

  id(v: unknown, path: string): string | null {
    if (typeof v !== 'string' || !ID.test(v)) {
      this.add(path, 'INVALID_ID', 'must be 1–40 letters, digits, _ or -, starting with a letter');
      return null;
    }
    return v;
  }

  bool(v: unknown, path: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.add(path, 'INVALID_SHAPE', 'must be a boolean');
      return fallback;
    }
    return v;
  }

  int(v: unknown, path: string, min: number, max: number, fallback: number): number {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.add(path, 'INVALID_RANGE', `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return v;
  }

  text(v: unknown, path: string, required: boolean): LocalText | undefined {
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && this.languages.length === 1) v = { [this.languages[0] as string]: v };
    if (!isObject(v)) {
      this.add(
        path,
        'INVALID_SHAPE',
        'must be an object of texts by language, e.g. {"zh-CN": "…", "en": "…"}',
      );
      return undefined;
    }
    const out: LocalText = {};
    for (const [lang, t] of Object.entries(v)) {
      if (!isLanguageTag(lang)) {
        this.add(`${path}.${lang}`, 'INVALID_LANGUAGE', 'is not a language tag');
        continue;
      }
      if (typeof t !== 'string' || t.trim() === '' || t.length > LIMITS.textLength) {
        this.add(
          `${path}.${lang}`,
          'INVALID_TEXT',
          `must be a non-empty text of at most ${LIMITS.textLength}`,
        );
        continue;
      }
      out[lang] = t;
    }
    for (const lang of this.languages)
      if (!Object.hasOwn(out, lang))
        this.add(`${path}.${lang}`, 'MISSING_TRANSLATION', `has no ${lang} text`);
    return out;
  }

  options(v: unknown, path: string, max: number = LIMITS.options): Option[] {
    if (!Array.isArray(v) || v.length === 0) {
      this.add(path, 'INVALID_SHAPE', 'must be a non-empty array');
      return [];
    }
    if (v.length > max) {
      this.add(path, 'TOO_MANY', `at most ${max}`);
      return [];
    }
    const seen = new Set<string>();
    const out: Option[] = [];
    v.forEach((o, i) => {
      if (!isObject(o)) {
        this.add(`${path}[${i}]`, 'INVALID_SHAPE', 'must be an object {id, text}');
        return;
      }
      const id = this.id(o.id, `${path}[${i}].id`);
      const text = this.text(o.text, `${path}[${i}].text`, true);
      if (id === null) return;
      if (seen.has(id)) this.add(`${path}[${i}].id`, 'DUPLICATE_OPTION_ID', `"${id}" is used twice`);
      seen.add(id);
      out.push({ id, text: text ?? {} });
    });
    return out;
  }
}

function parseQuestion(c: Checker, raw: unknown, path: string): Question | null {
  if (!isObject(raw)) {
    c.add(path, 'INVALID_SHAPE', 'must be an object');
    return null;
  }
  const id = c.id(raw.id, `${path}.id`);
  const type = raw.type;
  if (typeof type !== 'string' || !(QUESTION_TYPES as readonly string[]).includes(type)) {
    c.add(`${path}.type`, 'UNKNOWN_QUESTION_TYPE', `must be one of ${QUESTION_TYPES.join(', ')}`);
    return null;
  }
  const text = c.text(raw.text, `${path}.text`, true);
  const description = c.text(raw.description, `${path}.description`, false);
  const required = c.bool(raw.required, `${path}.required`, false);
  if (id === null || text === undefined) return null;
  const base = { id, text, required, ...(description ? { description } : {}) };
  const t = type as QuestionType;
  switch (t) {
    case 'nps':
    case 'csat':
    case 'ces':
      return { ...base, type: t };
    case 'rating': {
      const style = raw.style ?? 'stars';
      if (style !== 'stars' && style !== 'numbers')
        c.add(`${path}.style`, 'INVALID_VALUE', 'stars or numbers');
      const lowLabel = c.text(raw.lowLabel, `${path}.lowLabel`, false);
      const highLabel = c.text(raw.highLabel, `${path}.highLabel`, false);
      return {
        ...base,
        type: t,
        points: c.int(raw.points, `${path}.points`, 3, 10, 5),
        style: style === 'numbers' ? 'numbers' : 'stars',
        ...(lowLabel ? { lowLabel } : {}),
        ...(highLabel ? { highLabel } : {}),
      };
    }
    case 'single_choice':
    case 'multiple_choice': {
      const options = c.options(raw.options, `${path}.options`);
      const q: ChoiceQuestion = {
        ...base,
        type: t,
        options,
        shuffle: c.bool(raw.shuffle, `${path}.shuffle`, false),
        allowOther: c.bool(raw.allowOther, `${path}.allowOther`, false),
      };
      if (t === 'multiple_choice' && raw.maxSelected !== undefined)
        q.maxSelected = c.int(raw.maxSelected, `${path}.maxSelected`, 1, Math.max(1, options.length + 1), 1);
      return q;
    }
    case 'text':
      return {
        ...base,
        type: t,
        multiline: c.bool(raw.multiline, `${path}.multiline`, true),
        maxLength: c.int(raw.maxLength, `${path}.maxLength`, 1, LIMITS.textAnswerMax, 2000),
      };
    case 'matrix':
      return {
        ...base,
        type: t,
        rows: c.options(raw.rows, `${path}.rows`, 50),
        columns: c.options(raw.columns, `${path}.columns`, 20),
      };
    case 'ranking':
      return { ...base, type: t, options: c.options(raw.options, `${path}.options`, 30) };
    case 'expectation_perception': {
      const dimension = raw.dimension === undefined ? 'general' : c.id(raw.dimension, `${path}.dimension`);
      return { ...base, type: t, dimension: dimension ?? 'general' };
    }
    case 'constant_sum':
      return {
        ...base,
        type: t,
        options: c.options(raw.options, `${path}.options`, 30),
        total: c.int(raw.total, `${path}.total`, 1, 10_000, 100),
      };
  }
}

function operatorsFor(q: Question): readonly Operator[] {
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating':
      return ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'answered', 'not_answered'];
    case 'single_choice':
      return ['eq', 'neq', 'in', 'not_in', 'answered', 'not_answered'];
    case 'multiple_choice':
    case 'ranking':
      return ['contains', 'answered', 'not_answered'];
    case 'text':
      return ['contains', 'answered', 'not_answered'];
    case 'matrix':
    case 'expectation_perception':
    case 'constant_sum':
      return ['answered', 'not_answered'];
  }
}

function parseCondition(
  c: Checker,
  raw: unknown,
  path: string,
  depth: number,
  before: Map<string, Question>,
  all: Map<string, Question>,
  hidden: Set<string>,
  count: { n: number },
): Condition | null {
  if (++count.n > LIMITS.conditions) {
    c.add(path, 'TOO_MANY', `at most ${LIMITS.conditions} conditions per rule`);
    return null;
  }
  if (!isObject(raw)) {
    c.add(path, 'INVALID_CONDITION', 'must be an object');
    return null;
  }
  if (raw.type === 'all' || raw.type === 'any') {
    if (depth >= LIMITS.conditionDepth) {
      c.add(path, 'INVALID_CONDITION', `nested deeper than ${LIMITS.conditionDepth}`);
      return null;
    }
    if (!Array.isArray(raw.conditions) || raw.conditions.length === 0) {
      c.add(`${path}.conditions`, 'INVALID_CONDITION', 'must be a non-empty array');
      return null;
    }
    const conditions: Condition[] = [];
    for (let i = 0; i < raw.conditions.length; i++) {
      const sub = parseCondition(
        c,
        raw.conditions[i],
        `${path}.conditions[${i}]`,
        depth + 1,
        before,
        all,
        hidden,
        count,
      );
      if (sub) conditions.push(sub);
    }
    return { type: raw.type, conditions };
  }
  if (raw.type !== 'answer' && raw.type !== 'hidden') {
    c.add(`${path}.type`, 'INVALID_CONDITION', 'must be all, any, answer or hidden');
    return null;
  }
  const op = raw.op;
  if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
    c.add(`${path}.op`, 'INVALID_OPERATOR', `must be one of ${OPERATORS.join(', ')}`);
    return null;
  }
  const value = raw.value;
  const scalar = (v: unknown) =>
    (typeof v === 'string' && v.length <= 500) || (typeof v === 'number' && Number.isFinite(v));
  const needsValue = op !== 'answered' && op !== 'not_answered';
  const listOp = op === 'in' || op === 'not_in';
  if (needsValue) {
    const ok = listOp
      ? Array.isArray(value) && value.length > 0 && value.length <= 100 && value.every(scalar)
      : scalar(value);
    if (!ok) {
      c.add(
        `${path}.value`,
        'INVALID_VALUE',
        listOp ? 'must be a non-empty list' : 'must be a number or text',
      );
      return null;
    }
  }
  const v = needsValue ? (value as string | number | (string | number)[]) : undefined;
  if (raw.type === 'hidden') {
    if (typeof raw.field !== 'string' || !hidden.has(raw.field)) {
      c.add(`${path}.field`, 'UNKNOWN_HIDDEN_FIELD', 'is not one of the hidden fields');
      return null;
    }
    return { type: 'hidden', field: raw.field, op: op as Operator, ...(v !== undefined ? { value: v } : {}) };
  }
  const qid = raw.question;
  if (typeof qid !== 'string' || !all.has(qid)) {
    c.add(`${path}.question`, 'UNKNOWN_QUESTION', 'is not a question of the survey');
    return null;
  }
  const q = before.get(qid);
  if (!q) {
    c.add(`${path}.question`, 'FORWARD_REFERENCE', 'refers to a question that comes after the rule');
    return null;
  }
  if (!operatorsFor(q).includes(op as Operator)) {
    c.add(`${path}.op`, 'INVALID_OPERATOR', `${op} does not apply to a ${q.type} question`);
    return null;
  }
  return { type: 'answer', question: qid, op: op as Operator, ...(v !== undefined ? { value: v } : {}) };
}

/** Validates a survey definition; returns the normalised definition or the problems found. */
export function parseDefinition(
  raw: unknown,
  languages: readonly string[],
): { ok: true; definition: SurveyDefinition } | { ok: false; problems: DefinitionProblem[] } {
  const c = new Checker(languages);
  if (!isObject(raw)) {
    c.add('definition', 'INVALID_SHAPE', 'must be an object');
    return { ok: false, problems: c.problems };
  }
  const intro = c.text(raw.intro, 'definition.intro', false);
  const thanks = c.text(raw.thanks, 'definition.thanks', false);

  const hiddenFields: string[] = [];
  if (raw.hiddenFields !== undefined) {
    if (!Array.isArray(raw.hiddenFields) || raw.hiddenFields.length > LIMITS.hiddenFields) {
      c.add(
        'definition.hiddenFields',
        'INVALID_SHAPE',
        `must be an array of at most ${LIMITS.hiddenFields} keys`,
      );
    } else {
      raw.hiddenFields.forEach((h, i) => {
        const key = c.id(h, `definition.hiddenFields[${i}]`);
        if (key === null) return;
        if (hiddenFields.includes(key))
          c.add(`definition.hiddenFields[${i}]`, 'DUPLICATE_HIDDEN_FIELD', `"${key}" is listed twice`);
        else hiddenFields.push(key);
      });
    }
  }

  const questions: Question[] = [];
  if (!Array.isArray(raw.questions) || raw.questions.length === 0) {
    c.add('definition.questions', 'NO_QUESTIONS', 'must be a non-empty array');
  } else if (raw.questions.length > LIMITS.questions) {
    c.add('definition.questions', 'TOO_MANY', `at most ${LIMITS.questions} questions`);
  } else {
    const seen = new Set<string>();
    raw.questions.forEach((q, i) => {
      const parsed = parseQuestion(c, q, `definition.questions[${i}]`);
      if (!parsed) return;
      if (seen.has(parsed.id))
        c.add(`definition.questions[${i}].id`, 'DUPLICATE_QUESTION_ID', `"${parsed.id}" is used twice`);
      else if (hiddenFields.includes(parsed.id))
        c.add(
          `definition.questions[${i}].id`,
          'DUPLICATE_QUESTION_ID',
          `"${parsed.id}" is also a hidden field`,
        );
      seen.add(parsed.id);
      questions.push(parsed);
    });
  }
  const byId = new Map(questions.map((q) => [q.id, q]));
  const position = new Map(questions.map((q, i) => [q.id, i]));

  const logic: LogicRule[] = [];
  if (raw.logic !== undefined) {
    if (!Array.isArray(raw.logic) || raw.logic.length > LIMITS.logicRules) {
      c.add('definition.logic', 'INVALID_SHAPE', `must be an array of at most ${LIMITS.logicRules} rules`);
    } else {
      const hidden = new Set(hiddenFields);
      raw.logic.forEach((r, i) => {
        const path = `definition.logic[${i}]`;
        if (!isObject(r)) {
          c.add(path, 'INVALID_SHAPE', 'must be an object {from, when, then}');
          return;
        }
        const from = r.from;
        if (typeof from !== 'string' || !byId.has(from)) {
          c.add(`${path}.from`, 'UNKNOWN_QUESTION', 'is not a question of the survey');
          return;
        }
        const fromPos = position.get(from) as number;
        const before = new Map(questions.slice(0, fromPos + 1).map((q) => [q.id, q]));
        const when = parseCondition(c, r.when, `${path}.when`, 0, before, byId, hidden, { n: 0 });
        const then = r.then;
        let action: LogicAction | null = null;
        if (!isObject(then))
          c.add(`${path}.then`, 'INVALID_SHAPE', 'must be {type: "jump", to} or {type: "end"}');
        else if (then.type === 'end') action = { type: 'end' };
        else if (then.type === 'jump') {
          const to = then.to;
          if (typeof to !== 'string' || !byId.has(to))
            c.add(`${path}.then.to`, 'UNKNOWN_QUESTION', 'is not a question of the survey');
          else if ((position.get(to) as number) <= fromPos)
            // Jumps only go forward, which rules out cycles by construction.
            c.add(
              `${path}.then.to`,
              to === from ? 'LOGIC_CYCLE' : 'BACKWARD_JUMP',
              'must jump to a question after the rule’s question',
            );
          else action = { type: 'jump', to };
        } else c.add(`${path}.then.type`, 'INVALID_SHAPE', 'must be jump or end');
        if (when && action) logic.push({ from, when, then: action });
      });
    }
  }

  let index: SurveyDefinition['index'] = null;
  if (raw.index !== undefined && raw.index !== null) {
    const path = 'definition.index';
    const comps = isObject(raw.index) ? raw.index.components : undefined;
    if (!Array.isArray(comps) || comps.length === 0 || comps.length > LIMITS.indexComponents) {
      c.add(`${path}.components`, 'INVALID_INDEX', `must be 1–${LIMITS.indexComponents} components`);
    } else {
      const components: IndexComponent[] = [];
      const keys = new Set<string>();
      comps.forEach((k, i) => {
        const p = `${path}.components[${i}]`;
        if (!isObject(k)) {
          c.add(p, 'INVALID_INDEX', 'must be an object {key, name, weight, questions}');
          return;
        }
        const key = c.id(k.key, `${p}.key`);
        const name = c.text(k.name, `${p}.name`, true);
        const weight = k.weight;
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1000)
          c.add(`${p}.weight`, 'INVALID_INDEX', 'must be a positive number');
        const qs = k.questions;
        if (!Array.isArray(qs) || qs.length === 0 || qs.length > 50) {
          c.add(`${p}.questions`, 'INVALID_INDEX', 'must list 1–50 score questions');
          return;
        }
        for (const [j, qid] of qs.entries()) {
          const q = typeof qid === 'string' ? byId.get(qid) : undefined;
          if (!q) c.add(`${p}.questions[${j}]`, 'UNKNOWN_QUESTION', 'is not a question of the survey');
          else if (!isScoreQuestion(q) && q.type !== 'expectation_perception')
            c.add(`${p}.questions[${j}]`, 'INVALID_INDEX', 'must be a score question');
        }
        if (key && keys.has(key)) c.add(`${p}.key`, 'INVALID_INDEX', 'duplicate component key');
        if (key) keys.add(key);
        if (key && name && typeof weight === 'number')
          components.push({
            key,
            name,
            weight,
            questions: qs.filter((x): x is string => typeof x === 'string'),
          });
      });
      index = { components };
    }
  }

  let primaryQuestionId: string | null = null;
  if (raw.primaryQuestionId !== undefined && raw.primaryQuestionId !== null) {
    const p = raw.primaryQuestionId;
    const q = typeof p === 'string' ? byId.get(p) : undefined;
    if (p === '_index') {
      if (raw.index === undefined || raw.index === null)
        c.add('definition.primaryQuestionId', 'INVALID_PRIMARY', '"_index" needs an index');
      else primaryQuestionId = '_index';
    } else if (!q || !isScoreQuestion(q))
      c.add(
        'definition.primaryQuestionId',
        'INVALID_PRIMARY',
        'must be a score question (nps, csat, ces, rating)',
      );
    else primaryQuestionId = q.id;
  } else {
    primaryQuestionId = questions.find(isScoreQuestion)?.id ?? null;
  }

  let drivers: SurveyDefinition['drivers'] = null;
  if (raw.drivers !== undefined && raw.drivers !== null) {
    const d = raw.drivers;
    const scoreLike = (id: unknown) => {
      const q = typeof id === 'string' ? byId.get(id) : undefined;
      return !!q && (isScoreQuestion(q) || q.type === 'expectation_perception');
    };
    if (!isObject(d) || !scoreLike(d.outcome))
      c.add('definition.drivers.outcome', 'INVALID_DRIVERS', 'must be a score question');
    else if (
      !Array.isArray(d.attributes) ||
      d.attributes.length < 2 ||
      d.attributes.length > 30 ||
      !d.attributes.every(scoreLike) ||
      d.attributes.includes(d.outcome) ||
      new Set(d.attributes).size !== d.attributes.length
    )
      c.add(
        'definition.drivers.attributes',
        'INVALID_DRIVERS',
        'must be 2–30 other, distinct score questions',
      );
    else drivers = { outcome: d.outcome as string, attributes: d.attributes as string[] };
  }

  let servqual: SurveyDefinition['servqual'] = null;
  if (raw.servqual !== undefined && raw.servqual !== null) {
    const w = isObject(raw.servqual) ? raw.servqual.weightsQuestionId : undefined;
    const q = typeof w === 'string' ? byId.get(w) : undefined;
    if (!q || q.type !== 'constant_sum')
      c.add('definition.servqual.weightsQuestionId', 'INVALID_SERVQUAL', 'must be a constant_sum question');
    else {
      const dims = new Set(
        questions.flatMap((x) => (x.type === 'expectation_perception' ? [x.dimension] : [])),
      );
      const missing = q.options.filter((o) => !dims.has(o.id)).map((o) => o.id);
      if (missing.length)
        c.add(
          'definition.servqual.weightsQuestionId',
          'INVALID_SERVQUAL',
          `options must be SERVQUAL dimensions; unknown: ${missing.join(', ')}`,
        );
      else servqual = { weightsQuestionId: q.id };
    }
  }

  if (c.problems.length) return { ok: false, problems: c.problems };
  return {
    ok: true,
    definition: {
      ...(intro ? { intro } : {}),
      ...(thanks ? { thanks } : {}),
      questions,
      hiddenFields,
      logic,
      primaryQuestionId,
      index,
      drivers,
      servqual,
    },
  };
}
