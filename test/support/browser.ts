import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * What the browser suites share: Debian's Chromium, the console pinned to a copy of web/dist, problem watching,
 * screenshots, and the Ant Design gestures (language switch, selects) that must wait for animations.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Folder to keep screenshots of the pages the tests visit, when set. */
const SHOTS = process.env.TOUCHPOINT_E2E_SCREENSHOTS;

/** The built console, as the globalSetup left it. */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-dev-shm-usage',
      '--no-first-run',
      // No calls home: the suites assert that the console requests nothing from other hosts.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Serves the console (its page and chunks) to this browser context from a copy of web/dist taken now: other test
 * runs on this machine may rebuild web/dist meanwhile, which must not pull the files away mid-test. Returns an
 * undo that removes the copy.
 */
export async function pinConsole(context: BrowserContext, baseUrl: string): Promise<() => void> {
  const copy = mkdtempSync(path.join(tmpdir(), 'tp-e2e-dist-'));
  cpSync(DIST, copy, { recursive: true });
  await context.route(`${baseUrl}/**`, async (route) => {
    const request = route.request();
    const { pathname } = new URL(request.url());
    const file = path.join(copy, pathname);
    if (pathname.startsWith('/assets/') && file.startsWith(copy) && existsSync(file)) {
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : undefined;
      await route.fulfill({ body: readFileSync(file), ...(type && { contentType: type }) });
    } else if (request.resourceType() === 'document' && !/^\/(api|v1|s)\//.test(pathname)) {
      await route.fulfill({ body: readFileSync(path.join(copy, 'index.html')), contentType: 'text/html' });
    } else {
      await route.continue();
    }
  });
  return () => rmSync(copy, { recursive: true, force: true });
}

/** Collects page errors and requests to other hosts (the console must load nothing from elsewhere). */
export function watchProblems(page: Page, baseUrl: string, problems: string[], label = 'page'): void {
  page.on('pageerror', (error) => problems.push(`${label} error: ${error.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:'))
      problems.push(`external request: ${r.url()}`);
  });
}

/** Waits until the opening animation of a popup has finished; clicks during it can get lost. */
export function settled(locator: Locator): Promise<unknown> {
  return locator.evaluate((element) => {
    interface Animation {
      finished: Promise<unknown>;
      effect: { getComputedTiming(): { iterations?: number } } | null;
    }
    const animated = element as unknown as { getAnimations(o: { subtree: boolean }): Animation[] };
    const finite = animated
      .getAnimations({ subtree: true })
      .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity);
    return Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
  });
}

/** A full-page screenshot named `name`, when TOUCHPOINT_E2E_SCREENSHOTS names a folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await settled(page.locator('body'));
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Switches the console language from the header's switch. */
export async function chooseLanguage(page: Page, label: string): Promise<void> {
  await page.getByTestId('language-switch').click();
  const menu = page.locator('.ant-dropdown:not(.ant-dropdown-hidden)');
  await menu.waitFor();
  await settled(menu);
  await menu.getByRole('menuitem', { name: label }).click();
  await menu.waitFor({ state: 'hidden' });
}

/** Picks an option of an Ant Design select by its visible text. */
export async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await dropdown.waitFor();
  await settled(dropdown);
  await dropdown.getByTitle(option, { exact: true }).click();
  await dropdown.waitFor({ state: 'hidden' });
}
