// The plans pages end to end: the real Studio serving the built dashboard, driven in Chromium.
// The planner is a loopback OpenAI-compatible stand-in (Studio's only outside service), so the
// chat streams a real completion through Studio. Build first: `npm run build`.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Locator, Page, WebSocketRoute } from 'playwright-core';
import { OpenAiStandIn } from '../../server/test/support/openai-stand-in.js';
import {
  describeInBrowser,
  eventually,
  expectNoPageErrors,
  startDashboard,
  type Dashboard,
} from './support/dashboard.js';

/** A proposal as the model writes it: three tasks, the checkout page waits for the API. */
const PROPOSAL = {
  title: 'Checkout v2',
  summary: 'Rebuild the checkout on the new cart service.',
  phases: [
    {
      key: 'backend',
      name: 'Backend',
      tasks: [
        {
          key: 'schema',
          title: 'Migrate the schema',
          description: 'Add the carts tables.',
          estimateMinutes: 45,
        },
        {
          key: 'api',
          title: 'Build the cart API',
          description: 'REST endpoints for carts.',
          estimateMinutes: 120,
          dependsOn: ['schema'],
        },
      ],
    },
    {
      key: 'frontend',
      name: 'Frontend',
      tasks: [
        {
          key: 'page',
          title: 'Build the checkout page',
          description: 'The new checkout page.',
          estimateMinutes: 90,
          dependsOn: ['api'],
        },
      ],
    },
  ],
};

const REPLY_INTRO = 'Here is a plan for the checkout rebuild. ';
const REPLY = `${REPLY_INTRO}\n\n\`\`\`json\n${JSON.stringify(PROPOSAL, null, 2)}\n\`\`\`\n`;

async function createProject(dashboard: Dashboard, name: string): Promise<string> {
  const { createProject } = await dashboard.graphql<{
    createProject: { project: { id: string } | null; userErrors: { message: string }[] };
  }>(
    `mutation ($input: CreateProjectInput!) {
       createProject(input: $input) { project { id } userErrors { message } }
     }`,
    {
      input: {
        workspaceId: dashboard.workspaceId,
        remoteUrl: `https://github.com/acme/${name}.git`,
        name,
      },
    },
  );
  expect(createProject.userErrors).toEqual([]);
  return createProject.project!.id;
}

/** The text of the error list an input names in aria-describedby. */
async function errorOf(input: Locator, page: Page): Promise<string> {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ');
  const errorId = ids.find((id) => id.endsWith('-error'));
  return errorId ? ((await page.locator(`[id="${errorId}"]`).textContent()) ?? '') : '';
}

/** The task titles of a phase, in the order shown. */
async function taskTitles(page: Page, phase: string): Promise<string[]> {
  return page
    .getByRole('list', { name: `Tasks of ${phase}` })
    .locator('.task-title')
    .allTextContents();
}

