import { readFileSync } from 'node:fs';
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
  CHROMIUM,
  choose as pick,
  chooseLanguage as switchLanguage,
  hasChromium,
  launchChromium,
  screenshot,
  settled,
  watchProblems,
} from '../support/browser.js';
import { startTestServer } from '../support/server.js';

/**
 * The Customers area in a real browser (Debian's chromium) against the real server: customers sent through the
 * Segment API, search by the last digits of a phone, the 360° profile (basic info, trial end, engagement chart,
 * timeline, merges), English labels, trait editing, erasure, CSV import, and a viewer who sees masked PII only.
 */

const PASSWORD = 'touchpoint-demo';
const OWNER = 'demo@touchpoint.dev';
const VIEWER = 'viewer@touchpoint.dev';
const TIME_ZONE = 'Asia/Shanghai';
/** Set to a folder to keep screenshots of the pages the test visits. */
const DAY_MS = 86_400_000;

/** The customer the test follows; the phone's last 4 digits are what people search by. */
const LIN = {
  userId: 'e2e-lin-xiaomei',
  name: '林晓梅',
  phone: '13912347391',
  email: 'lin.xiaomei@example.cn',
  suffix: '7391',
};
/** A second customer, erased by the test. */
const GUO = { userId: 'e2e-guo-jianguo', name: '郭建国', phone: '13612348264', suffix: '8264' };

