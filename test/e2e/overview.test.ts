import { request, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  chooseLanguage as switchLanguage,
  hasChromium,
  launchChromium,
  pinConsole,
  screenshot,
  settled,
  watchProblems,
} from '../support/browser.js';
import { startTestServer } from '../support/server.js';
import { SURVEY_AFTER_RESPONSE_JOB } from '../../src/modules/surveys/index.js';

/**
 * The CX overview in a real browser against the real server, in Chinese and in English: NPS and CSAT from surveys
 * answered through their public links (with the gap to target and a trend chart), CES without answers (its empty
 * state), the journey funnel, the perception heat map, open cases with SLA compliance and the negative topics.
 */

const OWNER = 'demo@touchpoint.dev';
const PASSWORD = 'touchpoint-demo';
const TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

/** NPS answers: 3 promoters, 1 passive, 2 detractors → NPS (3 − 2) / 6 = 16.7. */
const NPS_SCORES = [10, 9, 9, 8, 6, 3];
/** CSAT answers: 3 of 4 satisfied (4–5) → 75%. */
const CSAT_SCORES = [5, 4, 2, 5];
const COMPLAINT = '网速太慢，经常断网，客服态度也很差，非常失望。';

if (!hasChromium) console.warn(`overview e2e skipped: ${CHROMIUM} not found`);

