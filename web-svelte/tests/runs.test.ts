// Runs and sessions in the dashboard, end to end: the real Studio (server/dist/main.js) serving
// the built dashboard in Chromium, and a bot that registers sessions, claims runs and appends
// output through the API with an API token, as a daemon does. Build first: `npm run build`.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import {
  SCREENSHOTS,
  START_TIMEOUT_MS,
  describeInBrowser,
  eventually,
  expectNoPageErrors,
  startDashboard,
  startStudio,
  type Dashboard,
} from './support/dashboard.js';
import { AgentApi, botToken, invitedPerson, ownerMutate, registerSession } from './support/runs.js';
import { holdSockets } from './support/sockets.js';

describeInBrowser('runs and sessions', () => {
  let dashboard: Dashboard;
  let page: Page;
  /** The Studio started again on the same port and data directory (stopped in afterAll). */
  let restarted: Awaited<ReturnType<typeof startStudio>> | undefined;
  let url: string;
  let projectId: string;
  let agent: AgentApi;
  let botSession: string;
  let runId = '';
  let lease = 0;
  /** Whether the bot holds runId's lease (its heartbeats keep it, as a daemon's would). */
  let holding = false;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Variables of every RunsRunOutputStream subscription the page sent, in order. */
  const outputSubscriptions: Array<{ runId?: string; after?: number | null }> = [];

  beforeAll(async () => {
    dashboard = await startDashboard({ prefix: 'runs' });
    page = dashboard.page;
    url = dashboard.url;
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as {
          type?: string;
          payload?: {
            operationName?: string;
            variables?: (typeof outputSubscriptions)[number];
          };
        };
        if (
          message.type === 'subscribe' &&
          message.payload?.operationName === 'RunsRunOutputStream'
        ) {
          outputSubscriptions.push(message.payload.variables ?? {});
        }
      });
    });
    const { project } = await ownerMutate<{ project: { id: string } }>(
      dashboard,
      'createProject',
      { workspaceId: dashboard.workspaceId, remoteUrl: 'https://github.com/acme/runs-demo.git' },
      'project { id }',
    );
    projectId = project.id;
    agent = new AgentApi(url, await botToken(dashboard, projectId));
  }, START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    clearInterval(keepAlive);
    await restarted?.process.stop();
    await dashboard?.stop();
  }, 30_000);

  const runsUrl = () => `${url}/projects/${projectId}/runs`;
  const sessionsUrl = () => `${url}/projects/${projectId}/sessions`;
  const sessionRow = (name: string): Locator =>
    page
      .getByRole('table', { name: 'Agent sessions' })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }) });
  const heartbeat = () =>
    agent.mutate('heartbeatSession', { sessionId: botSession }, 'session { id }');
  const append = (chunks: Array<{ chunk: string; stream?: string }>) =>
    agent.mutate<{ lastSeq: number }>(
      'appendRunOutput',
      { runId, leaseVersion: lease, chunks },
      'lastSeq',
    );
  const consoleChunks = () => page.getByRole('log', { name: 'Run output' }).locator('.chunk');

  test('a registered session shows as idle, with its provider; the tabs lead to runs and sessions', async () => {
    botSession = await registerSession(agent, projectId, 'bot-ada');
    // Heartbeats every 20 s, as the daemon sends them every 30 s: the session stays alive and
    // the claimed run keeps its lease however long the steps take (a failed beat while Studio
    // restarts is simply the next one's to make up).
    keepAlive = setInterval(() => {
      void heartbeat().catch(() => undefined);
      if (holding) {
        void agent
          .mutate('heartbeatRun', { runId, leaseVersion: lease }, 'run { id }')
          .catch(() => undefined);
      }
    }, 20_000);
    await page.goto(`${url}/projects/${projectId}`);
    const tabs = page.getByRole('navigation', { name: 'Project' });
    await tabs.getByRole('link', { name: 'Sessions' }).click();
    await page.waitForURL(sessionsUrl());
    const row = sessionRow('bot-ada');
    await row.getByText('Idle').waitFor();
    expect(await row.getByRole('cell', { name: 'claude' }).count()).toBe(1);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await dashboard.screenshot('sessions-idle');
  }, 60_000);

  test('activating a plan queues a run that appears on the Runs page without a reload', async () => {
    await page
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Runs' })
      .click();
    await page.waitForURL(runsUrl());
    await page.getByText('No runs yet').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    const { plan } = await ownerMutate<{ plan: { id: string } }>(
      dashboard,
      'createPlan',
      { projectId, name: 'Launch' },
      'plan { id }',
    );
    const { phase } = await ownerMutate<{ phase: { id: string } }>(
      dashboard,
      'createPhase',
      { planId: plan.id, name: 'Build' },
      'phase { id }',
    );
    await ownerMutate(
      dashboard,
      'createTask',
      { phaseId: phase.id, title: 'Wire the API' },
      'task { id }',
    );
    await ownerMutate(
      dashboard,
      'setPlanStatus',
      { planId: plan.id, status: 'ACTIVE' },
      'plan { status }',
    );

    const table = page.getByRole('table', { name: 'Runs' });
    const row = table.getByRole('row').filter({ hasText: 'Epic bootstrap' });
    await row.getByText('Queued').waitFor();
    expect(await row.getByText('Launch').count()).toBe(1);
    await dashboard.screenshot('runs-queued');
  }, 60_000);

  test('a claim turns the session online and the run claimed, live on both pages', async () => {
    await page.goto(sessionsUrl());
    await sessionRow('bot-ada').getByText('Idle').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const claimed = await agent.mutate<{
      run: { id: string; purpose: string };
      leaseVersion: number;
    }>('claimRun', { sessionId: botSession }, 'run { id purpose } leaseVersion');
    expect(claimed.run.purpose).toBe('BOOTSTRAP_EPIC');
    runId = claimed.run.id;
    lease = claimed.leaseVersion;
    holding = true;
    const row = sessionRow('bot-ada');
    await row.getByText('Online').waitFor();
    await row.getByRole('link', { name: 'Epic bootstrap' }).waitFor();
    await dashboard.screenshot('sessions-online');

    await page.goto(runsUrl());
    const run = page
      .getByRole('table', { name: 'Runs' })
      .getByRole('row')
      .filter({ hasText: 'Epic bootstrap' });
    await run.getByText(/Claimed|Running/).waitFor();
    expect(await run.getByRole('cell', { name: 'bot-ada' }).count()).toBe(1);
    await run.getByRole('link', { name: 'Epic bootstrap' }).click();
    await page.waitForURL(`${runsUrl()}/${runId}`);
    await page.getByRole('heading', { level: 2, name: /Epic bootstrap run/ }).waitFor();
    const details = page.locator('dl.run-details');
    expect(await details.getByRole('link', { name: 'bot-ada' }).count()).toBe(1);
    expect(await details.getByText(`version ${lease}`).count()).toBe(1);
  }, 60_000);

  test('output appended while the console is open appears live: stderr apart, colours safe', async () => {
    await page.getByRole('status').filter({ hasText: 'Console: Live' }).waitFor();
    await page.getByText('No output yet.').waitFor();
    await append([
      { chunk: 'cloning origin\n' },
      { chunk: 'tests \u001b[32mpassed\u001b[0m\n' },
      { chunk: 'warning: <b>not markup</b>\n', stream: 'STDERR' },
    ]);
    await eventually(async () => expect(await consoleChunks().count()).toBe(3));
    const log = page.getByRole('log', { name: 'Run output' });
    expect(await log.locator('[data-stream="stderr"]').innerText()).toBe(
      'warning: <b>not markup</b>\n',
    );
    // The colour became a class on plain text; the markup stayed text.
    expect(await log.locator('.ansi-green').innerText()).toBe('passed');
    expect(await log.locator('b').count()).toBe(0);
    expect(await log.innerText()).not.toContain('\u001b');
    // One subscription, from after what the page had loaded: the chunks came on it, live.
    expect(outputSubscriptions).toEqual([{ runId, after: 0 }]);
    await page.getByRole('status').filter({ hasText: 'Updates: Live' }).waitFor();
    await dashboard.screenshot('console-live');
  }, 60_000);

  test('after Studio restarts, the console resumes after the last seq: nothing missed, nothing twice', async () => {
    const port = new URL(url).port;
    const sent = outputSubscriptions.length;
    expect(await dashboard.studio.stop()).toEqual({ code: 0, signal: null });
    await page.getByRole('status').filter({ hasText: 'Console: Reconnecting' }).waitFor();

    restarted = await startStudio(path.join(dashboard.dir, 'data'), { PORT: port });
    agent.url = restarted.url;
    await heartbeat();
    await append([{ chunk: 'pushed the epic branch\n' }]);
    await page
      .getByRole('status')
      .filter({ hasText: 'Console: Live' })
      .waitFor({ timeout: 60_000 });
    await eventually(async () => expect(await consoleChunks().count()).toBe(4));
    await eventually(() => expect(outputSubscriptions.length).toBeGreaterThan(sent));
    expect(outputSubscriptions.at(-1)).toEqual({ runId, after: 3 });
    const seqs = await consoleChunks().evaluateAll((chunks) =>
      chunks.map((chunk) => Number(chunk.getAttribute('data-seq'))),
    );
    expect(seqs).toEqual([1, 2, 3, 4]);
    await dashboard.screenshot('console-after-restart');
    await page.emulateMedia({ colorScheme: 'dark' });
    await dashboard.screenshot('console-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // A reload back-fills from the query: the same four chunks.
    await page.reload();
    await eventually(async () => expect(await consoleChunks().count()).toBe(4));
    expect(await page.getByRole('log', { name: 'Run output' }).innerText()).toContain(
      'pushed the epic branch',
    );
  }, 150_000);

  test('the console follows the tail until the reader scrolls up', async () => {
    await page.getByRole('status').filter({ hasText: 'Console: Live' }).waitFor();
    const log = page.getByRole('log', { name: 'Run output' });
    const follow = page.getByLabel('Follow output');
    expect(await follow.isChecked()).toBe(true);
    await append(
      Array.from({ length: 60 }, (_, index) => ({ chunk: `step ${index + 1} of 60\n` })),
    );
    await eventually(async () => expect(await consoleChunks().count()).toBe(64));
    const gap = () =>
      log.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight);
    await eventually(async () => expect(await gap()).toBeLessThan(8));

    await log.evaluate((element) => {
      element.scrollTop = 0;
      element.dispatchEvent(new Event('scroll'));
    });
    await eventually(async () => expect(await follow.isChecked()).toBe(false));
    await append([{ chunk: 'one more line\n' }]);
    await eventually(async () => expect(await consoleChunks().count()).toBe(65));
    expect(await log.evaluate((element) => element.scrollTop)).toBe(0);

    await follow.check();
    await eventually(async () => expect(await gap()).toBeLessThan(8));
  }, 60_000);

  test('a failing run changes live; after its last attempt an owner retries it', async () => {
    await page.locator('.summary').getByText('Running').waitFor();
    holding = false;
    await agent.mutate(
      'failRun',
      { runId, leaseVersion: lease, reason: 'remote rejected the push' },
      'run { id }',
    );
    // The open run page follows: its status and the error, without a reload.
    await page.locator('.summary').getByText('Failed').waitFor();
    await page
      .getByRole('alert', { name: 'Run error' })
      .getByText('remote rejected the push')
      .waitFor();
    let last = runId;
    for (let attempt = 2; attempt <= 3; attempt++) {
      const claimed = await agent.mutate<{ run: { id: string }; leaseVersion: number }>(
        'claimRun',
        { sessionId: botSession },
        'run { id } leaseVersion',
      );
      last = claimed.run.id;
      await agent.mutate(
        'failRun',
        { runId: last, leaseVersion: claimed.leaseVersion, reason: 'remote rejected the push' },
        'run { id }',
      );
    }

    // The Status filter finds it.
    await page.goto(runsUrl());
    await page.getByLabel('Status').selectOption('FAILED');
    await page.waitForURL(`${runsUrl()}?status=FAILED`);
    const failed = page.getByRole('table', { name: 'Runs' }).locator(`tr[data-run-id="${last}"]`);
    await failed.getByText('Failed').waitFor();
    await failed.getByRole('link', { name: 'Epic bootstrap' }).click();
    await page.waitForURL(`${runsUrl()}/${last}`);
    await page
      .getByRole('alert', { name: 'Run error' })
      .getByText('remote rejected the push')
      .waitFor();
    await dashboard.screenshot('run-failed');

    await page.getByRole('button', { name: 'Retry run' }).click();
    const queued = page.getByRole('status').filter({ hasText: 'Queued again as' });
    await queued.waitFor();
    const retryId = (await queued.getByRole('link').innerText()).replace('run ', '');
    // A second retry is refused, and the page says why.
    await page.getByRole('button', { name: 'Retry run' }).click();
    await page.getByRole('alert').filter({ hasText: 'already queued or running' }).waitFor();

    await page.goto(runsUrl());
    const row = page.locator(`tr[data-run-id="${retryId}"]`);
    await row.getByText('Queued').waitFor();
    await dashboard.screenshot('run-retried');
    // It came from Studio: a reload shows it again.
    await page.reload();
    await row.getByText('Queued').waitFor();
  }, 90_000);

  test('a malformed task id in the filter is refused next to the Task filter; the others stay', async () => {
    await page.goto(`${runsUrl()}?status=FAILED&task=not-a-task`);
    const task = page.getByLabel('Task');
    await eventually(async () => expect(await task.getAttribute('aria-invalid')).toBe('true'));
    expect(await page.locator('#run-filter-task-error').innerText()).toMatch(/taskId/);
    expect(await page.getByLabel('Status').inputValue()).toBe('FAILED');
    await dashboard.screenshot('runs-bad-filter');

    await page.goto(`${runsUrl()}/run_0000000000000000000000`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
  }, 60_000);

  test('a viewer sees the failed run but is offered no retry, and Studio refuses one', async () => {
    const viewer = await invitedPerson(dashboard, 'VIEWER', {
      name: 'Vera Viewer',
      email: 'vera@example.com',
      password: 'read-only-access-1',
    });
    try {
      const failedRun = await dashboard.graphql<{ runs: { nodes: Array<{ id: string }> } }>(
        'query($p: ID!) { runs(projectId: $p, filter: { status: [FAILED] }) { nodes { id } } }',
        { p: projectId },
      );
      const id = failedRun.runs.nodes.at(-1)!.id;
      await viewer.goto(`${runsUrl()}/${id}`);
      await viewer.getByText('Only owners, admins, architects and leads retry runs').waitFor();
      await viewer.getByText('you are a viewer here').waitFor();
      expect(await viewer.getByRole('button', { name: 'Retry run' }).count()).toBe(0);
      await viewer.screenshot({ path: path.join(SCREENSHOTS, 'runs-viewer-no-retry.png') });
      const refused = await viewer.evaluate(async (runId) => {
        const csrf = /(?:^|;\s*)maestro_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-csrf-token': decodeURIComponent(csrf),
          },
          body: JSON.stringify({
            query: 'mutation($r: ID!) { retryRun(input: { runId: $r }) { run { id } } }',
            variables: { r: runId },
          }),
        });
        return (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      }, id);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await viewer.context().close();
    }
  }, 90_000);

  test('teams: a lead with its worker; an ended session shows offline when ended ones are shown', async () => {
    const lead = await registerSession(agent, projectId, 'lead-grace', { role: 'LEAD' });
    const { team } = await agent.mutate<{ team: { id: string } }>(
      'allocateTeam',
      { sessionId: lead, dev: 1, review: 0, test: 0 },
      'team { id }',
    );
    await page.goto(`${sessionsUrl()}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await registerSession(agent, projectId, 'worker-lin', { teamId: team.id });
    const teamCard = page.getByRole('listitem', { name: 'lead-grace’s team' });
    await teamCard
      .getByRole('list', { name: 'Workers of lead-grace' })
      .getByText('worker-lin')
      .waitFor();
    expect(await teamCard.getByText('1 dev, 0 review, 0 test').count()).toBe(1);
    await dashboard.screenshot('sessions-team');

    await page.getByLabel('Show ended sessions').check();
    await page.waitForURL(`${sessionsUrl()}?ended=1`);
    await sessionRow('bot-ada').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await agent.mutate('endSession', { sessionId: botSession }, 'session { id }');
    await sessionRow('bot-ada').getByText('Offline').waitFor();
    await sessionRow('bot-ada')
      .getByText(/^ended/)
      .waitFor();
    await dashboard.screenshot('sessions-offline');

    await page.getByLabel('Show ended sessions').uncheck();
    await page.waitForURL(sessionsUrl());
    await sessionRow('lead-grace').waitFor();
    expect(await sessionRow('bot-ada').count()).toBe(0);
    expectNoPageErrors(dashboard);
  }, 90_000);
  // Kept last: the WebSocket route stays on the page.
  test('a session registered between the page’s read and its subscription shows at once', async () => {
    const sockets = await holdSockets(page);
    await page.goto(sessionsUrl());
    await sessionRow('lead-grace').waitFor();
    await registerSession(agent, projectId, 'gap-bot');
    sockets.release();
    // well before the 30 s re-read: the registration's event is replayed after the seq the
    // page loaded at
    await sessionRow('gap-bot').waitFor({ timeout: 10_000 });
    expect(sockets.subscriptions).toEqual([{ projectId, after: expect.any(Number) }]);
    expectNoPageErrors(dashboard);
  }, 60_000);
});
