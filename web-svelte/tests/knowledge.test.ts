// The knowledge browser and the API explorer, end to end: the real Studio serving the built
// dashboard, a real daemon analysing a real repository (the polyglot fixture), Chromium.
// Build first: `npm run build`.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  describeInBrowser,
  eventually,
  expectNoPageErrors,
  SCREENSHOTS,
  startDashboard,
  UI_TIMEOUT_MS,
  type Dashboard,
} from './support/dashboard.js';
import {
  analystDaemon,
  createProject,
  polyglotRepository,
  type FixtureRepository,
} from './support/knowledge.js';
import { signedInDaemonHome, type DaemonProcess } from './support/daemon.js';

/** An analysis: checkout, analyzer, post. Slow on a busy machine. */
const ANALYSIS_TIMEOUT_MS = 90_000;

describeInBrowser('knowledge browser and API explorer', () => {
  let dashboard: Dashboard;
  let page: Page;
  let repo: FixtureRepository;
  let projectId: string;
  let home: string | undefined;
  let daemon: DaemonProcess | undefined;

  const knowledgeUrl = (query = '') => `${dashboard.url}/projects/${projectId}/knowledge${query}`;
  /** The names of the artifacts the page lists, in order. */
  const listed = (label: 'Search results' | 'Artifacts') =>
    page.getByRole('list', { name: label }).getByRole('heading', { level: 3 }).allInnerTexts();

  beforeAll(async () => {
    dashboard = await startDashboard({ prefix: 'knowledge' });
    page = dashboard.page;
    repo = await polyglotRepository(dashboard.dir);
    projectId = await createProject(dashboard, 'Polyglot shop', repo.origin);
  }, 120_000);

  afterAll(async () => {
    await daemon?.kill9().catch(() => undefined);
    await dashboard?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('an owner starts an analysis from the page; a real daemon runs it and the page fills in live', async () => {
    await page.goto(`${dashboard.url}/projects/${projectId}`);
    await page
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Knowledge' })
      .click();
    await page.waitForURL(/\/knowledge$/);
    await eventually(async () => expect(await page.getByText('Not analysed yet').count()).toBe(1));
    await eventually(async () =>
      expect(await page.getByRole('status').filter({ hasText: 'No knowledge yet' }).count()).toBe(
        1,
      ),
    );
    // the embedder in use, as Studio reports it
    await eventually(async () =>
      expect(await page.locator('.embedder').innerText()).toContain('local-lexical-v1'),
    );
    expect(await page.locator('.embedder').innerText()).toContain('not meaning');
    await eventually(async () =>
      expect(await page.getByRole('status').filter({ hasText: 'Live' }).count()).toBe(1),
    );

    // no session yet: the run waits in the queue, and asking again says so
    await page.getByRole('button', { name: 'Analyse repository' }).click();
    await eventually(async () =>
      expect(
        await page.getByRole('status').filter({ hasText: 'Analysis queued:' }).innerText(),
      ).toMatch(/run_/),
    );
    await page.getByRole('button', { name: 'Analyse repository' }).click();
    await eventually(async () =>
      expect(
        await page
          .getByRole('status')
          .filter({ hasText: 'An analysis is already queued:' })
          .count(),
      ).toBe(1),
    );
    await dashboard.screenshot('1-queued');

    // a real daemon on the clone claims and runs it; the page updates without a reload
    home = await signedInDaemonHome(dashboard, 'analyst-box');
    daemon = analystDaemon(home, repo.clone);
    await eventually(async () => {
      expect(await page.getByRole('status').filter({ hasText: '8 artifacts' }).count()).toBe(1);
      expect(await page.locator('.facts').innerText()).toContain('React');
    }, ANALYSIS_TIMEOUT_MS);
    expect(await page.getByRole('list', { name: 'Stack' }).innerText()).toContain('FastAPI');
    await page.getByText(/Directory map/).click();
    expect(await page.getByRole('table').innerText()).toContain('service/');
    expect((await listed('Artifacts')).sort()).toEqual(
      [
        'CartService',
        'CatalogService',
        'Enqueue',
        'Job',
        'Price',
        'PriceTag',
        'formatPrice',
        'slugify',
      ].sort(),
    );
    await dashboard.screenshot('2-analysed');
    expectNoPageErrors(dashboard);
  }, 180_000);

  test('search with filters: ranked hits, the filters in a shareable URL, a filter without matches says so', async () => {
    await page.goto(knowledgeUrl());
    await page.getByLabel('Search knowledge').fill('cart service');
    await page.getByRole('checkbox', { name: 'Service' }).check();
    await page.waitForURL(/\?q=cart\+service&type=SERVICE$/);
    await eventually(async () =>
      expect(await listed('Search results')).toEqual(['CartService', 'CatalogService']),
    );
    const first = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').first();
    expect(await first.innerText()).toContain('TypeScript · React');
    expect(await first.innerText()).toContain('web/src/cart-service.ts');
    expect(await first.innerText()).toMatch(/score 0\.\d{4}/);
    await dashboard.screenshot('3-search');

    // the URL carries the search: a reload (or a shared link) shows the same
    await page.reload();
    expect(await page.getByLabel('Search knowledge').inputValue()).toBe('cart service');
    expect(await page.getByRole('checkbox', { name: 'Service' }).isChecked()).toBe(true);
    await eventually(async () =>
      expect(await listed('Search results')).toEqual(['CartService', 'CatalogService']),
    );

    await page.getByLabel('Language').fill('python');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/language=python/);
    await eventually(async () =>
      expect(await listed('Search results')).toEqual(['CatalogService']),
    );

    await page.getByLabel('Framework').fill('Gin');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(async () =>
      expect(
        await page.getByRole('status').filter({ hasText: 'No artifact matches' }).innerText(),
      ).toBe(
        'No artifact matches “cart service” with type Service, language python, framework Gin.',
      ),
    );
    expect(await page.getByRole('list', { name: 'Search results' }).count()).toBe(0);
    await dashboard.screenshot('4-no-match');

    // without a query the same filters browse the artifacts
    await page.goto(knowledgeUrl('?type=FUNCTION&language=TypeScript'));
    await eventually(async () => expect(await listed('Artifacts')).toEqual(['formatPrice']));
    expect(await page.getByRole('status').filter({ hasText: '1 artifact' }).innerText()).toBe(
      '1 artifact with type Function, language TypeScript.',
    );

    // bad input: Studio's message next to the field, what was typed kept
    const long = 'price '.repeat(170);
    await page.getByLabel('Search knowledge').fill(long);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(async () =>
      expect(await page.locator('#knowledge-q-error').innerText()).toContain(
        'query must be 1-1000 characters',
      ),
    );
    expect(await page.getByLabel('Search knowledge').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Search knowledge').inputValue()).toBe(long.trim());
    await dashboard.screenshot('5-bad-input');
    expectNoPageErrors(dashboard);
  }, 120_000);

  test('a developer reads the knowledge but is not offered an analysis (project.analyze is architect and up)', async () => {
    const { createInvite } = await dashboard.graphql<{
      createInvite: { token: string | null; userErrors: { message: string }[] };
    }>(
      'mutation($i: CreateInviteInput!) { createInvite(input: $i) { token userErrors { message } } }',
      { i: { workspaceId: dashboard.workspaceId, role: 'DEVELOPER', email: 'grace@example.com' } },
    );
    expect(createInvite.userErrors).toEqual([]);
    const context = await dashboard.browser.newContext();
    try {
      const developer = await context.newPage();
      developer.setDefaultTimeout(UI_TIMEOUT_MS);
      await developer.goto(`${dashboard.url}/login`);
      // the account, made with the invite through the API; the session lands in this browser's cookies
      const signedUp = await developer.evaluate(async (token) => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation($i: SignUpInput!) { signUp(input: $i) { userErrors { message } } }',
            variables: {
              i: {
                inviteToken: token,
                name: 'Grace Hopper',
                email: 'grace@example.com',
                password: 'compiler-1952-cobol',
                delivery: 'COOKIE',
              },
            },
          }),
        });
        return (await response.json()) as unknown;
      }, createInvite.token);
      expect(signedUp).toMatchObject({ data: { signUp: { userErrors: [] } } });
      await developer.goto(knowledgeUrl());
      await eventually(async () =>
        expect(await developer.locator('.facts').innerText()).toContain('React'),
      );
      await eventually(async () =>
        expect(await developer.getByRole('status').filter({ hasText: '8 artifacts' }).count()).toBe(
          1,
        ),
      );
      expect(await developer.getByRole('button', { name: 'Analyse repository' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  test('context files: versions with who and when, any version, a diff, and a new version arriving live', async () => {
    await page.goto(knowledgeUrl());
    await page
      .getByRole('navigation', { name: 'Knowledge' })
      .getByRole('link', { name: 'Workflow' })
      .click();
    await page.waitForURL(/\/knowledge\/files\/workflow$/);
    await eventually(async () =>
      expect(await page.getByRole('heading', { level: 2 }).innerText()).toBe(
        'workflow · version 1',
      ),
    );
    expect(await page.getByLabel('Content of version 1').innerText()).toContain('`make test`');
    const history = page.getByRole('table', { name: /^Versions of workflow/ });
    await eventually(async () =>
      expect(await history.getByRole('link', { name: /^analysis run run_/ }).count()).toBe(1),
    );

    // the repository changes and is analysed again: version 2 arrives without a reload
    await repo.addLintScript();
    const { startRepoAnalysis } = await dashboard.graphql<{
      startRepoAnalysis: { run: { id: string }; alreadyQueued: boolean };
    }>(
      'mutation($i: StartRepoAnalysisInput!) { startRepoAnalysis(input: $i) { run { id } alreadyQueued } }',
      {
        i: { projectId },
      },
    );
    expect(startRepoAnalysis.alreadyQueued).toBe(false);
    await eventually(async () => {
      expect(await page.getByRole('heading', { level: 2 }).innerText()).toBe(
        'workflow · version 2',
      );
      expect(
        await page.getByRole('status').filter({ hasText: 'workflow is now version 2.' }).count(),
      ).toBe(1);
    }, ANALYSIS_TIMEOUT_MS);
    const rows = history.getByRole('row');
    await eventually(async () => {
      expect(await rows.nth(1).innerText()).toContain('Version 2 (current)');
      expect(
        await rows
          .nth(1)
          .getByRole('link', { name: `analysis run ${startRepoAnalysis.run.id}` })
          .count(),
      ).toBe(1);
      expect(await rows.nth(2).innerText()).toContain('Version 1');
    });
    // what the page shows for version 2 came from Studio: the new script
    expect(await page.getByLabel('Content of version 2').innerText()).toContain(
      '`npm run lint --prefix web`: `eslint src`',
    );

    // the diff against the version before, computed in the page
    await page.getByRole('link', { name: 'Changes from version 1' }).click();
    await page.waitForURL(/view=diff/);
    const diff = page.getByRole('table', { name: 'Changes from version 1 to version 2' });
    await eventually(async () =>
      expect(await diff.locator('tr.added').innerText()).toContain(
        '`npm run lint --prefix web`: `eslint src`',
      ),
    );
    expect(await diff.locator('tr.removed').count()).toBe(0);
    expect(await page.locator('.added-count').innerText()).toBe('+1');
    await dashboard.screenshot('6-diff');
    await page.emulateMedia({ colorScheme: 'dark' });
    await dashboard.screenshot('6-diff-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // any version, by link; the URL keeps it
    await rows.nth(2).getByRole('link', { name: 'Version 1' }).click();
    await page.waitForURL(/version=1/);
    expect(await page.getByLabel('Content of version 1').innerText()).not.toContain('eslint src');
    await page.reload();
    expect(await page.getByLabel('Content of version 1').innerText()).toContain('`make test`');
    await dashboard.screenshot('7-version-1');
    expectNoPageErrors(dashboard);
  }, 180_000);

  test('the API explorer is bundled: it loads and runs a query with only Studio reachable', async () => {
    // other pages do not load GraphiQL's bundle
    await page.goto(knowledgeUrl());
    await page.getByRole('heading', { name: 'Artifacts' }).waitFor();
    expect(
      await page.evaluate(() =>
        [...document.styleSheets].some((sheet) =>
          [...sheet.cssRules].some((rule) => rule.cssText.includes('.graphiql-container')),
        ),
      ),
    ).toBe(false);

    const context = await dashboard.browser.newContext({
      storageState: await dashboard.context.storageState(),
    });
    try {
      const studioOrigin = new URL(dashboard.url).origin;
      const elsewhere: string[] = [];
      await context.route('**/*', async (route) => {
        if (new URL(route.request().url()).origin === studioOrigin) return route.continue();
        elsewhere.push(route.request().url());
        return route.abort('internetdisconnected');
      });
      const explorer = await context.newPage();
      explorer.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors: string[] = [];
      explorer.on('pageerror', (error) => errors.push(error.message));
      await explorer.goto(`${dashboard.url}/projects/${projectId}`);
      await explorer.getByRole('link', { name: 'API', exact: true }).click();
      await explorer.waitForURL(/\/graphiql$/);
      await explorer.locator('.graphiql-query-editor .CodeMirror').waitFor();
      await explorer.evaluate(() => {
        const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as {
          CodeMirror: { setValue(value: string): void };
        };
        editor.CodeMirror.setValue('{ viewer { user { name } } }');
      });
      await explorer.getByRole('button', { name: /Execute query/ }).click();
      await eventually(async () => {
        const response = await explorer.locator('.graphiql-response').innerText();
        expect(response).toContain('"name": "Ada Lovelace"');
      });
      await explorer.screenshot({
        path: path.join(SCREENSHOTS, 'knowledge-8-graphiql.png'),
        fullPage: true,
      });
      // the header's theme choice reaches GraphiQL too, both ways
      const theme = explorer.getByRole('group', { name: 'Theme' });
      await theme.getByRole('button', { name: 'Dark' }).click();
      await eventually(async () =>
        expect(
          await explorer.evaluate(() => document.body.classList.contains('graphiql-dark')),
        ).toBe(true),
      );
      await theme.getByRole('button', { name: 'Light' }).click();
      await eventually(async () =>
        expect(
          await explorer.evaluate(() => document.body.classList.contains('graphiql-light')),
        ).toBe(true),
      );
      expect(elsewhere).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
