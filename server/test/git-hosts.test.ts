import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { expectEventually } from './support/expect-eventually.js';
import { standInGitHub, standInGitLab, type StandInHost } from './support/host-servers.js';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PROJECT = 'id baseBranch hasHostToken hostApiUrl releaseMode';

interface Claimed {
  run: { id: string; purpose: string } | null;
  leaseVersion: number | null;
}

describe('git hosts: linking, pull-request releases and webhooks', () => {
  let server: TestServer;
  let github: StandInHost;
  let gitlab: StandInHost;
  beforeAll(async () => {
    server = await startTestServer();
    github = await standInGitHub({
      owner: 'acme',
      repo: 'shop',
      token: 'ghp_good',
      defaultBranch: 'trunk',
    });
    gitlab = await standInGitLab({
      path: 'acme/platform/api',
      token: 'glpat-good',
      defaultBranch: 'develop',
    });
  });
  afterAll(async () => {
    await server.close();
    await github.close();
    await gitlab.close();
  });

  const workspaceId = () => server.owner.workspaceId;
  const storedToken = async (projectId: string) =>
    (
      await server.studio.database.dataSource.query<{ host_token: string | null }[]>(
        'SELECT host_token FROM project WHERE id = $1',
        [parsePublicIdOf('Project', projectId)],
      )
    )[0]?.host_token;

  test('a GitHub project is linked with a token: access checked, the default branch read, the token sealed and never returned', async () => {
    const bad = await mutation(server, 'createProject', {
      workspaceId: workspaceId(),
      remoteUrl: 'https://github.com/acme/shop.git',
      hostToken: 'ghp_wrong',
      hostApiUrl: github.url,
    });
    expect(bad.userErrors).toEqual([
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: ['hostToken'],
        message: expect.stringContaining('401 Bad credentials'),
      }),
    ]);
    const missing = await mutation(server, 'createProject', {
      workspaceId: workspaceId(),
      remoteUrl: 'https://github.com/acme/elsewhere',
      hostToken: 'ghp_good',
      hostApiUrl: github.url,
    });
    expect(missing.userErrors[0]?.message).toContain('acme/elsewhere was not found');
    const insecure = await mutation(server, 'createProject', {
      workspaceId: workspaceId(),
      remoteUrl: 'https://github.com/acme/shop',
      hostToken: 'ghp_good',
      hostApiUrl: 'http://github.example.com/api/v3',
    });
    expect(insecure.userErrors[0]).toMatchObject({
      field: ['hostApiUrl'],
      message: expect.stringContaining('https'),
    });

    const { project } = await ok<{
      project: { id: string; baseBranch: string; hasHostToken: boolean };
    }>(
      server,
      'createProject',
      {
        workspaceId: workspaceId(),
        remoteUrl: 'https://github.com/acme/shop.git',
        hostToken: 'ghp_good',
        hostApiUrl: github.url,
      },
      `project { ${PROJECT} }`,
    );
    expect(project).toMatchObject({
      baseBranch: 'trunk',
      hasHostToken: true,
      hostApiUrl: github.url,
    });
    const sealed = await storedToken(project.id);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('ghp_good');
    const introspected = JSON.stringify(
      await server.query(
        `query($id: ID!) { project(id: $id) { ${PROJECT} webhook { path secret events } } }`,
        { id: project.id },
      ),
    );
    expect(introspected).not.toContain('ghp_good');

    // A bad new token changes nothing; null removes it.
    const rejected = await mutation(server, 'updateProject', {
      projectId: project.id,
      hostToken: 'ghp_wrong',
    });
    expect(rejected.userErrors[0]?.field).toEqual(['hostToken']);
    expect(await storedToken(project.id)).toBe(sealed);
    await ok(server, 'updateProject', { projectId: project.id, hostToken: null }, 'project { id }');
    expect(await storedToken(project.id)).toBeNull();
    const audit = await server.query<
      {
        workspace: { auditLog: { nodes: { target: string; details: Record<string, unknown> }[] } };
      },
      unknown
    >(
      `query($w: ID!) { workspace(id: $w) { auditLog(first: 100, actions: ["project.host_token_changed"]) { nodes { target details } } } }`,
      { w: workspaceId() },
    );
    expect(audit.workspace.auditLog.nodes).toEqual([
      { target: project.id, details: { removed: false } },
      { target: project.id, details: { removed: true } },
    ]);
    expect(JSON.stringify(audit)).not.toContain('ghp_');
    await ok(server, 'deleteProject', { projectId: project.id }, 'deletedId');
  });

  test('a GitLab project in a subgroup is linked; a plain git remote has no host API nor pull requests', async () => {
    const { project } = await ok<{
      project: { id: string; baseBranch: string; hasHostToken: boolean };
    }>(
      server,
      'createProject',
      {
        workspaceId: workspaceId(),
        remoteUrl: 'git@gitlab.com:acme/platform/api.git',
        hostToken: 'glpat-good',
        hostApiUrl: gitlab.url,
      },
      `project { ${PROJECT} }`,
    );
    expect(project).toMatchObject({ baseBranch: 'develop', hasHostToken: true });
    expect(gitlab.requests.at(-1)).toMatchObject({
      method: 'GET',
      headers: expect.objectContaining({ 'private-token': 'glpat-good' }),
    });
    await ok(server, 'deleteProject', { projectId: project.id }, 'deletedId');

    const perTask = await mutation(server, 'createProject', {
      workspaceId: workspaceId(),
      remoteUrl: '/srv/git/per-task.git',
      pullRequestPerTask: true,
    });
    expect(perTask.userErrors[0]?.field).toEqual(['pullRequestPerTask']);
    const local = await mutation(server, 'createProject', {
      workspaceId: workspaceId(),
      remoteUrl: '/srv/git/local.git',
      releaseMode: 'PULL_REQUEST',
    });
    expect(local.userErrors[0]).toMatchObject({
      field: ['releaseMode'],
      message: expect.stringContaining('no pull requests'),
    });
    const token = await mutation(server, 'createProject', {
      workspaceId: workspaceId(),
      remoteUrl: '/srv/git/other.git',
      hostToken: 'x',
    });
    expect(token.userErrors[0]).toMatchObject({
      field: ['hostToken'],
      message: expect.stringContaining('no host API'),
    });
  });

  /** Drives every run of the project to success through the API, as a daemon would (no git). */
  const sessions = new Map<string, string>();
  const drive = async (projectId: string) => {
    const sessionId =
      sessions.get(projectId) ??
      (
        await ok<{ session: { id: string } }>(
          server,
          'registerSession',
          { projectId, role: 'LEAD', name: 'bot', machineId: `m-${projectId.slice(-6)}` },
          'session { id }',
        )
      ).session.id;
    sessions.set(projectId, sessionId);
    const done: string[] = [];
    for (;;) {
      const { run, leaseVersion } = await ok<Claimed>(
        server,
        'claimRun',
        { sessionId },
        'run { id purpose } leaseVersion',
      );
      if (!run || leaseVersion === null) return done;
      const lease = { runId: run.id, leaseVersion };
      if (run.purpose === 'REVIEW') {
        await ok(
          server,
          'appendRunOutput',
          { ...lease, chunks: [{ chunk: 'VERDICT: APPROVED\n' }] },
          'lastSeq',
        );
      }
      await ok(server, 'completeRun', lease, 'run { id }');
      done.push(run.purpose);
    }
  };
  const planState = (planId: string) =>
    server.query<
      {
        plan: {
          status: string;
          branch: string;
          releaseRequestedAt: string | null;
          releasePrUrl: string | null;
          releaseError: string | null;
        };
      },
      unknown
    >(
      `query($id: ID!) { plan(id: $id) { status branch releaseRequestedAt releasePrUrl releaseError } }`,
      { id: planId },
    );
  const webhook = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${server.url}/webhooks/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const sign = (secret: string, body: unknown) =>
    `sha256=${createHmac('sha256', secret).update(JSON.stringify(body)).digest('hex')}`;

  test('a GitHub release goes through a pull request; the merged webhook completes the plan, a bad signature changes nothing', async () => {
    const { project } = await ok<{
      project: { id: string; webhook: { path: string; secret: string; events: string[] } };
    }>(
      server,
      'createProject',
      {
        workspaceId: workspaceId(),
        remoteUrl: 'https://github.com/acme/shop',
        name: 'shop-pr',
        slug: 'shop-pr',
        hostToken: 'ghp_good',
        hostApiUrl: github.url,
        releaseMode: 'PULL_REQUEST',
        pullRequestPerTask: true,
      },
      'project { id webhook { path secret events } }',
    );
    expect(project.webhook).toMatchObject({ path: '/webhooks/github', events: ['pull_request'] });
    const plan = await planWithTasks(server, project.id, 1);
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    expect(await drive(project.id)).toEqual(['BOOTSTRAP_EPIC', 'EXECUTION', 'REVIEW', 'MERGE']);

    const opened = await expectEventually(async () => {
      const { plan: state } = await planState(plan.planId);
      expect(state).toMatchObject({
        status: 'ACTIVE',
        releasePrUrl: 'https://github.com/acme/shop/pull/2',
        releaseError: null,
      });
      return state;
    });
    const posted = github.requests.filter((r) => r.method === 'POST').map((r) => r.body);
    // First the task's own request into the epic, then the release into the base.
    expect(posted).toEqual([
      expect.objectContaining({
        head: expect.stringMatching(/^task\/task-1-/),
        base: opened.branch,
        title: 'Task 1',
      }),
      expect.objectContaining({ head: opened.branch, base: 'trunk', title: 'Release: Plan' }),
    ]);
    const { task } = await server.query<{ task: { prUrl: string | null } }, unknown>(
      'query($id: ID!) { task(id: $id) { prUrl } }',
      { id: plan.taskIds[0] },
    );
    expect(task.prUrl).toBe('https://github.com/acme/shop/pull/1');

    const merged = {
      action: 'closed',
      number: 1,
      pull_request: {
        html_url: opened.releasePrUrl,
        merged: true,
        head: { ref: opened.branch },
        base: { ref: 'trunk' },
      },
      repository: { full_name: 'acme/shop', html_url: 'https://github.com/acme/shop' },
    };
    const forged = await webhook('github', merged, {
      'x-github-event': 'pull_request',
      'x-hub-signature-256': sign('not the secret', merged),
    });
    expect(forged.status).toBe(401);
    const unsigned = await webhook('github', merged, { 'x-github-event': 'pull_request' });
    expect(unsigned.status).toBe(401);
    expect((await planState(plan.planId)).plan.status).toBe('ACTIVE');
    const garbage = await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      body: 'not json',
    });
    expect(garbage.status).toBe(400);

    const unmerged = {
      ...merged,
      action: 'opened',
      pull_request: { ...merged.pull_request, merged: false },
    };
    const ignored = await webhook('github', unmerged, {
      'x-github-event': 'pull_request',
      'x-hub-signature-256': sign(project.webhook.secret, unmerged),
    });
    expect(ignored.status).toBe(202);
    expect((await planState(plan.planId)).plan.status).toBe('ACTIVE');

    const closed = { ...merged, pull_request: { ...merged.pull_request, merged: false } };
    await webhook('github', closed, {
      'x-github-event': 'pull_request',
      'x-hub-signature-256': sign(project.webhook.secret, closed),
    });
    expect((await planState(plan.planId)).plan).toMatchObject({
      status: 'ACTIVE',
      releaseError: expect.stringContaining('closed without merging'),
    });

    const accepted = await webhook('github', merged, {
      'x-github-event': 'pull_request',
      'x-hub-signature-256': sign(project.webhook.secret, merged),
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: true, plansCompleted: 1 });
    expect((await planState(plan.planId)).plan.status).toBe('COMPLETED');
    expect(await drive(project.id)).toEqual(['RELEASE_CLEANUP']);
    // A second delivery of the same event changes nothing.
    const again = await webhook('github', merged, {
      'x-github-event': 'pull_request',
      'x-hub-signature-256': sign(project.webhook.secret, merged),
    });
    expect(await again.json()).toEqual({ accepted: true, plansCompleted: 0 });
  });

  test('a GitLab release waits out a host that is down, opens a merge request, and the merge hook completes the plan', async () => {
    const { project } = await ok<{
      project: { id: string; webhook: { path: string; secret: string } };
    }>(
      server,
      'createProject',
      {
        workspaceId: workspaceId(),
        remoteUrl: 'https://gitlab.com/acme/platform/api',
        name: 'api-mr',
        slug: 'api-mr',
        hostToken: 'glpat-good',
        hostApiUrl: gitlab.url,
        releaseMode: 'PULL_REQUEST',
      },
      'project { id webhook { path secret } }',
    );
    const plan = await planWithTasks(server, project.id, 1);
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    gitlab.down = true;
    await drive(project.id);
    const failed = await expectEventually(async () => {
      const { plan: state } = await planState(plan.planId);
      expect(state.releaseError).toContain('503');
      return state;
    });
    expect(failed.releasePrUrl).toBeNull();
    gitlab.down = false;
    await server.studio.services.reaper.tick();
    const { plan: opened } = await planState(plan.planId);
    expect(opened).toMatchObject({
      releasePrUrl: 'https://gitlab.com/acme/platform/api/-/merge_requests/1',
      releaseError: null,
    });

    const hook = {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      project: {
        id: 4242,
        path_with_namespace: 'acme/platform/api',
        web_url: 'https://gitlab.com/acme/platform/api',
      },
      object_attributes: {
        iid: 1,
        action: 'merge',
        state: 'merged',
        url: opened.releasePrUrl,
        source_branch: opened.branch,
        target_branch: 'develop',
      },
    };
    // The project's base branch is develop (read from GitLab): the hook must name it.
    const wrongToken = await webhook('gitlab', hook, {
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-token': 'nope',
    });
    expect(wrongToken.status).toBe(401);
    const accepted = await webhook('gitlab', hook, {
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-token': project.webhook.secret,
    });
    expect(await accepted.json()).toEqual({ accepted: true, plansCompleted: 1 });
    expect((await planState(plan.planId)).plan.status).toBe('COMPLETED');
  });
});
