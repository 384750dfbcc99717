import {
  LIMITS,
  scaleOf,
  type Condition,
  type Question,
  type SurveyDefinition,
} from './survey.definition.js';

/** A stored answer: a number, an option id, a list, a text or a small record, depending on the question type. */
export type Answer =
  | number
  | string
  | { other: string }
  | (string | { other: string })[]
  | Record<string, string>
  | Record<string, number>
  | { expectation: number; perception: number };

export type Answers = Record<string, Answer>;

export interface AnswerProblem {
  questionId: string;
  code:
    | 'UNKNOWN_QUESTION'
    | 'WRONG_TYPE'
    | 'OUT_OF_RANGE'
    | 'UNKNOWN_OPTION'
    | 'TOO_LONG'
    | 'TOO_MANY'
    | 'INVALID_TOTAL'
    | 'REQUIRED';
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Checks one answer against its question; returns the normalised answer, null (no answer), or a problem. */
export function checkAnswer(q: Question, v: unknown): { answer: Answer | null } | { problem: AnswerProblem } {
  const problem = (code: AnswerProblem['code'], message: string) => ({
    problem: { questionId: q.id, code, message },
  });
  if (v === null || v === undefined) return { answer: null };
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating': {
      const s = scaleOf(q) as { min: number; max: number };
      if (!isInt(v)) return problem('WRONG_TYPE', `must be an integer from ${s.min} to ${s.max}`);
      if (v < s.min || v > s.max) return problem('OUT_OF_RANGE', `must be from ${s.min} to ${s.max}`);
      return { answer: v };
    }
    case 'single_choice':
    case 'multiple_choice': {
      const one = (x: unknown): string | { other: string } | AnswerProblem => {
        if (typeof x === 'string') {
          if (q.options.some((o) => o.id === x)) return x;
          return { questionId: q.id, code: 'UNKNOWN_OPTION', message: 'is not an option of the question' };
        }
        if (isObject(x) && typeof x.other === 'string' && Object.keys(x).length === 1) {
          if (!q.allowOther)
            return {
              questionId: q.id,
              code: 'UNKNOWN_OPTION',
              message: 'the question has no "other" option',
            };
          if (x.other.length > 500)
            return { questionId: q.id, code: 'TOO_LONG', message: '"other" is longer than 500 characters' };
          return { other: x.other };
        }
        return {
          questionId: q.id,
          code: 'WRONG_TYPE',
          message: 'must be an option id or {"other": text}',
        };
      };
      if (q.type === 'single_choice') {
        const r = one(v);
        return typeof r === 'object' && 'code' in r ? { problem: r } : { answer: r };
      }
      if (!Array.isArray(v)) return problem('WRONG_TYPE', 'must be an array of option ids');
      if (v.length === 0) return { answer: null };
      if (v.length > (q.maxSelected ?? q.options.length + 1))
        return problem('TOO_MANY', `at most ${q.maxSelected ?? q.options.length + 1} choices`);
      const out: (string | { other: string })[] = [];
      const seen = new Set<string>();
      for (const x of v) {
        const r = one(x);
        if (typeof r === 'object' && 'code' in r) return { problem: r };
        const key = typeof r === 'string' ? r : '\u0000other';
        if (seen.has(key)) return problem('WRONG_TYPE', 'lists a choice twice');
        seen.add(key);
        out.push(r);
      }
      return { answer: out };
    }
    case 'text': {
      if (typeof v !== 'string') return problem('WRONG_TYPE', 'must be a text');
      if (v.length > q.maxLength) return problem('TOO_LONG', `is longer than ${q.maxLength} characters`);
      return { answer: v.trim() === '' ? null : v };
    }
    case 'matrix': {
      if (!isObject(v)) return problem('WRONG_TYPE', 'must be an object {rowId: columnId}');
      const out: Record<string, string> = {};
      for (const [row, col] of Object.entries(v)) {
        if (!q.rows.some((r) => r.id === row))
          return problem('UNKNOWN_OPTION', `"${row.slice(0, 40)}" is not a row`);
        if (col === null) continue;
        if (typeof col !== 'string') return problem('WRONG_TYPE', 'each row takes a column id');
        if (!q.columns.some((c) => c.id === col))
          return problem('UNKNOWN_OPTION', `"${col.slice(0, 40)}" is not a column`);
        out[row] = col;
      }
      return { answer: Object.keys(out).length ? out : null };
    }
    case 'ranking': {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
        return problem('WRONG_TYPE', 'must be an array of option ids, best first');
      if (v.length === 0) return { answer: null };
      if (new Set(v).size !== v.length) return problem('WRONG_TYPE', 'lists an option twice');
      if (!v.every((x) => q.options.some((o) => o.id === x)))
        return problem('UNKNOWN_OPTION', 'lists an id that is not an option');
      if (v.length !== q.options.length) return problem('WRONG_TYPE', 'must rank every option');
      return { answer: v as string[] };
    }
    case 'expectation_perception': {
      if (!isObject(v) || Object.keys(v).some((k) => k !== 'expectation' && k !== 'perception'))
        return problem('WRONG_TYPE', 'must be {"expectation": 1–7, "perception": 1–7}');
      const { expectation: e, perception: p } = v;
      if (!isInt(e) || !isInt(p))
        return problem('WRONG_TYPE', 'expectation and perception must be integers 1–7');
      if (e < 1 || e > 7 || p < 1 || p > 7)
        return problem('OUT_OF_RANGE', 'expectation and perception are 1–7');
      return { answer: { expectation: e, perception: p } };
    }
    case 'constant_sum': {
      if (!isObject(v)) return problem('WRONG_TYPE', 'must be an object {optionId: points}');
      const out: Record<string, number> = {};
      let sum = 0;
      for (const [k, n] of Object.entries(v)) {
        if (!q.options.some((o) => o.id === k))
          return problem('UNKNOWN_OPTION', `"${k.slice(0, 40)}" is not an option`);
        if (!isInt(n) || n < 0 || n > q.total) return problem('OUT_OF_RANGE', `points must be 0–${q.total}`);
        out[k] = n;
        sum += n;
      }
      if (sum !== q.total) return problem('INVALID_TOTAL', `points must add up to ${q.total} (got ${sum})`);
      return { answer: out };
    }
  }
}

