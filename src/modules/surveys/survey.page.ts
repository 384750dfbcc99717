import {
  localize,
  scaleOf,
  type LocalText,
  type Option,
  type Question,
  type SurveyDefinition,
} from './survey.definition.js';
import { allValues, type FormFields, type FormProblem } from './survey.form.js';

/**
 * The hosted survey page: server-rendered, mobile-first HTML with no framework. Every question is a fieldset with a
 * legend (or a labelled control), so screen readers and keyboards work without script. The form posts to the page's
 * own URL (`POST /s/:token`), so it works without JavaScript (every question shown; errors rendered here with the
 * respondent's values kept); `/s/assets/survey.js` progressively enhances it with branching, partial saves and
 * submission in place. Every text from a survey or a request is escaped.
 */

const EN = {
  submit: 'Submit',
  required: 'required',
  optional: 'optional',
  other: 'Other',
  otherPlaceholder: 'Please specify',
  expectation: 'What you expect of an excellent provider',
  perception: 'How you perceive us',
  total: 'Total',
  rank: 'Rank',
  npsLow: 'Not at all likely',
  npsHigh: 'Extremely likely',
  csatLow: 'Very dissatisfied',
  csatHigh: 'Very satisfied',
  cesLow: 'Strongly disagree',
  cesHigh: 'Strongly agree',
  thanks: 'Thank you for your feedback!',
  noscript:
    'JavaScript is off, so all questions are shown at once: answer those that apply to you, then submit.',
  closed: 'This survey is closed. Thank you for your interest.',
  invalid: 'This survey link is not valid or has expired.',
  used: 'You have already answered this survey. Thank you!',
  errorSummary: 'Some answers need your attention.',
  errorTitle: 'Error',
  tooLarge: 'Your answers are too long to send. Please go back, shorten them and submit again.',
  busy: 'Too many submissions from your network. Please wait a minute, then submit again.',
  language: 'Language',
  saving: 'Saving…',
  chars: 'characters at most',
  problems: {
    REQUIRED: 'Please answer this question.',
    OUT_OF_RANGE: 'Please choose a value from {min} to {max}.',
    WRONG_TYPE: 'Please check this answer: it is not in the expected form.',
    UNKNOWN_OPTION: 'Please choose one of the options shown.',
    UNKNOWN_QUESTION: 'This question is not part of the survey.',
    TOO_LONG: 'Please use at most {max} characters.',
    TOO_MANY: 'Please choose at most {max} options.',
    INVALID_TOTAL: 'The points must add up to {total}.',
    POINTS_RANGE: 'Each number of points must be a whole number from 0 to {total}.',
    RANK_EVERY: 'Please give every option its own rank, from 1 to {max}.',
    RATE_BOTH: 'Please rate both what you expect and how you perceive us (1 to 7).',
    RANK_TIE: 'Two options have the same rank: please give each option a different one.',
    GENERIC: 'Please check this answer.',
  },
};

const ZH: typeof EN = {
  submit: '提交',
  required: '必答',
  optional: '选答',
  other: '其他',
  otherPlaceholder: '请注明',
  expectation: '您对优秀服务商的期望',
  perception: '您对我们的实际感受',
  total: '合计',
  rank: '排序',
  npsLow: '完全不可能',
  npsHigh: '非常可能',
  csatLow: '非常不满意',
  csatHigh: '非常满意',
  cesLow: '非常不同意',
  cesHigh: '非常同意',
  thanks: '感谢您的反馈！',
  noscript: '浏览器未启用 JavaScript，所有问题会一次显示：请回答与您相关的问题，然后提交。',
  closed: '该问卷已结束，感谢您的关注。',
  invalid: '问卷链接无效或已过期。',
  used: '您已完成该问卷，谢谢！',
  errorSummary: '部分答案需要修改。',
  errorTitle: '错误',
  tooLarge: '您的答案过长，无法提交。请返回缩短后重新提交。',
  busy: '您所在网络的提交过于频繁，请稍候一分钟再提交。',
  language: '语言',
  saving: '正在保存…',
  chars: '字以内',
  problems: {
    REQUIRED: '请回答此题。',
    OUT_OF_RANGE: '请选择 {min} 到 {max} 之间的值。',
    WRONG_TYPE: '请检查此题的答案：格式不正确。',
    UNKNOWN_OPTION: '请从列出的选项中选择。',
    UNKNOWN_QUESTION: '此题不属于本问卷。',
    TOO_LONG: '请不要超过 {max} 个字。',
    TOO_MANY: '最多只能选择 {max} 项。',
    INVALID_TOTAL: '各项分值之和必须为 {total}。',
    POINTS_RANGE: '每项分值必须是 0 到 {total} 之间的整数。',
    RANK_EVERY: '请为每个选项指定不同的名次（1 到 {max}）。',
    RATE_BOTH: '请同时为期望和实际感受打分（1 到 7）。',
    RANK_TIE: '有两个选项的名次相同：请为每个选项指定不同的名次。',
    GENERIC: '请检查此题的答案。',
  },
};

