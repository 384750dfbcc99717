import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import fc from 'fast-check';
import { parse as parseForm } from 'fast-querystring';
import { describe, expect, it } from 'vitest';
import { checkAnswers } from './survey.answers.js';
import { parseDefinition, type SurveyDefinition } from './survey.definition.js';
import {
  answerFromForm,
  answersFromForm,
  hiddenFromForm,
  rankingTies,
  respondentIdFromForm,
  startedAtFromForm,
  type FormFields,
  type FormProblem,
} from './survey.form.js';
import {
  esc,
  problemMessage,
  problemMessages,
  renderSurveyPage,
  uiText,
  type ProblemMessages,
} from './survey.page.js';
import { ALL_TYPES } from './survey.test-support.js';

const parsed = parseDefinition(ALL_TYPES, ['zh-CN', 'en']);
if (!parsed.ok) throw new Error('fixture');
const DEF: SurveyDefinition = parsed.definition;
const q = (id: string) => {
  const found = DEF.questions.find((x) => x.id === id);
  if (!found) throw new Error(id);
  return found;
};
/** Form fields as @fastify/formbody parses a browser's urlencoded body. */
const form = (pairs: [string, string][]): FormFields =>
  parseForm(new URLSearchParams(pairs).toString()) as FormFields;

const render = (posted?: FormFields, problems = [] as Parameters<typeof renderSurveyPage>[0]['problems']) =>
  renderSurveyPage({
    token: 'tok',
    submitUrl: '/api/v1/public/surveys/tok/responses',
    action: '/s/tok?lang=en',
    title: 'Survey',
    language: 'en',
    languages: ['zh-CN', 'en'],
    defaultLanguage: 'zh-CN',
    definition: DEF,
    hidden: { caseId: 'cas_1' },
    embed: false,
    nonceSeed: 'tok',
    respondentId: 'r'.repeat(24),
    startedAt: 1_700_000_000_000,
    ...(posted ? { posted } : {}),
    ...(problems ? { problems } : {}),
  });

