import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { systemActor } from '../src/modules/audit/index.js';
import { createApiKey, createWorkspace } from '../src/modules/workspaces/index.js';
import type { HttpServer } from '../src/platform/http/index.js';
import { testConfig } from './support/app.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

/**
 * The hosted survey page and its script in a real browser: branching hides and shows questions as the respondent
 * answers, a missing required answer is reported at its question (the server's 400), a partial save and the
 * completion end in one stored response, and the page works with the keyboard alone.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('hosted survey page in Chromium', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: HttpServer;
  let baseUrl: string;
  let browser: Browser;
  let auth: Record<string, string>;
  let surveyId: string;
  let pageUrl: string;

  beforeAll(async () => {
    t = await openTestDatabase();
    const actor = systemActor('test');
    const ws = await createWorkspace(t.handle.db, actor, {
      slug: 'page',
      name: 'Page',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      ownerUserId: null,
    });
    auth = {
      authorization: `Bearer ${(await createApiKey(t.handle.db, actor, null, ws.id, { name: 'k', role: 'admin' })).key}`,
    };
    app = await buildApp({ config: testConfig, database: t.handle, logger: false });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/surveys',
      headers: auth,
      payload: { template: 'nps-relationship' },
    });
    surveyId = created.json().id;
    await app.inject({ method: 'POST', url: `/api/v1/surveys/${surveyId}/publish`, headers: auth });
    pageUrl = (created.json().publicUrl as string).replace(testConfig.publicUrl, baseUrl);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('branches, reports errors per question and stores one response', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pageUrl);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const improve = page.locator('#q-improve');
    // Nothing answered yet: every question is on the path.
    expect(await improve.isVisible()).toBe(true);
    // Submitting without the required NPS: the server's 400 is shown at the question.
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.locator('#q-nps-error').textContent()).toBe('请回答此题。');
    // A promoter ends after the reason: "what to improve" disappears; a detractor sees it again.
    await page.locator('#q-nps label').filter({ hasText: /^10$/ }).click();
    await expect.poll(() => improve.isVisible()).toBe(false);
    await page.locator('#q-nps label').filter({ hasText: /^3$/ }).click();
    await expect.poll(() => improve.isVisible()).toBe(true);
    // Keyboard only: tab to the reason, type; space ticks a checkbox.
    await page.locator('#in-reason').focus();
    await page.keyboard.type('网络信号太差 <script>alert(1)</script>');
    await page.locator('#q-improve input[value="network"]').focus();
    await page.keyboard.press('Space');
    // Let the debounced partial save run before completing.
    await page.waitForTimeout(1800);
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.locator('#tp-thanks').textContent()).toBe('感谢您的反馈！');
    expect(errors).toEqual([]);

    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/surveys/${surveyId}/responses`,
      headers: auth,
    });
    const rows = list.json().data as { status: string; answers: Record<string, unknown>; language: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'completed',
      language: 'zh-CN',
      answers: { nps: 3, reason: '网络信号太差 <script>alert(1)</script>', improve: ['network'] },
    });
    await page.close();
  });

  it('serves English on ?lang=en', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${pageUrl}?lang=en`);
    expect(await page.locator('#q-nps-legend').textContent()).toContain('How likely are you to recommend us');
    expect(await page.getByRole('button', { name: 'Submit' }).count()).toBe(1);
    await page.close();
  });
});