function answered(a: Answer | undefined): boolean {
  return a !== undefined;
}

function compare(
  op: Condition & { type: 'answer' | 'hidden' },
  actual: Answer | string | undefined,
): boolean {
  switch (op.op) {
    case 'answered':
      return actual !== undefined && actual !== '';
    case 'not_answered':
      return actual === undefined || actual === '';
    default:
      break;
  }
  if (actual === undefined) return false;
  const value = op.value;
  const scalar = typeof actual === 'number' || typeof actual === 'string' ? actual : null;
  const eq = (a: string | number, b: string | number) =>
    typeof a === 'number' || typeof b === 'number' ? Number(a) === Number(b) : a === b;
  switch (op.op) {
    case 'eq':
      return scalar !== null && value !== undefined && !Array.isArray(value) && eq(scalar, value);
    case 'neq':
      return scalar !== null && value !== undefined && !Array.isArray(value) && !eq(scalar, value);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const a = Number(scalar);
      const b = Number(value);
      if (scalar === null || !Number.isFinite(a) || !Number.isFinite(b)) return false;
      return op.op === 'lt' ? a < b : op.op === 'lte' ? a <= b : op.op === 'gt' ? a > b : a >= b;
    }
    case 'in':
    case 'not_in': {
      const list = Array.isArray(value) ? value : [];
      const found = scalar !== null && list.some((x) => eq(scalar, x));
      return op.op === 'in' ? found : scalar !== null && !found;
    }
    case 'contains': {
      if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
      if (Array.isArray(actual))
        return actual.some((x) => (typeof x === 'string' ? x === value : value === 'other'));
      return false;
    }
  }
}

/** Evaluates a logic condition on the answers so far and the hidden fields. */
export function holds(c: Condition, answers: Answers, hidden: Record<string, string>): boolean {
  switch (c.type) {
    case 'all':
      return c.conditions.every((x) => holds(x, answers, hidden));
    case 'any':
      return c.conditions.some((x) => holds(x, answers, hidden));
    case 'answer':
      return compare(c, Object.hasOwn(answers, c.question) ? answers[c.question] : undefined);
    case 'hidden':
      return compare(c, Object.hasOwn(hidden, c.field) ? hidden[c.field] : undefined);
  }
}