if (!hasChromium) {
  console.warn(`customers e2e skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
}

// A real browser on a busy 2-core machine: steps can take tens of seconds.
describe.skipIf(!hasChromium)('customers in Chromium', { timeout: 120_000 }, () => {
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: APIRequestContext;
  const problems: string[] = [];
  const now = Date.now();
  const trialStart = now - 5 * DAY_MS;
  const trialEnd = trialStart + 7 * DAY_MS; // 2 days from now: a trial ending soon
  /** The profile that was merged away when the visitor's anonymous id met their user id. */
  let mergedAwayId = '';
  let linId = '';

  const shot = (name: string) => screenshot(page, name);

  const chooseLanguage = (label: string) => switchLanguage(page, label);

  const openFromMenu = async (label: string) => {
    await page.locator('.tp-sider-menu').getByRole('link', { name: label, exact: true }).click();
  };

  const signIn = async (email: string, labels: { email: string; password: string }) => {
    await page.getByLabel(labels.email).fill(email);
    await page.getByLabel(labels.password).fill(PASSWORD);
    await page.getByTestId('login-submit').click();
  };

  /** Picks an option of an Ant Design select by its visible text. */
  const choose = (select: Locator, option: string) => pick(page, select, option);

  /** Sends events as an SDK would, with the demo workspace's write key. */
  const send = async (writeKey: string, batch: unknown[]) => {
    const response = await api.post('/v1/batch', {
      headers: { 'x-write-key': writeKey },
      data: { batch },
    });
    expect(response.status(), await response.text()).toBe(200);
  };

  const iso = (time: number) => new Date(time).toISOString();

  beforeAll(async () => {
    server = await startTestServer();

    // Customer data arrives the way it does in production: through the Segment-compatible collection API.
    api = await request.newContext({ baseURL: server.baseUrl });
    const login = await api.post('/api/v1/auth/login', {
      headers: { origin: server.baseUrl },
      data: { email: OWNER, password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    const keys = (await (await api.get('/api/v1/write-keys')).json()) as { data: Array<{ key: string }> };
    const writeKey = keys.data[0]?.key ?? '';
    expect(writeKey).toMatch(/^tp_wk_/);

    await send(writeKey, [
      {
        type: 'identify',
        userId: LIN.userId,
        timestamp: iso(now - 40 * DAY_MS),
        traits: {
          name: LIN.name,
          phone: LIN.phone,
          email: LIN.email,
          city: '上海',
          region: '华东',
          gender: 'female',
          birthday: '1990-06-18',
          language: 'zh-CN',
          plan_tier: 'gold',
        },
        context: { channel: 'store' },
      },
      ...['web', 'app', 'wechat', 'app'].map((channel, i) => ({
        type: 'track',
        userId: LIN.userId,
        event: 'Plan Viewed',
        timestamp: iso(now - (30 - i) * DAY_MS),
        properties: { plan: '5G 畅享套餐 199', category: '套餐' },
        context: { channel },
      })),
      {
        type: 'track',
        userId: LIN.userId,
        event: 'Trial Started',
        timestamp: iso(trialStart),
        properties: { product: '视频彩铃', trial_days: 7 },
        context: { channel: 'app' },
      },
      {
        type: 'track',
        userId: LIN.userId,
        event: 'Order Completed',
        timestamp: iso(now - 10 * DAY_MS),
        properties: { revenue: 99.5, currency: 'CNY', order_id: 'E2E-1001' },
        context: { channel: 'web' },
      },
      {
        type: 'track',
        userId: LIN.userId,
        event: 'Order Completed',
        timestamp: iso(now - 3 * DAY_MS),
        properties: { revenue: 99.5, currency: 'CNY', order_id: 'E2E-1002' },
        context: { channel: 'store' },
      },
      {
        type: 'identify',
        userId: GUO.userId,
        traits: { name: GUO.name, phone: GUO.phone, city: '南京' },
        context: { channel: 'call_center' },
      },
    ]);
    // An anonymous visit on the website, later tied to the customer: two profiles that merge into one.
    await send(writeKey, [
      {
        type: 'page',
        anonymousId: 'e2e-anon-lin',
        name: '资费专区',
        timestamp: iso(now - 2 * DAY_MS),
        properties: { path: '/plans', category: '资费' },
        context: { channel: 'web' },
      },
    ]);
    const visitor = await api.get('/api/v1/customers/lookup', {
      params: { type: 'anonymous_id', value: 'e2e-anon-lin' },
    });
    mergedAwayId = ((await visitor.json()) as { id: string }).id;
    await send(writeKey, [
      { type: 'identify', userId: LIN.userId, anonymousId: 'e2e-anon-lin', timestamp: iso(now - DAY_MS) },
    ]);
    const lin = await api.get('/api/v1/customers/lookup', { params: { type: 'user_id', value: LIN.userId } });
    linId = ((await lin.json()) as { id: string }).id;
    expect(linId).not.toBe(mergedAwayId);

    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: TIME_ZONE,
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    watchProblems(page, server.baseUrl, problems);
  }, 180_000);

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail')
      await shot(`failed-customers-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await api?.dispose();
    await browser?.close();
    await server?.close();
  });

  it('finds a customer by the last 4 digits of the phone number', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await signIn(OWNER, { email: '邮箱', password: '密码' });
    await page.getByTestId('getting-started').waitFor();
    await openFromMenu('客户');
    await page.getByRole('heading', { name: '客户', exact: true }).waitFor();
    await page.getByTestId('customers-table').getByRole('link', { name: LIN.name }).waitFor();
    await page.getByTestId('import-customers').waitFor();
    await page.getByTestId('export-customers').waitFor();
    await shot('customers-zh');

    // An exact trait filter: customers in Shanghai, not those in Nanjing.
    await page.getByLabel('属性名').fill('city');
    await page.getByLabel('属性值').fill('上海');
    await page.getByRole('button', { name: /查\s?询/ }).click();
    await page.waitForURL(/\/customers\?trait=city&value=/);
    await page.getByTestId('customers-table').getByRole('link', { name: LIN.name }).waitFor();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(GUO.name) }).count()).toBe(0);
    await page.getByRole('button', { name: /重\s?置/ }).click();
    await page.getByRole('row', { name: new RegExp(GUO.name) }).waitFor();

    await page.getByTestId('customer-search').fill(LIN.suffix);
    await page.getByTestId('customer-search').press('Enter');
    await page.waitForURL(/\/customers\?q=7391/);
    await page.getByTestId('search-summary').waitFor();
    // The demo data may hold other phones with the same last digits; ours must be among the results.
    const row = page.getByRole('row', { name: new RegExp(LIN.name) });
    await row.waitFor();
    expect(await row.textContent()).toContain('+86 139 1234 7391');
    expect(await row.textContent()).toContain('¥199.00');
    expect(await page.getByRole('row', { name: new RegExp(GUO.name) }).count()).toBe(0);
    await shot('customers-search-zh');
  }, 60_000);

  it('shows the 360° profile: basic info, value, trial end, engagement chart and timeline', async () => {
    await page
      .getByRole('row', { name: new RegExp(LIN.name) })
      .getByRole('link')
      .click();
    await page.waitForURL(new RegExp(`/customers/${linId}$`));
    await page.getByTestId('profile-name').filter({ hasText: LIN.name }).waitFor();
    expect(await page.getByTestId('pii-masked').count()).toBe(0);

    const basic = page.getByTestId('card-basic');
    expect(await basic.textContent()).toContain('女');
    expect(await basic.textContent()).toContain('上海');
    expect(await basic.textContent()).toContain('华东');
    expect(await basic.textContent()).toMatch(/\d+ 岁/);
    expect(await page.getByTestId('pii-phone').textContent()).toContain('+86 139 1234 7391');
    expect(await page.getByTestId('pii-email').textContent()).toContain(LIN.email);
    expect(await page.getByTestId('value-total-spend').textContent()).toContain('¥199.00');

    // The trial ends in 2 days: shown with its date and highlighted.
    const trialEndText = new Intl.DateTimeFormat('zh-CN', {
      dateStyle: 'medium',
      timeZone: TIME_ZONE,
    }).format(trialEnd);
    const subscriptions = page.getByTestId('card-subscriptions');
    expect(await subscriptions.getByTestId('trial-end').textContent()).toContain(trialEndText);
    await subscriptions.getByTestId('trial-ending-soon').waitFor();
    expect(await subscriptions.textContent()).toContain('视频彩铃');
    expect(await subscriptions.textContent()).toContain('试用中');

    // Events by channel, drawn by ECharts on a canvas.
    await page.getByTestId('channel-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('channel-chart').getAttribute('aria-label')).toContain('手机应用 3');

    const interests = page.getByTestId('card-interests');
    expect(await interests.textContent()).toContain('5G 畅享套餐 199');

    // Identities and the merge of the anonymous visitor.
    const identities = page.getByTestId('card-identities');
    expect(await identities.textContent()).toContain(LIN.userId);
    expect(await identities.textContent()).toContain('e2e-anon-lin');
    expect(await page.getByTestId('merges').textContent()).toContain(mergedAwayId);

    // The unified timeline, newest first, across channels.
    const timeline = page.getByTestId('card-timeline');
    await timeline.getByTestId('timeline-entry').first().waitFor();
    expect(await timeline.getByTestId('timeline-entry').count()).toBeGreaterThanOrEqual(10);
    const first = timeline.getByTestId('timeline-entry').first();
    expect(await first.textContent()).toContain('身份识别'); // the identify that tied the visit to her
    const order = timeline.getByTestId('timeline-entry').filter({ hasText: 'Order Completed' }).first();
    await order.getByRole('button', { name: /属性/ }).click();
    const properties = order.getByTestId('timeline-properties');
    await properties.waitFor();
    expect(await properties.textContent()).toContain('E2E-1002');
    await shot('customer-profile-zh');

    // Filter by channel: only what happened in the store.
    await choose(timeline.getByTestId('timeline-channel-filter'), '门店');
    await expect
      .poll(async () => [...new Set(await timeline.getByTestId('timeline-channel').allTextContents())])
      .toEqual(['门店']);
    expect(await timeline.getByTestId('timeline-entry').count()).toBe(2); // the identify and one order
    await timeline.getByTestId('timeline-channel-filter').locator('.ant-select-clear').click();
    await expect.poll(() => timeline.getByTestId('timeline-entry').count()).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('explains a profile that was merged away and shows the combined one', async () => {
    await page.goto(`${server.baseUrl}/customers/${mergedAwayId}`);
    const note = page.getByTestId('merged-note');
    await note.waitFor();
    expect(await note.textContent()).toContain(mergedAwayId);
    await page.getByTestId('profile-name').filter({ hasText: LIN.name }).waitFor();
    await page.getByTestId('merges').getByText('当前打开').waitFor();
    await page.goto(`${server.baseUrl}/customers/cus_does_not_exist`);
    await page.getByTestId('customer-not-found').waitFor();
    await page.getByText('找不到该客户').waitFor();
  }, 60_000);

  it('shows the profile in English', async () => {
    await page.goto(`${server.baseUrl}/customers/${linId}`);
    await page.getByTestId('profile-name').waitFor();
    await chooseLanguage('English');
    await page.getByText('Basic information').waitFor();
    for (const label of [
      'Contact details',
      'Commercial value',
      'Subscribed services',
      'Engagement',
      'Identities and merges',
      'Custom traits',
      'Timeline',
    ]) {
      await page.getByText(label, { exact: true }).first().waitFor();
    }
    expect(await page.getByTestId('card-basic').textContent()).toContain('Female');
    expect(await page.getByTestId('card-basic').textContent()).toMatch(/\d+ years old/);
    expect(await page.getByTestId('card-subscriptions').textContent()).toContain('Trial');
    expect(await page.getByTestId('value-total-spend').textContent()).toContain('CN¥199.00');
    const trialEndText = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: TIME_ZONE }).format(
      trialEnd,
    );
    expect(await page.getByTestId('trial-end').textContent()).toContain(trialEndText);
    expect(await page.getByTestId('channel-chart').getAttribute('aria-label')).toContain('App 3');
    expect(
      await page.getByTestId('timeline-channel').filter({ hasText: 'Store' }).count(),
    ).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.tp-sider-menu').getByRole('link', { name: 'Customers' }).count()).toBe(1);
    await shot('customer-profile-en');
  }, 60_000);

  it('edits traits', async () => {
    await page.getByTestId('edit-traits').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Edit traits').waitFor();
    await settled(dialog);
    const values = dialog.getByLabel('Value', { exact: true });
    const keys = dialog.getByLabel('Trait', { exact: true });
    // Change one trait…
    const keyNames = await keys.evaluateAll((inputs) =>
      inputs.map((i) => (i as unknown as { value: string }).value),
    );
    const planTier = keyNames.indexOf('plan_tier');
    expect(planTier).toBeGreaterThanOrEqual(0);
    await values.nth(planTier).fill('platinum');
    // …and add another.
    await dialog.getByTestId('traits-add').click();
    await keys.last().fill('preferred_store');
    await values.last().fill('南京西路旗舰店');
    await shot('customer-edit-traits-en');
    await dialog.getByTestId('traits-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Traits saved').waitFor();
    expect(await page.getByTestId('trait-plan_tier').textContent()).toBe('platinum');
    expect(await page.getByTestId('trait-preferred_store').textContent()).toBe('南京西路旗舰店');

    const saved = (await (await api.get(`/api/v1/customers/${linId}`)).json()) as {
      traits: Record<string, unknown>;
    };
    expect(saved.traits).toMatchObject({
      plan_tier: 'platinum',
      preferred_store: '南京西路旗舰店',
      city: '上海',
    });
  }, 60_000);

  it('erases a customer after confirmation', async () => {
    await openFromMenu('Customers');
    await page.getByTestId('customer-search').fill(GUO.suffix);
    await page.getByTestId('customer-search').press('Enter');
    await page
      .getByRole('row', { name: new RegExp(GUO.name) })
      .getByRole('link')
      .click();
    await page.getByTestId('profile-name').filter({ hasText: GUO.name }).waitFor();
    await page.getByTestId('delete-customer').click();
    const confirm = page.getByRole('dialog').filter({ hasText: `Erase ${GUO.name}?` });
    await confirm.waitFor();
    await settled(confirm);
    await confirm.getByTestId('confirm-delete').click();
    await page.waitForURL(/\/customers$/);
    const gone = await api.get('/api/v1/customers/lookup', {
      params: { type: 'user_id', value: GUO.userId },
    });
    expect(gone.status()).toBe(404);
  }, 60_000);

  it('imports customers from a CSV file and lists the rejected rows', async () => {
    await page.getByTestId('import-customers').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Import customers').first().waitFor();
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'user_id,name,phone,city\ne2e-imp-1,周子涵,13700005501,苏州\ne2e-imp-2,Chen Hao,,Hangzhou\n,,,无标识\n',
      ),
    });
    await dialog.getByTestId('import-chosen').waitFor();
    await dialog.getByTestId('import-submit').click();
    const result = dialog.getByTestId('import-result');
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('1 of 3 rows were not imported');
    const errors = dialog.getByTestId('import-errors');
    expect(await errors.textContent()).toContain('No identifier');
    expect(
      await errors.getByRole('row').filter({ hasText: 'No identifier' }).first().textContent(),
    ).toContain('4');
    await shot('customer-import-en');
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    await dialog.waitFor({ state: 'hidden' });
    const imported = await api.get('/api/v1/customers', { params: { q: '5501' } });
    const found = (await imported.json()) as { data: Array<{ name: string; city: string }> };
    expect(found.data).toContainEqual(expect.objectContaining({ name: '周子涵', city: '苏州' }));
  }, 60_000);

  it('shows a viewer masked personal data and no edit or delete actions', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await signIn(VIEWER, { email: 'E-mail', password: 'Password' });
    await page.getByTestId('getting-started').waitFor();

    await openFromMenu('Customers');
    await page.getByRole('heading', { name: 'Customers', exact: true }).waitFor();
    expect(await page.getByTestId('import-customers').count()).toBe(0);
    // The export is a plain download link: the session cookie goes with it, and the server masks the PII.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-customers').click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toContain('id,name,email,phone');
    expect(csv).toContain('139****7391');
    expect(csv).not.toContain(LIN.phone);
    await page.getByTestId('customer-search').fill(LIN.suffix);
    await page.getByTestId('customer-search').press('Enter');
    // The search results, not the unfiltered list they replace (a row of that list may be re-rendered under the click).
    await page.waitForURL(/\/customers\?q=7391/);
    await page.getByTestId('search-summary').waitFor();
    const row = page.getByRole('row', { name: /139\*{4}7391/ });
    await row.waitFor();
    expect(await row.textContent()).not.toContain(LIN.name);
    await shot('customers-viewer-en');

    await row.getByRole('link').click();
    await page.waitForURL(/\/customers\/cus_/);
    await page.getByTestId('pii-masked').waitFor();
    expect(await page.getByTestId('pii-phone').textContent()).toBe('139****7391');
    expect(await page.getByTestId('pii-email').textContent()).not.toContain('lin.xiaomei@');
    const content = await page.content();
    expect(content).not.toContain(LIN.phone);
    expect(content).not.toContain(LIN.email);
    expect(content).not.toContain(LIN.name);
    expect(await page.getByTestId('edit-traits').count()).toBe(0);
    expect(await page.getByTestId('delete-customer').count()).toBe(0);
    // Everything that is not personal data is still there.
    await page.getByTestId('channel-chart').locator('canvas').waitFor();
    await page.getByTestId('timeline-entry').first().waitFor();
    expect(await page.getByTestId('trait-plan_tier').textContent()).toBe('platinum');
    await shot('customer-profile-viewer-en');
  }, 60_000);

  it('made no request outside the server and raised no page errors', () => {
    expect(problems).toEqual([]);
  });
});
