import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { checkAnswers, pathOf } from './survey.answers.js';
import { parseDefinition, type SurveyDefinition } from './survey.definition.js';
import { ALL_TYPES, t } from './survey.test-support.js';

const L = ['zh-CN', 'en'];
const KNOWN_PROBLEMS = new Set([
  'INVALID_SHAPE',
  'INVALID_ID',
  'UNKNOWN_QUESTION_TYPE',
  'MISSING_TRANSLATION',
  'INVALID_TEXT',
  'INVALID_LANGUAGE',
  'INVALID_RANGE',
  'INVALID_VALUE',
  'DUPLICATE_QUESTION_ID',
  'DUPLICATE_OPTION_ID',
  'DUPLICATE_HIDDEN_FIELD',
  'TOO_MANY',
  'NO_QUESTIONS',
  'UNKNOWN_QUESTION',
  'UNKNOWN_HIDDEN_FIELD',
  'FORWARD_REFERENCE',
  'BACKWARD_JUMP',
  'LOGIC_CYCLE',
  'INVALID_CONDITION',
  'INVALID_OPERATOR',
  'INVALID_PRIMARY',
  'INVALID_INDEX',
  'INVALID_DRIVERS',
  'INVALID_SERVQUAL',
]);

describe('survey definitions (properties)', () => {
  it('accepts the all-types survey', () => {
    const r = parseDefinition(ALL_TYPES, L);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('never throws on arbitrary input; problems carry a known code and a path', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (raw) => {
        const r = parseDefinition(raw, L);
        if (!r.ok) for (const p of r.problems) expect(KNOWN_PROBLEMS.has(p.code), p.code).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('mutated valid definitions give a definition or problems, never an exception', () => {
    const paths = fc.constantFrom('questions', 'logic', 'hiddenFields');
    fc.assert(
      fc.property(paths, fc.nat(20), fc.jsonValue({ maxDepth: 3 }), (key, index, value) => {
        const copy = structuredClone(ALL_TYPES) as unknown as Record<string, unknown[]>;
        const list = copy[key] as unknown[];
        list[index % (list.length + 1)] = value;
        const r = parseDefinition(copy, L);
        if (!r.ok) for (const p of r.problems) expect(KNOWN_PROBLEMS.has(p.code)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('random forward-only logic validates, and every path moves forward and ends', () => {
    const n = 8;
    const rule = fc
      .tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 0, max: 10 }), fc.boolean())
      .map(([a, b, v, end]) => {
        const from = Math.min(a, b);
        const to = Math.max(a, b);
        return { from, to, v, end: end || from === to };
      });
    fc.assert(
      fc.property(
        fc.array(rule, { maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: n, maxLength: n }),
        (rules, scores) => {
          const def = {
            questions: Array.from({ length: n }, (_, i) => ({
              id: `q${i}`,
              type: 'nps',
              text: t(String(i)),
            })),
            logic: rules.map((r) => ({
              from: `q${r.from}`,
              when: { type: 'answer', question: `q${r.from}`, op: 'lte', value: r.v },
              then: r.end ? { type: 'end' } : { type: 'jump', to: `q${r.to}` },
            })),
          };
          const parsed = parseDefinition(def, L);
          expect(parsed.ok).toBe(true);
          const d = (parsed as { definition: SurveyDefinition }).definition;
          const answers = Object.fromEntries(scores.map((s, i) => [`q${i}`, s]));
          const path = pathOf(d, answers, {}).map((q) => Number(q.id.slice(1)));
          for (let i = 1; i < path.length; i++) expect(path[i]).toBeGreaterThan(path[i - 1] as number);
          expect(path[0]).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a jump backwards or to itself is refused', () => {
    fc.assert(
      fc.property(fc.nat(5), fc.nat(5), (a, b) => {
        const from = Math.max(a, b);
        const to = Math.min(a, b);
        const def = {
          questions: Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, type: 'csat', text: t(String(i)) })),
          logic: [
            {
              from: `q${from}`,
              when: { type: 'answer', question: `q${from}`, op: 'answered' },
              then: { type: 'jump', to: `q${to}` },
            },
          ],
        };
        const r = parseDefinition(def, L);
        expect(r.ok).toBe(false);
        const code = (r as { problems: { code: string }[] }).problems[0]?.code;
        expect(code).toBe(from === to ? 'LOGIC_CYCLE' : 'BACKWARD_JUMP');
      }),
    );
  });

  it('score answers: every value on the scale is accepted, everything else refused', () => {
    const def = (parseDefinition(ALL_TYPES, L) as { definition: SurveyDefinition }).definition;
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double(), fc.string()), (v) => {
        const r = checkAnswers(def, { nps: v, ces: v }, {}, false);
        const valid = (x: unknown, lo: number, hi: number) =>
          Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi;
        expect(r.problems.some((p) => p.questionId === 'nps')).toBe(!valid(v, 0, 10));
        expect(r.problems.some((p) => p.questionId === 'ces')).toBe(!valid(v, 1, 7));
      }),
    );
  });
});

describe('public responses API (property): bad input gets a 4xx per question, never a 5xx', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let token: string;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('fuzz-surveys');
    const auth = { authorization: `Bearer ${ws.keys.admin}` };
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/surveys',
      headers: auth,
      payload: { key: 'all', name: { 'zh-CN': '全部', en: 'All' }, definition: ALL_TYPES },
    });
    expect(created.statusCode, created.body).toBe(201);
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/surveys/${created.json().id}/publish`,
      headers: auth,
    });
    token = (created.json().publicUrl as string).split('/s/')[1] as string;
  });
  afterAll(() => h.close());

  const questionIds = ALL_TYPES.questions.map((q) => q.id);
  const answerValue = fc.oneof(
    fc.integer({ min: -3, max: 12 }),
    fc.constantFrom('a', 'b', 'c', 'x', 'y', 'nope', '', '<script>alert(1)</script>', '=cmd|calc'),
    fc.string({ maxLength: 400 }),
    fc.array(fc.constantFrom('a', 'b', 'c', 'x', 'y', 'z'), { maxLength: 4 }),
    fc.record({ other: fc.string({ maxLength: 600 }) }),
    fc.record({ expectation: fc.integer({ min: 0, max: 8 }), perception: fc.integer({ min: 0, max: 8 }) }),
    fc.dictionary(
      fc.constantFrom('r1', 'r2', 'p', 'q', 'zz'),
      fc.oneof(fc.constantFrom('c1', 'c2', 'c3'), fc.integer({ min: -1, max: 11 })),
    ),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const body = fc.record(
    {
      answers: fc.oneof(
        fc.dictionary(fc.oneof(fc.constantFrom(...questionIds), fc.string({ maxLength: 20 })), answerValue, {
          maxKeys: 8,
        }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      complete: fc.boolean(),
      language: fc.constantFrom('zh-CN', 'en', 'fr', 'x'),
      hidden: fc.dictionary(fc.constantFrom('caseId', 'other'), fc.string({ maxLength: 30 }), { maxKeys: 2 }),
      respondentId: fc.string({ minLength: 8, maxLength: 20 }),
    },
    { requiredKeys: [] },
  );

  it('answers 200/201 or a clear 4xx with per-question details', async () => {
    let ip = 0;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const res = await h.app.inject({
          method: 'POST',
          url: `/api/v1/public/surveys/${token}/responses`,
          payload,
          remoteAddress: `10.9.${(ip >> 8) & 255}.${ip++ & 255}`,
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
        seen[`${res.statusCode} ${res.statusCode >= 400 ? res.json().error.code : ''}`] =
          (seen[`${res.statusCode} ${res.statusCode >= 400 ? res.json().error.code : ''}`] ?? 0) + 1;
        if (res.statusCode >= 400) {
          const err = res.json().error;
          expect(typeof err.code).toBe('string');
          if (err.code === 'SURVEY_RESPONSE_INVALID')
            for (const p of err.details.questions) {
              expect(typeof p.questionId).toBe('string');
              expect(typeof p.code).toBe('string');
            }
        } else expect(['partial', 'completed']).toContain(res.json().status);
      }),
      { numRuns: 300 },
    );
    // Most generated bodies must reach the answer checks, not stop at the schema.
    expect(
      (seen['400 SURVEY_RESPONSE_INVALID'] ?? 0) + (seen['201 '] ?? 0) + (seen['200 '] ?? 0),
    ).toBeGreaterThan(100);
  });
});
