import {
  localize,
  type LocalText,
  type Option,
  type Question,
  type SurveyDefinition,
} from './survey.definition.js';

/**
 * The hosted survey page: server-rendered, mobile-first HTML with no framework. Every question is a fieldset with a
 * legend (or a labelled control), so screen readers and keyboards work without script; `/s/assets/survey.js`
 * adds branching, partial saves and per-question error messages. Every text from a survey or a request is escaped.
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
  noscript: 'Please enable JavaScript to send your answers.',
  closed: 'This survey is closed. Thank you for your interest.',
  invalid: 'This survey link is not valid or has expired.',
  used: 'You have already answered this survey. Thank you!',
  errorSummary: 'Some answers need your attention.',
  language: 'Language',
  saving: 'Saving…',
  chars: 'characters at most',
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
  noscript: '请启用 JavaScript 以提交答案。',
  closed: '该问卷已结束，感谢您的关注。',
  invalid: '问卷链接无效或已过期。',
  used: '您已完成该问卷，谢谢！',
  errorSummary: '部分答案需要修改。',
  language: '语言',
  saving: '正在保存…',
  chars: '字以内',
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
.lang{text-align:right;font-size:.85rem}.lang a{margin-left:8px}.status{min-height:1.5em;color:#57606a;font-size:.85rem}
@media (max-width:480px){.scale label{flex-basis:2.2rem;min-width:2.2rem;padding:10px 0}}
`;

function page(language: string, title: string, body: string, embed: boolean): string {
  return `<!doctype html>
<html lang="${esc(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><meta name="robots" content="noindex"><style>${CSS}${embed ? 'body{background:#fff}main{padding:8px}' : ''}</style></head>
<body><main>${body}</main></body></html>`;
}

/** A page that only shows a message (closed survey, invalid or used link). */
export function renderMessagePage(language: string, kind: 'closed' | 'invalid' | 'used'): string {
  const ui = uiText(language);
  return page(language, ui[kind], `<h1>${esc(ui[kind])}</h1>`, false);
}