describe.skipIf(!hasChromium)('CX overview in Chromium', { timeout: 120_000 }, () => {
  let server: { baseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let api: APIRequestContext;
  const problems: string[] = [];
  let unpin = (): void => undefined;
  const now = Date.now();

  const shot = (name: string) => screenshot(page, name);

  const chooseLanguage = (label: string) => switchLanguage(page, label);

  const json = async <T>(
    response: Awaited<ReturnType<APIRequestContext['get']>>,
    status = 200,
  ): Promise<T> => {
    expect(response.status(), await response.text()).toBe(status);
    return (await response.json()) as T;
  };

  /** Creates a survey from a template for a touchpoint, publishes it and answers it through personal links. */
  const answerSurvey = async (
    template: string,
    question: string,
    comment: string,
    scores: number[],
    profiles: string[],
  ) => {
    const survey = await json<{ id: string }>(
      await api.post('/api/v1/surveys', { data: { template, touchpointKey: 'trial' } }),
      201,
    );
    await json(await api.post(`/api/v1/surveys/${survey.id}/publish`));
    for (const [i, score] of scores.entries()) {
      const link = await json<{ token: string }>(
        await api.post(`/api/v1/surveys/${survey.id}/links`, { data: { profileId: profiles[i] } }),
        201,
      );
      const answers: Record<string, unknown> = { [question]: score };
      if (score <= 6 && question === 'nps') answers[comment] = COMPLAINT;
      const sent = await api.post(`/api/v1/public/surveys/${link.token}/responses`, {
        data: { answers, complete: true },
      });
      expect([200, 201]).toContain(sent.status());
    }
    return survey.id;
  };

  beforeAll(async () => {
    // Survey comments are analysed (negative topics) by the surveys' post-commit job; the closed-loop events it
    // publishes are not delivered here (no detractor follow-up cases beside the one this test opens).
    server = await startTestServer({ jobs: [SURVEY_AFTER_RESPONSE_JOB] });
    api = await request.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { origin: server.baseUrl } });
    await json(await api.post('/api/v1/auth/login', { data: { email: OWNER, password: PASSWORD } }));
    await json(await api.post('/api/v1/journey-templates/mobile_data_service/apply'), 201);

    const keys = await json<{ data: Array<{ key: string }> }>(await api.get('/api/v1/write-keys'));
    const batch: unknown[] = [];
    for (let i = 0; i < NPS_SCORES.length; i++) {
      const userId = `e2e-overview-${i}`;
      const start = now - 10 * DAY_MS + i * 3_600_000;
      batch.push({ type: 'identify', userId, traits: { name: `总览客户 ${i}` } });
      batch.push({ type: 'track', userId, event: 'Plan Viewed', timestamp: new Date(start).toISOString() });
      if (i < 4) {
        batch.push({
          type: 'track',
          userId,
          event: 'Trial Started',
          timestamp: new Date(start + DAY_MS).toISOString(),
        });
      }
    }
    await json(
      await api.post('/v1/batch', { headers: { 'x-write-key': keys.data[0]?.key ?? '' }, data: { batch } }),
    );
    const profiles: string[] = [];
    for (let i = 0; i < NPS_SCORES.length; i++) {
      const found = await json<{ id: string }>(
        await api.get('/api/v1/customers/lookup', {
          params: { type: 'user_id', value: `e2e-overview-${i}` },
        }),
      );
      profiles.push(found.id);
    }
    await answerSurvey('nps-relationship', 'nps', 'reason', NPS_SCORES, profiles);
    await answerSurvey('csat-touchpoint', 'csat', 'comment', CSAT_SCORES, profiles);
    await json(
      await api.post('/api/v1/cases', {
        data: {
          description: '流量包开通后仍然按标准资费扣费，要求退还多扣的费用。',
          channel: 'call_center',
          profileId: profiles[5],
          touchpointKey: 'trial',
          priority: 'high',
        },
      }),
      201,
    );

    browser = await launchChromium();
    const context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: TIME_ZONE,
      viewport: { width: 1440, height: 900 },
    });
    unpin = await pinConsole(context, server.baseUrl);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    watchProblems(page, server.baseUrl, problems);
  }, 180_000);

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail')
      await shot(`failed-overview-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await api?.dispose();
    await browser?.close();
    unpin();
    await server?.close();
  });

  it('opens on the CX overview with its cards', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(OWNER);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('cx-overview').waitFor();
    await page.getByRole('heading', { name: '客户体验总览' }).waitFor();

    // NPS from its survey: the figure, its interval, n and the gap to the default target of 30.
    const npsValue = page.getByTestId('score-nps-value');
    await npsValue.waitFor();
    expect((await npsValue.textContent())?.trim()).toBe('16.7');
    const nps = page.getByTestId('score-nps');
    expect(await nps.textContent()).toContain(`n = ${NPS_SCORES.length}`);
    expect(await nps.textContent()).toContain('95% 置信区间');
    expect((await page.getByTestId('score-nps-gap').textContent())?.trim()).toBe('−13.3（目标 30）');
    await page.getByTestId('score-nps-trend').locator('canvas').first().waitFor();

    // CSAT: the share of satisfied answers; CES has no survey yet and says so, with the next step.
    expect((await page.getByTestId('score-csat-value').textContent())?.trim()).toBe('75%');
    const ces = page.getByTestId('score-ces');
    expect(await ces.textContent()).toContain('该时间段内没有 CES 答卷');
    await ces.getByRole('link', { name: '前往调查' }).waitFor();

    // The journey funnel, perception by touchpoint and week, cases and SLA, negative topics.
    await page.getByTestId('overview-funnel-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('overview-funnel-chart').getAttribute('aria-label')).toContain('发现 6');
    await page.getByTestId('overview-heatmap-chart').locator('canvas').first().waitFor();
    const cases = page.getByTestId('overview-cases');
    await cases.getByTestId('cases-open').waitFor();
    expect(await cases.getByTestId('cases-open').textContent()).toContain('1');
    await cases.getByTestId('sla-resolution').waitFor();
    const topics = page.getByTestId('overview-topics');
    await topics.getByTestId('negative-topic').first().waitFor();
    expect(await topics.textContent()).toContain(COMPLAINT);
    await shot('overview-zh');
  }, 90_000);

  it('changes the targets and the period, and keeps the getting-started page reachable', async () => {
    await page.getByTestId('targets-edit').click();
    const popover = page.locator('.ant-popover:not(.ant-popover-hidden)');
    await popover.waitFor();
    await settled(popover);
    await popover.getByLabel('NPS 目标（分）').fill('10');
    await popover.getByRole('button', { name: '保存目标' }).click();
    await expect
      .poll(async () => (await page.getByTestId('score-nps-gap').textContent())?.trim())
      .toBe('+6.7（目标 10）');
    // Targets are workspace settings on the server: they survive a reload (and another browser).
    await page.reload();
    await expect
      .poll(async () => (await page.getByTestId('score-nps-gap').textContent())?.trim(), { timeout: 30_000 })
      .toBe('+6.7（目标 10）');

    await page.getByTestId('overview-period').getByText('最近 7 天').click();
    await page.getByTestId('score-nps-value').waitFor();
    await page.getByRole('link', { name: '快速开始' }).last().click();
    await page.getByTestId('getting-started').waitFor();
    await page.goBack();
    await page.getByTestId('cx-overview').waitFor();
  }, 90_000);

  it('reads the same overview in English', async () => {
    await chooseLanguage('English');
    await page.getByRole('heading', { name: 'CX overview' }).waitFor();
    await page.getByTestId('score-nps-value').waitFor();
    expect(await page.getByTestId('score-nps').textContent()).toContain('Net Promoter Score');
    expect(await page.getByTestId('score-ces').textContent()).toContain('No CES answers in this period');
    expect(await page.getByTestId('overview-cases').textContent()).toContain('Resolution SLA met');
    await page.getByTestId('overview-funnel-chart').locator('canvas').first().waitFor();
    await page.getByTestId('overview-topics').getByTestId('negative-topic').first().waitFor();
    await shot('overview-en');
    await chooseLanguage('简体中文');
  }, 90_000);

  it('loaded nothing from other hosts and raised no page errors', () => {
    expect(problems).toEqual([]);
  });
});