describeInBrowser('plans with a planner (OpenAI-compatible stand-in)', () => {
  let standIn: OpenAiStandIn;
  let dashboard: Dashboard;
  let page: Page;
  let projectId: string;
  let planUrl: string;

  beforeAll(async () => {
    standIn = await new OpenAiStandIn().start();
    dashboard = await startDashboard({
      prefix: 'plans',
      env: { OPENAI_BASE_URL: standIn.baseUrl, OPENAI_API_KEY: 'stand-in-key' },
    });
    page = dashboard.page;
    projectId = await createProject(dashboard, 'shop');
  }, 120_000);

  afterAll(async () => {
    await dashboard?.stop();
    await standIn?.close();
  });

  test('creates a plan from the Plans tab; a too-long name is refused next to the field', async () => {
    await page.goto(`${dashboard.url}/projects/${projectId}`);
    await page
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Plans' })
      .click();
    await page.waitForURL(/\/plans$/);
    await eventually(async () => expect(await page.getByText(/No plans yet/).count()).toBe(1));

    const name = page.getByLabel('Plan name');
    await name.fill('x'.repeat(121));
    await page.getByLabel(/Description/).fill('Rebuild the checkout.');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await eventually(async () => expect(await name.getAttribute('aria-invalid')).toBe('true'));
    expect(await errorOf(name, page)).toMatch(/120/);
    expect(await page.getByLabel(/Description/).inputValue()).toBe('Rebuild the checkout.');
    await dashboard.screenshot('01-create-refused');

    await name.fill('Checkout v2');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.waitForURL(/\/plans\/pln_[0-9A-Za-z]+$/);
    planUrl = page.url();
    await eventually(async () =>
      expect(await page.getByRole('heading', { name: 'Checkout v2', level: 2 }).count()).toBe(1),
    );
    expect(await page.getByText('Draft', { exact: true }).count()).toBeGreaterThan(0);
    await dashboard.screenshot('02-plan-created');
  });

  test('chat: the reply streams in, the send box waits, the proposal is reviewed and applied', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const pieces = [REPLY_INTRO, ...(REPLY.slice(REPLY_INTRO.length).match(/[\s\S]{1,40}/g) ?? [])];
    standIn.script({ kind: 'stream', pieces, holdAfter: 1, hold });

    await page.getByLabel('Message', { exact: true }).fill('Plan the checkout rebuild, please.');
    await page.getByRole('button', { name: 'Send' }).click();
    const log = page.getByRole('log', { name: 'Plan conversation' });
    // The user's message, then the planner's answer as far as it has streamed.
    await eventually(async () =>
      expect(await log.getByText('Plan the checkout rebuild, please.').count()).toBe(1),
    );
    const planner = log.locator('li[data-author="PLANNER"]');
    await eventually(async () => expect(await planner.textContent()).toContain(REPLY_INTRO.trim()));
    expect(await planner.textContent()).not.toContain('Build the checkout page');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    expect(
      await page.getByText('The planner is answering', { exact: false }).count(),
    ).toBeGreaterThan(0);
    await dashboard.screenshot('03-chat-streaming');

    release();
    await eventually(async () => expect(await planner.getAttribute('data-kind')).toBe('PROPOSAL'));
    await eventually(async () =>
      expect(await planner.textContent()).toContain('Build the checkout page'),
    );
    expect(await planner.getByText('Proposal', { exact: true }).count()).toBe(1);
    await eventually(async () =>
      expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false),
    );
    expect(standIn.requests.at(-1)?.stream).toBe(true);

    await planner.getByRole('button', { name: 'Review changes' }).click();
    const added = page.getByRole('list', { name: 'Added tasks' });
    await eventually(async () => expect(await added.getByRole('listitem').count()).toBe(3));
    expect(await page.getByText('applying builds it from the proposal').count()).toBe(1);
    expect(await added.textContent()).toContain('Migrate the schema');
    await dashboard.screenshot('04-proposal-diff');

    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await eventually(async () =>
      expect(await page.getByText('Applied: 3 added', { exact: false }).count()).toBe(1),
    );
    await eventually(async () =>
      expect(await taskTitles(page, 'Backend')).toEqual([
        'Migrate the schema',
        'Build the cart API',
      ]),
    );
    expect(await taskTitles(page, 'Frontend')).toEqual(['Build the checkout page']);
    await dashboard.screenshot('05-proposal-applied');

    // It came from Studio: a reload shows the same plan and conversation.
    await page.reload();
    await eventually(async () =>
      expect(await taskTitles(page, 'Backend')).toEqual([
        'Migrate the schema',
        'Build the cart API',
      ]),
    );
    expect(
      await page
        .getByRole('log', { name: 'Plan conversation' })
        .locator('li[data-kind="PROPOSAL"]')
        .count(),
    ).toBe(1);
  });

  test('chat: after a dropped connection the conversation resumes after its last update, and what was said meanwhile is replayed', async () => {
    const planId = planUrl.split('/').at(-1)!;
    // Every new socket goes through this route: passed on to Studio, or held without one
    // (the client then waits for an acknowledgement that never comes) while `down`.
    const sockets: WebSocketRoute[] = [];
    const chatSubscriptions: Record<string, unknown>[] = [];
    let down = false;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      sockets.push(ws);
      if (down) return;
      const studio = ws.connectToServer();
      ws.onMessage((message) => {
        const parsed = JSON.parse(String(message)) as {
          type: string;
          payload?: { query?: string; variables?: Record<string, unknown> };
        };
        if (parsed.type === 'subscribe' && parsed.payload?.query?.includes('planChat(')) {
          chatSubscriptions.push(parsed.payload.variables ?? {});
        }
        studio.send(message);
      });
    });
    await page.reload();
    const log = page.getByRole('log', { name: 'Plan conversation' });
    await eventually(() => expect(chatSubscriptions).toHaveLength(1));
    expect(chatSubscriptions[0]).toEqual({ planId });

    standIn.script({ kind: 'stream', pieces: ['First answer.'] });
    await page.getByLabel('Message', { exact: true }).fill('Before the drop.');
    await page.getByRole('button', { name: 'Send' }).click();
    await log.getByText('First answer.').waitFor();

    // the connection drops and stays down while the conversation goes on elsewhere
    down = true;
    for (const ws of sockets.splice(0)) await ws.close({ code: 1001, reason: 'going away' });
    standIn.script({ kind: 'stream', pieces: ['Second answer.'] });
    await dashboard.graphql(
      'mutation($i: SendPlanMessageInput!) { sendPlanMessage(input: $i) { message { id } } }',
      { i: { planId, text: 'While you were away.' } },
    );
    await eventually(async () => {
      const { plan } = await dashboard.graphql<{
        plan: { conversation: { messages: { nodes: { body: string }[] } } };
      }>(
        'query($id: ID!) { plan(id: $id) { conversation { messages(last: 1) { nodes { body } } } } }',
        {
          id: planId,
        },
      );
      expect(plan.conversation.messages.nodes[0]?.body).toBe('Second answer.');
    });
    expect(await log.getByText('While you were away.').count()).toBe(0);

    // back up: the chat subscribes again after the last update it took, and Studio replays
    down = false;
    for (const ws of sockets.splice(0)) await ws.close({ code: 1001, reason: 'going away' });
    await log.getByText('Second answer.').waitFor();
    const resumed = chatSubscriptions.at(-1);
    expect(resumed).toEqual({ planId, after: expect.any(Number) });
    expect(await log.getByText('While you were away.').count()).toBe(1);
    expect(await log.getByText('First answer.').count()).toBe(1);
    expect(await log.getByText('Second answer.').count()).toBe(1);
    expectNoPageErrors(dashboard);
  }, 90_000);

  test('editor: adds a task (a blank title refused) with a new skill and a dependency, and names a cycle without sending it', async () => {
    await page.getByRole('button', { name: 'Add a task to Backend' }).click();
    const title = page.getByLabel('Task title');
    await page.getByRole('button', { name: 'Add task', exact: true }).click();
    await eventually(async () => expect(await title.getAttribute('aria-invalid')).toBe('true'));
    expect(await errorOf(title, page)).toMatch(/title/i);

    await title.fill('Document the cart API');
    await page.getByLabel(/Estimate/).fill('30');
    // A skill the workspace lacks is created on the spot (a blank name is refused next to it).
    const skills = page.getByRole('group', { name: 'Skills' });
    const newSkill = skills.getByLabel('New skill name');
    await skills.getByRole('button', { name: 'Create skill' }).click();
    await eventually(async () => expect(await newSkill.getAttribute('aria-invalid')).toBe('true'));
    expect(await errorOf(newSkill, page)).toMatch(/name/i);
    await newSkill.fill('TypeScript');
    await skills.getByRole('button', { name: 'Create skill' }).click();
    await eventually(async () =>
      expect(await skills.getByLabel('TypeScript').isChecked()).toBe(true),
    );
    await page.getByLabel('Required proficiency').selectOption({ label: '4 · advanced' });
    await page.getByRole('group', { name: 'Waits for' }).getByLabel('Build the cart API').check();
    await page.getByRole('button', { name: 'Add task', exact: true }).click();
    await eventually(async () =>
      expect(await taskTitles(page, 'Backend')).toEqual([
        'Migrate the schema',
        'Build the cart API',
        'Document the cart API',
      ]),
    );
    await eventually(async () =>
      expect(await page.getByRole('form', { name: 'New task' }).count()).toBe(0),
    );
    const docsRow = page.locator('.task', { hasText: 'Document the cart API' });
    expect(await docsRow.textContent()).toContain('waits for Build the cart API');
    expect(await docsRow.textContent()).toContain('30 min');
    expect(await docsRow.textContent()).toContain('TypeScript');
    expect(await docsRow.textContent()).toContain('level 4');

    // Migrate the schema ← Build the cart API ← Build the checkout page: the schema cannot wait for the page.
    await page.getByRole('button', { name: 'Edit task Migrate the schema' }).click();
    const waitsFor = page.getByRole('group', { name: 'Waits for' });
    const pageBox = waitsFor.getByLabel('Build the checkout page');
    await pageBox.click();
    const alert = waitsFor.getByRole('alert');
    await eventually(async () =>
      expect(await alert.textContent()).toBe(
        '“Migrate the schema” cannot wait for “Build the checkout page”: that would close a cycle ' +
          'Migrate the schema → Build the checkout page → Build the cart API → Migrate the schema.',
      ),
    );
    expect(await pageBox.isChecked()).toBe(false);
    await dashboard.screenshot('06-dependency-cycle');
    await page.getByRole('button', { name: 'Discard' }).click();

    // Nothing was sent: Studio still has the schema waiting for nothing.
    const { plan } = await dashboard.graphql<{
      plan: { phases: { tasks: { title: string; dependsOn: { id: string }[] }[] }[] };
    }>(`query ($id: ID!) { plan(id: $id) { phases { tasks { title dependsOn { id } } } } }`, {
      id: planUrl.split('/').at(-1),
    });
    const schema = plan.phases
      .flatMap((phase) => phase.tasks)
      .find((t) => t.title === 'Migrate the schema');
    expect(schema?.dependsOn).toEqual([]);
  });

  test('editor: reorders tasks and phases with the move buttons; the order is Studio’s', async () => {
    await page.getByRole('button', { name: 'Move task Document the cart API up' }).click();
    await eventually(async () =>
      expect(await taskTitles(page, 'Backend')).toEqual([
        'Migrate the schema',
        'Document the cart API',
        'Build the cart API',
      ]),
    );
    await page.getByRole('button', { name: 'Move phase Frontend up' }).click();
    const phaseNames = () => page.locator('.phase h4').allTextContents();
    await eventually(async () => expect(await phaseNames()).toEqual(['Frontend', 'Backend']));
    await dashboard.screenshot('07-reordered');

    await page.reload();
    await eventually(async () => expect(await phaseNames()).toEqual(['Frontend', 'Backend']));
    expect(await taskTitles(page, 'Backend')).toEqual([
      'Migrate the schema',
      'Document the cart API',
      'Build the cart API',
    ]);
  });

  test('live: a change made elsewhere appears without a reload', async () => {
    const planId = planUrl.split('/').at(-1)!;
    const { plan } = await dashboard.graphql<{ plan: { phases: { id: string; name: string }[] } }>(
      `query ($id: ID!) { plan(id: $id) { phases { id name } } }`,
      { id: planId },
    );
    const frontend = plan.phases.find((phase) => phase.name === 'Frontend')!;
    await dashboard.graphql(
      `mutation ($input: CreateTaskInput!) { createTask(input: $input) { userErrors { message } } }`,
      { input: { phaseId: frontend.id, title: 'Add the payment step' } },
    );
    await dashboard.graphql(
      `mutation ($input: UpdatePlanInput!) { updatePlan(input: $input) { userErrors { message } } }`,
      { input: { planId, name: 'Checkout v2 (cart service)' } },
    );
    await eventually(async () =>
      expect(await taskTitles(page, 'Frontend')).toEqual([
        'Build the checkout page',
        'Add the payment step',
      ]),
    );
    await eventually(async () =>
      expect(
        await page.getByRole('heading', { name: 'Checkout v2 (cart service)', level: 2 }).count(),
      ).toBe(1),
    );
  });

  test('lifecycle: activate, pause and resume', async () => {
    const status = page.locator('.plan-header .status');
    await page.getByRole('button', { name: 'Activate' }).click();
    await eventually(async () => expect(await status.textContent()).toContain('Active'));
    await page.getByRole('button', { name: 'Pause' }).click();
    await eventually(async () => expect(await status.textContent()).toContain('Paused'));
    await dashboard.screenshot('08-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await eventually(async () => expect(await status.textContent()).toContain('Active'));
    expect(await page.getByText('Paused → Active.').count()).toBe(1);
    await dashboard.screenshot('09-resumed');

    // The plan list shows it with its progress.
    await page
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Plans' })
      .click();
    const row = page.getByRole('row', { name: /Checkout v2/ });
    await eventually(async () => expect(await row.textContent()).toContain('Active'));
    expect(await row.textContent()).toContain('0 / 5');
    await dashboard.screenshot('10-plan-list');
  });

  test('re-plan: the diff names added, changed and removed tasks; a stale diff is refused and read again', async () => {
    const replan = {
      ...PROPOSAL,
      phases: [
        {
          ...PROPOSAL.phases[0]!,
          tasks: [
            ...PROPOSAL.phases[0]!.tasks.map((task) =>
              task.key === 'api' ? { ...task, estimateMinutes: 180 } : task,
            ),
            {
              key: 'load',
              title: 'Load-test the API',
              description: 'k6 against /v2.',
              dependsOn: ['api'],
            },
          ],
        },
        PROPOSAL.phases[1]!,
      ],
    };
    const text = `The API needs a load test.\n\n\`\`\`json\n${JSON.stringify(replan, null, 2)}\n\`\`\`\n`;
    standIn.script({ kind: 'stream', pieces: text.match(/[\s\S]{1,60}/g) ?? [] });
    await page.goto(planUrl);
    await page.getByLabel('Message', { exact: true }).fill('Add a load test for the API.');
    await page.getByRole('button', { name: 'Send' }).click();
    const proposals = page
      .getByRole('log', { name: 'Plan conversation' })
      .locator('li[data-kind="PROPOSAL"]');
    await eventually(async () => expect(await proposals.count()).toBe(2));
    await proposals.last().getByRole('button', { name: 'Review changes' }).click();

    const added = page.getByRole('list', { name: 'Added tasks' });
    const changed = page.getByRole('list', { name: 'Changed tasks' });
    const removed = page.getByRole('list', { name: 'Removed tasks' });
    await eventually(async () => expect(await added.textContent()).toContain('Load-test the API'));
    expect(await changed.textContent()).toContain('Build the cart API');
    expect(await changed.textContent()).toContain('estimateMinutes');
    // The tasks written by hand are not in the proposal: applying cancels them.
    expect(await removed.textContent()).toContain('Document the cart API');
    expect(await removed.textContent()).toContain('Add the payment step');
    await dashboard.screenshot('11-replan-diff');

    // Someone renames a task meanwhile: the diff on screen is stale.
    const planId = planUrl.split('/').at(-1)!;
    const { plan } = await dashboard.graphql<{
      plan: { phases: { tasks: { id: string; title: string }[] }[] };
    }>(`query ($id: ID!) { plan(id: $id) { phases { tasks { id title } } } }`, { id: planId });
    const schema = plan.phases
      .flatMap((phase) => phase.tasks)
      .find((t) => t.title === 'Migrate the schema')!;
    await dashboard.graphql(
      `mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { userErrors { message } } }`,
      { input: { taskId: schema.id, title: 'Migrate the cart schema' } },
    );

    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const review = page.locator('.diff');
    await eventually(async () =>
      expect(await review.locator('.form-errors').textContent()).toContain(
        'the plan changed since this diff was computed',
      ),
    );
    // Read again: the proposal now also renames the task back.
    await eventually(async () =>
      expect(await changed.textContent()).toContain('Migrate the cart schema'),
    );
    await dashboard.screenshot('12-stale-diff');

    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await eventually(async () =>
      expect(await review.getByRole('status').textContent()).toMatch(
        /^Applied: 1 added, 2 changed, 2 removed\.$/,
      ),
    );
    await eventually(async () =>
      expect(await taskTitles(page, 'Backend')).toContain('Load-test the API'),
    );
    expect(await taskTitles(page, 'Backend')).toContain('Migrate the schema');
    await dashboard.screenshot('13-replan-applied');
    expectNoPageErrors(dashboard);
  });
});

