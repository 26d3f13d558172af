// What every browser test needs: the real Studio (server/dist/main.js on the embedded database in
// a temp dir) serving the built dashboard, Debian's Chromium, and a signed-in owner made through
// the first-run setup page. Build first: `npm run build`.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expectEventually } from '../../../server/test/support/expect-eventually.js';
import { StudioProcess } from '../../../server/test/support/studio-process.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SERVER_ENTRY = path.join(ROOT, 'server/dist/main.js');
const WEB_HANDLER = path.join(ROOT, 'web-svelte/build/handler.js');
/** Where the screenshots of each step go (ignored by git, kept by CI). */
export const SCREENSHOTS = path.join(ROOT, 'web-svelte/test-results');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The first start creates the embedded database; allow for a slow machine. */
export const START_TIMEOUT_MS = 60_000;
export const UI_TIMEOUT_MS = 20_000;

export const eventually = <T>(check: () => T | Promise<T>, timeoutMs = UI_TIMEOUT_MS): Promise<T> =>
  expectEventually(check, { timeoutMs, intervalMs: 100 });

const chromiumMissing = !existsSync(CHROMIUM);
const skipReason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

/** `describe`, or `describe.skip` with the reason in the suite's name when Chromium is missing. */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumMissing) {
    console.warn(`${name}: skipped: ${skipReason}`);
    describe.skip(`${name} (skipped: ${skipReason})`, body);
  } else {
    describe(name, body);
  }
}

/** The owner that first-run setup creates. */
export const OWNER = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  password: 'analytical-engine-1843',
};

/** Studio as `npm start` runs it (no DATABASE_URL or REDIS_URL: the embedded default). */
export async function startStudio(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ process: StudioProcess; url: string }> {
  for (const [file, what] of [
    [SERVER_ENTRY, 'the server build'],
    [WEB_HANDLER, 'the dashboard build'],
  ] as const) {
    if (!existsSync(file)) {
      throw new Error(`${path.relative(ROOT, file)} is missing (${what}): run npm run build`);
    }
  }
  const studio = new StudioProcess({
    PORT: '0',
    HOST: '127.0.0.1',
    MAESTRO_DATA_DIR: dataDir,
    ...env,
  });
  try {
    return { process: studio, url: await studio.ready(START_TIMEOUT_MS) };
  } catch (error) {
    await studio.stop();
    throw error;
  }
}

/** Calls the API from the signed-in page, as the dashboard does (cookie + X-CSRF-Token). */
export async function graphqlFromPage<T>(
  page: Page,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await page.evaluate(
    async ({ query, variables }) => {
      const csrf = /(?:^|;\s*)maestro_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
    },
    { query, variables },
  );
  if (result.errors?.length) {
    throw new Error(`GraphQL errors: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.data as T;
}

/** A running Studio with Chromium signed in as the owner of workspace "Acme". */
export interface Dashboard {
  readonly url: string;
  readonly studio: StudioProcess;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly workspaceId: string;
  /** A scratch directory removed by stop(). */
  readonly dir: string;
  /** Uncaught errors in the page: a test should expect none. */
  readonly pageErrors: string[];
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Saves a full-page screenshot as web-svelte/test-results/<prefix>-<name>.png. */
  screenshot(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  /** Names the screenshots: `<prefix>-<step>.png`. */
  readonly prefix: string;
  /** Extra environment for Studio (e.g. MAESTRO_PLANNER_URL for a stand-in model). */
  readonly env?: Record<string, string>;
}

/** Starts Studio and Chromium, and creates the owner through the first-run setup page. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const dir = await mkdtemp(path.join(tmpdir(), `maestro-${options.prefix}-`));
  const { process: studio, url } = await startStudio(path.join(dir, 'data'), options.env);
  let browser: Browser | undefined;
  try {
    const setupLink = await studio.setupLink();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(setupLink);
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByLabel('Workspace name').fill('Acme');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.waitForURL(/\/workspaces\/wsp_[0-9A-Za-z]{22}$/);
    const workspaceId = new URL(page.url()).pathname.split('/').at(-1)!;
    await mkdir(SCREENSHOTS, { recursive: true });
    const started = browser;
    return {
      url,
      studio,
      browser: started,
      context,
      page,
      workspaceId,
      dir,
      pageErrors,
      graphql: (query, variables) => graphqlFromPage(page, query, variables),
      screenshot: async (name) => {
        await page.screenshot({
          path: path.join(SCREENSHOTS, `${options.prefix}-${name}.png`),
          fullPage: true,
        });
      },
      stop: async () => {
        await started.close();
        await studio.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await studio.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Fails the test with the page's uncaught errors, if any. */
export function expectNoPageErrors(dashboard: Dashboard): void {
  expect(dashboard.pageErrors).toEqual([]);
}
