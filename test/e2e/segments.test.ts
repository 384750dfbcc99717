import fc from 'fast-check';
import { request, type APIRequestContext, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { systemActor } from '../../src/modules/audit/index.js';
import { seedDemoCustomers } from '../../src/modules/profiles/index.js';
import {
  seedDemoSegments,
  validateCondition,
  type SegmentCondition,
} from '../../src/modules/segments/index.js';
import { DEMO_SLUG, getWorkspaceBySlug, seedDemoWorkspace } from '../../src/modules/workspaces/index.js';
import { touchpointsModule } from '../../src/modules/touchpoints/index.js';
import { createFieldCipher } from '../../src/platform/crypto/index.js';
import { JobRunner, type JobHandler } from '../../src/platform/jobs/index.js';
import { testConfig } from '../support/app.js';
import {
  CHROMIUM,
  choose as pick,
  chooseLanguage,
  hasChromium,
  launchChromium,
  pinConsole,
  screenshot,
  settled,
  watchProblems,
} from '../support/browser.js';
import { openTestDatabase } from '../support/database.js';

/**
 * Segments in a real browser against the real server: the demo workspace's customers and its five demo segments,
 * whose members the job runner computes; the list with counts, a new segment built in the visual builder (one
 * nested group, money typed in yuan and sent in fen), the builder's own check and the API's SEGMENT_CONDITION_INVALID
 * shown at their rows, the members of the new segment with a link to a customer's 360° page and its Segments card,
 * and archiving. Screenshots in Chinese and English.
 */

const OWNER = 'demo@touchpoint.dev';
const PASSWORD = 'touchpoint-demo';
const CUSTOMERS = 300;
const DEMO_KEYS = ['hangzhou_reachable', 'high_value', 'lapsed', 'trial_ending', 'wechat_engaged'];

interface SegmentView {
  key: string;
  name: { 'zh-CN': string; en: string };
  status: 'active' | 'archived';
  memberCount: number;
  version: number;
  timeDependent: boolean;
  condition: { type: string; conditions?: Array<{ type: string; value?: number }> };
  refresh: { status: string; refreshedAt: string | null };
}

interface Preview {
  total: number;
  sampled: number;
  matched: number;
  estimate: number;
  exact: boolean;
  examples: Array<{ id: string; name: string | null }>;
}

/** The app on the demo workspace with its customers and segments, and a job runner for the segments' jobs only. */
async function startSegmentsServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const t = await openTestDatabase();
  const { db } = t.handle;
  await seedDemoWorkspace(db, systemActor('demo-seed'), 'Asia/Shanghai');
  const ws = await getWorkspaceBySlug(db, DEMO_SLUG);
  // The data-service journey first, so the customers' events map to its touchpoints (for the funnel).
  const touchpoints = touchpointsModule(db);
  await touchpoints.catalogue.applyTemplate(systemActor('demo-seed'), ws.id, 'mobile_data_service');
  // The same key as the app's, so the customers' personal data decrypts in lists.
  const profiles = {
    cipher: createFieldCipher(testConfig.secretKey),
    phoneRegion: 'CN',
    hooks: [touchpoints.hook],
  };
  await seedDemoCustomers(db, profiles, ws.id, { customers: CUSTOMERS, now: Date.now() });
  await seedDemoSegments(db, ws.id);
  const jobHandlers: Record<string, JobHandler> = {};
  const app = await buildApp({
    config: { ...testConfig, loginRateLimit: 100 },
    database: t.handle,
    logger: false,
    jobHandlers,
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const handlers = Object.fromEntries(
    Object.entries(jobHandlers).filter(([type]) => type.startsWith('segments.')),
  );
  expect(Object.keys(handlers).length).toBeGreaterThan(0);
  const runner = new JobRunner({ db, handlers, pollIntervalMs: 200 });
  runner.start();
  return {
    baseUrl,
    async close() {
      await runner.stop();
      await app.close();
      await t.close();
    },
  };
}

/**
 * The console's condition builder (web/src/pages/segments/conditionDraft.ts), loaded at run time: it is console code
 * (extensionless imports) that the server's type check does not cover. Only what the tests call is typed here.
 */
interface DraftModule {
  draftOf(condition: unknown): { children: Array<{ kind: string; fields?: { amount: number | null } }> };
  buildCondition(root: unknown): {
    condition: unknown;
    problems: Map<string, string>;
    paths: Map<string, string>;
  };
  locateApiPath(path: string, paths: Map<string, string>): { nodePath: string; field: string };
}
const loadDraft = () =>
  import(
    new URL('../../web/src/pages/segments/conditionDraft.ts', import.meta.url).pathname
  ) as Promise<DraftModule>;

/** Valid rules as the API accepts them, within its depth limit (groups at depth 0–3, leaves anywhere). */
function ruleArbitrary(): fc.Arbitrary<SegmentCondition> {
  const text = fc.string({ minLength: 1, maxLength: 12 });
  const trait = fc.constantFrom('city', 'plan_tier', 'address.city', 'vip');
  const numberOp = fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const);
  const traitLeaf: fc.Arbitrary<SegmentCondition> = fc.oneof(
    fc.record({
      type: fc.constant('trait' as const),
      trait,
      op: fc.constantFrom('eq' as const, 'neq' as const),
      value: fc.oneof(text, fc.integer(), fc.boolean()),
    }),
    fc.record({
      type: fc.constant('trait' as const),
      trait,
      op: fc.constantFrom('in' as const, 'not_in' as const),
      values: fc.oneof(
        fc.array(text, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
      ),
    }),
    fc.record({ type: fc.constant('trait' as const), trait, op: numberOp, value: fc.integer() }),
    fc.record({
      type: fc.constant('trait' as const),
      trait,
      op: fc.constantFrom('contains' as const, 'starts_with' as const),
      value: text,
    }),
    fc.record({
      type: fc.constant('trait' as const),
      trait,
      op: fc.constantFrom('exists' as const, 'not_exists' as const),
    }),
  );
  const leaf: fc.Arbitrary<SegmentCondition> = fc.oneof(
    traitLeaf,
    fc.record({
      type: fc.constant('metric' as const),
      metric: fc.constantFrom(
        'total_spend' as const,
        'order_count' as const,
        'event_count' as const,
        'arpu' as const,
        'age' as const,
        'active_channels' as const,
      ),
      op: numberOp,
      // Money in whole fen, as the API stores it.
      value: fc.integer({ min: 0, max: 10_000_000 }),
    }),
    fc.record({
      type: fc.constant('recency' as const),
      field: fc.constantFrom('first_seen' as const, 'last_seen' as const, 'last_purchase' as const),
      op: fc.constantFrom('within_days' as const, 'not_within_days' as const),
      days: fc.integer({ min: 1, max: 3650 }),
    }),
    fc.record(
      {
        type: fc.constant('channel' as const),
        channel: fc.constantFrom('wechat', 'app', 'web', 'store'),
        minEvents: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: ['type', 'channel'] },
    ),
    fc.record(
      {
        type: fc.constant('interest' as const),
        interest: fc.constantFrom('5G', '流量包', 'video'),
        minCount: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: ['type', 'interest'] },
    ),
    fc.record(
      {
        type: fc.constant('subscription' as const),
        status: fc.constantFrom('active' as const, 'cancelled' as const),
        product: fc.constantFrom('视频彩铃', 'data_pack'),
      },
      { requiredKeys: ['type', 'status'] },
    ),
    fc.record(
      {
        type: fc.constant('subscription' as const),
        status: fc.constant('trial' as const),
        product: fc.constantFrom('视频彩铃', 'data_pack'),
        trialEndsWithinDays: fc.integer({ min: 0, max: 3650 }),
      },
      { requiredKeys: ['type', 'status'] },
    ),
    fc.record({
      type: fc.constant('contact' as const),
      via: fc.constantFrom('email' as const, 'phone' as const),
    }),
  );
  const at = (depth: number): fc.Arbitrary<SegmentCondition> => {
    if (depth >= 4) return leaf;
    const inner = at(depth + 1);
    return fc.oneof(
      { weight: 3, arbitrary: leaf },
      {
        weight: 2,
        arbitrary: fc.record({
          type: fc.constantFrom('all' as const, 'any' as const),
          conditions: fc.array(inner, { minLength: 1, maxLength: 3 }),
        }),
      },
      {
        weight: 1,
        // A "not" around anything but another "not" (the builder shows a double negation as a group).
        arbitrary: inner
          .filter((c) => c.type !== 'not')
          .map((condition): SegmentCondition => ({ type: 'not', condition })),
      },
    );
  };
  return at(0).filter((c) => {
    try {
      validateCondition(c);
      return true;
    } catch {
      return false;
    }
  });
}

/** What the builder sends back for a stored rule: a top-level "all of" one condition is that condition. */
function normalized(c: SegmentCondition): SegmentCondition {
  return c.type === 'all' && c.conditions.length === 1 && c.conditions[0] ? c.conditions[0] : c;
}

/** The value at a JSON-pointer-like path of the API's error details. */
function at(value: unknown, path: string): unknown {
  return path
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], value);
}

