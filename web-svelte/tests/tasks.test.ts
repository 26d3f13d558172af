// The Tasks page in Chromium against the real Studio: kanban, list and timeline views, the task
// drawer (comments with bad input, focus and Escape, the back button), and a change made
// through the API that moves a card without a reload. Build first: `npm run build`.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  describeInBrowser,
  eventually,
  expectNoPageErrors,
  START_TIMEOUT_MS,
  startDashboard,
  type Dashboard,
} from './support/dashboard.js';
import {
  card,
  column,
  columnOf,
  markWindow,
  mutate,
  planThroughApi,
  projectThroughApi,
  windowStillMarked,
  type PlanRef,
} from './support/tasks.js';
import { bareRepository } from './support/daemon.js';
import { holdSockets } from './support/sockets.js';

describeInBrowser('tasks', () => {
  let dashboard: Dashboard;
  let projectId: string;
  let plan: PlanRef;
  let tasksUrl: string;

  beforeAll(async () => {
    dashboard = await startDashboard({ prefix: 'tasks' });
    const origin = await bareRepository(dashboard.dir, ['one', 'two']);
    projectId = await projectThroughApi(dashboard, origin, 'app');
    await mutate(
      dashboard,
      'createSkill',
      { workspaceId: dashboard.workspaceId, name: 'TypeScript', slug: 'typescript' },
      'skill { id }',
    );
    plan = await planThroughApi(dashboard, projectId, 'Launch', [
      { title: 'Write the parser', estimateMinutes: 90, skills: ['typescript'] },
      { title: 'Write the docs', estimateMinutes: 30 },
      {
        title: 'Ship the release',
        estimateMinutes: 45,
        dependsOn: ['Write the parser'],
        phase: 'Ship',
      },
    ]);
    tasksUrl = `${dashboard.url}/projects/${projectId}/tasks?plan=${plan.planId}`;
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await dashboard?.stop();
  }, 30_000);

  const page = () => dashboard.page;

  test('the project has a Tasks tab; the kanban shows the plan in columns by status', async () => {
    await page().goto(`${dashboard.url}/projects/${projectId}`);
    await page()
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Tasks' })
      .click();
    await page().waitForURL(/\/tasks$/);
    // every plan's tasks without a filter; the picker narrows to one plan
    await card(page(), 'Write the parser').waitFor();
    await page().getByLabel('Plan').selectOption({ label: 'Launch' });
    await page().waitForURL((url) => url.searchParams.get('plan') === plan.planId);
    await page().getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await page().locator('.plan-status').innerText()).toContain('DRAFT');

    const drafts = column(page(), 'Draft');
    await eventually(async () => expect(await drafts.locator('li.task-card').count()).toBe(3));
    const parser = card(page(), 'Write the parser');
    expect(await parser.innerText()).toContain('TypeScript');
    expect(await parser.innerText()).toContain('Unassigned');
    // nothing is dispatched before activation: no dispatch hint yet
    expect(await parser.locator('.hint').count()).toBe(0);
    await dashboard.screenshot('kanban');
  }, 60_000);

  test('a card is assigned, reordered and cancelled from its keyboard menu', async () => {
    const docs = card(page(), 'Write the docs');
    const menu = docs.getByRole('button', { name: 'Actions for Write the docs' });
    await menu.focus();
    await page().keyboard.press('Enter');
    await docs.getByLabel('Assignee').selectOption({ label: 'Ada Lovelace' });
    await eventually(async () => expect(await docs.innerText()).toContain('Ada Lovelace'));
    await page().getByRole('status').filter({ hasText: 'assigned to Ada Lovelace' }).waitFor();

    // Build holds "Write the parser" (0) and "Write the docs" (1): docs moves up
    await menu.click();
    await docs.getByRole('button', { name: 'Move up' }).click();
    await eventually(async () => {
      const titles = await column(page(), 'Draft').locator('li.task-card a.title').allInnerTexts();
      expect(titles.slice(0, 2)).toEqual(['Write the docs', 'Write the parser']);
    });
    // a draft may only be cancelled by hand
    await menu.click();
    const actions = docs.getByRole('group', { name: 'Actions for Write the docs' });
    expect(await actions.getByRole('button', { name: /^Move to/ }).count()).toBe(0);
    await page().keyboard.press('Escape');
    expect(await actions.count()).toBe(0);
    expect(await menu.evaluate((element) => element === document.activeElement)).toBe(true);

    // what Studio stored: a reload shows the same
    await page().reload();
    await card(page(), 'Write the docs').waitFor();
    expect(await card(page(), 'Write the docs').innerText()).toContain('Ada Lovelace');
    const titles = await column(page(), 'Draft').locator('li.task-card a.title').allInnerTexts();
    expect(titles.slice(0, 2)).toEqual(['Write the docs', 'Write the parser']);
  }, 60_000);

  test('dragging a card onto a person assigns it', async () => {
    const parser = card(page(), 'Write the parser');
    await parser.locator('.meta').hover();
    await page().mouse.down();
    const box = (await parser.boundingBox())!;
    await page().mouse.move(box.x + box.width / 2 + 10, box.y + box.height / 2 + 10);
    const target = page()
      .getByRole('list', { name: 'Drop on a person to assign' })
      .getByText('Assign to Ada Lovelace');
    await target.hover();
    await page().mouse.up();
    await eventually(async () => expect(await parser.innerText()).toContain('Ada Lovelace'));
    expect(await page().getByRole('list', { name: 'Drop on a person to assign' }).count()).toBe(0);
    await page().reload();
    await eventually(async () =>
      expect(await card(page(), 'Write the parser').innerText()).toContain('Ada Lovelace'),
    );
  }, 60_000);

  test('a change made through the API moves the card live, without a reload', async () => {
    await page().getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await markWindow(page());
    expect(await columnOf(page(), 'Write the docs')).toBe('DRAFT');
    await mutate(
      dashboard,
      'setTaskStatus',
      { taskId: plan.tasks['Write the docs'], status: 'CANCELLED', reason: 'not needed' },
      'task { id }',
    );
    await eventually(async () =>
      expect(await columnOf(page(), 'Write the docs')).toBe('CANCELLED'),
    );
    await column(page(), 'Cancelled').waitFor();
    expect(await windowStillMarked(page())).toBe(true);
    await dashboard.screenshot('live-move');
  }, 60_000);

  test('the list sorts and filters', async () => {
    await page()
      .getByRole('navigation', { name: 'Task views' })
      .getByRole('link', { name: 'List' })
      .click();
    await page().waitForURL((url) => url.searchParams.get('view') === 'list');
    const table = page().getByRole('table', { name: 'Tasks' });
    const titles = () => table.locator('tbody th').allInnerTexts();
    await eventually(async () => expect(await titles()).toHaveLength(3));

    const titleHeader = table.getByRole('columnheader', { name: /Title/ });
    await titleHeader.getByRole('button').click();
    expect(await titles()).toEqual(['Ship the release', 'Write the docs', 'Write the parser']);
    expect(await titleHeader.getAttribute('aria-sort')).toBe('ascending');
    await titleHeader.getByRole('button').click();
    expect(await titles()).toEqual(['Write the parser', 'Write the docs', 'Ship the release']);
    expect(await titleHeader.getAttribute('aria-sort')).toBe('descending');
    await table
      .getByRole('columnheader', { name: /Estimate/ })
      .getByRole('button')
      .click();
    expect(await titles()).toEqual(['Write the docs', 'Ship the release', 'Write the parser']);

    const filters = page().getByRole('form', { name: 'Filter tasks' });
    await filters.getByLabel('Status').selectOption({ label: 'Cancelled' });
    expect(await titles()).toEqual(['Write the docs']);
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await filters.getByLabel('Assignee').selectOption({ label: 'Unassigned' });
    expect(await titles()).toEqual(['Ship the release']);
    await filters.getByLabel('Assignee').selectOption({ label: 'Ada Lovelace' });
    expect((await titles()).sort()).toEqual(['Write the docs', 'Write the parser']);
    await filters.getByLabel('Skill').selectOption({ label: 'TypeScript' });
    expect(await titles()).toEqual(['Write the parser']);
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await filters.getByLabel('Phase').selectOption({ label: 'Ship' });
    expect(await titles()).toEqual(['Ship the release']);
    await filters.getByLabel('Phase').selectOption({ label: 'Any phase' });
    await filters.getByLabel('Search').fill('PARSER');
    expect(await titles()).toEqual(['Write the parser']);
    await filters.getByLabel('Search').fill('nothing like it');
    await table.getByText('No task matches these filters.').waitFor();
    await dashboard.screenshot('list');
  }, 60_000);

  test('the timeline lays the tasks out by phase with a dependency arrow', async () => {
    await page()
      .getByRole('navigation', { name: 'Task views' })
      .getByRole('link', { name: 'Timeline' })
      .click();
    await page().waitForURL((url) => url.searchParams.get('view') === 'timeline');
    const timeline = page().getByRole('group', { name: 'Timeline by phase' });
    await timeline.waitFor();
    expect(await timeline.locator('g.bar-row').count()).toBe(3);
    expect(await timeline.getByRole('heading').allTextContents()).toEqual(['Build', 'Ship']);
    const arrows = timeline.locator('path.dependency');
    expect(await arrows.count()).toBe(1);
    expect(await arrows.locator('title').textContent()).toBe('Write the parser → Ship the release');
    // the dependent starts where the parser's 90-minute estimate ends
    const bar = (title: string) =>
      timeline.locator(`g.bar-row[data-task-id="${plan.tasks[title]}"] rect.estimate`);
    const parserEnd = await bar('Write the parser').evaluate(
      (rect) => Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')),
    );
    expect(Number(await bar('Ship the release').getAttribute('x'))).toBeCloseTo(parserEnd, 3);
    const link = timeline.getByRole('link', {
      name: /^Write the parser: Draft, estimate 1 h 30 min, actual —/,
    });
    expect(await link.count()).toBe(1);
    await dashboard.screenshot('timeline');
  }, 60_000);

  test('review by hand in the drawer: a missing reason is refused, a rejection shows as a verdict', async () => {
    // A person works the task with the manual provider, through the API as a daemon would:
    // an attended completion waits for a review by hand.
    const { session } = await mutate<{ session: { id: string } }>(
      dashboard,
      'registerSession',
      { projectId, machineId: 'browser-test', name: 'by-hand', role: 'WORKER', provider: 'manual' },
      'session { id }',
    );
    const review = await planThroughApi(dashboard, projectId, 'Review', [{ title: 'Review me' }]);
    await mutate(
      dashboard,
      'setPlanStatus',
      { planId: review.planId, status: 'ACTIVE' },
      'plan { status }',
    );
    const claim = () =>
      mutate<{ run: { id: string; purpose: string } | null; leaseVersion: number | null }>(
        dashboard,
        'claimRun',
        { sessionId: session.id },
        'run { id purpose } leaseVersion',
      );
    for (const purpose of ['BOOTSTRAP_EPIC', 'EXECUTION']) {
      const claimed = await eventually(async () => {
        const next = await claim();
        expect(next.run?.purpose).toBe(purpose);
        return next;
      });
      await mutate(
        dashboard,
        'completeRun',
        {
          runId: claimed.run!.id,
          leaseVersion: claimed.leaseVersion,
          summary: 'done',
          attended: purpose === 'EXECUTION',
        },
        'run { id }',
      );
    }

    const taskId = review.tasks['Review me']!;
    await page().goto(
      `${dashboard.url}/projects/${projectId}/tasks?plan=${review.planId}&task=${taskId}`,
    );
    const drawer = page().getByRole('dialog', { name: 'Review me' });
    await drawer.getByRole('heading', { name: 'Review by hand' }).waitFor();
    expect(await drawer.locator('strong.status').innerText()).toBe('Awaiting review');

    const reason = drawer.getByLabel('Reason');
    await reason.fill('  ');
    await drawer.getByRole('button', { name: 'Approve' }).click();
    await eventually(async () => expect(await reason.getAttribute('aria-invalid')).toBe('true'));
    expect(await drawer.locator('#review-reason-error').innerText()).toMatch(/reason must say why/);
    expect(await reason.inputValue()).toBe('  ');

    await reason.fill('The greeting needs a test.');
    await drawer.getByRole('button', { name: 'Reject' }).click();
    const verdict = drawer.locator('li.verdict').first();
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(
      /^Rejected by hand, Ada Lovelace · revision 1: The greeting needs a test\./,
    );
    await eventually(async () =>
      expect(await drawer.locator('strong.status').innerText()).toBe('Dispatched'),
    );
    expect(await drawer.getByRole('heading', { name: 'Review by hand' }).count()).toBe(0);
    await drawer
      .locator('li.comment')
      .filter({ hasText: 'Rejected by hand: The greeting needs a test.' })
      .waitFor();
    await dashboard.screenshot('review-by-hand');
    // the verdict is the task's own (Task.verdicts), not something the page saw happen: it is
    // there when the page is opened afresh
    await page().reload();
    const reopened = page().getByRole('dialog', { name: 'Review me' }).locator('li.verdict');
    await reopened.first().waitFor();
    expect(await reopened.allInnerTexts()).toEqual([
      expect.stringMatching(
        /^Rejected by hand, Ada Lovelace · revision 1: The greeting needs a test\./,
      ),
    ]);
    await page().keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await page().goto(tasksUrl);
  }, 60_000);

  test('the drawer: comments with bad input, focus kept inside, Escape and back close it', async () => {
    await page()
      .getByRole('navigation', { name: 'Task views' })
      .getByRole('link', { name: 'Kanban' })
      .click();
    const title = card(page(), 'Write the parser').getByRole('link', { name: 'Write the parser' });
    await title.click();
    await page().waitForURL(
      (url) => url.searchParams.get('task') === plan.tasks['Write the parser'],
    );
    const drawer = page().getByRole('dialog', { name: 'Write the parser' });
    await drawer.waitFor();
    await drawer.getByRole('heading', { name: 'Blockers' }).waitFor();
    expect(await drawer.getByText('Nothing blocks it.').count()).toBe(1);
    expect(await drawer.getByText('No verdict yet.').count()).toBe(1);
    expect(await drawer.getByRole('button', { name: 'Cancel task' }).count()).toBe(1);

    // bad input: a blank comment is refused next to the field and what was typed stays
    const comment = drawer.getByLabel('Comment', { exact: true });
    await comment.fill('   ');
    await drawer.getByRole('button', { name: 'Add comment' }).click();
    await eventually(async () => expect(await comment.getAttribute('aria-invalid')).toBe('true'));
    expect(await drawer.locator('#new-comment-error').innerText()).toMatch(
      /body must not be empty/,
    );
    expect(await comment.inputValue()).toBe('   ');

    await comment.fill('The grammar is in docs/grammar.md.');
    await drawer.getByRole('button', { name: 'Add comment' }).click();
    const comments = drawer.locator('li.comment');
    await comments.filter({ hasText: 'The grammar is in docs/grammar.md.' }).waitFor();
    expect(await comment.inputValue()).toBe('');
    expect(await comment.getAttribute('aria-invalid')).toBeNull();

    // edit: blank is refused, then saved
    await comments.first().getByRole('button', { name: 'Edit comment' }).click();
    const edit = drawer.getByLabel('Edit comment');
    await edit.fill('');
    await drawer.getByRole('button', { name: 'Save comment' }).click();
    await eventually(async () => expect(await edit.getAttribute('aria-invalid')).toBe('true'));
    await edit.fill('The grammar is in docs/parser.md.');
    await drawer.getByRole('button', { name: 'Save comment' }).click();
    await comments.filter({ hasText: 'docs/parser.md' }).waitFor();
    await dashboard.screenshot('drawer');

    // focus stays in the dialog; Escape closes it and focus returns to the card
    for (let i = 0; i < 30; i++) {
      await page().keyboard.press('Tab');
      expect(
        await drawer.evaluate(
          (dialog) =>
            dialog.contains(document.activeElement) || document.activeElement === document.body,
        ),
      ).toBe(true);
    }
    await page().keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(new URL(page().url()).searchParams.has('task')).toBe(false);
    expect(await title.evaluate((element) => element === document.activeElement)).toBe(true);

    // the link is shareable: opening it loads the drawer; the comment came from Studio
    await page().goto(`${tasksUrl}&task=${plan.tasks['Write the parser']}`);
    await drawer.waitFor();
    await drawer.locator('li.comment').filter({ hasText: 'docs/parser.md' }).waitFor();
    await drawer
      .locator('li.comment')
      .first()
      .getByRole('button', { name: 'Delete comment' })
      .click();
    await drawer.getByText('No comments yet.').waitFor();
    await drawer.getByRole('button', { name: 'Close task' }).click();
    await drawer.waitFor({ state: 'detached' });

    // opened from the board, the back button closes it
    await card(page(), 'Ship the release').getByRole('link', { name: 'Ship the release' }).click();
    const ship = page().getByRole('dialog', { name: 'Ship the release' });
    await ship.waitFor();
    await ship.getByText('Write the parser (Draft)').waitFor(); // its blocker
    await page().goBack();
    await ship.waitFor({ state: 'detached' });
    expect(new URL(page().url()).searchParams.get('plan')).toBe(plan.planId);

    // a move by hand from the card's menu: the card changes column, and Studio kept it
    const release = card(page(), 'Ship the release');
    await release.getByRole('button', { name: 'Actions for Ship the release' }).click();
    await release.getByRole('button', { name: 'Cancel task' }).click();
    await eventually(async () =>
      expect(await columnOf(page(), 'Ship the release')).toBe('CANCELLED'),
    );
    await page().reload();
    await card(page(), 'Ship the release').waitFor();
    expect(await columnOf(page(), 'Ship the release')).toBe('CANCELLED');
    expectNoPageErrors(dashboard);
  }, 90_000);

  test('a plan of more than a page of tasks shows every one of them', async () => {
    const titles = Array.from({ length: 130 }, (_, i) => `Step ${String(i + 1).padStart(3, '0')}`);
    const big = await planThroughApi(
      dashboard,
      projectId,
      'Big',
      titles.map((title) => ({ title })),
    );
    await page().goto(`${dashboard.url}/projects/${projectId}/tasks?plan=${big.planId}&view=list`);
    const table = page().getByRole('table', { name: 'Tasks' });
    await eventually(async () =>
      expect(await table.locator('tbody th').allInnerTexts()).toHaveLength(130),
    );
    const shown = await table.locator('tbody th').allInnerTexts();
    expect([...shown].sort()).toEqual(titles);
    // everything the plan has is shown, so there is nothing to say about what is left out
    expect(await page().locator('.truncated').count()).toBe(0);
    expectNoPageErrors(dashboard);
  }, 120_000);

  // Kept last: the WebSocket route stays on the page.
  test('a change between the board’s read and the subscription still moves the card', async () => {
    const gap = await planThroughApi(dashboard, projectId, 'Gap', [{ title: 'Mind the gap' }]);
    // the page's socket is held, so its subscription starts only after the board has read its
    // tasks and the change below was made
    const sockets = await holdSockets(page());
    await page().goto(`${dashboard.url}/projects/${projectId}/tasks?plan=${gap.planId}`);
    await card(page(), 'Mind the gap').waitFor();
    expect(await columnOf(page(), 'Mind the gap')).toBe('DRAFT');
    await mutate(
      dashboard,
      'setTaskStatus',
      { taskId: gap.tasks['Mind the gap'], status: 'CANCELLED', reason: 'gap' },
      'task { id }',
    );
    sockets.release();
    // the subscription resumes after the seq the page loaded at, so the change is replayed
    await eventually(async () => expect(await columnOf(page(), 'Mind the gap')).toBe('CANCELLED'));
    expect(sockets.subscriptions).toEqual([{ projectId, after: expect.any(Number) }]);
    expectNoPageErrors(dashboard);
  }, 60_000);
});