export type UiText = typeof EN;

/** The page texts in a language (Chinese for any zh tag, English otherwise). */
export function uiText(language: string): UiText {
  return language.toLowerCase().startsWith('zh') ? ZH : EN;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to embed in a `<script type="application/json">` element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:680px;margin:0 auto;padding:16px}h1{font-size:1.4rem;margin:.5rem 0 1rem}.intro{color:#555}
form>fieldset,.q{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:0 0 16px}
legend,.qlabel{font-weight:600;padding:0 4px;display:block}.desc{color:#57606a;font-size:.9rem;margin:.25rem 0}
.req{color:#cf222e;font-weight:400;font-size:.85rem}.opt{color:#57606a;font-weight:400;font-size:.85rem}
.scale{display:flex;flex-wrap:wrap;gap:6px;margin:.5rem 0}.scale label{flex:1 0 2.6rem;text-align:center;border:1px solid #d0d7de;border-radius:6px;padding:8px 0;cursor:pointer;min-width:2.6rem}
.scale input{position:absolute;opacity:0;width:1px;height:1px}.scale input:focus-visible+span{outline:3px solid #0969da;outline-offset:2px}
.scale label:has(input:checked){background:#0969da;color:#fff;border-color:#0969da}.anchors{display:flex;justify-content:space-between;font-size:.8rem;color:#57606a}
.choice{display:block;padding:6px 0}.choice input{margin-right:8px}input[type=text],input[type=number],textarea,select{font:inherit;padding:8px;border:1px solid #d0d7de;border-radius:6px;max-width:100%}
textarea{width:100%;min-height:6rem}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:6px;text-align:center;border-bottom:1px solid #eee}th[scope=row]{text-align:left;font-weight:400}
.error{color:#cf222e;font-size:.9rem;margin:.25rem 0 0}.has-error{border-color:#cf222e!important}button{font:inherit;background:#1f883d;color:#fff;border:0;border-radius:6px;padding:12px 24px;cursor:pointer;width:100%}
button:focus-visible{outline:3px solid #0969da;outline-offset:2px}.hidden{display:none}.sub{font-weight:400;font-size:.9rem;margin:.5rem 0 0}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px}
.summary{background:#fff;border:2px solid #cf222e;border-radius:8px;padding:12px 16px;margin:0 0 16px}.summary:focus{outline:3px solid #0969da}.summary p{margin:0;font-weight:600}.summary a{color:#cf222e}
.lang{text-align:right;font-size:.85rem}.lang a{margin-left:8px}.status{min-height:1.5em;color:#57606a;font-size:.85rem}
@media (max-width:480px){.scale label{flex-basis:2.2rem;min-width:2.2rem;padding:10px 0}}
`;

function page(language: string, title: string, body: string, embed: boolean): string {
  return `<!doctype html>
<html lang="${esc(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><meta name="robots" content="noindex"><style>${CSS}${embed ? 'body{background:#fff}main{padding:8px}' : ''}</style></head>
<body><main>${body}</main></body></html>`;
}

export type MessageKind = 'closed' | 'invalid' | 'used' | 'tooLarge' | 'busy';

/** A page that only shows a message (closed survey, invalid or used link, a form post refused). */
export function renderMessagePage(language: string, kind: MessageKind, embed = false): string {
  const ui = uiText(language);
  return page(language, ui[kind], `<h1>${esc(ui[kind])}</h1>`, embed);
}

/** The page a completed form post leads to (redirect after POST): the survey's own thanks, or the default one. */
export function renderThanksPage(input: {
  language: string;
  title: string;
  thanks: string | null;
  embed: boolean;
}): string {
  const ui = uiText(input.language);
  const thanks = input.thanks ?? ui.thanks;
  return page(
    input.language,
    `${thanks} – ${input.title}`,
    `<h1>${esc(input.title)}</h1><div id="tp-thanks" role="status"><p>${esc(thanks)}</p></div>`,
    input.embed,
  );
}

type ProblemCode = FormProblem['code'];

/** Every code a question's problem can carry (a Record, so the compiler keeps the list complete). */
const PROBLEM_CODES = Object.keys({
  REQUIRED: 1,
  UNKNOWN_QUESTION: 1,
  UNKNOWN_OPTION: 1,
  WRONG_TYPE: 1,
  OUT_OF_RANGE: 1,
  TOO_LONG: 1,
  TOO_MANY: 1,
  INVALID_TOTAL: 1,
  RANK_TIE: 1,
} satisfies Record<ProblemCode, 1>) as ProblemCode[];

/** The messages that do not depend on the question, by code; `GENERIC` for a code without one. */
function commonMessages(ui: UiText): Partial<Record<ProblemCode, string>> & { GENERIC: string } {
  const m = ui.problems;
  return {
    REQUIRED: m.REQUIRED,
    UNKNOWN_QUESTION: m.UNKNOWN_QUESTION,
    UNKNOWN_OPTION: m.UNKNOWN_OPTION,
    WRONG_TYPE: m.WRONG_TYPE,
    RANK_TIE: m.RANK_TIE,
    GENERIC: m.GENERIC,
  };
}

/** A question's own message for a code, with its limits filled in (undefined: the common message applies). */
function questionMessage(code: ProblemCode, q: Question, ui: UiText): string | undefined {
  const fill = (text: string, values: Record<string, number>) =>
    text.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? String(values[k]) : m));
  const m = ui.problems;
  switch (code) {
    case 'TOO_LONG':
      if (q.type === 'text') return fill(m.TOO_LONG, { max: q.maxLength });
      // The "other" text of a choice question.
      if ((q.type === 'single_choice' || q.type === 'multiple_choice') && q.allowOther)
        return fill(m.TOO_LONG, { max: 500 });
      return undefined;
    case 'TOO_MANY':
      return q.type === 'multiple_choice'
        ? fill(m.TOO_MANY, { max: q.maxSelected ?? q.options.length + 1 })
        : undefined;
    case 'INVALID_TOTAL':
      return q.type === 'constant_sum' ? fill(m.INVALID_TOTAL, { total: q.total }) : undefined;
    case 'OUT_OF_RANGE': {
      if (q.type === 'constant_sum') return fill(m.POINTS_RANGE, { total: q.total });
      if (q.type === 'expectation_perception') return m.RATE_BOTH;
      const s = scaleOf(q);
      return s ? fill(m.OUT_OF_RANGE, s) : undefined;
    }
    case 'WRONG_TYPE':
      if (q.type === 'ranking') return fill(m.RANK_EVERY, { max: q.options.length });
      if (q.type === 'expectation_perception') return m.RATE_BOTH;
      if (q.type === 'constant_sum') return fill(m.POINTS_RANGE, { total: q.total });
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A respondent's message for a problem the answer check found, in the page language: the JSON route's stable
 * codes (and the form's `RANK_TIE`), worded for people (the JSON messages are for developers), with the question's
 * own limits. The page embeds the same messages for survey.js (`problemMessages`), so both paths say the same.
 */
export function problemMessage(p: Pick<FormProblem, 'code'>, q: Question | undefined, ui: UiText): string {
  const common = commonMessages(ui);
  if (!q) return ui.problems.UNKNOWN_QUESTION;
  return questionMessage(p.code, q, ui) ?? common[p.code] ?? common.GENERIC;
}

/** The messages survey.js shows, from the same table: by code for every question, and each question's own. */
export interface ProblemMessages {
  common: Partial<Record<ProblemCode, string>> & { GENERIC: string };
  questions: Record<string, Partial<Record<ProblemCode, string>>>;
}

/** The page's problem messages in its language, for its `tp-config` (survey.js maps each problem's code to them). */
export function problemMessages(def: SurveyDefinition, ui: UiText): ProblemMessages {
  const questions: Record<string, Partial<Record<ProblemCode, string>>> = {};
  for (const q of def.questions) {
    const own: Partial<Record<ProblemCode, string>> = {};
    for (const code of PROBLEM_CODES) {
      const text = questionMessage(code, q, ui);
      if (text !== undefined) own[code] = text;
    }
    if (Object.keys(own).length) questions[q.id] = own;
  }
  return { common: commonMessages(ui), questions };
}

/** What the respondent posted, to show it again with the problems (no JavaScript: a failed post renders the page). */
class Posted {
  constructor(private readonly fields: FormFields | undefined) {}
  /** ` checked` when the control's value was posted under its name. */
  checked(name: string, value: string): string {
    return this.fields && allValues(this.fields, name).includes(value) ? ' checked' : '';
  }
  /** ` selected` likewise, for an `<option>`. */
  selected(name: string, value: string): string {
    return this.fields && allValues(this.fields, name).includes(value) ? ' selected' : '';
  }
  /** The first value posted under a name ('' if none), unescaped. */
  value(name: string): string {
    return this.fields ? (allValues(this.fields, name)[0] ?? '') : '';
  }
  /** ` value="…"` for a text-like input, when something was posted. */
  valueAttr(name: string): string {
    const v = this.value(name);
    return v === '' ? '' : ` value="${esc(v)}"`;
  }
}

function scale(
  name: string,
  min: number,
  max: number,
  labelledBy: string,
  low: string,
  high: string,
  star: boolean,
  posted: Posted,
): string {
  const items: string[] = [];
  for (let v = min; v <= max; v++)
    items.push(
      `<label><input type="radio" name="${esc(name)}" value="${v}"${posted.checked(name, String(v))}><span aria-label="${v}">${star ? `★ ${v}` : v}</span></label>`,
    );
  return `<div class="scale" role="radiogroup" aria-labelledby="${esc(labelledBy)}">${items.join('')}</div><div class="anchors" aria-hidden="true"><span>${esc(low)}</span><span>${esc(high)}</span></div>`;
}

function optionText(o: Option, language: string, fallback: string): string {
  return esc(localize(o.text, language, fallback));
}

function shuffled<T>(xs: readonly T[], seed: string): T[] {
  // Deterministic per respondent page load seed, so a reload keeps the order.
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    const j = h % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function renderQuestion(
  q: Question,
  language: string,
  fallback: string,
  ui: UiText,
  seed: string,
  posted: Posted,
  error: string | undefined,
): string {
  const t = (x: LocalText | undefined) => esc(localize(x, language, fallback));
  const legendId = `q-${q.id}-legend`;
  const mark = q.required ? ` <span class="req">(${esc(ui.required)})</span>` : '';
  const desc = q.description ? `<p class="desc">${t(q.description)}</p>` : '';
  const err = `<p class="error" id="q-${esc(q.id)}-error" role="alert" aria-live="polite">${error === undefined ? '' : esc(error)}</p>`;
  const invalid = error === undefined ? '' : ' class="has-error" aria-invalid="true"';
  const open = `<fieldset id="q-${esc(q.id)}"${invalid} data-question="${esc(q.id)}" data-type="${q.type}" aria-describedby="q-${esc(q.id)}-error"${q.required ? ' aria-required="true"' : ''}><legend id="${esc(legendId)}">${t(q.text)}${mark}</legend>${desc}`;
  const close = `${err}</fieldset>`;
  const name = `q.${q.id}`;
  switch (q.type) {
    case 'nps':
      return open + scale(name, 0, 10, legendId, ui.npsLow, ui.npsHigh, false, posted) + close;
    case 'csat':
      return open + scale(name, 1, 5, legendId, ui.csatLow, ui.csatHigh, false, posted) + close;
    case 'ces':
      return open + scale(name, 1, 7, legendId, ui.cesLow, ui.cesHigh, false, posted) + close;
    case 'rating':
      return (
        open +
        scale(
          name,
          1,
          q.points,
          legendId,
          q.lowLabel ? localize(q.lowLabel, language, fallback) : '',
          q.highLabel ? localize(q.highLabel, language, fallback) : '',
          q.style === 'stars',
          posted,
        ) +
        close
      );
    case 'single_choice':
    case 'multiple_choice': {
      const kind = q.type === 'single_choice' ? 'radio' : 'checkbox';
      const options = q.shuffle ? shuffled(q.options, seed + q.id) : q.options;
      const items = options.map(
        (o) =>
          `<label class="choice"><input type="${kind}" name="${esc(name)}" value="${esc(o.id)}"${posted.checked(name, o.id)}>${optionText(o, language, fallback)}</label>`,
      );
      if (q.allowOther)
        items.push(
          `<label class="choice"><input type="${kind}" name="${esc(name)}" value="__other"${posted.checked(name, '__other')}>${esc(ui.other)}</label><input type="text" name="${esc(name)}.other" maxlength="500" aria-label="${esc(ui.other)}" placeholder="${esc(ui.otherPlaceholder)}"${posted.valueAttr(`${name}.other`)}>`,
        );
      return open + items.join('') + close;
    }
    case 'text':
      return (
        open +
        `<label class="sub" for="in-${esc(q.id)}">${q.maxLength} ${esc(ui.chars)}</label>` +
        (q.multiline
          ? `<textarea id="in-${esc(q.id)}" name="${esc(name)}" maxlength="${q.maxLength}">${esc(posted.value(name))}</textarea>`
          : `<input type="text" id="in-${esc(q.id)}" name="${esc(name)}" maxlength="${q.maxLength}"${posted.valueAttr(name)}>`) +
        close
      );
    case 'matrix': {
      const head = q.columns.map((c) => `<th scope="col">${optionText(c, language, fallback)}</th>`).join('');
      const rows = q.rows
        .map(
          (r) =>
            `<tr><th scope="row" id="q-${esc(q.id)}-${esc(r.id)}">${optionText(r, language, fallback)}</th>${q.columns
              .map(
                (c) =>
                  `<td><input type="radio" name="${esc(name)}.${esc(r.id)}" value="${esc(c.id)}"${posted.checked(`${name}.${r.id}`, c.id)} aria-label="${optionText(r, language, fallback)}: ${optionText(c, language, fallback)}"></td>`,
              )
              .join('')}</tr>`,
        )
        .join('');
      return open + `<table><thead><tr><td></td>${head}</tr></thead><tbody>${rows}</tbody></table>` + close;
    }
    case 'ranking': {
      const items = q.options.map((o) => {
        const field = `${name}.${o.id}`;
        const positions = q.options
          .map((_, i) => `<option value="${i + 1}"${posted.selected(field, String(i + 1))}>${i + 1}</option>`)
          .join('');
        return `<label class="choice"><select name="${esc(field)}" aria-label="${esc(ui.rank)}: ${optionText(o, language, fallback)}"><option value=""></option>${positions}</select> ${optionText(o, language, fallback)}</label>`;
      });
      return open + items.join('') + close;
    }
    case 'expectation_perception': {
      const e = `${legendId}-e`;
      const p = `${legendId}-p`;
      return (
        open +
        `<p class="sub" id="${esc(e)}">${esc(ui.expectation)}</p>` +
        scale(`${name}.expectation`, 1, 7, e, ui.cesLow, ui.cesHigh, false, posted) +
        `<p class="sub" id="${esc(p)}">${esc(ui.perception)}</p>` +
        scale(`${name}.perception`, 1, 7, p, ui.cesLow, ui.cesHigh, false, posted) +
        close
      );
    }
    case 'constant_sum': {
      const items = q.options.map(
        (o) =>
          `<label class="choice"><input type="number" min="0" max="${q.total}" step="1" inputmode="numeric" name="${esc(name)}.${esc(o.id)}"${posted.valueAttr(`${name}.${o.id}`)} style="width:6rem"> ${optionText(o, language, fallback)}</label>`,
      );
      return (
        open +
        items.join('') +
        `<p class="sub">${esc(ui.total)}: <output data-total-for="${esc(q.id)}">${q.options.reduce((sum, o) => sum + (Number(posted.value(`${name}.${o.id}`)) || 0), 0)}</output> / ${q.total}</p>` +
        close
      );
    }
  }
}

export interface RenderInput {
  token: string;
  /** Path of the responses API for this token. */
  submitUrl: string;
  title: string;
  language: string;
  languages: string[];
  defaultLanguage: string;
  definition: SurveyDefinition;
  hidden: Record<string, string>;
  embed: boolean;
  nonceSeed: string;
  /** Where the form posts without JavaScript (`/s/:token?lang=…`). */
  action: string;
  /** A random anonymous respondent id for this page load: a resubmitted page updates the same response. */
  respondentId: string;
  /** When the page was rendered (epoch ms), for the time to complete. */
  startedAt: number;
  /** The fields of a refused form post, shown again. */
  posted?: FormFields;
  /** The problems that refused it, by question. */
  problems?: readonly FormProblem[];
}

/** The whole survey page. */
export function renderSurveyPage(input: RenderInput): string {
  const { definition: def, language, defaultLanguage } = input;
  const ui = uiText(language);
  const langLinks =
    input.languages.length > 1
      ? `<nav class="lang" aria-label="${esc(ui.language)}">${input.languages
          .map((l) =>
            l === language
              ? `<span aria-current="true">${esc(l)}</span>`
              : `<a href="?lang=${encodeURIComponent(l)}" hreflang="${esc(l)}" lang="${esc(l)}">${esc(l)}</a>`,
          )
          .join('')}</nav>`
      : '';
  const intro = def.intro
    ? `<p class="intro">${esc(localize(def.intro, language, defaultLanguage))}</p>`
    : '';
  const posted = new Posted(input.posted);
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  // One message per question, in the page's order (the summary reads top to bottom like the form).
  const first = new Map<string, FormProblem>();
  for (const p of input.problems ?? []) if (!first.has(p.questionId)) first.set(p.questionId, p);
  const errors = new Map<string, string>();
  for (const id of [...def.questions.map((q) => q.id), ...first.keys()]) {
    const p = first.get(id);
    if (p && !errors.has(id)) errors.set(id, problemMessage(p, byId.get(id), ui));
  }
  const questions = def.questions
    .map((q) => renderQuestion(q, language, defaultLanguage, ui, input.nonceSeed, posted, errors.get(q.id)))
    .join('');
  // Without JavaScript a refused post comes back with a summary linking to each question (focused on load).
  const summary = errors.size
    ? `<div class="error summary" id="tp-summary" role="alert" aria-live="assertive" tabindex="-1" autofocus><p>${esc(ui.errorSummary)}</p><ul>${[
        ...errors,
      ]
        .map(([id, message]) => {
          const q = byId.get(id);
          const label = q
            ? `${esc(localize(q.text, language, defaultLanguage))}: ${esc(message)}`
            : esc(message);
          return q ? `<li><a href="#q-${esc(id)}">${label}</a></li>` : `<li>${label}</li>`;
        })
        .join('')}</ul></div>`
    : '<div class="error" id="tp-summary" role="alert" aria-live="assertive"></div>';
  const hiddenInputs = [
    ...Object.entries(input.hidden).map(
      ([k, v]) => `<input type="hidden" name="h.${esc(k)}" value="${esc(v)}">`,
    ),
    `<input type="hidden" name="_rid" value="${esc(input.respondentId)}">`,
    `<input type="hidden" name="_startedAt" value="${input.startedAt}">`,
  ].join('');
  const config = {
    submitUrl: input.submitUrl,
    language,
    hidden: input.hidden,
    logic: def.logic,
    questions: def.questions.map((q) => ({ id: q.id, type: q.type, required: q.required })),
    thanks: def.thanks ? localize(def.thanks, language, defaultLanguage) : ui.thanks,
    ui: { errorSummary: ui.errorSummary, saving: ui.saving },
    messages: problemMessages(def, ui),
  };
  const body = `${langLinks}<h1>${esc(input.title)}</h1>${intro}
<noscript><p class="notice">${esc(ui.noscript)}</p></noscript>
${summary}
<form id="tp-survey" method="post" action="${esc(input.action)}" accept-charset="utf-8" novalidate>${hiddenInputs}${questions}<p class="status" id="tp-status" aria-live="polite"></p><button type="submit">${esc(ui.submit)}</button></form>
<div id="tp-thanks" class="hidden" role="status" tabindex="-1"></div>
<script type="application/json" id="tp-config">${jsonForScript(config)}</script>
<script src="/s/assets/survey.js" defer></script>`;
  return page(language, errors.size ? `${ui.errorTitle}: ${input.title}` : input.title, body, input.embed);
}
