import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { ALL_TYPES } from './survey.test-support.js';

/**
 * The hosted page without JavaScript, through the HTTP API: the form posts urlencoded fields to `POST /s/:token`,
 * which completes the response as the JSON route does, redirects to the thanks page, or renders the page again with
 * the problems and the respondent's values.
 */
describe('survey page form posts (no JavaScript)', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let surveyId: string;
  let token: string;
  let ip = 0;

  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.admin}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  /** Posts the page's form as a browser does (fields in document order). */
  const post = (tok: string, pairs: [string, string][], query = '?lang=en', headers = {}) =>
    h.app.inject({
      method: 'POST',
      url: `/s/${tok}${query}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(pairs).toString(),
      remoteAddress: `10.1.0.${++ip % 250}`,
    });
  const responses = async (id = surveyId) =>
    (await api('GET', `/surveys/${id}/responses`)).json().data as {
      id: string;
      status: string;
      answers: Record<string, unknown>;
      hidden: Record<string, string>;
      language: string;
    }[];

  /** A complete, valid set of fields for the all-types survey. */
  const valid: [string, string][] = [
    ['_rid', 'abcdefghijklmnopqrstuvwx'],
    ['_startedAt', String(Date.now() - 60_000)],
    ['q.nps', '6'],
    ['q.one', '__other'],
    ['q.one.other', 'by phone'],
    ['q.many', 'a'],
    ['q.many', 'b'],
    ['q.comment', '<script>alert("x")</script> 信号差'],
    ['q.grid.r1', 'c2'],
    ['q.rank.y', '1'],
    ['q.rank.x', '2'],
    ['q.ep.expectation', '7'],
    ['q.ep.perception', '4'],
    ['q.alloc.p', '6'],
    ['q.alloc.q', '4'],
  ];

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('noscript');
    const created = await api('POST', '/surveys', {
      key: 'all',
      name: { 'zh-CN': '全部题型', en: 'All types' },
      definition: { ...ALL_TYPES, thanks: { 'zh-CN': '多谢参与！', en: 'Many thanks!' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    surveyId = created.json().id;
    token = (created.json().publicUrl as string).split('/s/')[1] as string;
    expect((await api('POST', `/surveys/${surveyId}/publish`)).statusCode).toBe(200);
  });
  afterAll(() => h.close());

  it('serves a form that posts to the page, and says truthfully what happens without JavaScript', async () => {
    const page = await h.app.inject({ method: 'GET', url: `/s/${token}?lang=en&caseId=cas_7` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      `<form id="tp-survey" method="post" action="/s/${token}?lang=en" accept-charset="utf-8" novalidate>`,
    );
    expect(page.body).toContain('<input type="hidden" name="h.caseId" value="cas_7">');
    expect(page.body).toMatch(/<input type="hidden" name="_rid" value="[\w-]{24}">/);
    expect(page.body).toContain('JavaScript is off, so all questions are shown at once');
    const zh = await h.app.inject({ method: 'GET', url: `/s/${token}?lang=zh-CN&embed=1` });
    expect(zh.body).toContain('所有问题会一次显示');
    expect(zh.body).toContain(`action="/s/${token}?lang=zh-CN&amp;embed=1"`);
    // The CSP lets the form post to its own origin (helmet's form-action 'self').
    expect(String(page.headers['content-security-policy'])).toContain("form-action 'self'");
  });

  it('completes a response from the form, redirects (303) to the bilingual thanks page, stores script as text', async () => {
    const before = (await responses()).length;
    const res = await post(token, [['h.caseId', 'cas_7'], ...valid]);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/s/${token}/thanks?lang=en`);
    const thanks = await h.app.inject({ method: 'GET', url: res.headers.location as string });
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain('<div id="tp-thanks" role="status"><p>Many thanks!</p></div>');
    const zh = await h.app.inject({ method: 'GET', url: `/s/${token}/thanks?lang=zh-CN` });
    expect(zh.body).toContain('多谢参与！');
    expect(zh.body).toContain('<html lang="zh-CN">');

    const rows = await responses();
    expect(rows).toHaveLength(before + 1);
    const row = rows.find((r) => r.answers.comment !== undefined && r.hidden.caseId === 'cas_7');
    expect(row).toMatchObject({ status: 'completed', language: 'en', hidden: { caseId: 'cas_7' } });
    // NPS 6 does not jump, and the hidden caseId ends the survey after the comment: the later answers are off the
    // respondent's path, so the server drops them as it does for a JSON submission.
    expect(row?.answers).toEqual({
      nps: 6,
      one: { other: 'by phone' },
      many: ['a', 'b'],
      comment: '<script>alert("x")</script> 信号差',
    });

    // The same page posted again (back button, double click) updates that response: no duplicate.
    const again = await post(token, [
      ['h.caseId', 'cas_7'],
      ...valid.filter(([k]) => k !== 'q.nps'),
      ['q.nps', '8'],
    ]);
    expect(again.statusCode).toBe(303);
    const after = await responses();
    expect(after).toHaveLength(before + 1);
    expect(after.find((r) => r.id === row?.id)?.answers.nps).toBe(8);
  });

  it('keeps every answer of a path without the hidden end, as the JSON route does', async () => {
    const res = await post(token, [
      ...valid.filter(([k]) => k !== '_rid'),
      ['_rid', 'second-respondent-0000001'],
    ]);
    expect(res.statusCode).toBe(303);
    const row = (await responses()).find((r) => r.answers.grid !== undefined);
    expect(row?.answers).toMatchObject({
      grid: { r1: 'c2' },
      rank: ['y', 'x'],
      ep: { expectation: 7, perception: 4 },
      alloc: { p: 6, q: 4 },
    });
  });

  it('renders the page again (400) with a summary, per-question messages and every value kept, escaped', async () => {
    const before = (await responses()).length;
    const fields: [string, string][] = [
      ['_rid', 'third-respondent-00000001'],
      ['q.csat', '4'],
      ['q.one', 'b'],
      ['q.many', 'a'],
      ['q.many', 'b'],
      ['q.many', 'c'],
      ['q.comment', '<script>alert(1)</script>'],
      ['q.grid.r2', 'c1'],
      ['q.rank.x', '1'],
      ['q.ep.expectation', '5'],
      ['q.alloc.p', '3'],
      ['q.alloc.q', '4'],
    ];
    const res = await post(token, fields);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(html).toContain('<title>Error: All types</title>');
    expect(html).toMatch(/<div class="error summary" id="tp-summary" role="alert"[^>]*autofocus>/);
    // Each problem: in the summary with a link, at its question, and the fieldset marked invalid.
    for (const [id, message] of [
      ['many', 'Please choose at most 2 options.'],
      ['rank', 'Please give every option its own rank, from 1 to 2.'],
      ['ep', 'Please rate both what you expect and how you perceive us (1 to 7).'],
      ['alloc', 'The points must add up to 10.'],
      ['nps', 'Please answer this question.'],
    ] as const) {
      expect(html).toContain(`<li><a href="#q-${id}">Q ${id}: ${message}</a></li>`);
      expect(html).toMatch(new RegExp(`<fieldset id="q-${id}" class="has-error" aria-invalid="true"`));
      expect(html).toContain(`id="q-${id}-error" role="alert" aria-live="polite">${message}</p>`);
    }
    expect(html).toMatch(/<fieldset id="q-csat" data-question/);
    // The respondent's values are all there.
    expect(html).toContain('<input type="radio" name="q.csat" value="4" checked>');
    expect(html).toContain('<input type="radio" name="q.one" value="b" checked>');
    for (const v of ['a', 'b', 'c']) expect(html).toContain(`name="q.many" value="${v}" checked>`);
    expect(html).toContain(
      'name="q.comment" maxlength="300">&lt;script&gt;alert(1)&lt;/script&gt;</textarea>',
    );
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('name="q.grid.r2" value="c1" checked');
    expect(html).toContain('<option value="1" selected>1</option>');
    expect(html).toContain('<input type="radio" name="q.ep.expectation" value="5" checked>');
    expect(html).toContain('name="q.alloc.p" value="3"');
    expect(html).toContain('<input type="hidden" name="_rid" value="third-respondent-00000001">');
    // Nothing was stored.
    expect(await responses()).toHaveLength(before);

    // In Chinese: the same problems in Chinese.
    const zh = await post(token, fields, '?lang=zh-CN');
    expect(zh.statusCode).toBe(400);
    expect(zh.body).toContain('<a href="#q-many">题many: 最多只能选择 2 项。</a>');
    expect(zh.body).toContain('<a href="#q-nps">题nps: 请回答此题。</a>');

    // Corrected and posted again, the same page completes.
    const fixed = await post(token, [
      ['_rid', 'third-respondent-00000001'],
      ...valid.filter(([k]) => k !== '_rid'),
    ]);
    expect(fixed.statusCode, fixed.body.slice(0, 300)).toBe(303);
    expect(await responses()).toHaveLength(before + 1);
  });

  it('refuses a ranking that gives two options the same position (400, bilingual), with the other problems', async () => {
    const before = (await responses()).length;
    const tied = (x: string, y: string): [string, string][] => [
      ['_rid', 'tied-respondent-000000001'],
      ...valid.filter(([k]) => k !== '_rid' && !k.startsWith('q.rank.') && k !== 'q.many'),
      ['q.many', 'a'],
      ['q.many', 'b'],
      ['q.many', 'c'],
      ['q.rank.x', x],
      ['q.rank.y', y],
    ];
    const en = await post(token, tied('1', '1'));
    expect(en.statusCode).toBe(400);
    const enTie = 'Two options have the same rank: please give each option a different one.';
    expect(en.body).toContain(`<li><a href="#q-rank">Q rank: ${enTie}</a></li>`);
    expect(en.body).toContain(`id="q-rank-error" role="alert" aria-live="polite">${enTie}</p>`);
    expect(en.body).toMatch(/<fieldset id="q-rank" class="has-error" aria-invalid="true"/);
    // Listed with the other problems of the same post, the positions kept.
    expect(en.body).toContain('<li><a href="#q-many">Q many: Please choose at most 2 options.</a></li>');
    expect(en.body).toMatch(/name="q\.rank\.x"[^>]*>.*?<option value="1" selected>/);
    expect(en.body).toMatch(/name="q\.rank\.y"[^>]*>.*?<option value="1" selected>/);
    const zh = await post(token, tied('2', '2'), '?lang=zh-CN');
    expect(zh.statusCode).toBe(400);
    expect(zh.body).toContain(
      '<li><a href="#q-rank">题rank: 有两个选项的名次相同：请为每个选项指定不同的名次。</a></li>',
    );
    expect(await responses()).toHaveLength(before);

    // A link whose response already exists (saved by survey.js) skips the full check, not the tie.
    const link = await api('POST', `/surveys/${surveyId}/links`, { singleUse: false });
    expect(link.statusCode, link.body).toBe(201);
    const linkToken = link.json().token as string;
    const saved = await h.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${linkToken}/responses`,
      payload: { answers: { nps: 4, rank: ['x', 'y'] }, complete: false },
      remoteAddress: '10.9.9.9',
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const again = await post(linkToken, [
      ['q.nps', '4'],
      ['q.rank.x', '1'],
      ['q.rank.y', '1'],
    ]);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain(`Q rank: ${enTie}`);
    const stored = (await responses()).find((r) => r.status === 'partial' && r.answers.nps === 4);
    expect(stored?.answers.rank).toEqual(['x', 'y']);

    // Distinct positions: the same post completes, in rank order.
    const ids = new Set((await responses()).map((r) => r.id));
    const fixed = await post(
      token,
      tied('2', '1').filter(([k, v]) => !(k === 'q.many' && v === 'c')),
    );
    expect(fixed.statusCode, fixed.body.slice(0, 300)).toBe(303);
    const added = (await responses()).filter((r) => !ids.has(r.id));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ status: 'completed', answers: { rank: ['y', 'x'], many: ['a', 'b'] } });
  });

  it('takes a single-use link once, then shows the used page; the thanks page still works', async () => {
    const link = await api('POST', `/surveys/${surveyId}/links`, {
      singleUse: true,
      hidden: { caseId: 'cas_1' },
    });
    expect(link.statusCode, link.body).toBe(201);
    const linkToken = link.json().token as string;
    const first = await post(linkToken, [['q.nps', '10']]);
    expect(first.statusCode, first.body.slice(0, 300)).toBe(303);
    expect(first.headers.location).toBe(`/s/${linkToken}/thanks?lang=en`);
    const second = await post(linkToken, [['q.nps', '2']]);
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('You have already answered this survey. Thank you!');
    const thanks = await h.app.inject({ method: 'GET', url: `/s/${linkToken}/thanks?lang=en` });
    expect(thanks.statusCode).toBe(200);
    expect(thanks.body).toContain('Many thanks!');
    const page = await h.app.inject({ method: 'GET', url: `/s/${linkToken}?lang=en` });
    expect(page.statusCode).toBe(409);
  });

  it('refuses forged tokens, too large and non-form bodies with a clear 4xx', async () => {
    const forged = await post(`${token}x`, [['q.nps', '1']], '?lang=en');
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toContain('This survey link is not valid or has expired.');
    const large = await post(token, [['q.comment', 'x'.repeat(1_100_000)]], '?lang=zh-CN');
    expect(large.statusCode).toBe(413);
    expect(large.headers['content-type']).toContain('text/html');
    expect(large.body).toContain('您的答案过长，无法提交');
    const json = await h.app.inject({
      method: 'POST',
      url: `/s/${token}`,
      payload: { answers: { nps: 1 }, complete: true },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const empty = await h.app.inject({ method: 'POST', url: `/s/${token}?lang=en` });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<a href="#q-nps">Q nps: Please answer this question.</a>');
  });

  it('rate-limits form posts per address and token as the JSON route, with a page', async () => {
    const many: number[] = [];
    for (let i = 0; i < 121; i++) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/s/${token}x?lang=en`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'q.nps=1',
        remoteAddress: '10.9.9.9',
      });
      many.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.body).toContain('Too many submissions from your network');
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(many.filter((s) => s === 404)).toHaveLength(120);
    expect(many.at(-1)).toBe(429);
  });

  it('never answers 5xx to random form bodies (fields, values, malformed encoding)', async () => {
    const name = fc.oneof(
      fc.constantFrom(
        'q.nps',
        'q.one',
        'q.one.other',
        'q.many',
        'q.comment',
        'q.grid.r1',
        'q.grid.__proto__',
        'q.rank.x',
        'q.rank.y',
        'q.ep.expectation',
        'q.alloc.p',
        'q.alloc.constructor',
        'h.caseId',
        '_rid',
        '_startedAt',
        '__proto__',
      ),
      fc.string({ maxLength: 20 }),
    );
    const value = fc.oneof(
      fc.constantFrom('', '0', '10', '-1', '1e400', 'NaN', 'a', '__other', 'c2', '<script>', 'x'.repeat(600)),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(name, value), { maxLength: 12 }),
        fc.boolean(),
        async (pairs, raw) => {
          const payload = raw
            ? pairs.map(([k, v]) => `${k}=${v}`).join('&') + '&%E0%A4%A=%'
            : new URLSearchParams(pairs).toString();
          const res = await h.app.inject({
            method: 'POST',
            url: `/s/${token}?lang=en`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload,
            remoteAddress: `10.2.${++ip % 250}.1`,
          });
          expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
          expect([303, 400]).toContain(res.statusCode);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows the closed page once the survey is closed', async () => {
    expect((await api('POST', `/surveys/${surveyId}/close`)).statusCode).toBe(200);
    const res = await post(token, valid);
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('This survey is closed. Thank you for your interest.');
  });
});
