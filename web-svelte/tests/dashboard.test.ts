// End-to-end: the real Studio (server/dist/main.js, embedded database in a temp dir) serving the
// built dashboard, driven in Chromium as a user would. Build first: `npm run build`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { StudioProcess } from '../../server/test/support/studio-process.js';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  describeInBrowser,
  eventually,
  OWNER,
  START_TIMEOUT_MS,
  startStudio,
  UI_TIMEOUT_MS,
} from './support/dashboard.js';

/** Calls the API from the signed-in page, as the dashboard does (cookie + X-CSRF-Token). */
async function graphqlFromPage<T>(
  page: Page,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  return page.evaluate(
    async ({ query, variables }) => {
      const csrf = /(?:^|;\s*)maestro_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as T;
    },
    { query, variables },
  );
}

/** A workspace invite link (http://…/invites#token=…), made by the signed-in owner. */
async function inviteLink(page: Page, workspaceId: string, email?: string): Promise<string> {
  const result = await graphqlFromPage<{
    data?: { createInvite: { acceptUrl: string | null; userErrors: unknown[] } };
    errors?: unknown[];
  }>(
    page,
    `mutation Invite($input: CreateInviteInput!) {
      createInvite(input: $input) { acceptUrl userErrors { message } }
    }`,
    { input: { workspaceId, role: 'DEVELOPER', ...(email ? { email } : {}) } },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data?.createInvite.userErrors).toEqual([]);
  const link = result.data?.createInvite.acceptUrl;
  expect(link).toMatch(/\/invites#token=/);
  return link!;
}

/** The element that the input's aria-describedby names for its errors. */
async function errorTextOf(input: Locator, page: Page): Promise<string> {
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  if (!errorId) return '';
  return (await page.locator(`[id="${errorId}"]`).innerText()).trim();
}

describeInBrowser('dashboard', () => {
  let dataDir: string;
  let studio: { process: StudioProcess; url: string } | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let setupLink: string;
  /** RefreshSession requests the page sent. */
  let refreshes = 0;
  /** Variables of every ProjectEvents subscription the page sent, in order. */
  const subscriptions: Array<{ projectId?: string; after?: number | null }> = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'maestro-dashboard-'));
    studio = await startStudio(path.join(dataDir, 'data'));
    setupLink = await studio.process.setupLink();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') {
        if (request.postData()?.includes('"operationName":"RefreshSession"')) refreshes += 1;
      }
    });
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

  let setupWorkspaceUrl: string;
  let workspaceUrl: string;
  let projectUrl: string;

  test("before setup, app pages say that the setup link is on Studio's terminal", async () => {
    expect(setupLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup#token=\S+$/);
    await page.goto(`${studio!.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Set up Studio' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'setup link on its terminal' }).waitFor();
  }, 60_000);

  test('first-run setup through the link creates the owner, signs in and opens the workspace', async () => {
    await page.goto(setupLink);
    await page.getByRole('heading', { level: 1, name: 'Set up Studio' }).waitFor();
    // The token came from the fragment: nobody is asked to paste it.
    expect(await page.getByLabel('Setup token').count()).toBe(0);

    const password = page.getByLabel('Password');
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await password.fill('too short');
    await page.getByLabel('Workspace name').fill('Acme');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await eventually(async () => expect(await password.getAttribute('aria-invalid')).toBe('true'));
    expect(await errorTextOf(password, page)).toMatch(/10 characters/);
    expect(await password.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Email').inputValue()).toBe(OWNER.email);

    await password.fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.waitForURL(/\/workspaces\/wsp_[0-9A-Za-z]{22}$/);
    await page.getByRole('heading', { level: 1, name: 'Acme' }).waitFor();
    setupWorkspaceUrl = page.url();
    const account = page.getByRole('navigation', { name: 'Account' });
    await account.getByText(OWNER.name).waitFor();
    await account.getByRole('button', { name: 'Sign out' }).waitFor();

    // The session is in cookies: the tokens httpOnly, the CSRF token readable by the page.
    const cookies = new Map((await context.cookies()).map((cookie) => [cookie.name, cookie]));
    expect(cookies.get('maestro_access')?.httpOnly).toBe(true);
    expect(cookies.get('maestro_refresh')?.httpOnly).toBe(true);
    expect(cookies.get('maestro_csrf')?.httpOnly).toBe(false);

    // The link works once.
    await page.goto(setupLink);
    await page.getByRole('heading', { level: 1, name: 'Studio is already set up' }).waitFor();
    await page.getByRole('link', { name: 'Go to sign-in' }).waitFor();
  }, 60_000);

  test('lists workspaces and creates one through the form, with errors next to the field', async () => {
    await page.goto(`${studio!.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Studio' }).waitFor();
    await page
      .getByRole('list', { name: 'Workspaces' })
      .getByRole('link', { name: 'Acme' })
      .waitFor();

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
    // Without an access cookie the new socket is refused (4403): the client refreshes the
    // session once and connects again.
    await context.clearCookies({ name: 'maestro_access' });
    const refreshed = refreshes;
    expect(await studio!.process.stop()).toEqual({ code: 0, signal: null });
    await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();

    studio = await startStudio(path.join(dataDir, 'data'), { PORT: port });
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 });
    await eventually(() => expect(subscriptions.length).toBeGreaterThan(sent));
    expect(subscriptions.at(-1)?.after).toBe(1);
    const events = page.getByRole('table', { name: 'Events' });
    expect(await events.locator('tbody tr').count()).toBe(1);
    expect(refreshes).toBe(refreshed + 1);
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

  test('an expired access cookie is refreshed once, for page loads and for mutations', async () => {
    await context.clearCookies({ name: 'maestro_access' });
    const before = refreshes;
    await page.goto(workspaceUrl);
    await page.getByRole('heading', { level: 1, name: 'Acme Platform' }).waitFor();
    expect(refreshes).toBe(before + 1);

    // The mutation comes back UNAUTHENTICATED, the session is refreshed, the mutation retried.
    await context.clearCookies({ name: 'maestro_access' });
    await page.getByLabel('Remote URL').fill('https://github.com/acme/web.git');
    await page.getByRole('button', { name: 'Add project' }).click();
    await page
      .getByRole('table', { name: 'Projects' })
      .getByRole('link', { name: 'web' })
      .waitFor();
    expect(refreshes).toBe(before + 2);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  test('an invite link: a new person creates an account and lands in the workspace', async () => {
    const workspaceId = setupWorkspaceUrl.split('/').at(-1)!;
    const link = await inviteLink(page, workspaceId, 'grace@example.com');
    const guest = await browser!.newContext();
    try {
      const invited = await guest.newPage();
      invited.setDefaultTimeout(UI_TIMEOUT_MS);
      await invited.goto(link);
      await invited.getByRole('heading', { name: 'Join the workspace “Acme”' }).waitFor();
      await invited.getByText('Developer', { exact: true }).waitFor();
      expect(await invited.getByLabel('Email').inputValue()).toBe('grace@example.com');

      await invited.getByLabel('Your name').fill('Grace Hopper');
      await invited.getByLabel('Password').fill('compiler-a0-1952');
      await invited.getByRole('button', { name: 'Create account and join' }).click();
      await invited.waitForURL(setupWorkspaceUrl);
      await invited.getByRole('heading', { level: 1, name: 'Acme' }).waitFor();
      await invited
        .getByRole('navigation', { name: 'Account' })
        .getByText('Grace Hopper')
        .waitFor();

      // An invite works once.
      await invited.goto(link);
      await invited.getByRole('alert').filter({ hasText: 'already used' }).waitFor();
    } finally {
      await guest.close();
    }
  }, 60_000);

  test('an invite link: "I have an account" signs in, then accepts', async () => {
    const workspaceId = workspaceUrl.split('/').at(-1)!;
    const link = await inviteLink(page, workspaceId);
    const guest = await browser!.newContext();
    try {
      const invited = await guest.newPage();
      invited.setDefaultTimeout(UI_TIMEOUT_MS);
      await invited.goto(link);
      await invited.getByRole('heading', { name: 'Join the workspace “Acme Platform”' }).waitFor();
      await invited.getByRole('button', { name: 'I have an account' }).click();
      const email = invited.getByLabel('Email');
      expect(await email.evaluate((element) => element === document.activeElement)).toBe(true);
      await email.fill('grace@example.com');
      await invited.getByLabel('Password').fill('compiler-a0-1952');
      await invited.getByRole('button', { name: 'Sign in' }).click();
      await invited.waitForURL(workspaceUrl);
      await invited.getByRole('heading', { level: 1, name: 'Acme Platform' }).waitFor();
    } finally {
      await guest.close();
    }
  }, 60_000);

  test('signing out ends the session, and app pages then ask to sign in', async () => {
    await page.goto(projectUrl);
    await page.getByRole('heading', { level: 1, name: 'api' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Maestro Studio' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    const names = (await context.cookies()).map((cookie) => cookie.name);
    expect(names).not.toContain('maestro_access');
    expect(names).not.toContain('maestro_csrf');

    const projectPath = new URL(projectUrl).pathname;
    await page.goto(projectUrl);
    await page.waitForURL(
      (url) => url.pathname === '/login' && url.searchParams.get('next') === projectPath,
    );
    await page.getByRole('status').filter({ hasText: 'Sign in to continue' }).waitFor();
  }, 60_000);

  test('a wrong password is refused with a clear message; the right one returns to the page', async () => {
    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password');
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await email.fill(OWNER.email);
    await password.fill('not the password');
    await signIn.click();
    await page.getByText('the email or password is wrong').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await email.inputValue()).toBe(OWNER.email);

    await password.fill(OWNER.password);
    await signIn.click();
    await page.waitForURL(projectUrl);
    await page.getByRole('heading', { level: 1, name: 'api' }).waitFor();
    await page.getByRole('navigation', { name: 'Account' }).getByText(OWNER.name).waitFor();
  }, 60_000);

  test('when the session cannot be refreshed, the next request goes to sign-in and back', async () => {
    await page.goto(workspaceUrl);
    await page.getByRole('heading', { level: 1, name: 'Acme Platform' }).waitFor();
    // As if both tokens had expired; only the CSRF cookie is left.
    await context.clearCookies({ name: 'maestro_access' });
    await context.clearCookies({ name: 'maestro_refresh' });
    const before = refreshes;
    await page.getByRole('table', { name: 'Projects' }).getByRole('link', { name: 'api' }).click();
    const projectPath = new URL(projectUrl).pathname;
    await page.waitForURL(
      (url) => url.pathname === '/login' && url.searchParams.get('next') === projectPath,
    );
    expect(refreshes).toBe(before + 1);

    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(projectUrl);
    await page.getByRole('heading', { level: 1, name: 'api' }).waitFor();
  }, 60_000);

  test('repeated failed sign-ins are throttled, and the page says how long to wait', async () => {
    const guest = await browser!.newContext();
    try {
      const visitor = await guest.newPage();
      visitor.setDefaultTimeout(UI_TIMEOUT_MS);
      await visitor.goto(`${studio!.url}/login`);
      await visitor.getByLabel('Email').fill('nobody@example.com');
      const password = visitor.getByLabel('Password');
      const signIn = visitor.getByRole('button', { name: 'Sign in' });
      const isGraphQL = (response: { url(): string }) => response.url().endsWith('/graphql');
      // Five failures lock the account (DEFAULT_THROTTLE_LIMITS); the sixth attempt is refused.
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        await password.fill(`wrong password ${attempt}`);
        await Promise.all([visitor.waitForResponse(isGraphQL), signIn.click()]);
      }
      await visitor.getByText('the email or password is wrong').waitFor();
      await password.fill('wrong password 6');
      await signIn.click();
      await visitor.getByText(/^Too many attempts\. Try again in \d+ minutes?\.$/).waitFor();
    } finally {
      await guest.close();
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