/** Lookups of a definition, built once per definition object (definitions are cached per frozen version). */
interface Compiled {
  byId: Map<string, Question>;
  position: Map<string, number>;
  /** Logic rules by the question they follow, in order. */
  rulesFrom: Map<string, SurveyDefinition['logic']>;
}

const compiled = new WeakMap<SurveyDefinition, Compiled>();

function compile(def: SurveyDefinition): Compiled {
  let c = compiled.get(def);
  if (c) return c;
  const rulesFrom = new Map<string, SurveyDefinition['logic']>();
  for (const rule of def.logic) {
    const list = rulesFrom.get(rule.from);
    if (list) list.push(rule);
    else rulesFrom.set(rule.from, [rule]);
  }
  c = {
    byId: new Map(def.questions.map((q) => [q.id, q])),
    position: new Map(def.questions.map((q, i) => [q.id, i])),
    rulesFrom,
  };
  compiled.set(def, c);
  return c;
}

/**
 * The questions a respondent is shown, in order, given their answers and hidden fields: each rule on a question is
 * tried in order after it; the first that holds jumps forward or ends the survey.
 */
export function pathOf(def: SurveyDefinition, answers: Answers, hidden: Record<string, string>): Question[] {
  const out: Question[] = [];
  const { position, rulesFrom } = compile(def);
  let i = 0;
  while (i < def.questions.length) {
    const q = def.questions[i] as Question;
    out.push(q);
    let next = i + 1;
    for (const rule of rulesFrom.get(q.id) ?? []) {
      if (!holds(rule.when, answers, hidden)) continue;
      next = rule.then.type === 'end' ? def.questions.length : (position.get(rule.then.to) as number);
      break;
    }
    // Jumps are forward-only (validated on save); the guard keeps a corrupt definition from looping.
    i = Math.max(next, i + 1);
  }
  return out;
}

export interface CheckedAnswers {
  answers: Answers;
  problems: AnswerProblem[];
  /** The last question on the respondent's path that has an answer. */
  lastQuestionId: string | null;
}

/**
 * Validates submitted answers: unknown question ids, wrong types, ranges, option ids, text lengths; when
 * `complete`, required questions on the respondent's path must be answered, and answers off the path are dropped.
 */
export function checkAnswers(
  def: SurveyDefinition,
  raw: unknown,
  hidden: Record<string, string>,
  complete: boolean,
): CheckedAnswers {
  const problems: AnswerProblem[] = [];
  const answers: Answers = {};
  const { byId } = compile(def);
  if (raw !== undefined && !isObject(raw)) {
    return {
      answers,
      problems: [
        { questionId: '*', code: 'WRONG_TYPE', message: 'answers must be an object by question id' },
      ],
      lastQuestionId: null,
    };
  }
  for (const [id, v] of Object.entries(raw ?? {})) {
    const q = byId.get(id);
    if (!q) {
      if (problems.length < LIMITS.questions)
        problems.push({ questionId: id.slice(0, 60), code: 'UNKNOWN_QUESTION', message: 'no such question' });
      continue;
    }
    const r = checkAnswer(q, v);
    if ('problem' in r) problems.push(r.problem);
    else if (r.answer !== null) answers[id] = r.answer;
  }
  const path = pathOf(def, answers, hidden);
  let lastQuestionId: string | null = null;
  for (const q of path) if (answered(answers[q.id])) lastQuestionId = q.id;
  if (complete) {
    const onPath = new Set(path.map((q) => q.id));
    for (const id of Object.keys(answers)) if (!onPath.has(id)) delete answers[id];
    for (const q of path)
      if (q.required && !answered(answers[q.id]) && !problems.some((p) => p.questionId === q.id))
        problems.push({ questionId: q.id, code: 'REQUIRED', message: 'is required' });
  }
  return { answers, problems, lastQuestionId };
}