describe('answers from the form (no JavaScript)', () => {
  it('reads every question type as survey.js does', () => {
    const fields = form([
      ['q.nps', '9'],
      ['q.csat', ''],
      ['q.one', '__other'],
      ['q.one.other', '  网络 <b>'],
      ['q.many', 'a'],
      ['q.many', 'c'],
      ['q.comment', '   '],
      ['q.grid.r1', 'c2'],
      ['q.rank.y', '1'],
      ['q.rank.x', '2'],
      ['q.ep.expectation', '6'],
      ['q.alloc.p', '7'],
      ['q.alloc.q', ''],
      ['h.caseId', 'cas_9'],
      ['h.other', 'ignored'],
    ]);
    expect(answersFromForm(DEF, fields)).toEqual({
      nps: 9,
      one: { other: '  网络 <b>' },
      many: ['a', 'c'],
      grid: { r1: 'c2' },
      rank: ['y', 'x'],
      ep: { expectation: 6, perception: null },
      alloc: { p: 7 },
    });
    expect(hiddenFromForm(DEF, fields)).toEqual({ caseId: 'cas_9' });
  });

  it('gives no answer for untouched questions and keeps what checkAnswers must reject', () => {
    expect(answersFromForm(DEF, form([]))).toEqual({});
    // Not a number, unknown option, an "other" without text, a posted "__proto__" sub-field: all kept as data.
    const fields = form([
      ['q.stars', 'x'],
      ['q.many', '__other'],
      ['q.alloc.__proto__', '3'],
      ['q.grid.r9', 'c1'],
    ]);
    const answers = answersFromForm(DEF, fields);
    expect(JSON.parse(JSON.stringify(answers))).toEqual({
      stars: null,
      many: [{ other: '' }],
      alloc: { ['__proto__']: 3 },
      grid: { r9: 'c1' },
    });
    const checked = checkAnswers(DEF, answers, {}, false);
    expect(Object.fromEntries(checked.problems.map((p) => [p.questionId, p.code]))).toEqual({
      many: 'UNKNOWN_OPTION',
      alloc: 'UNKNOWN_OPTION',
      grid: 'UNKNOWN_OPTION',
    });
    // "other" is cut to 500 characters as the page's maxlength (and survey.js) does.
    expect(
      answerFromForm(
        q('one'),
        form([
          ['q.one', '__other'],
          ['q.one.other', 'x'.repeat(600)],
        ]),
      ),
    ).toEqual({ other: 'x'.repeat(500) });
  });

  it('takes the first value of a repeated scalar field and the last of a repeated sub-field', () => {
    const fields = form([
      ['q.nps', '3'],
      ['q.nps', '10'],
      ['q.grid.r1', 'c1'],
      ['q.grid.r1', 'c2'],
    ]);
    expect(answerFromForm(q('nps'), fields)).toBe(3);
    expect(answerFromForm(q('grid'), fields)).toEqual({ r1: 'c2' });
  });

  it('reads the respondent id and the start time only when well-formed', () => {
    expect(respondentIdFromForm(form([['_rid', 'abcdefghijklmnopqrstuvwx']]))).toBe(
      'abcdefghijklmnopqrstuvwx',
    );
    expect(respondentIdFromForm(form([['_rid', 'short']]))).toBeUndefined();
    expect(respondentIdFromForm(form([['_rid', '<script>alert(1)</script>xxxxxx']]))).toBeUndefined();
    expect(startedAtFromForm(form([['_startedAt', '1700000000000']]))).toBe(1_700_000_000_000);
    expect(startedAtFromForm(form([['_startedAt', '-1']]))).toBeUndefined();
    expect(startedAtFromForm(form([['_startedAt', '1e99']]))).toBeUndefined();
    expect(hiddenFromForm(DEF, form([['h.caseId', 'x'.repeat(501)]]))).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The page's controls, read from its HTML in document order, and a browser's serialisation of them.

interface Control {
  tag: 'input' | 'textarea' | 'select';
  type: string;
  name: string;
  value: string;
  checked: boolean;
  options: { value: string; selected: boolean }[];
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) out[m[1] as string] = unescape(m[2] ?? '');
  return out;
}

/** The form's named controls in document order, with their current state. */
function controlsOf(html: string): Control[] {
  const body = html.slice(html.indexOf('<form'), html.indexOf('</form>'));
  const out: Control[] = [];
  const re = /<input ([^>]*)>|<textarea ([^>]*)>([^<]*)<\/textarea>|<select ([^>]*)>(.*?)<\/select>/g;
  for (const m of body.matchAll(re)) {
    if (m[1] !== undefined) {
      const a = attrs(m[1]);
      out.push({
        tag: 'input',
        type: a.type ?? 'text',
        name: a.name ?? '',
        value: a.value ?? '',
        checked: 'checked' in a,
        options: [],
      });
    } else if (m[2] !== undefined) {
      const a = attrs(m[2]);
      out.push({
        tag: 'textarea',
        type: 'textarea',
        name: a.name ?? '',
        value: unescape(m[3] ?? ''),
        checked: false,
        options: [],
      });
    } else {
      const a = attrs(m[4] ?? '');
      const options = [...(m[5] ?? '').matchAll(/<option ([^>]*)>/g)].map((o) => {
        const oa = attrs(o[1] as string);
        return { value: oa.value ?? '', selected: 'selected' in oa };
      });
      const chosen = options.find((o) => o.selected) ?? options[0];
      out.push({
        tag: 'select',
        type: 'select',
        name: a.name ?? '',
        value: chosen?.value ?? '',
        checked: false,
        options,
      });
    }
  }
  return out.filter((c) => c.name !== '');
}

/** What a browser posts for these controls (application/x-www-form-urlencoded order). */
function serialise(controls: Control[]): [string, string][] {
  return controls
    .filter((c) => (c.type === 'radio' || c.type === 'checkbox' ? c.checked : true))
    .map((c) => [c.name, c.value]);
}

/** A respondent's random use of the controls: radio groups, checkboxes, texts, numbers and selects. */
function arbitraryState(controls: Control[]): fc.Arbitrary<Control[]> {
  const radioGroups = [...new Set(controls.filter((c) => c.type === 'radio').map((c) => c.name))];
  const text = fc.oneof(
    fc.constantFrom('', ' ', 'abc', '5', '<script>alert(1)</script>', '网络太慢', 'a&b"c\'d'),
    fc.string({ maxLength: 12 }),
  );
  const number = fc.constantFrom('', '0', '3', '7', '10', '-1', '2.5', 'x', '1e3');
  return fc
    .record({
      radios: fc.tuple(...radioGroups.map(() => fc.nat(12))),
      each: fc.tuple(
        ...controls.map((c) =>
          c.type === 'checkbox'
            ? fc.boolean().map((b) => ({ checked: b }))
            : c.type === 'text' || c.type === 'textarea'
              ? text.map((v) => ({ value: v }))
              : c.type === 'number'
                ? number.map((v) => ({ value: v }))
                : c.type === 'select'
                  ? fc.constantFrom(...c.options.map((o) => o.value)).map((v) => ({ value: v }))
                  : fc.constant({}),
        ),
      ),
    })
    .map(({ radios, each }) => {
      const pick = new Map(radioGroups.map((g, i) => [g, radios[i] as number]));
      const seen = new Map<string, number>();
      return controls.map((c, i) => {
        if (c.type === 'radio') {
          const n = seen.get(c.name) ?? 0;
          seen.set(c.name, n + 1);
          // Index n of its group is checked when the pick lands on it (picks past the group's size: none).
          return { ...c, checked: pick.get(c.name) === n };
        }
        return { ...c, ...(each[i] as Partial<Control>) };
      });
    });
}

interface SurveyJsRun {
  /** The JSON body survey.js submitted (undefined: it refused to post). */
  sent: Record<string, unknown> | undefined;
  /** The text of each element survey.js wrote to, by id (`q-<id>-error`, `tp-summary`…). */
  texts: Map<string, string>;
  /** The ids of the elements it marked `aria-invalid`. */
  invalid: Set<string>;
}

/**
 * Runs the real survey.js on a minimal DOM of these controls and submits the form; `reply` is the JSON route's
 * answer to the submission (none: the request never answers).
 */
async function runSurveyJs(
  html: string,
  controls: Control[],
  reply?: { status: number; json: unknown },
): Promise<SurveyJsRun> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = readFileSync(path.join(here, 'public', 'survey.js'), 'utf8');
  const configText =
    /<script type="application\/json" id="tp-config">(.*?)<\/script>/.exec(html)?.[1] ?? '{}';
  const config = JSON.parse(configText) as { logic: unknown[] };
  config.logic = []; // every question shown, as without JavaScript
  const invalid = new Set<string>();
  const element = (id: string) => ({
    textContent: '',
    classList: { add() {}, remove() {}, toggle() {} },
    focus() {},
    scrollIntoView() {},
    querySelector: () => null,
    setAttribute: (name: string) => (name === 'aria-invalid' ? invalid.add(id) : undefined),
    removeAttribute: (name: string) => (name === 'aria-invalid' ? invalid.delete(id) : undefined),
  });
  const elements = controls.map((c) => ({ name: c.name, type: c.type, value: c.value, checked: c.checked }));
  const listeners: Record<string, (e: unknown) => void> = {};
  const formEl = {
    ...element('tp-survey'),
    elements,
    addEventListener: (type: string, fn: (e: unknown) => void) => (listeners[type] = fn),
    querySelectorAll: (selector: string) => {
      const prefix = /^\[name\^="(.*)"\]$/.exec(selector)?.[1];
      return prefix === undefined ? [] : elements.filter((e) => e.name.startsWith(prefix));
    },
  };
  const others = new Map<string, ReturnType<typeof element>>();
  let sent: string | undefined;
  const sandbox = {
    window: { sessionStorage: { getItem: () => null, setItem() {}, removeItem() {} }, parent: null },
    document: {
      getElementById: (id: string) => {
        if (id === 'tp-survey') return formEl;
        if (id === 'tp-config') return { textContent: JSON.stringify(config) };
        if (!others.has(id)) others.set(id, element(id));
        return others.get(id);
      },
    },
    fetch: (_url: string, init: { body: string }) => {
      sent = init.body;
      if (!reply) return new Promise(() => {});
      return Promise.resolve({
        ok: reply.status < 300,
        status: reply.status,
        json: () => Promise.resolve(reply.json),
      });
    },
    setTimeout: () => 0,
    clearTimeout: () => {},
  };
  vm.runInNewContext(script, sandbox);
  listeners.submit?.({ preventDefault() {} });
  await new Promise((resolve) => setImmediate(resolve));
  const texts = new Map([...others].map(([id, el]) => [id, el.textContent]));
  return {
    sent: sent === undefined ? undefined : (JSON.parse(sent) as Record<string, unknown>),
    texts,
    invalid,
  };
}

describe('the page without JavaScript (properties)', () => {
  const blank = render();
  const controls = controlsOf(blank);

  it('renders a form that posts to the page, with the hidden fields, respondent id and start time', () => {
    expect(blank).toContain(
      '<form id="tp-survey" method="post" action="/s/tok?lang=en" accept-charset="utf-8"',
    );
    expect(serialise(controls).filter(([name]) => !name.startsWith('q.'))).toEqual([
      ['h.caseId', 'cas_1'],
      ['_rid', 'r'.repeat(24)],
      ['_startedAt', '1700000000000'],
    ]);
  });

  it('builds the same answers from the posted form as survey.js sends as JSON, and both refuse a ranking tie', async () => {
    let ties = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryState(controls), async (state) => {
        const fields = form(serialise(state));
        const server = JSON.parse(JSON.stringify(answersFromForm(DEF, fields))) as unknown;
        const js = await runSurveyJs(blank, state);
        const refused = rankingTies(DEF, fields);
        const positions = state.filter((c) => c.name.startsWith('q.rank.') && c.value !== '');
        const tie = new Set(positions.map((c) => c.value)).size < positions.length;
        if (tie) {
          // Two options on the same position: the server refuses the form, survey.js does not post at all.
          ties++;
          expect(refused.map((p) => [p.questionId, p.code])).toEqual([['rank', 'RANK_TIE']]);
          expect(js.sent).toBeUndefined();
          expect(js.texts.get('q-rank-error')).toBe(
            'Two options have the same rank: please give each option a different one.',
          );
          expect(js.invalid).toEqual(new Set(['q-rank']));
          expect(server).not.toHaveProperty('rank');
        } else {
          expect(refused).toEqual([]);
          expect(server).toEqual(js.sent?.answers);
        }
      }),
      { numRuns: 150 },
    );
    expect(ties).toBeGreaterThan(0);
  });

  it('renders every posted value again (checked, selected, typed), escaped', () => {
    fc.assert(
      fc.property(arbitraryState(controls), (state) => {
        const posted = serialise(state);
        const again = controlsOf(render(form(posted)));
        // The hidden inputs come from the render input; every answer control shows what was posted.
        const answersOnly = (pairs: [string, string][]) => pairs.filter(([name]) => name.startsWith('q.'));
        expect(answersOnly(serialise(again))).toEqual(answersOnly(posted));
      }),
      { numRuns: 150 },
    );
  });

  it('shows each problem at its question and in a summary linking to it, in the page language', () => {
    const html = render(
      form([
        ['q.comment', '<script>alert(1)</script>'],
        ['q.alloc.p', '3'],
      ]),
      [
        { questionId: 'nps', code: 'REQUIRED', message: 'is required' },
        { questionId: 'alloc', code: 'INVALID_TOTAL', message: 'points must add up to 10 (got 3)' },
      ],
    );
    expect(html).toContain('<title>Error: Survey</title>');
    expect(html).toMatch(/<div class="error summary" id="tp-summary" role="alert"[^>]*>/);
    expect(html).toContain('<a href="#q-nps">Q nps: Please answer this question.</a>');
    expect(html).toContain('<a href="#q-alloc">Q alloc: The points must add up to 10.</a>');
    expect(html).toMatch(
      /<fieldset id="q-nps" class="has-error" aria-invalid="true"[^>]*>.*<p class="error" id="q-nps-error" role="alert" aria-live="polite">Please answer this question.<\/p><\/fieldset>/,
    );
    expect(html).toMatch(/<fieldset id="q-csat" data-question/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<output data-total-for="alloc">3</output>');
    const zh = renderSurveyPage({
      ...{
        token: 'tok',
        submitUrl: '/x',
        action: '/s/tok?lang=zh-CN',
        title: '问卷',
        language: 'zh-CN',
        languages: ['zh-CN', 'en'],
        defaultLanguage: 'zh-CN',
        definition: DEF,
        hidden: {},
        embed: false,
        nonceSeed: 'tok',
        respondentId: 'r'.repeat(24),
        startedAt: 1,
      },
      problems: [
        { questionId: 'nps', code: 'REQUIRED', message: 'is required' },
        { questionId: 'stars', code: 'OUT_OF_RANGE', message: 'must be from 1 to 4' },
        { questionId: 'rank', code: 'WRONG_TYPE', message: 'must rank every option' },
      ],
    });
    expect(zh).toContain('<a href="#q-nps">题nps: 请回答此题。</a>');
    expect(zh).toContain('请选择 1 到 4 之间的值。');
    expect(zh).toContain('请为每个选项指定不同的名次（1 到 2）。');
    expect(zh).toContain('部分答案需要修改。');
  });
});

describe('the page with JavaScript: the same bilingual messages from one table', () => {
  const pageIn = (language: string) =>
    renderSurveyPage({
      token: 'tok',
      submitUrl: '/api/v1/public/surveys/tok/responses',
      action: `/s/tok?lang=${language}`,
      title: 'Survey',
      language,
      languages: ['zh-CN', 'en'],
      defaultLanguage: 'zh-CN',
      definition: DEF,
      hidden: {},
      embed: false,
      nonceSeed: 'tok',
      respondentId: 'r'.repeat(24),
      startedAt: 1,
    });
  const codes = [
    'REQUIRED',
    'UNKNOWN_QUESTION',
    'UNKNOWN_OPTION',
    'WRONG_TYPE',
    'OUT_OF_RANGE',
    'TOO_LONG',
    'TOO_MANY',
    'INVALID_TOTAL',
    'RANK_TIE',
    'SOMETHING_NEW',
  ] as const;
  /** survey.js's text at each question after the JSON route refused the submission with these problems. */
  const shown = async (language: string, problems: { questionId: string; code: string }[]) => {
    const html = pageIn(language);
    const run = await runSurveyJs(html, serialiseAll(html), {
      status: 400,
      json: {
        error: {
          code: 'SURVEY_RESPONSE_INVALID',
          message: 'x',
          details: { questions: problems.map((p) => ({ ...p, message: 'developer text' })) },
        },
      },
    });
    expect(run.sent).toBeDefined();
    return run;
  };
  /** Every control of a page as rendered (nothing chosen): survey.js then posts no answers. */
  const serialiseAll = (html: string) => controlsOf(html);

  it('shows, for every code at every question, exactly the message the page without script renders', async () => {
    for (const language of ['zh-CN', 'en'])
      for (const code of codes) {
        const run = await shown(
          language,
          DEF.questions.map((x) => ({ questionId: x.id, code })),
        );
        for (const x of DEF.questions) {
          const expected = problemMessage({ code: code as FormProblem['code'] }, x, uiText(language));
          expect(run.texts.get(`q-${x.id}-error`), `${language} ${code} ${x.id}`).toBe(expected);
          // …which is the same text the no-script page renders for that problem.
          const html = renderSurveyPage({
            ...{
              token: 'tok',
              submitUrl: '/x',
              action: '/s/tok',
              title: 'Survey',
              language,
              languages: ['zh-CN', 'en'],
              defaultLanguage: 'zh-CN',
              definition: DEF,
              hidden: {},
              embed: false,
              nonceSeed: 'tok',
              respondentId: 'r'.repeat(24),
              startedAt: 1,
            },
            problems: [{ questionId: x.id, code: code as FormProblem['code'], message: 'developer text' }],
          });
          expect(html).toContain(`id="q-${x.id}-error" role="alert" aria-live="polite">${esc(expected)}</p>`);
        }
      }
  });

  it('speaks the page language: Chinese on a zh-CN page, English on an en page, never the JSON message', async () => {
    const problems = [
      { questionId: 'nps', code: 'REQUIRED' },
      { questionId: 'stars', code: 'OUT_OF_RANGE' },
      { questionId: 'many', code: 'TOO_MANY' },
      { questionId: 'comment', code: 'TOO_LONG' },
      { questionId: 'rank', code: 'WRONG_TYPE' },
      { questionId: 'alloc', code: 'INVALID_TOTAL' },
      { questionId: 'grid', code: 'A_CODE_FROM_THE_FUTURE' },
    ];
    const zh = await shown('zh-CN', problems);
    expect(
      Object.fromEntries(problems.map((p) => [p.questionId, zh.texts.get(`q-${p.questionId}-error`)])),
    ).toEqual({
      nps: '请回答此题。',
      stars: '请选择 1 到 4 之间的值。',
      many: '最多只能选择 2 项。',
      comment: '请不要超过 300 个字。',
      rank: '请为每个选项指定不同的名次（1 到 2）。',
      alloc: '各项分值之和必须为 10。',
      grid: '请检查此题的答案。',
    });
    expect(zh.texts.get('tp-summary')).toBe('部分答案需要修改。');
    const en = await shown('en', problems);
    expect(
      Object.fromEntries(problems.map((p) => [p.questionId, en.texts.get(`q-${p.questionId}-error`)])),
    ).toEqual({
      nps: 'Please answer this question.',
      stars: 'Please choose a value from 1 to 4.',
      many: 'Please choose at most 2 options.',
      comment: 'Please use at most 300 characters.',
      rank: 'Please give every option its own rank, from 1 to 2.',
      alloc: 'The points must add up to 10.',
      grid: 'Please check this answer.',
    });
    expect(en.invalid).toEqual(new Set(problems.map((p) => `q-${p.questionId}`)));
  });

  it("embeds the messages once in the page config: common ones by code, a question's own only where it differs", () => {
    const config = JSON.parse(
      /<script type="application\/json" id="tp-config">(.*?)<\/script>/.exec(pageIn('en'))?.[1] ?? '{}',
    ) as { messages: ProblemMessages; ui: Record<string, string> };
    expect(config.messages).toEqual(problemMessages(DEF, uiText('en')));
    expect(config.messages.common).toMatchObject({
      REQUIRED: 'Please answer this question.',
      RANK_TIE: 'Two options have the same rank: please give each option a different one.',
      GENERIC: 'Please check this answer.',
    });
    expect(config.messages.questions.many).toEqual({
      TOO_MANY: 'Please choose at most 2 options.',
    });
    expect(config.messages.questions.grid).toBeUndefined();
    expect(config.ui).not.toHaveProperty('required');
  });

  it('refuses a ranking tie before posting, in the page language, and posts once it is resolved', async () => {
    for (const [language, message] of [
      ['zh-CN', '有两个选项的名次相同：请为每个选项指定不同的名次。'],
      ['en', 'Two options have the same rank: please give each option a different one.'],
    ] as const) {
      const html = pageIn(language);
      const set = (x: string, y: string) =>
        controlsOf(html).map((c) =>
          c.name === 'q.rank.x' ? { ...c, value: x } : c.name === 'q.rank.y' ? { ...c, value: y } : c,
        );
      const tie = await runSurveyJs(html, set('1', '1'));
      expect(tie.sent).toBeUndefined();
      expect(tie.texts.get('q-rank-error')).toBe(message);
      expect(tie.invalid).toEqual(new Set(['q-rank']));
      const ok = await runSurveyJs(html, set('2', '1'));
      expect(ok.sent?.answers).toEqual({ rank: ['y', 'x'] });
      // The page without script says the same.
      const noscript = renderSurveyPage({
        ...{
          token: 'tok',
          submitUrl: '/x',
          action: '/s/tok',
          title: 'Survey',
          language,
          languages: ['zh-CN', 'en'],
          defaultLanguage: 'zh-CN',
          definition: DEF,
          hidden: {},
          embed: false,
          nonceSeed: 'tok',
          respondentId: 'r'.repeat(24),
          startedAt: 1,
        },
        problems: rankingTies(
          DEF,
          form([
            ['q.rank.x', '1'],
            ['q.rank.y', '1'],
          ]),
        ),
      });
      expect(noscript).toContain(`<a href="#q-rank">${language === 'en' ? 'Q ' : '题'}rank: ${message}</a>`);
    }
    // Positions compare as numbers ("01" is "1"); unranked options are no tie.
    expect(
      rankingTies(
        DEF,
        form([
          ['q.rank.x', '01'],
          ['q.rank.y', '1'],
        ]),
      ),
    ).toHaveLength(1);
    expect(
      rankingTies(
        DEF,
        form([
          ['q.rank.x', '1'],
          ['q.rank.y', ''],
        ]),
      ),
    ).toEqual([]);
    expect(
      answerFromForm(
        q('rank'),
        form([
          ['q.rank.x', '2'],
          ['q.rank.y', '2'],
        ]),
      ),
    ).toBeUndefined();
  });
});
