// Administration through the dashboard, in Chromium against the real Studio: invites (accepted
// in a second browser), roles and their refusals, skills and proficiencies, API tokens used over
// real HTTP, workspace and project settings, the theme, and signing out. Build first:
// `npm run build -w shared -w server -w web-svelte`.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { standInGitHub } from '../../server/test/support/host-servers.js';
import { fieldError, graphqlWithToken } from './support/admin.js';
import {
  describeInBrowser,
  eventually,
  expectNoPageErrors,
  START_TIMEOUT_MS,
  startDashboard,
  UI_TIMEOUT_MS,
  type Dashboard,
} from './support/dashboard.js';

const GRACE = { name: 'Grace Hopper', email: 'grace@example.com', password: 'compiler-a0-1952' };

describeInBrowser('administration', () => {
  let dashboard: Dashboard;
  let page: Page;
  let workspaceUrl: string;
  /** Grace's signed-in page, in a second browser context. */
  let grace: Page;
  let projectUrl: string;

  beforeAll(async () => {
    dashboard = await startDashboard({ prefix: 'admin' });
    page = dashboard.page;
    workspaceUrl = page.url();
    await dashboard.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: dashboard.url,
    });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await dashboard?.stop();
  }, 30_000);

  async function openTab(name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name }).click();
    await eventually(async () =>
      expect(
        await page
          .getByRole('navigation', { name: 'Workspace' })
          .getByRole('link', { name })
          .getAttribute('aria-current'),
      ).toBe('page'),
    );
  }

  test('a workspace invite link made on the Invites tab is accepted in a second browser', async () => {
    await openTab('Invites');
    await page.getByLabel('Role', { exact: true }).selectOption('DEVELOPER');
    await page.getByLabel('Email').first().fill(GRACE.email);
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = page.getByLabel('Invite link', { exact: true });
    await link.waitFor();
    const url = await link.innerText();
    expect(url).toMatch(/\/invites#token=/);
    // The copy button says it copied, and the clipboard holds the link.
    await page.getByRole('button', { name: 'Copy the invite link' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const pending = page.getByRole('table');
    await pending.getByRole('row', { name: /Workspace invite.*grace@example\.com/ }).waitFor();
    await dashboard.screenshot('invite-link');

    const guest = await dashboard.browser.newContext();
    grace = await guest.newPage();
    grace.setDefaultTimeout(UI_TIMEOUT_MS);
    await grace.goto(url);
    await grace.getByRole('heading', { name: 'Join the workspace “Acme”' }).waitFor();
    await grace.getByLabel('Your name').fill(GRACE.name);
    await grace.getByLabel('Password').fill(GRACE.password);
    await grace.getByRole('button', { name: 'Create account and join' }).click();
    await grace.getByRole('heading', { level: 1, name: 'Acme' }).waitFor();

    // Used: no longer pending (from Studio, after a reload).
    await page.reload();
    await page.getByRole('heading', { name: /Pending invites/ }).waitFor();
    expect(await page.getByText('grace@example.com').count()).toBe(0);
  }, 90_000);

  test('Members: change a role; a refused change is shown next to the field', async () => {
    await openTab('Members');
    const graceRole = page.getByLabel('Role for Grace Hopper');
    await graceRole.selectOption('ADMIN');
    await page.getByRole('button', { name: 'Save role for Grace Hopper' }).click();
    await page.getByRole('status').filter({ hasText: 'Grace Hopper is now admin' }).waitFor();

    // The last owner cannot step down: the API's refusal, next to Ada's role.
    const adaRole = page.getByLabel('Role for Ada Lovelace');
    await adaRole.selectOption('ADMIN');
    await page.getByRole('button', { name: 'Save role for Ada Lovelace' }).click();
    expect(await fieldError(adaRole)).toMatch(/at least one owner/);
    expect(await adaRole.inputValue()).toBe('ADMIN');
    await dashboard.screenshot('members-refused');

    // An admin cannot make an owner: Grace tries to make herself one.
    await grace.goto(page.url());
    const ownRole = grace.getByLabel('Role for Grace Hopper');
    await ownRole.selectOption('OWNER');
    await grace.getByRole('button', { name: 'Save role for Grace Hopper' }).click();
    expect(await fieldError(ownRole)).toMatch(/owner|role/i);

    // From Studio: after a reload the roles are what was saved.
    await page.reload();
    expect(await page.getByLabel('Role for Grace Hopper').inputValue()).toBe('ADMIN');
    expect(await page.getByLabel('Role for Ada Lovelace').inputValue()).toBe('OWNER');
    await page.getByLabel('Role for Grace Hopper').selectOption('DEVELOPER');
    await page.getByRole('button', { name: 'Save role for Grace Hopper' }).click();
    await page.getByRole('status').filter({ hasText: 'Grace Hopper is now developer' }).waitFor();

    // As a developer Grace sees the members read-only.
    await grace.reload();
    await grace.getByText('You are a developer here').waitFor();
    expect(await grace.getByLabel('Role for Ada Lovelace').count()).toBe(0);
  }, 60_000);

  test('Skills: create, refuse a blank name, rename, delete; a member gets a proficiency', async () => {
    await openTab('Skills');
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('   ');
    await page.getByRole('button', { name: 'Add skill' }).click();
    expect(await fieldError(name)).toMatch(/name/);

    for (const skill of ['Typescript', 'Cobol']) {
      await name.fill(skill);
      await page.getByRole('button', { name: 'Add skill' }).click();
      await page.getByRole('button', { name: `Rename ${skill}`, exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Rename Typescript' }).click();
    await page.getByLabel('New name for Typescript').fill('TypeScript');
    await page.getByRole('button', { name: 'Save name' }).click();
    const renameButton = (skill: string) =>
      page.getByRole('button', { name: `Rename ${skill}`, exact: true });
    await renameButton('TypeScript').waitFor();

    // The dialog closes on Escape and gives focus back to the button that opened it.
    const deleteCobol = page.getByRole('button', { name: 'Delete Cobol' });
    const dialog = page.getByRole('dialog', { name: 'Delete the skill “Cobol”?' });
    await deleteCobol.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await eventually(async () => expect(await dialog.isVisible()).toBe(false));
    expect(await deleteCobol.evaluate((button) => button === document.activeElement)).toBe(true);
    await deleteCobol.click();
    await dialog.getByRole('button', { name: 'Delete skill' }).click();
    await eventually(async () => expect(await renameButton('Cobol').count()).toBe(0));
    await page.reload();
    await renameButton('TypeScript').waitFor();
    expect(await renameButton('Cobol').count()).toBe(0);

    await openTab('Members');
    await page.getByLabel('Skill for Grace Hopper').selectOption({ label: 'TypeScript' });
    await page.getByLabel('Proficiency for Grace Hopper').selectOption('4');
    await page.getByRole('button', { name: 'Set skill for Grace Hopper' }).click();
    const graceSkills = page.getByRole('list', { name: 'Skills of Grace Hopper' });
    await graceSkills.getByText('TypeScript · advanced (4)').waitFor();
    await page.reload();
    await graceSkills.getByText('TypeScript · advanced (4)').waitFor();
    await dashboard.screenshot('members-skills');
  }, 60_000);

  test('Invites: a CLI invite shows `maestro auth <token>` once; a pending invite is revoked', async () => {
    await openTab('Invites');
    await page.getByRole('button', { name: 'Create CLI invite' }).click();
    const command = page.getByLabel('Command', { exact: true });
    await command.waitFor();
    expect(await command.innerText()).toMatch(/^maestro auth [\w.-]+$/);
    await page.getByRole('button', { name: 'Copy the command' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await command.innerText(),
    );
    await dashboard.screenshot('cli-invite');

    const row = page.getByRole('row', { name: /Machine \(CLI\) invite/ });
    await row.waitFor();
    await row.getByRole('button', { name: /Revoke/ }).click();
    await eventually(async () => expect(await row.count()).toBe(0));
    await page.reload();
    await page.getByRole('heading', { name: /Pending invites/ }).waitFor();
    expect(await page.getByRole('row', { name: /Machine \(CLI\) invite/ }).count()).toBe(0);
    // Shown once: the command is gone after the reload.
    expect(await page.getByText(/maestro auth /).count()).toBe(0);
  }, 60_000);

  test('API tokens: the secret is shown once, works as a Bearer token, then is revoked', async () => {
    await openTab('API tokens');
    const name = page.getByLabel('Token name');
    await name.fill('  ');
    await page.getByRole('button', { name: 'Create token' }).click();
    expect(await fieldError(name)).toMatch(/name/);

    await name.fill('ci');
    await page.getByLabel('Expires in days').fill('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByLabel('New token', { exact: true });
    await secret.waitFor();
    const token = await secret.innerText();
    await dashboard.screenshot('api-token');

    const query = 'query AdminTestWorkspace($id: ID!) { workspace(id: $id) { name } }';
    const allowed = await graphqlWithToken(dashboard.url, token, query, {
      id: dashboard.workspaceId,
    });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toEqual({ workspace: { name: 'Acme' } });

    await page.reload();
    const row = page.getByRole('row', { name: /^ci / });
    await row.waitFor();
    expect(await page.getByText(token).count()).toBe(0);
    await row.getByRole('button', { name: 'Revoke ci' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the token “ci”?' })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await row.getByText(/Revoked/).waitFor();

    const refused = await graphqlWithToken(dashboard.url, token, query, {
      id: dashboard.workspaceId,
    });
    expect(refused.errors?.[0]?.message).toMatch(/revoked|token/i);
    await page.reload();
    await page
      .getByRole('row', { name: /^ci / })
      .getByText(/Revoked/)
      .waitFor();
  }, 60_000);

  test('project settings are saved, kept after a reload, and bad input is refused', async () => {
    await openTab('Projects');
    await page.getByLabel('Remote URL').fill('https://github.com/acme/api.git');
    await page.getByRole('button', { name: 'Add project' }).click();
    await page.getByRole('link', { name: 'api', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'api' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.waitForURL(/\/settings$/);
    projectUrl = page.url();
    expect(projectUrl).toMatch(/\/projects\/prj_[0-9A-Za-z]{22}\/settings$/);

    const name = page.getByLabel('Project name');
    const branch = page.getByLabel('Base branch');
    // Studio checks the name first, then the branch: one refusal at a time, nothing saved.
    await name.fill('   ');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await fieldError(name)).toMatch(/name must not be empty/);

    await name.fill('api');
    await branch.fill('bad..branch');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await fieldError(branch)).toMatch(/baseBranch must not contain/);
    expect(await branch.inputValue()).toBe('bad..branch');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    await dashboard.screenshot('project-settings-refused');

    await branch.fill('develop');
    await name.fill('API service');
    await page.getByLabel('Release').selectOption('PULL_REQUEST');
    await page.getByLabel('A pull request per task').check();
    await page.getByLabel('Reviewer provider').fill('codex');
    await page.getByLabel('Reviewer model').fill('gpt-review');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'API service' }).waitFor();

    await page.reload();
    expect(await page.getByLabel('Project name').inputValue()).toBe('API service');
    expect(await page.getByLabel('Base branch').inputValue()).toBe('develop');
    expect(await page.getByLabel('Release').inputValue()).toBe('PULL_REQUEST');
    expect(await page.getByLabel('A pull request per task').isChecked()).toBe(true);
    expect(await page.getByLabel('Reviewer provider').inputValue()).toBe('codex');
    expect(await page.getByLabel('Reviewer model').inputValue()).toBe('gpt-review');
    await page.getByText('No host token is stored.').waitFor();

    // Live: a change made elsewhere (here through the API) shows without a reload.
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const projectId = /\/projects\/(prj_[0-9A-Za-z]+)\//.exec(projectUrl)![1];
    await dashboard.graphql(
      `mutation AdminTestUpdateProject($input: UpdateProjectInput!) {
        updateProject(input: $input) { userErrors { message } } }`,
      { input: { projectId, reviewerModel: 'gpt-live' } },
    );
    await eventually(async () =>
      expect(await page.getByLabel('Reviewer model').inputValue()).toBe('gpt-live'),
    );
    await page.getByText('The settings were changed elsewhere').waitFor();
    expect(await page.getByLabel('Payload URL', { exact: true }).innerText()).toBe(
      `${dashboard.url}/webhooks/github`,
    );

    // A project role for Grace (a developer in the workspace).
    const graceRole = page.getByLabel('Project role for Grace Hopper');
    await graceRole.selectOption('LEAD');
    await page.getByRole('button', { name: 'Save project role for Grace Hopper' }).click();
    await page.getByRole('status').filter({ hasText: 'lead on this project' }).waitFor();
    await page.reload();
    expect(await page.getByLabel('Project role for Grace Hopper').inputValue()).toBe('LEAD');
    await dashboard.screenshot('project-settings');

    // Grace (a lead here) sees the settings read-only, without the webhook secret.
    await grace.goto(projectUrl);
    await grace.getByText('Owners and admins change these settings.').waitFor();
    expect(await grace.getByLabel('Project name').count()).toBe(0);
    expect(await grace.getByText('Webhook').count()).toBe(0);

    // A project invite for it, from the Invites tab.
    await page.goto(`${workspaceUrl}/invites`);
    await page.getByLabel('Project', { exact: true }).selectOption({ label: 'API service' });
    await page.getByLabel('Project role').selectOption('LEAD');
    await page.getByRole('button', { name: 'Create project invite link' }).click();
    const link = page.getByLabel('Project invite link', { exact: true });
    await link.waitFor();
    expect(await link.innerText()).toMatch(/\/invites#token=/);
    await page.getByRole('row', { name: /Project invite\s+Lead\s+API service/ }).waitFor();
  }, 90_000);

  test('host token: checked with the host (a stand-in GitHub API), stored, never shown, removed', async () => {
    const github = await standInGitHub({
      owner: 'acme',
      repo: 'api',
      token: 'ghp_standin_token',
      defaultBranch: 'main',
    });
    try {
      await page.goto(projectUrl);
      const apiUrl = page.getByLabel('Host API URL');
      await apiUrl.fill('http://example.com/api');
      await page.getByRole('button', { name: 'Save settings' }).click();
      expect(await fieldError(apiUrl)).toMatch(/must use https/);
      await apiUrl.fill(github.url);
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();

      const token = page.getByRole('textbox', { name: 'Host token', exact: true });
      await token.fill('ghp_wrong');
      await page.getByRole('button', { name: 'Save host token' }).click();
      expect(await fieldError(token)).toMatch(/.+/);
      await page.getByText('No host token is stored.').waitFor();

      await token.fill('ghp_standin_token');
      await page.getByRole('button', { name: 'Save host token' }).click();
      await page.getByText('A host token is stored. Studio never shows it again.').waitFor();
      await page.reload();
      await page.getByText('A host token is stored. Studio never shows it again.').waitFor();
      expect(await page.getByLabel('Replace the host token').inputValue()).toBe('');
      expect(await page.content()).not.toContain('ghp_standin_token');
      await dashboard.screenshot('host-token');

      await page.getByRole('button', { name: 'Remove host token' }).click();
      await page.getByText('No host token is stored.').waitFor();
      await page.reload();
      await page.getByText('No host token is stored.').waitFor();
    } finally {
      await github.close();
    }
  }, 60_000);

  test('deleting a project is refused while a plan runs, with the reason shown', async () => {
    // A second project with an active plan, made through the API.
    type Id = { id: string };
    const { createProject } = await dashboard.graphql<{ createProject: { project: Id } }>(
      `mutation AdminTestProject($input: CreateProjectInput!) {
        createProject(input: $input) { project { id } userErrors { message } } }`,
      {
        input: { workspaceId: dashboard.workspaceId, remoteUrl: 'https://github.com/acme/web.git' },
      },
    );
    const projectId = createProject.project.id;
    const { createPlan } = await dashboard.graphql<{ createPlan: { plan: Id } }>(
      `mutation AdminTestPlan($input: CreatePlanInput!) {
        createPlan(input: $input) { plan { id } userErrors { message } } }`,
      { input: { projectId, name: 'Launch' } },
    );
    const planId = createPlan.plan.id;
    const { createPhase } = await dashboard.graphql<{ createPhase: { phase: Id } }>(
      `mutation AdminTestPhase($input: CreatePhaseInput!) {
        createPhase(input: $input) { phase { id } userErrors { message } } }`,
      { input: { planId, name: 'Build' } },
    );
    await dashboard.graphql(
      `mutation AdminTestTask($input: CreateTaskInput!) {
        createTask(input: $input) { task { id } userErrors { message } } }`,
      { input: { phaseId: createPhase.phase.id, title: 'Write the landing page' } },
    );
    const setStatus = (status: string) =>
      dashboard.graphql<{ setPlanStatus: { userErrors: Array<{ message: string }> } }>(
        `mutation AdminTestPlanStatus($input: SetPlanStatusInput!) {
          setPlanStatus(input: $input) { userErrors { message } } }`,
        { input: { planId, status } },
      );
    expect((await setStatus('ACTIVE')).setPlanStatus.userErrors).toEqual([]);

    await page.goto(`${dashboard.url}/projects/${projectId}/settings`);
    await page.getByRole('button', { name: 'Delete project…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete web?' });
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await dialog.getByText(/active or paused plan/).waitFor();
    await dashboard.screenshot('delete-project-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'web' }).waitFor();

    // Once the plan is cancelled the project goes.
    expect((await setStatus('CANCELLED')).setPlanStatus.userErrors).toEqual([]);
    await page.getByRole('button', { name: 'Delete project…' }).click();
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await page.waitForURL(workspaceUrl);
    await page.getByRole('link', { name: 'API service' }).waitFor();
    expect(await page.getByRole('link', { name: 'web', exact: true }).count()).toBe(0);
  }, 60_000);

  test('workspace settings: rename; deleting needs the slug typed again', async () => {
    await page.goto(workspaceUrl);
    await openTab('Settings');
    const slug = page.getByLabel('Slug', { exact: true });
    await slug.fill('Not A Slug');
    await page.getByRole('button', { name: 'Save workspace' }).click();
    expect(await fieldError(slug)).toMatch(/slug must be/);
    await slug.fill('acme');
    await page.getByLabel('Workspace name').fill('Acme Corp');
    await page.getByRole('button', { name: 'Save workspace' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme Corp' }).waitFor();

    // A second workspace, deleted through its settings tab.
    await page.goto(dashboard.url);
    await page.getByLabel('Name', { exact: true }).fill('Scratch');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('link', { name: 'Scratch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Scratch' }).waitFor();
    await openTab('Settings');
    await page.getByRole('button', { name: 'Delete workspace…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Scratch?' });
    const confirm = dialog.getByRole('button', { name: 'Delete workspace' });
    expect(await confirm.getAttribute('aria-disabled')).toBe('true');
    await dialog.getByLabel('Workspace slug').fill('scratch');
    expect(await confirm.getAttribute('aria-disabled')).toBe('false');
    await dashboard.screenshot('delete-workspace');
    await confirm.click();
    await page.waitForURL(`${dashboard.url}/`);
    await page.getByRole('link', { name: 'Acme Corp' }).waitFor();
    expect(await page.getByRole('link', { name: 'Scratch' }).count()).toBe(0);
  }, 60_000);

  test('the theme toggle in the header persists across a reload', async () => {
    const theme = page.getByRole('group', { name: 'Theme' });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await theme.getByRole('button', { name: 'Light' }).click();
    const light = await background();
    await theme.getByRole('button', { name: 'Dark' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await background()).not.toBe(light);

    await page.reload();
    await theme.getByRole('button', { name: 'Dark' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await theme.getByRole('button', { name: 'Dark' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await background()).not.toBe(light);
    await dashboard.screenshot('dark-theme');

    await theme.getByRole('button', { name: 'System' }).focus();
    await page.keyboard.press('Enter');
    await page.reload();
    await theme.getByRole('button', { name: 'System' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBeUndefined();
  }, 60_000);

  test('signing out works from the admin pages', async () => {
    for (const url of [`${workspaceUrl}/members`, projectUrl]) {
      await page.goto(url);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
      await page.getByLabel('Email').fill('ada@example.com');
      await page.getByLabel('Password').fill('analytical-engine-1843');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((target) => !target.pathname.startsWith('/login'));
    }
    expectNoPageErrors(dashboard);
  }, 60_000);
});
