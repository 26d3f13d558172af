// The dashboard's acceptance flow (issue 10), end to end with real parts: first-run setup → a
// project on a local bare repository, created in the UI → a plan of three tasks with a
// dependency → activation → a real `maestro connect` daemon with a stand-in agent runs it → the
// kanban moves live without a reload → the drawer shows the review verdict → the release → the
// plan shows COMPLETED. A screenshot of every step goes to web-svelte/test-results/flow-*.png.
// Build first: `npm run build` (shared, server, client-daemon, web-svelte).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  describeInBrowser,
  eventually,
  expectNoPageErrors,
  START_TIMEOUT_MS,
  startDashboard,
  type Dashboard,
} from './support/dashboard.js';
import { card, columnOf, connectDaemon, markWindow, windowStillMarked } from './support/tasks.js';
import { bareRepository, signedInDaemonHome, type DaemonProcess } from './support/daemon.js';

const exec = promisify(execFile);

/** How long a stand-in agent takes the plan from activation to its release, at most. */
const DELIVERY_TIMEOUT_MS = 150_000;

/**
 * The plan: three tasks, the third waiting for the first. The stand-in agent follows the
 * `STAND-IN:` lines (client-daemon/test/support/stand-ins/claude); its reviews approve.
 */
const PLAN: ReadonlyArray<{
  title: string;
  description: string;
  estimateMinutes: number;
  waitsFor?: string;
}> = [
  {
    title: 'Write the greeting',
    description: 'Write the greeting.\nSTAND-IN: sleep 1500\nSTAND-IN: append greeting.txt hello',
    estimateMinutes: 20,
  },
  {
    title: 'Write the farewell',
    description: 'Write the farewell.\nSTAND-IN: append farewell.txt bye',
    estimateMinutes: 10,
  },
  {
    title: 'Extend the greeting',
    description: 'Extend the greeting.\nSTAND-IN: append greeting.txt and more',
    estimateMinutes: 15,
    waitsFor: 'Write the greeting',
  },
];

const TITLES = ['Write the greeting', 'Write the farewell', 'Extend the greeting'];