function scale(
  name: string,
  min: number,
  max: number,
  labelledBy: string,
  low: string,
  high: string,
  star: boolean,
): string {
  const items: string[] = [];
  for (let v = min; v <= max; v++)
    items.push(
      `<label><input type="radio" name="${esc(name)}" value="${v}"><span aria-label="${v}">${star ? `★ ${v}` : v}</span></label>`,
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

function renderQuestion(q: Question, language: string, fallback: string, ui: UiText, seed: string): string {
  const t = (x: LocalText | undefined) => esc(localize(x, language, fallback));
  const legendId = `q-${q.id}-legend`;
  const mark = q.required ? ` <span class="req">(${esc(ui.required)})</span>` : '';
  const desc = q.description ? `<p class="desc">${t(q.description)}</p>` : '';
  const err = `<p class="error" id="q-${esc(q.id)}-error" role="alert" aria-live="polite"></p>`;
  const open = `<fieldset id="q-${esc(q.id)}" data-question="${esc(q.id)}" data-type="${q.type}" aria-describedby="q-${esc(q.id)}-error"${q.required ? ' aria-required="true"' : ''}><legend id="${esc(legendId)}">${t(q.text)}${mark}</legend>${desc}`;
  const close = `${err}</fieldset>`;
  const name = `q.${q.id}`;
  switch (q.type) {
    case 'nps':
      return open + scale(name, 0, 10, legendId, ui.npsLow, ui.npsHigh, false) + close;
    case 'csat':
      return open + scale(name, 1, 5, legendId, ui.csatLow, ui.csatHigh, false) + close;
    case 'ces':
      return open + scale(name, 1, 7, legendId, ui.cesLow, ui.cesHigh, false) + close;
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
        ) +
        close
      );
    case 'single_choice':
    case 'multiple_choice': {
      const kind = q.type === 'single_choice' ? 'radio' : 'checkbox';
      const options = q.shuffle ? shuffled(q.options, seed + q.id) : q.options;
      const items = options.map(
        (o) =>
          `<label class="choice"><input type="${kind}" name="${esc(name)}" value="${esc(o.id)}">${optionText(o, language, fallback)}</label>`,
      );
      if (q.allowOther)
        items.push(
          `<label class="choice"><input type="${kind}" name="${esc(name)}" value="__other">${esc(ui.other)}</label><input type="text" name="${esc(name)}.other" maxlength="500" aria-label="${esc(ui.other)}" placeholder="${esc(ui.otherPlaceholder)}">`,
        );
      return open + items.join('') + close;
    }
    case 'text':
      return (
        open +
        `<label class="sub" for="in-${esc(q.id)}">${q.maxLength} ${esc(ui.chars)}</label>` +
        (q.multiline
          ? `<textarea id="in-${esc(q.id)}" name="${esc(name)}" maxlength="${q.maxLength}"></textarea>`
          : `<input type="text" id="in-${esc(q.id)}" name="${esc(name)}" maxlength="${q.maxLength}">`) +
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
                  `<td><input type="radio" name="${esc(name)}.${esc(r.id)}" value="${esc(c.id)}" aria-label="${optionText(r, language, fallback)}: ${optionText(c, language, fallback)}"></td>`,
              )
              .join('')}</tr>`,
        )
        .join('');
      return open + `<table><thead><tr><td></td>${head}</tr></thead><tbody>${rows}</tbody></table>` + close;
    }
    case 'ranking': {
      const positions = q.options.map((_, i) => `<option value="${i + 1}">${i + 1}</option>`).join('');
      const items = q.options.map(
        (o) =>
          `<label class="choice"><select name="${esc(name)}.${esc(o.id)}" aria-label="${esc(ui.rank)}: ${optionText(o, language, fallback)}"><option value=""></option>${positions}</select> ${optionText(o, language, fallback)}</label>`,
      );
      return open + items.join('') + close;
    }
    case 'expectation_perception': {
      const e = `${legendId}-e`;
      const p = `${legendId}-p`;
      return (
        open +
        `<p class="sub" id="${esc(e)}">${esc(ui.expectation)}</p>` +
        scale(`${name}.expectation`, 1, 7, e, ui.cesLow, ui.cesHigh, false) +
        `<p class="sub" id="${esc(p)}">${esc(ui.perception)}</p>` +
        scale(`${name}.perception`, 1, 7, p, ui.cesLow, ui.cesHigh, false) +
        close
      );
    }
    case 'constant_sum': {
      const items = q.options.map(
        (o) =>
          `<label class="choice"><input type="number" min="0" max="${q.total}" step="1" inputmode="numeric" name="${esc(name)}.${esc(o.id)}" style="width:6rem"> ${optionText(o, language, fallback)}</label>`,
      );
      return (
        open +
        items.join('') +
        `<p class="sub">${esc(ui.total)}: <output data-total-for="${esc(q.id)}">0</output> / ${q.total}</p>` +
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
  const questions = def.questions
    .map((q) => renderQuestion(q, language, defaultLanguage, ui, input.nonceSeed))
    .join('');
  const config = {
    submitUrl: input.submitUrl,
    language,
    hidden: input.hidden,
    logic: def.logic,
    questions: def.questions.map((q) => ({ id: q.id, type: q.type, required: q.required })),
    thanks: def.thanks ? localize(def.thanks, language, defaultLanguage) : ui.thanks,
    ui: { errorSummary: ui.errorSummary, saving: ui.saving, required: ui.required },
  };
  const body = `${langLinks}<h1>${esc(input.title)}</h1>${intro}
<noscript><p class="error">${esc(ui.noscript)}</p></noscript>
<p class="error" id="tp-summary" role="alert" aria-live="assertive"></p>
<form id="tp-survey" novalidate>${questions}<p class="status" id="tp-status" aria-live="polite"></p><button type="submit">${esc(ui.submit)}</button></form>
<div id="tp-thanks" class="hidden" role="status" tabindex="-1"></div>
<script type="application/json" id="tp-config">${jsonForScript(config)}</script>
<script src="/s/assets/survey.js" defer></script>`;
  return page(language, input.title, body, input.embed);
}
