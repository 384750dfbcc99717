import {
  request,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  choose as pick,
  chooseLanguage as switchLanguage,
  CHROMIUM,
  hasChromium,
  launchChromium,
  pinConsole,
  screenshot,
  settled,
  watchProblems,
} from '../support/browser.js';
import { buildApp } from '../../src/app.js';
import { systemActor } from '../../src/modules/audit/index.js';
import { seedDemoCases } from '../../src/modules/cases/index.js';
import { seedDemoWorkspace } from '../../src/modules/workspaces/index.js';
import { testConfig } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The Cases area in a real browser (Debian's chromium) against the real server with the demo cases: the agent
 * inbox with SLA countdowns, a case opened from it, an internal note, the move open → resolved with a resolution
 * (code, root cause, handling steps) seen on the timeline — in Chinese and in English — a version conflict when
 * someone else changed the case meanwhile, the analytics charts and the service settings.
 */

const PASSWORD = 'touchpoint-demo';
const OWNER = 'demo@touchpoint.dev';
const TIME_ZONE = 'Asia/Shanghai';
/** Set to a folder to keep screenshots of the pages the test visits. */

interface CaseRow {
  id: string;
  number: string;
  status: string;
  version: number;
}

if (!hasChromium) {
  console.warn(`cases e2e skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
}

// A real browser on a busy 2-core machine: steps can take tens of seconds.
describe.skipIf(!hasChromium)('cases in Chromium', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let baseUrl = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: APIRequestContext;
  const problems: string[] = [];
  /** Two demo cases that are still new: one is worked in Chinese, the other in English. */
  let zhCase: CaseRow;
  let enCase: CaseRow;
  let unpin = (): void => undefined;

  const shot = (name: string) => screenshot(page, name);

  const chooseLanguage = (label: string) => switchLanguage(page, label);

  const openFromMenu = async (label: string) => {
    await page.locator('.tp-sider-menu').getByRole('link', { name: label, exact: true }).click();
  };

  /** Picks an option of an Ant Design select by its visible text. */
  const choose = (select: Locator, option: string) => pick(page, select, option);

  const getCase = async (id: string) => {
    const response = await api.get(`/api/v1/cases/${id}`);
    expect(response.status()).toBe(200);
    return (await response.json()) as CaseRow & {
      resolution: { code: string; rootCause: string; steps: string[] } | null;
    };
  };

  /** Picks options of an Ant Design multiple select (which stays open) and closes it. */
  const chooseMany = async (select: Locator, option: string) => {
    await select.click();
    const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    await dropdown.waitFor();
    await settled(dropdown);
    await dropdown.getByTitle(option, { exact: true }).click();
    await page.keyboard.press('Escape');
    await dropdown.waitFor({ state: 'hidden' });
  };

  /** Opens a case from the inbox: all cases of every status, searched by the case number, then clicked. */
  const openCase = async (c: CaseRow, labels: { allCases: string; allStatuses: string }) => {
    await page.goto(`${baseUrl}/cases`);
    await page.getByTestId('case-views').getByText(labels.allCases, { exact: true }).click();
    await page.waitForURL(/view=all/);
    await chooseMany(page.getByTestId('filter-status'), labels.allStatuses);
    await page.waitForURL(/status=all/);
    await page.getByTestId('case-search').locator('input').fill(c.number);
    await page.getByTestId('case-search').locator('input').press('Enter');
    await page.waitForURL(/q=C-/);
    // Only the searched case is left (the previous list stays on screen until the answer arrives).
    await expect
      .poll(() => page.getByTestId('case-link').allTextContents(), { timeout: 30_000 })
      .toEqual([c.number]);
    await page.getByTestId('case-link').click();
    await page.waitForURL(new RegExp(`/cases/${c.id}$`));
    await page.getByRole('heading', { name: new RegExp(c.number) }).waitFor();
  };

  /** Internal note, status new → open, resolution: each step checked on the timeline and through the API. */
  const workCase = async (
    c: CaseRow,
    texts: {
      note: string;
      noteTab: string;
      moveToOpen: string;
      open: string;
      resolved: string;
      code: string;
      rootCause: string;
      extraStep: string;
    },
  ) => {
    // An internal note: never shown to the customer, on the timeline at once.
    await page.getByTestId('composer-mode').getByText(texts.noteTab, { exact: true }).click();
    await page.getByTestId('composer-text').fill(texts.note);
    await page.getByTestId('composer-send').click();
    await page.getByTestId('timeline-note').filter({ hasText: texts.note }).waitFor();
    await expect
      .poll(async () => (await page.getByTestId('composer-text').inputValue()).length, { timeout: 30_000 })
      .toBe(0);

    // new → open, with only the allowed transitions offered.
    await choose(page.getByTestId('case-status-select'), texts.moveToOpen);
    await page
      .getByTestId('case-timeline')
      .getByTestId('timeline-status')
      .filter({ hasText: texts.open })
      .last()
      .waitFor();
    expect((await getCase(c.id)).status).toBe('open');

    // open → resolved with a resolution code, a root cause and the handling steps taken.
    await page.getByTestId('resolve-case').click();
    const form = page.getByTestId('resolve-form');
    await form.waitFor();
    await settled(page.locator('.ant-modal'));
    await choose(form.getByTestId('resolution-code'), texts.code);
    await page.getByTestId('resolution-root-cause').fill(texts.rootCause);
    await form.getByLabel(texts.extraStep).check();
    await page.getByTestId('resolve-submit').click();
    await form.waitFor({ state: 'hidden' });
    const resolution = page.getByTestId('timeline-resolution');
    await resolution.waitFor();
    await page.getByTestId('case-resolution').filter({ hasText: texts.rootCause }).waitFor();
    expect(await page.getByTestId('case-timeline').textContent()).toContain(texts.rootCause);
    expect(await page.getByTestId('case-details').getByTestId('case-status').first().textContent()).toBe(
      texts.resolved,
    );

    const stored = await getCase(c.id);
    expect(stored.status).toBe('resolved');
    expect(stored.resolution?.rootCause).toBe(texts.rootCause);
    expect(stored.resolution?.steps).toEqual(expect.arrayContaining(['listen', 'apologise']));
    expect(stored.resolution?.steps.length).toBe(3);
  };

  beforeAll(async () => {
    // The application on a fresh database with the demo workspace and its demo cases (teams, rules, calendar).
    db = await openTestDatabase();
    await seedDemoWorkspace(db.handle.db, systemActor('demo-seed'), TIME_ZONE);
    const ws = await db.handle.db
      .selectFrom('workspaces')
      .select('id')
      .where('slug', '=', 'demo')
      .executeTakeFirstOrThrow();
    expect(await seedDemoCases(db.handle.db, ws.id, { now: Date.now() })).toBeGreaterThan(20);
    app = await buildApp({
      config: { ...testConfig, loginRateLimit: 100 },
      database: db.handle,
      logger: false,
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

    api = await request.newContext({ baseURL: baseUrl });
    const login = await api.post('/api/v1/auth/login', {
      headers: { origin: baseUrl },
      data: { email: OWNER, password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    const fresh = await api.get('/api/v1/cases?view=all&status=new&limit=10');
    const newCases = ((await fresh.json()) as { data: CaseRow[] }).data;
    expect(newCases.length).toBeGreaterThanOrEqual(2);
    [zhCase, enCase] = newCases as [CaseRow, CaseRow];

    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: TIME_ZONE,
      viewport: { width: 1440, height: 900 },
    });
    unpin = await pinConsole(context, baseUrl);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    watchProblems(page, baseUrl, problems);
  }, 180_000);

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail')
      await shot(`failed-cases-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await api?.dispose();
    await browser?.close();
    await app?.close();
    await db?.close();
    unpin();
  });

  it('shows the inbox with SLA countdowns, views and filters (zh-CN)', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('邮箱').fill(OWNER);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await openFromMenu('服务工单');
    await page.getByRole('heading', { name: '服务工单', exact: true }).waitFor();
    await page.getByTestId('case-views').getByText('全部工单', { exact: true }).click();
    await page.waitForURL(/view=all/);
    const table = page.getByTestId('cases-table');
    await table.getByTestId('case-link').first().waitFor();
    // Every active case has a live SLA state: time left, overdue (red) or paused while waiting for the customer.
    expect(
      await table
        .locator('[data-testid="sla-active"], [data-testid="sla-breached"], [data-testid="sla-paused"]')
        .count(),
    ).toBeGreaterThan(0);
    expect(await table.textContent()).toMatch(/剩余|已超时|已暂停/);
    await shot('cases-inbox-zh');

    // A filter lives in the URL and narrows the list; a search without matches shows a helpful empty state.
    await chooseMany(page.getByTestId('filter-status'), '待客户回复');
    await page.waitForURL(/status=pending_customer/);
    await expect
      .poll(async () => [...new Set(await table.getByTestId('case-status').allTextContents())], {
        timeout: 30_000,
      })
      .toEqual(['待客户回复']);
    await page.getByTestId('case-search').locator('input').fill('没有这样的投诉内容zzz');
    await page.getByTestId('case-search').locator('input').press('Enter');
    await page.getByText('没有符合筛选条件的工单').waitFor();
    await page.getByRole('button', { name: '清除筛选' }).first().click();
    await page.waitForURL((url) => !url.search.includes('status='));

    // An agent opens a case by hand (a phone call): it is analysed, routed and lands on its own page.
    await page.getByTestId('new-case').click();
    const form = page.getByTestId('new-case-form');
    await form.waitFor();
    await settled(page.locator('.ant-modal').filter({ has: form }));
    await form.getByLabel('客户反映的问题').fill('宽带又断网了，我要投诉到工信部！已经第三次了。');
    await page.getByRole('button', { name: '创建工单' }).click();
    await page.waitForURL(/\/cases\/case_/);
    await page.getByRole('heading', { name: /宽带又断网了/ }).waitFor();
    await page.getByTestId('urgent-badge').first().waitFor();
    const created = await getCase(new URL(page.url()).pathname.split('/').pop() ?? '');
    expect(created.status).toBe('new');
  }, 90_000);

  it('works a case: internal note, open → resolved with a resolution, all on the timeline (zh-CN)', async () => {
    await openCase(zhCase, { allCases: '全部工单', allStatuses: '全部状态' });
    await page.getByTestId('case-sla').waitFor();
    await page.getByTestId('case-timeline').waitFor();
    await shot('case-view-zh');
    await workCase(zhCase, {
      note: '已致电客户，约定明天上午回访。',
      noteTab: '内部备注',
      moveToOpen: '转为处理中',
      open: '处理中',
      resolved: '已解决',
      code: '已修复',
      rootCause: '基站参数配置错误',
      extraStep: '当场解决',
    });
    await shot('case-resolved-zh');
  }, 120_000);

  it('works a case in English and reloads on a version conflict', async () => {
    await chooseLanguage('English');
    await page.goto(`${baseUrl}/cases`);
    await page.getByRole('heading', { name: 'Cases', exact: true }).waitFor();
    await page.getByTestId('case-views').getByText('All cases', { exact: true }).click();
    await page.getByTestId('cases-table').getByTestId('case-link').first().waitFor();
    await shot('cases-inbox-en');

    await openCase(enCase, { allCases: 'All cases', allStatuses: 'Every status' });
    await shot('case-view-en');
    await workCase(enCase, {
      note: 'Called the customer back; the engineer visits tomorrow.',
      noteTab: 'Internal note',
      moveToOpen: 'Move to Open',
      open: 'Open',
      resolved: 'Resolved',
      code: 'Refund or credit',
      rootCause: 'Duplicate charge after payment retry',
      extraStep: 'Delight',
    });
    await shot('case-resolved-en');

    // Someone else changes the case meanwhile: the next change from this page gets 409 CASE_VERSION_CONFLICT,
    // the page reloads the case and says so, and nothing is lost.
    const before = await getCase(enCase.id);
    const other = await api.post(`/api/v1/cases/${enCase.id}/notes`, {
      data: { body: 'A colleague added this note meanwhile.', version: before.version },
    });
    expect(other.status()).toBe(201);
    await choose(page.getByTestId('case-status-select'), 'Move to Closed');
    await page
      .locator('.ant-modal-confirm-title')
      .filter({ hasText: 'Someone else changed this case' })
      .waitFor();
    await page.getByTestId('conflict-ok').click();
    await page
      .getByTestId('timeline-note')
      .filter({ hasText: 'A colleague added this note meanwhile.' })
      .waitFor();
    expect((await getCase(enCase.id)).status).toBe('resolved');

    // Trying again on the reloaded case works.
    await choose(page.getByTestId('case-status-select'), 'Move to Closed');
    await expect.poll(async () => (await getCase(enCase.id)).status, { timeout: 30_000 }).toBe('closed');
  }, 120_000);

  it('draws the case analytics with titled charts', async () => {
    await page.goto(`${baseUrl}/cases/analytics`);
    await page.getByRole('heading', { name: 'Case analytics' }).waitFor();
    await page.getByTestId('case-kpis').waitFor();
    expect(await page.getByTestId('case-kpis').textContent()).toContain('First-contact resolution');
    await page.getByTestId('chart-daily').locator('canvas').waitFor();
    for (const title of [
      'Cases by category',
      'Cases by channel',
      'SLA compliance by team (%)',
      'Top root causes (resolved cases)',
    ])
      await page.getByText(title, { exact: true }).waitFor();
    await shot('case-analytics-en');
    await page.getByTestId('analytics-range').getByText('90 days').click();
    await page.getByTestId('chart-daily').locator('canvas').waitFor();
  }, 90_000);

  it('opens the service settings: taxonomy, teams, rules, business hours, webhooks', async () => {
    await openFromMenu('Service settings');
    await page.getByRole('heading', { name: 'Service settings' }).waitFor();
    await page.getByTestId('taxonomy-form').waitFor();
    expect(await page.getByTestId('taxonomy-form').locator('input').first().inputValue()).toMatch(/^[a-z]/);
    await shot('case-settings-taxonomy-en');

    await page.getByRole('tab', { name: 'Routing' }).click();
    await page.getByText('Team Frontline complaints').waitFor();
    await page.getByTestId('add-rule-routing').click();
    await page.getByTestId('rule-form').waitFor();
    await settled(page.locator('.ant-modal'));
    await shot('case-settings-rule-editor-en');
    // A rule built in the editor is saved through the API's validation and listed in words.
    const editor = page.getByTestId('rule-form');
    await editor.getByLabel('Name').fill('Urgent cases → VIP care');
    await editor.getByRole('button', { name: 'Add condition' }).click();
    await choose(editor.getByLabel('Condition', { exact: true }), 'Urgent');
    await choose(editor.locator('.ant-select').filter({ hasText: 'Team' }).last(), 'VIP care');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await editor.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /Urgent cases → VIP care/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Urgent: Yes');
    expect(await row.textContent()).toContain('Team VIP care');
    const rules = (await (await api.get('/api/v1/cases/rules/routing')).json()) as {
      data: { name: string; conditions: unknown[]; config: unknown }[];
    };
    const saved = rules.data.find((r) => r.name === 'Urgent cases → VIP care');
    expect(saved?.conditions).toEqual([{ type: 'urgent', value: true }]);
    expect(saved?.config).toMatchObject({ type: 'team' });

    await page.getByRole('tab', { name: 'Business hours' }).click();
    await page.getByTestId('calendar-form').waitFor();
    await page.getByText('Monday', { exact: true }).waitFor();
    await shot('case-settings-calendar-en');

    await page.getByRole('tab', { name: 'Webhooks' }).click();
    await page.getByText('No webhook endpoints').waitFor();

    await chooseLanguage('简体中文');
    await page.getByRole('tab', { name: '团队' }).click();
    await page.getByText('一线投诉处理组').waitFor();
    await shot('case-settings-teams-zh');
    expect(problems).toEqual([]);
  }, 90_000);
});