describeInBrowser('plans without a planner', () => {
  let dashboard: Dashboard;
  let page: Page;

  beforeAll(async () => {
    // Blank: Studio has no model endpoint, and no daemon is connected.
    dashboard = await startDashboard({ prefix: 'plans-no-planner', env: { OPENAI_BASE_URL: '' } });
    page = dashboard.page;
  }, 120_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  test('the conversation says plainly that no planner is available; an empty plan cannot start', async () => {
    const projectId = await createProject(dashboard, 'blog');
    await page.goto(`${dashboard.url}/projects/${projectId}/plans`);
    await page.getByLabel('Plan name').fill('Comments');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.waitForURL(/\/plans\/pln_[0-9A-Za-z]+$/);

    await page.getByLabel('Message', { exact: true }).fill('Add comments to posts.');
    await page.getByRole('button', { name: 'Send' }).click();
    const note = page
      .getByRole('log', { name: 'Plan conversation' })
      .locator('li[data-author="SYSTEM"]');
    await eventually(async () =>
      expect(await note.textContent()).toContain('No planner is available'),
    );
    expect(await note.textContent()).toContain('OPENAI_BASE_URL');
    expect(await note.getByText('Studio note').count()).toBe(1);
    expect(
      await page.getByText('No planner is available for this plan', { exact: false }).count(),
    ).toBe(1);
    // Nobody is answering: the send box is free again.
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);

    // Studio refuses to activate a plan without tasks: the CONFLICT is shown as it is.
    await page.getByRole('button', { name: 'Activate' }).click();
    await eventually(async () =>
      expect(await page.getByText('at least one task before it can be activated').count()).toBe(1),
    );
    await dashboard.screenshot('01-no-planner');

    await page.reload();
    await eventually(async () =>
      expect(
        await page
          .getByRole('log', { name: 'Plan conversation' })
          .locator('li[data-author="SYSTEM"]')
          .count(),
      ).toBe(1),
    );
    expectNoPageErrors(dashboard);
  });

  test('the Plans tab lists every plan of a project with more than a page of them', async () => {
    const projectId = await createProject(dashboard, 'many-plans');
    const names = Array.from({ length: 105 }, (_, i) => `Plan ${String(i + 1).padStart(3, '0')}`);
    for (const name of names) {
      const { createPlan } = await dashboard.graphql<{
        createPlan: { userErrors: { message: string }[] };
      }>('mutation($i: CreatePlanInput!) { createPlan(input: $i) { userErrors { message } } }', {
        i: { projectId, name },
      });
      expect(createPlan.userErrors).toEqual([]);
    }
    await page.goto(`${dashboard.url}/projects/${projectId}/plans`);
    const rows = page.getByRole('table').locator('tbody th');
    await eventually(async () => expect(await rows.count()).toBe(105));
    // oldest first, the newest (beyond the first page) included
    expect(await rows.allInnerTexts()).toEqual(names);
    expect(await page.locator('.truncated').count()).toBe(0);
    expectNoPageErrors(dashboard);
  }, 120_000);
});
