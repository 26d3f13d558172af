// End-to-end: the real Studio (server/dist/main.js, embedded database in a temp dir) serving the
// built dashboard, driven in Chromium as a user would. Build first: `npm run build`.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { expectEventually } from '../../server/test/support/expect-eventually.js';
import { StudioProcess } from '../../server/test/support/studio-process.js';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_ENTRY = path.join(ROOT, 'server/dist/main.js');
const WEB_HANDLER = path.join(ROOT, 'web-svelte/build/handler.js');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
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
const START_TIMEOUT_MS = 60_000;
const UI_TIMEOUT_MS = 20_000;

/** Studio as `npm start` runs it (no DATABASE_URL or REDIS_URL: the embedded default). */
async function startStudio(
  dataDir: string,
  port = 0,
): Promise<{ process: StudioProcess; url: string }> {
  const studio = new StudioProcess({
    PORT: String(port),
    HOST: '127.0.0.1',
    MAESTRO_DATA_DIR: dataDir,
  });
  try {
    return { process: studio, url: await studio.ready(START_TIMEOUT_MS) };
  } catch (error) {
    await studio.stop();
    throw error;
  }
}

const eventually = (check: () => void | Promise<void>) =>
  expectEventually(check, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 100 });

/** The element that the input's aria-describedby names for its errors. */
async function errorTextOf(input: Locator, page: Page): Promise<string> {
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  if (!errorId) return '';
  return (await page.locator(`[id="${errorId}"]`).innerText()).trim();
}

const chromiumMissing = !existsSync(CHROMIUM);
const skipReason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
if (chromiumMissing) console.warn(`dashboard tests skipped: ${skipReason}`);
const describeInBrowser = chromiumMissing ? describe.skip : describe;
const suiteName = chromiumMissing ? `dashboard (skipped: ${skipReason})` : 'dashboard';

describeInBrowser(suiteName, () => {
  let dataDir: string;
  let studio: { process: StudioProcess; url: string } | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** Variables of every ProjectEvents subscription the page sent, in order. */
  const subscriptions: Array<{ projectId?: string; after?: number | null }> = [];

  beforeAll(async () => {
    for (const [file, what] of [
      [SERVER_ENTRY, 'the server build'],
      [WEB_HANDLER, 'the dashboard build'],
    ] as const) {
      if (!existsSync(file)) {
        throw new Error(`${path.relative(ROOT, file)} is missing (${what}): run npm run build`);
      }
    }
    dataDir = await mkdtemp(path.join(tmpdir(), 'maestro-dashboard-'));
    studio = await startStudio(path.join(dataDir, 'data'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as {
          type?: string;
          payload?: { operationName?: string; variables?: (typeof subscriptions)[number] };
        };
        if (message.type === 'subscribe' && message.payload?.operationName === 'ProjectEvents') {
          subscriptions.push(message.payload.variables ?? {});
        }
      });
    });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.process.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  let workspaceUrl: string;
  let projectUrl: string;

  test('lists workspaces and creates one through the form, with errors next to the field', async () => {
    await page.goto(`${studio!.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Studio' }).waitFor();
    await page.getByText('No workspaces yet').waitFor();

    const name = page.getByLabel('Name');
    const slug = page.getByLabel('Slug');
    const create = page.getByRole('button', { name: 'Create workspace' });

    // An invalid slug: the message sits next to the slug input, and what was typed stays.
    await name.fill('Acme Platform');
    await slug.fill('Not A Slug!');
    await create.click();
    await eventually(async () => expect(await slug.getAttribute('aria-invalid')).toBe('true'));
    expect(await errorTextOf(slug, page)).not.toBe('');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await name.inputValue()).toBe('Acme Platform');
    expect(await slug.inputValue()).toBe('Not A Slug!');
    expect(await slug.evaluate((element) => element === document.activeElement)).toBe(true);

    await slug.fill('');
    await create.click();
    const list = page.getByRole('list', { name: 'Workspaces' });
    const link = list.getByRole('link', { name: 'Acme Platform' });
    await link.waitFor();
    expect(await list.getByText('acme-platform').count()).toBe(1);
    expect(await slug.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('status').filter({ hasText: 'Acme Platform' }).waitFor();

    // Still there after a reload: it came from Studio, not only from the page's memory.
    await page.reload();
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'Acme Platform' }).waitFor();
    workspaceUrl = page.url();
    expect(workspaceUrl).toMatch(/\/workspaces\/wsp_[0-9A-Za-z]{22}$/);
  }, 60_000);

  test('adds a project: a bad remote is refused next to the field, a good one is listed', async () => {
    await page.getByText('No projects yet').waitFor();
    const remote = page.getByLabel('Remote URL');
    const add = page.getByRole('button', { name: 'Add project' });

    await remote.fill('not a remote');
    await add.click();
    await eventually(async () => expect(await remote.getAttribute('aria-invalid')).toBe('true'));
    expect(await errorTextOf(remote, page)).toMatch(/space/i);
    expect(await remote.inputValue()).toBe('not a remote');

    await remote.fill('https://github.com/acme/api.git');
    await add.click();
    const projects = page.getByRole('table', { name: 'Projects' });
    const row = projects.getByRole('row', { name: /api/ });
    await row.waitFor();
    expect(await row.getByRole('cell', { name: 'github.com:acme/api', exact: true }).count()).toBe(
      1,
    );
    expect(await remote.getAttribute('aria-invalid')).toBeNull();
    expect(await remote.inputValue()).toBe('');

    await row.getByRole('link', { name: 'api' }).click();
    await page.getByRole('heading', { level: 1, name: 'api' }).waitFor();
    projectUrl = page.url();
    expect(projectUrl).toMatch(/\/projects\/prj_[0-9A-Za-z]{22}$/);
  }, 60_000);

  test("the project page replays the project's event log in the live feed", async () => {
    const events = page.getByRole('table', { name: 'Events' });
    const created = events.getByRole('row', { name: /ProjectCreated/ });
    await created.waitFor();
    expect((await created.getByRole('cell').first().innerText()).trim()).toBe('1');
    expect(await created.getByText('"name":"api"').count()).toBe(1);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await events.locator('tbody tr').count()).toBe(1);
    expect(subscriptions.at(-1)).toEqual({ projectId: projectUrl.split('/').at(-1), after: 0 });
  }, 60_000);

  test('after Studio restarts, the feed reconnects and resumes after the last seq seen', async () => {
    const port = new URL(studio!.url).port;
    const sent = subscriptions.length;
    expect(await studio!.process.stop()).toEqual({ code: 0, signal: null });
    await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();

    studio = await startStudio(path.join(dataDir, 'data'), Number(port));
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 });
    await eventually(() => expect(subscriptions.length).toBeGreaterThan(sent));
    expect(subscriptions.at(-1)?.after).toBe(1);
    const events = page.getByRole('table', { name: 'Events' });
    expect(await events.locator('tbody tr').count()).toBe(1);
  }, 120_000);

  test('an unknown or malformed workspace id shows "not found"', async () => {
    const known = workspaceUrl.split('/').at(-1)!;
    const unknown = `${known.slice(0, -1)}${known.endsWith('0') ? '1' : '0'}`;
    for (const id of [unknown, 'not-an-id']) {
      await page.goto(`${studio!.url}/workspaces/${id}`);
      await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
      await page.getByRole('alert').filter({ hasText: id }).waitFor();
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