describe('the segment condition builder', () => {
  it('gives back every valid rule as it was, with no problem and the API accepting it', async () => {
    const draft = await loadDraft();
    fc.assert(
      fc.property(ruleArbitrary(), (rule) => {
        const built = draft.buildCondition(draft.draftOf(rule));
        expect(built.problems.size).toBe(0);
        expect(built.condition).toEqual(normalized(rule));
        expect(() => validateCondition(built.condition)).not.toThrow();
        // Every row knows where the API would point at it, so an error's path lands on that row.
        for (const path of built.paths.values()) {
          if (path === '#root') continue;
          expect(at(built.condition, path)).toBeTypeOf('object');
          expect(draft.locateApiPath(`${path}/value`, built.paths)).toEqual({
            nodePath: path,
            field: 'value',
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shows money in yuan and places a nested error on its row', async () => {
    const draft = await loadDraft();
    const root = draft.draftOf({ type: 'metric', metric: 'total_spend', op: 'gte', value: 50_000 });
    expect(root.children[0]?.fields?.amount).toBe(500);
    const built = draft.buildCondition(
      draft.draftOf({
        type: 'all',
        conditions: [
          { type: 'metric', metric: 'arpu', op: 'gt', value: 1999 },
          {
            type: 'any',
            conditions: [
              { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
              { type: 'not', condition: { type: 'contact', via: 'email' } },
            ],
          },
        ],
      }),
    );
    expect(draft.locateApiPath('/conditions/1/conditions/0/trait', built.paths)).toEqual({
      nodePath: '/conditions/1/conditions/0',
      field: 'trait',
    });
    // A negated row's fields sit inside its "not".
    expect(draft.locateApiPath('/conditions/1/conditions/1/condition/via', built.paths)).toEqual({
      nodePath: '/conditions/1/conditions/1/condition',
      field: 'via',
    });
    expect(draft.locateApiPath('/conditions/1/conditions', built.paths)).toEqual({
      nodePath: '/conditions/1',
      field: 'conditions',
    });
  });
});

if (!hasChromium) {
  console.warn(`segments e2e skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
}

// A real browser on a busy 2-core machine: steps can take tens of seconds.
describe.skipIf(!hasChromium)('segments in Chromium', { timeout: 120_000 }, () => {
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let api: APIRequestContext;
  let unpin: () => void = () => undefined;
  const problems: string[] = [];
  const shot = (name: string) => screenshot(page, name);
  const choose = (select: Locator, option: string) => pick(page, select, option);
  const zhNumber = new Intl.NumberFormat('zh-CN');

  const enNumber = new Intl.NumberFormat('en');
  /** What the API counts for a rule (every customer is checked: the demo workspace is smaller than the sample). */
  const previewOf = async (condition: unknown): Promise<Preview> => {
    const response = await api.post('/api/v1/segments/preview', { data: { condition } });
    expect(response.status()).toBe(200);
    return (await response.json()) as Preview;
  };
  /** The drawer's audience panel once it shows an answer. */
  const previewReady = (drawer: Locator) =>
    drawer.locator('[data-testid="rule-preview"][data-status="ready"]');

  const segments = async (): Promise<SegmentView[]> => {
    const response = await api.get('/api/v1/segments');
    expect(response.status()).toBe(200);
    return ((await response.json()) as { data: SegmentView[] }).data;
  };

  beforeAll(async () => {
    server = await startSegmentsServer();
    api = await request.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { origin: server.baseUrl } });
    const login = await api.post('/api/v1/auth/login', { data: { email: OWNER, password: PASSWORD } });
    expect(login.status()).toBe(200);
    browser = await launchChromium();
    const context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 1440, height: 900 },
    });
    unpin = await pinConsole(context, server.baseUrl);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    watchProblems(page, server.baseUrl, problems);
  }, 180_000);

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail')
      await shot(`failed-segments-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await api?.dispose();
    await browser?.close();
    unpin();
    await server?.close();
  });

  it('lists the demo segments with the member counts the runner computed', async () => {
    // The runner computes every demo segment's members in the background.
    await expect
      .poll(
        async () => (await segments()).every((s) => s.refresh.status === 'idle' && s.refresh.refreshedAt),
        {
          timeout: 60_000,
          interval: 500,
        },
      )
      .toBe(true);
    const computed = await segments();
    expect(computed.map((s) => s.key)).toEqual(DEMO_KEYS);
    expect(computed.some((s) => s.memberCount > 0)).toBe(true);

    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(OWNER);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.locator('.tp-sider-menu').waitFor();
    await page.locator('.tp-sider-menu').getByRole('link', { name: '客户分群', exact: true }).click();
    await page.getByRole('heading', { name: '客户分群' }).waitFor();
    const table = page.getByTestId('segments-table');
    await table.getByTestId('members-high_value').waitFor();
    expect(await table.locator('tbody tr.ant-table-row').count()).toBe(5);
    for (const s of computed) {
      expect(await table.getByTestId(`members-${s.key}`).textContent(), s.key).toBe(
        zhNumber.format(s.memberCount),
      );
      const row = table.locator('tbody tr.ant-table-row', { has: page.getByTestId(`members-${s.key}`) });
      expect(await row.getByText(s.name['zh-CN'], { exact: true }).count(), s.key).toBe(1);
      // Rules on recency or trial ends depend on time alone, and say so.
      expect(await row.getByTestId('time-dependent').count(), s.key).toBe(s.timeDependent ? 1 : 0);
    }
    expect(computed.find((s) => s.key === 'lapsed')?.timeDependent).toBe(true);
    await shot('segments-list-zh');

    await chooseLanguage(page, 'English');
    await page.getByRole('heading', { name: 'Segments' }).waitFor();
    await table.getByText('High-value customers', { exact: true }).waitFor();
    await shot('segments-list-en');
  }, 120_000);

  it('builds a segment with a nested group, points out a bad rule at its row, and shows its members', async () => {
    await page.getByTestId('new-segment').click();
    const drawer = page.getByTestId('segment-drawer');
    await drawer.getByTestId('condition-builder').waitFor();
    await settled(drawer);
    await drawer.getByTestId('segment-name-zh-CN').fill('杭沪消费客户');
    await drawer.getByTestId('segment-name-en').fill('Spenders in Hangzhou or Shanghai');
    // The key follows the English name until it is typed.
    expect(await drawer.getByTestId('segment-key').inputValue()).toBe('spenders_in_hangzhou_or_shanghai');

    // Total spend of at least ¥100 (typed in yuan)…
    const first = drawer.getByTestId('condition-row').first();
    await choose(first.getByTestId('condition-type'), 'Value & activity');
    await first.getByLabel('Value', { exact: true }).fill('100');
    // …and, in a nested group, any of two cities.
    await drawer.getByTestId('add-group').first().click();
    const nested = drawer.getByTestId('condition-group').nth(1);
    await nested.getByTestId('condition-row').first().waitFor();
    const hangzhou = nested.getByTestId('condition-row').nth(0);
    // A trait name the API refuses (a space and "!").
    await hangzhou.getByLabel('Trait', { exact: true }).fill('city name!');
    await hangzhou.getByLabel('Value', { exact: true }).fill('杭州');
    await nested.getByTestId('add-condition').click();
    const shanghai = nested.getByTestId('condition-row').nth(1);
    await shanghai.getByLabel('Trait', { exact: true }).fill('city');

    // An empty value is caught by the builder itself, at its row, before anything is sent.
    await drawer.getByTestId('segment-save').click();
    await shanghai.getByTestId('condition-problem').waitFor();
    expect(await shanghai.getByTestId('condition-problem').textContent()).toContain('Enter a value');
    expect(await hangzhou.getByTestId('condition-problem').count()).toBe(0);
    await shanghai.getByLabel('Value', { exact: true }).fill('上海');
    await expect.poll(() => shanghai.getByTestId('condition-problem').count()).toBe(0);

    // Now the rule passes the builder's own checks, so its audience is asked of the API, which refuses the trait
    // name: the problem lands on its row before anything is saved.
    const preview = drawer.getByTestId('rule-preview');
    await preview.getByTestId('preview-invalid').waitFor();
    await hangzhou.getByTestId('condition-problem').waitFor();
    expect(await hangzhou.getByTestId('condition-problem').textContent()).toContain('Enter a trait name');
    expect(await shanghai.getByTestId('condition-problem').count()).toBe(0);
    expect(await drawer.getByTestId('segment-error').count()).toBe(0);

    // The JSON view shows the rule as sent: money in fen.
    await drawer.getByTestId('rule-view').getByText('JSON').click();
    const json = (await drawer.getByTestId('rule-json').textContent()) ?? '';
    expect(json).toContain('"value": 10000');
    expect(json).toContain('"type": "any"');
    await drawer.getByTestId('rule-view').getByText('Builder').click();

    // The API refuses the trait name; its path puts the problem on the nested group's first row.
    await drawer.getByTestId('segment-save').click();
    await drawer.getByTestId('segment-error').waitFor();
    expect(await drawer.getByTestId('segment-error').textContent()).toContain('SEGMENT_CONDITION_INVALID');
    await hangzhou.getByTestId('condition-problem').waitFor();
    expect(await hangzhou.getByTestId('condition-problem').textContent()).toContain('Enter a trait name');
    expect(await shanghai.getByTestId('condition-problem').count()).toBe(0);
    expect(await first.getByTestId('condition-problem').count()).toBe(0);
    await shot('segments-builder-error-en');

    await hangzhou.getByLabel('Trait', { exact: true }).fill('city');
    // Fixed, the rule's audience shows: the same count the API gives for this rule, with links to examples.
    const counted = await previewOf({
      type: 'all',
      conditions: [
        { type: 'metric', metric: 'total_spend', op: 'gte', value: 10000 },
        {
          type: 'any',
          conditions: [
            { type: 'trait', trait: 'city', op: 'eq', value: '杭州' },
            { type: 'trait', trait: 'city', op: 'eq', value: '上海' },
          ],
        },
      ],
    });
    // The demo workspace is smaller than the default sample: every customer is checked.
    expect(counted).toMatchObject({ exact: true, sampled: counted.total });
    expect(counted.total).toBeGreaterThanOrEqual(CUSTOMERS);
    expect(counted.estimate).toBeGreaterThan(0);
    await previewReady(drawer).waitFor();
    await expect.poll(() => hangzhou.getByTestId('condition-problem').count()).toBe(0);
    expect(await preview.getByTestId('preview-estimate').textContent()).toBe(
      `Exactly ${enNumber.format(counted.estimate)} customers (of ${enNumber.format(counted.total)})`,
    );
    expect(await preview.getByTestId('preview-basis').textContent()).toBe('Every customer was checked.');
    const exampleLinks = preview.getByTestId('preview-example');
    expect(counted.examples.length).toBe(Math.min(5, counted.matched));
    expect(await exampleLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(
      counted.examples.map((c) => `/customers/${encodeURIComponent(c.id)}`),
    );
    // Named as the API names them (the avatar's initial and the new-tab icon are not part of the name).
    const firstExample = preview.getByRole('link', {
      name: counted.examples[0]?.name ?? 'Unnamed customer',
      exact: true,
    });
    expect(await firstExample.first().getAttribute('href')).toBe(`/customers/${counted.examples[0]?.id}`);
    await shot('segments-builder-estimate-en');
    await drawer.getByTestId('segment-save').click();
    // A new segment opens on its own page while its members are computed.
    await page.waitForURL(/\/segments\/spenders_in_hangzhou_or_shanghai$/);
    await page.getByTestId('segment-detail').waitFor();

    const stored = (await segments()).find((s) => s.key === 'spenders_in_hangzhou_or_shanghai');
    expect(stored?.condition.type).toBe('all');
    expect(stored?.condition.conditions?.[0]).toEqual({
      type: 'metric',
      metric: 'total_spend',
      op: 'gte',
      value: 10000,
    });
    expect(stored?.condition.conditions?.[1]?.type).toBe('any');

    await expect
      .poll(
        async () => {
          const s = (await segments()).find((x) => x.key === 'spenders_in_hangzhou_or_shanghai');
          return s?.refresh.status === 'idle' && s.refresh.refreshedAt !== null;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);
    const done = (await segments()).find((s) => s.key === 'spenders_in_hangzhou_or_shanghai');
    expect(done?.memberCount).toBeGreaterThan(0);
    // The exact estimate before saving is the computed membership.
    expect(done?.memberCount).toBe(counted.estimate);
    // The page follows the computation by itself and then lists the members.
    const count = String(done?.memberCount);
    await expect
      .poll(async () => ((await page.getByTestId('fact-members').textContent()) ?? '').replace(/\D/g, ''), {
        timeout: 20_000,
      })
      .toBe(count);
    const members = page.getByTestId('members-table');
    await members.getByTestId('member-link').first().waitFor();
    expect(await members.getByTestId('member-link').count()).toBe(Math.min(50, done?.memberCount ?? 0));
    // Shown in yuan again (en: "CN¥100.00").
    expect(await page.getByTestId('condition-summary').textContent()).toMatch(
      /Total spend at least \S*¥100\.00/,
    );
    await shot('segments-detail-en');

    // A member's 360° page lists the segments the customer is in.
    await members.getByTestId('member-link').first().click();
    await page.getByTestId('customer-profile').waitFor();
    const card = page.getByTestId('card-segments');
    await card.getByText('Spenders in Hangzhou or Shanghai', { exact: true }).waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot('segments-customer-card-en');
    await card.getByText('Spenders in Hangzhou or Shanghai', { exact: true }).click();
    await page.getByTestId('segment-detail').waitFor();
  }, 120_000);

  it('archives the segment: its members are kept but no longer updated', async () => {
    await page.getByTestId('archive-segment').click();
    await expect.poll(async () => page.getByTestId('segment-status').first().textContent()).toBe('Archived');
    expect(await page.getByTestId('refresh-segment').isDisabled()).toBe(true);
    await page.getByTestId('reactivate-segment').waitFor();
    const archived = (await segments()).find((s) => s.key === 'spenders_in_hangzhou_or_shanghai');
    expect(archived?.status).toBe('archived');
    expect(archived?.memberCount).toBeGreaterThan(0);

    // The list shows it under "Archived" only.
    await page.goto(`${server.baseUrl}/segments`);
    await page.getByTestId('members-high_value').waitFor();
    expect(await page.getByText('Spenders in Hangzhou or Shanghai').count()).toBe(0);
    await page.getByTestId('segment-filter').getByText('Archived', { exact: true }).click();
    await page.getByText('Spenders in Hangzhou or Shanghai', { exact: true }).waitFor();
    expect(await page.getByTestId('segments-table').locator('tbody tr.ant-table-row').count()).toBe(1);
    await shot('segments-archived-en');

    await chooseLanguage(page, '简体中文');
    await page.getByText('杭沪消费客户', { exact: true }).click();
    await page.getByTestId('segment-detail').waitFor();
    await page.getByTestId('members-table').getByTestId('member-link').first().waitFor();
    expect(await page.getByTestId('segment-status').first().textContent()).toBe('已归档');
    await shot('segments-detail-zh');

    // A member's Segments card marks it archived (from the status each item carries); active ones are unmarked.
    await page.getByTestId('members-table').getByTestId('member-link').first().click();
    await page.getByTestId('customer-profile').waitFor();
    const card = page.getByTestId('card-segments');
    const item = card.getByTestId('customer-segment').filter({ hasText: '杭沪消费客户' });
    await item.getByTestId('customer-segment-archived').waitFor();
    expect(await item.getByTestId('customer-segment-archived').textContent()).toBe('已归档');
    expect(await card.getByTestId('customer-segment-archived').count()).toBe(1);
    await page.goBack();
    await page.getByTestId('segment-detail').waitFor();
  }, 120_000);

  it('deletes a segment after confirmation and recomputes another from its menu', async () => {
    await page.getByTestId('delete-segment').click();
    const dialog = page.locator('.ant-modal-confirm');
    await dialog.waitFor();
    await settled(dialog);
    expect(await dialog.textContent()).toContain('杭沪消费客户');
    await page.getByTestId('confirm-delete').click();
    await page.waitForURL(/\/segments$/);
    await page.getByTestId('members-high_value').waitFor();
    expect((await segments()).map((s) => s.key)).toEqual(DEMO_KEYS);
    const gone = await api.get('/api/v1/segments/spenders_in_hangzhou_or_shanghai');
    expect(gone.status()).toBe(404);

    const before = (await segments()).find((s) => s.key === 'wechat_engaged')?.refresh.refreshedAt ?? '';
    await page.getByTestId('segment-more-wechat_engaged').click();
    const menu = page.locator('.ant-dropdown:not(.ant-dropdown-hidden)');
    await menu.waitFor();
    await settled(menu);
    await menu.getByRole('menuitem', { name: '重新计算' }).click();
    await page.getByText('正在重新计算“微信活跃客户”的成员').waitFor();
    // The runner recomputes it; the list follows by itself and shows the same members again.
    await expect
      .poll(
        async () => {
          const s = (await segments()).find((x) => x.key === 'wechat_engaged');
          return s?.refresh.status === 'idle' && (s.refresh.refreshedAt ?? '') > before;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);
    const after = (await segments()).find((s) => s.key === 'wechat_engaged');
    await expect
      .poll(async () => page.getByTestId('members-wechat_engaged').textContent(), { timeout: 20_000 })
      .toBe(zhNumber.format(after?.memberCount ?? -1));
  }, 120_000);

  it('estimates an edited rule in the drawer: exactly, from a sample while loading, with links to customers', async () => {
    const highValue = (await segments()).find((s) => s.key === 'high_value');
    expect(highValue?.memberCount).toBeGreaterThan(0);
    const counted = await previewOf(highValue?.condition);
    expect(counted).toMatchObject({ exact: true, sampled: counted.total, estimate: highValue?.memberCount });

    await page.goto(`${server.baseUrl}/segments/high_value`);
    await page.getByTestId('segment-detail').waitFor();
    await page.getByTestId('edit-segment').click();
    const drawer = page.getByTestId('segment-drawer');
    const preview = drawer.getByTestId('rule-preview');
    // The stored rule's audience shows as soon as the drawer opens.
    await previewReady(drawer).waitFor();
    expect(await preview.getByTestId('preview-estimate').textContent()).toBe(
      `恰好 ${zhNumber.format(counted.estimate)} 位客户（共 ${zhNumber.format(counted.total)} 位）`,
    );
    expect(await preview.getByTestId('preview-basis').textContent()).toBe('已逐一检查全部客户。');

    // An example customer opens on its 360° page in a new tab, so the rule being edited is kept.
    const example = preview.getByTestId('preview-example').first();
    expect(await example.getAttribute('href')).toBe(`/customers/${counted.examples[0]?.id}`);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), example.click()]);
    await tab.getByTestId('customer-profile').waitFor();
    expect(new URL(tab.url()).pathname).toBe(`/customers/${counted.examples[0]?.id}`);
    await tab.close();
    expect(await drawer.isVisible()).toBe(true);

    // A larger workspace is estimated from a sample: ask for 100 customers only, and hold the answer to see the
    // panel wait for it.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answers: Preview[] = [];
    await page.route('**/api/v1/segments/preview', async (route) => {
      const body = route.request().postDataJSON() as Record<string, unknown>;
      const response = await route.fetch({ postData: JSON.stringify({ ...body, sample: 100 }) });
      answers.push((await response.json()) as Preview);
      await held;
      await route.fulfill({ response });
    });
    const row = drawer.getByTestId('condition-row').first();
    await row.getByLabel('值', { exact: true }).fill('100');
    await preview.getByTestId('preview-loading').waitFor();
    expect(await preview.getAttribute('aria-busy')).toBe('true');
    await expect.poll(() => answers.length, { timeout: 20_000 }).toBe(1);
    release();
    await previewReady(drawer).waitFor();
    await page.unroute('**/api/v1/segments/preview');
    const sampled = answers[0] as Preview;
    expect(sampled).toMatchObject({ exact: false, sampled: 100, total: counted.total });
    expect(await preview.getByTestId('preview-estimate').textContent()).toBe(
      sampled.estimate === 0
        ? `目前没有客户符合此规则（共 ${zhNumber.format(counted.total)} 位）`
        : `≈ ${zhNumber.format(sampled.estimate)} 位客户（共 ${zhNumber.format(counted.total)} 位）`,
    );
    expect(await preview.getByTestId('preview-basis').textContent()).toContain('按随机抽查的 100 位客户估算');
    await shot('segments-drawer-estimate-zh');

    // Not saved: closing asks first.
    await drawer
      .getByRole('button', { name: '取 消' })
      .or(drawer.getByRole('button', { name: '取消' }))
      .click();
    const confirm = page.locator('.ant-modal-confirm');
    await confirm.waitFor();
    await settled(confirm);
    await confirm
      .getByRole('button', { name: '放 弃' })
      .or(confirm.getByRole('button', { name: '放弃' }))
      .click();
    await drawer.waitFor({ state: 'hidden' });
    expect((await segments()).find((s) => s.key === 'high_value')?.condition).toEqual(highValue?.condition);
  }, 120_000);

  it('says so when recomputing a segment that was archived meanwhile', async () => {
    const lapsed = (await segments()).find((s) => s.key === 'lapsed');
    expect(lapsed?.status).toBe('active');
    await page.goto(`${server.baseUrl}/segments/lapsed`);
    await page.getByTestId('segment-detail').waitFor();
    // Someone archives it elsewhere; this page still shows it active.
    const archived = await api.patch('/api/v1/segments/lapsed', {
      data: { status: 'archived', version: lapsed?.version },
    });
    expect(archived.status()).toBe(200);
    const refresh = await api.post('/api/v1/segments/lapsed/refresh');
    expect(refresh.status()).toBe(409);
    expect(((await refresh.json()) as { error: { code: string } }).error.code).toBe('SEGMENT_ARCHIVED');

    await page.getByTestId('refresh-segment').click();
    await page.getByText('“沉睡客户”已归档，成员已冻结；请先重新启用再重新计算。').waitFor();
    // The page then shows the segment as it is now.
    await expect.poll(async () => page.getByTestId('segment-status').first().textContent()).toBe('已归档');
    expect(await page.getByTestId('refresh-segment').isDisabled()).toBe(true);

    await page.getByTestId('reactivate-segment').click();
    await expect.poll(async () => page.getByTestId('segment-status').first().textContent()).toBe('启用');
    await expect
      .poll(
        async () => {
          const s = (await segments()).find((x) => x.key === 'lapsed');
          return s?.status === 'active' && s.refresh.status === 'idle';
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);
  }, 120_000);

  it('breaks the journey funnel down by segment', async () => {
    await page.locator('.tp-sider-menu').getByRole('link', { name: '触点与旅程', exact: true }).click();
    await page.getByRole('tab', { name: '漏斗' }).click();
    await page.getByTestId('funnel-compute').waitFor();
    await choose(page.getByRole('combobox', { name: '细分' }), '客户分群');
    // No segment picked: every active segment.
    await page.getByTestId('segment-select').waitFor();
    await page.getByTestId('funnel-compute').click();
    await page.getByTestId('funnel-table').waitFor();
    // Groups are named by their segments, plus the entrants in none of them.
    await page.getByRole('cell', { name: '不属于任何分群', exact: true }).waitFor();
    const names = (await segments()).map((s) => s.name['zh-CN']);
    let shown = 0;
    for (const name of names) shown += await page.getByRole('cell', { name, exact: true }).count();
    expect(shown).toBeGreaterThan(0);
    expect(await page.getByRole('cell', { name: 'wechat_engaged', exact: true }).count()).toBe(0);
    await shot('segments-funnel-breakdown-zh');
    expect(problems).toEqual([]);
  }, 120_000);
});
