import { request, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TYPES } from '../../src/modules/surveys/survey.test-support.js';
import { CHROMIUM, hasChromium, launchChromium, screenshot } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

/**
 * The hosted survey page in Chromium with JavaScript disabled: every question shown, the form posted to the
 * server, refused answers shown again with an error summary and the respondent's values, then a corrected post
 * redirected to the thanks page — and the response stored.
 */

const OWNER = 'demo@touchpoint.dev';
const PASSWORD = 'touchpoint-demo';

if (!hasChromium) {
  console.warn(
    `survey no-script e2e skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`,
  );
}

describe.skipIf(!hasChromium)('the survey page without JavaScript, in Chromium', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let api: APIRequestContext;
  let browser: Browser;
  let page: Page;
  let surveyId = '';
  let publicPath = '';
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    api = await request.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { origin: server.baseUrl } });
    const login = await api.post('/api/v1/auth/login', { data: { email: OWNER, password: PASSWORD } });
    expect(login.status()).toBe(200);
    const created = await api.post('/api/v1/surveys', {
      data: {
        key: 'noscript',
        name: { 'zh-CN': '无脚本问卷', en: 'No-script survey' },
        definition: { ...ALL_TYPES, thanks: { 'zh-CN': '多谢参与！', en: 'Many thanks!' } },
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const survey = (await created.json()) as { id: string; publicUrl: string };
    surveyId = survey.id;
    publicPath = new URL(survey.publicUrl).pathname;
    expect((await api.post(`/api/v1/surveys/${surveyId}/publish`)).status()).toBe(200);

    browser = await launchChromium();
    const context = await browser.newContext({
      javaScriptEnabled: false,
      locale: 'en',
      viewport: { width: 420, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.baseUrl)) problems.push(`external request: ${r.url()}`);
    });
  }, 180_000);

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail')
      await screenshot(page, `failed-noscript-${test.task.name.slice(0, 30)}`);
  });

  afterAll(async () => {
    await api?.dispose();
    await browser?.close();
    await server?.close();
  });

  it('shows every question and says so, in the page language', async () => {
    // (Playwright's text locators skip <noscript>; its paragraph is located directly.)
    const notice = page.locator('noscript p.notice');
    await page.goto(`${server.baseUrl}${publicPath}?lang=zh-CN&caseId=cas_e2e`);
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('浏览器未启用 JavaScript，所有问题会一次显示');
    await page.goto(`${server.baseUrl}${publicPath}?lang=en&caseId=cas_e2e`);
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('JavaScript is off, so all questions are shown at once');
    // Without script nothing hides the questions the branching would skip.
    for (const id of ALL_TYPES.questions.map((q) => q.id))
      await expect.poll(() => page.locator(`#q-${id}`).isVisible()).toBe(true);
    await screenshot(page, 'survey-noscript-en');
  });

  it('posts refused answers back with a summary, messages at each question and the values kept', async () => {
    await page.locator('input[name="q.csat"][value="4"]').check({ force: true });
    for (const v of ['a', 'b', 'c']) await page.locator(`input[name="q.many"][value="${v}"]`).check();
    await page.locator('textarea[name="q.comment"]').fill('<b>slow</b> 网速慢');
    await page.locator('input[name="q.alloc.p"]').fill('3');
    // Two options ranked first: no order, refused with the others.
    await page.locator('select[name="q.rank.x"]').selectOption('1');
    await page.locator('select[name="q.rank.y"]').selectOption('1');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('#tp-survey button[type="submit"]').click(),
    ]);
    expect(response.status()).toBe(400);
    await page.waitForLoadState();
    const summary = page.locator('#tp-summary');
    await expect.poll(() => summary.getAttribute('role')).toBe('alert');
    // The summary is focused on load (autofocus) so a screen reader starts there.
    await expect
      .poll(() => page.evaluate('document.activeElement && document.activeElement.id'))
      .toBe('tp-summary');
    await expect
      .poll(() => summary.locator('a').allTextContents())
      .toEqual([
        'Q nps: Please answer this question.',
        'Q many: Please choose at most 2 options.',
        'Q rank: Two options have the same rank: please give each option a different one.',
        'Q alloc: The points must add up to 10.',
      ]);
    expect(await page.locator('#q-rank').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#q-many-error').textContent()).toBe('Please choose at most 2 options.');
    expect(await page.locator('#q-many').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#q-csat').getAttribute('aria-invalid')).toBeNull();
    // What the respondent entered is all still there.
    expect(await page.locator('input[name="q.csat"][value="4"]').isChecked()).toBe(true);
    for (const v of ['a', 'b', 'c'])
      expect(await page.locator(`input[name="q.many"][value="${v}"]`).isChecked()).toBe(true);
    expect(await page.locator('textarea[name="q.comment"]').inputValue()).toBe('<b>slow</b> 网速慢');
    expect(await page.locator('input[name="q.alloc.p"]').inputValue()).toBe('3');
    expect(await page.locator('select[name="q.rank.y"]').inputValue()).toBe('1');
    expect(await page.locator('input[name="h.caseId"]').inputValue()).toBe('cas_e2e');
    await screenshot(page, 'survey-noscript-errors-en');
    // A summary link takes the respondent to the question.
    await summary.getByRole('link', { name: 'Q nps: Please answer this question.' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#q-nps');
  });

  it('completes the corrected answers and shows the thanks page', async () => {
    await page.locator('input[name="q.nps"][value="9"]').check({ force: true });
    await page.locator('input[name="q.many"][value="c"]').uncheck();
    await page.locator('input[name="q.alloc.q"]').fill('7');
    await page.locator('select[name="q.rank.y"]').selectOption('2');
    await page.locator('#tp-survey button[type="submit"]').click();
    await page.getByText('Many thanks!').waitFor();
    expect(new URL(page.url()).pathname).toBe(`${publicPath}/thanks`);
    await screenshot(page, 'survey-noscript-thanks-en');

    const listed = await api.get(`/api/v1/surveys/${surveyId}/responses`);
    const rows = (
      (await listed.json()) as {
        data: { status: string; answers: Record<string, unknown>; hidden: Record<string, string> }[];
      }
    ).data;
    expect(rows).toHaveLength(1);
    // NPS 9 jumps to the comment, and the hidden caseId ends the survey after it: the questions between and after
    // are off the respondent's path, so the server keeps only the answers on it.
    expect(rows[0]).toMatchObject({
      status: 'completed',
      hidden: { caseId: 'cas_e2e' },
      answers: { nps: 9, comment: '<b>slow</b> 网速慢' },
    });
    expect(Object.keys(rows[0]?.answers ?? {}).sort()).toEqual(['comment', 'nps']);
    expect(problems).toEqual([]);
  });

  /** A page with JavaScript on, recording the bodies it posts. */
  const scripted = async (locale: string) => {
    const context = await browser.newContext({ locale, viewport: { width: 420, height: 900 } });
    const js = await context.newPage();
    js.setDefaultTimeout(30_000);
    js.on('pageerror', (error) => problems.push(`page error (js): ${error.message}`));
    const posts: { path: string; body: string }[] = [];
    js.on('request', (r) => {
      if (r.method() === 'POST') posts.push({ path: new URL(r.url()).pathname, body: r.postData() ?? '' });
    });
    const completions = () => posts.filter((p) => p.body.includes('"complete":true')).length;
    return { context, js, posts, completions };
  };

  it('with JavaScript on, survey.js still takes the submission (JSON, no page post) and thanks in place', async () => {
    const { context, js, posts, completions } = await scripted('en');
    await js.goto(`${server.baseUrl}${publicPath}?lang=en`);
    await js.locator('input[name="q.nps"][value="3"]').check({ force: true });
    // With script the branching hides what it skips, and a wrong answer is shown in place.
    await js.locator('input[name="q.many"][value="a"]').check();
    await js.locator('input[name="q.many"][value="b"]').check();
    await js.locator('input[name="q.many"][value="c"]').check();
    // A ranking tie is refused before anything is posted, in the page language.
    await js.locator('select[name="q.rank.x"]').selectOption('1');
    await js.locator('select[name="q.rank.y"]').selectOption('1');
    await js.locator('#tp-survey button[type="submit"]').click();
    await expect.poll(() => js.locator('#q-rank').getAttribute('aria-invalid')).toBe('true');
    expect(await js.locator('#q-rank-error').textContent()).toBe(
      'Two options have the same rank: please give each option a different one.',
    );
    expect(completions()).toBe(0);
    // Resolved, the server's refusal is shown with the same English wording as the page without script.
    await js.locator('select[name="q.rank.y"]').selectOption('2');
    await js.locator('#tp-survey button[type="submit"]').click();
    await expect.poll(() => js.locator('#q-many').getAttribute('aria-invalid')).toBe('true');
    expect(await js.locator('#q-many-error').textContent()).toBe('Please choose at most 2 options.');
    expect(await js.locator('#q-rank').getAttribute('aria-invalid')).toBeNull();
    expect(completions()).toBe(1);
    await js.locator('input[name="q.many"][value="c"]').uncheck();
    await js.locator('#tp-survey button[type="submit"]').click();
    await js.getByText('Many thanks!').waitFor();
    expect(new URL(js.url()).pathname).toBe(publicPath);
    expect(await js.locator('#q-many').getAttribute('aria-invalid')).toBeNull();
    const api = `/api/v1/public/surveys/${publicPath.split('/s/')[1]}/responses`;
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((p) => p.path === api)).toBe(true);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('with JavaScript on a zh-CN page, survey.js shows the Chinese messages (tie refused, server problems)', async () => {
    const { context, js, completions } = await scripted('zh-CN');
    await js.goto(`${server.baseUrl}${publicPath}?lang=zh-CN`);
    await js.locator('input[name="q.nps"][value="3"]').check({ force: true });
    for (const v of ['a', 'b', 'c']) await js.locator(`input[name="q.many"][value="${v}"]`).check();
    await js.locator('select[name="q.rank.x"]').selectOption('2');
    await js.locator('select[name="q.rank.y"]').selectOption('2');
    await js.locator('#tp-survey button[type="submit"]').click();
    await expect
      .poll(() => js.locator('#q-rank-error').textContent())
      .toBe('有两个选项的名次相同：请为每个选项指定不同的名次。');
    expect(await js.locator('#tp-summary').textContent()).toBe('部分答案需要修改。');
    expect(completions()).toBe(0);
    await js.locator('select[name="q.rank.x"]').selectOption('1');
    await js.locator('input[name="q.alloc.p"]').fill('3');
    await js.locator('#tp-survey button[type="submit"]').click();
    await expect.poll(() => js.locator('#q-many-error').textContent()).toBe('最多只能选择 2 项。');
    expect(await js.locator('#q-alloc-error').textContent()).toBe('各项分值之和必须为 10。');
    expect(await js.locator('#q-rank-error').textContent()).toBe('');
    await screenshot(js, 'survey-js-errors-zh');
    await context.close();
    expect(problems).toEqual([]);
  });
});