describeInBrowser('flow: from first-run setup to a released plan', () => {
  let dashboard: Dashboard;
  let origin: string;
  let projectId: string;
  let planId: string;
  let planUrl: string;
  let daemon: DaemonProcess | undefined;

  beforeAll(async () => {
    dashboard = await startDashboard({ prefix: 'flow' });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    if (daemon) {
      // SIGTERM ends its session; SIGKILL to its process group if it does not stop in time
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopped = await Promise.race([
        daemon.stop().then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
      ]);
      clearTimeout(timer);
      if (!stopped) await daemon.kill9();
    }
    await dashboard?.stop();
  }, 60_000);

  const page = () => dashboard.page;

  test('1. first-run setup made the owner and opened the workspace', async () => {
    await page().getByRole('heading', { level: 1, name: 'Acme' }).waitFor();
    await dashboard.screenshot('1-setup');
  });

  test('2. a project on a local bare repository, created in the UI', async () => {
    origin = await bareRepository(dashboard.dir, ['one', 'two', 'three']);
    await page().getByLabel('Remote URL').fill(origin);
    await page().getByLabel('Name').fill('greetings');
    await page().getByRole('button', { name: 'Add project' }).click();
    const row = page()
      .getByRole('table', { name: 'Projects' })
      .getByRole('row', { name: /greetings/ });
    await row.getByRole('link', { name: 'greetings' }).click();
    await page().getByRole('heading', { level: 1, name: 'greetings' }).waitFor();
    projectId = new URL(page().url()).pathname.split('/').at(-1)!;
    expect(projectId).toMatch(/^prj_/);
    await dashboard.screenshot('2-project');
  }, 60_000);

  test('3. a plan of three tasks with a dependency, made in the plan editor and activated', async () => {
    await page()
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Plans' })
      .click();
    await page().getByLabel('Plan name').fill('Greetings');
    await page().getByRole('button', { name: 'Create plan' }).click();
    await page().waitForURL(/\/plans\/pln_[0-9A-Za-z]+$/);
    planId = new URL(page().url()).pathname.split('/').at(-1)!;
    planUrl = page().url();

    await page().getByRole('textbox', { name: 'New phase' }).fill('Build');
    await page().getByRole('button', { name: 'Add phase' }).click();
    for (const task of PLAN) {
      await page().getByRole('button', { name: 'Add a task to Build' }).click();
      const form = page().getByRole('form', { name: 'New task' });
      await form.getByLabel('Task title').fill(task.title);
      await form.getByLabel(/Description/).fill(task.description);
      await form.getByLabel(/Estimate/).fill(String(task.estimateMinutes));
      if (task.waitsFor) {
        await form.getByRole('group', { name: 'Waits for' }).getByLabel(task.waitsFor).check();
      }
      await form.getByRole('button', { name: 'Add task', exact: true }).click();
      await eventually(async () => expect(await form.count()).toBe(0));
    }
    const dependent = page().locator('.task', { hasText: 'Extend the greeting' });
    expect(await dependent.textContent()).toContain('waits for Write the greeting');
    await dashboard.screenshot('3-plan-edited');

    await page().getByRole('button', { name: 'Activate' }).click();
    await eventually(async () => expect(await page().getByLabel('Status: Active').count()).toBe(1));
    await dashboard.screenshot('3-plan-active');
  }, 90_000);

  test("4. the kanban shows the plan's three tasks, live", async () => {
    await page()
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Tasks' })
      .click();
    await page()
      .getByRole('combobox', { name: 'Plan', exact: true })
      .selectOption({ label: 'Greetings' });
    await page().waitForURL((url) => url.searchParams.get('plan') === planId);
    await eventually(async () => expect(await page().locator('li.task-card').count()).toBe(3));
    await page().getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await page().locator('.plan-status').innerText()).toContain('ACTIVE');
    await dashboard.screenshot('4-kanban');
  }, 60_000);

  test(
    '5. a real daemon runs the plan; the cards move across the kanban live, without a reload',
    async () => {
      await markWindow(page());
      // every column each card is seen in, from now on
      await page().evaluate(() => {
        const seen: Record<string, string[]> = {};
        const record = () => {
          for (const card of document.querySelectorAll('li.task-card')) {
            const title = card.querySelector('a.title')?.textContent?.trim() ?? '';
            const status = card.closest('section')?.getAttribute('data-status') ?? '';
            const list = (seen[title] ??= []);
            if (list.at(-1) !== status) list.push(status);
          }
        };
        record();
        new MutationObserver(record).observe(document.body, { childList: true, subtree: true });
        (window as unknown as { columnsSeen: typeof seen }).columnsSeen = seen;
      });

      const home = await signedInDaemonHome(dashboard, 'flow-box');
      daemon = connectDaemon('flow-bot', home);

      await eventually(
        async () => expect(await columnOf(page(), 'Write the greeting')).not.toBe('DRAFT'),
        60_000,
      );
      await dashboard.screenshot('4-moving');
      await eventually(async () => {
        for (const title of TITLES) expect(await columnOf(page(), title)).toBe('COMPLETED');
      }, DELIVERY_TIMEOUT_MS);
      expect(await windowStillMarked(page())).toBe(true);

      const seen = await page().evaluate(
        () => (window as unknown as { columnsSeen: Record<string, string[]> }).columnsSeen,
      );
      for (const title of TITLES) {
        expect(seen[title]?.[0]).toBe('DRAFT');
        expect(seen[title]?.at(-1)).toBe('COMPLETED');
      }
      // at least one card was seen on its way, between the two ends
      const between = TITLES.flatMap((title) => seen[title]!.slice(1, -1));
      expect(between.length).toBeGreaterThan(0);
      // each card says why the dispatcher sent its latest run where it went
      expect(await card(page(), 'Write the greeting').locator('.hint').innerText()).toContain(
        'flow-bot',
      );
      await dashboard.screenshot('5-completed-cards');
    },
    DELIVERY_TIMEOUT_MS + 90_000,
  );

  test("6. the task drawer shows the reviewer's verdict and the runs", async () => {
    await card(page(), 'Write the greeting')
      .getByRole('link', { name: 'Write the greeting' })
      .click();
    const drawer = page().getByRole('dialog', { name: 'Write the greeting' });
    await drawer.waitFor();
    const verdict = drawer.locator('li.verdict').first();
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/^Approved by the reviewer/);
    const reviewerRun = await verdict.getByRole('link', { name: 'its run' }).getAttribute('href');
    expect(reviewerRun).toMatch(new RegExp(`/projects/${projectId}/runs/run_`));
    const runs = drawer
      .getByRole('list')
      .filter({ has: page().getByRole('link', { name: /^Review #1/ }) });
    await runs.waitFor();
    expect(await drawer.getByRole('link', { name: /^Execution #1/ }).count()).toBe(1);
    expect(await drawer.getByText(/^task\//).count()).toBe(1); // its branch
    await dashboard.screenshot('6-drawer-verdict');
    await page().keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  }, 60_000);

  test('7. the release happened: the plan shows COMPLETED, also after a reload', async () => {
    const status = page().locator('.plan-status');
    await eventually(async () => expect(await status.innerText()).toMatch(/COMPLETED\s+released/));
    await page().reload();
    await eventually(async () => expect(await status.innerText()).toMatch(/COMPLETED\s+released/));
    // the base branch holds the release merge
    const merges = await exec('git', [
      `--git-dir=${origin}`,
      'log',
      '--merges',
      '--format=%s',
      'main',
    ]);
    expect(merges.stdout).toMatch(/^Release epic\//m);
    await dashboard.screenshot('7-tasks-completed');

    // the plan's own page says so too, with the release
    await page().goto(planUrl);
    await eventually(async () =>
      expect(await page().getByLabel('Status: Completed').count()).toBe(1),
    );
    expect(await page().getByText('Not yet', { exact: true }).count()).toBe(0);
    await dashboard.screenshot('7-plan-completed');
    expectNoPageErrors(dashboard);
  }, 60_000);
});
