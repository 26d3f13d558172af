import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { recordStatements } from './support/sql-counter.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const CREATE = `mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    project { id name slug remoteUrl normalizedRemote host baseBranch releaseMode workspace { id } }
    userErrors { field message code }
  }
}`;

interface Created {
  createProject: {
    project: {
      id: string;
      name: string;
      slug: string;
      remoteUrl: string;
      normalizedRemote: string;
      host: string;
      baseBranch: string;
      releaseMode: string;
      workspace: { id: string };
    } | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string }>;
  };
}

describe('projects', () => {
  let server: TestServer;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = (await server.factory.workspace({ name: 'Projects' })).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const create = (input: Record<string, unknown>) =>
    server.query<Created, unknown>(CREATE, { input: { workspaceId, ...input } });

  test('createProject normalizes the remote, strips credentials and applies defaults', async () => {
    const { createProject } = await create({
      remoteUrl: 'https://x-access-token:ghp_secret@github.com/Acme/Billing-API.git',
    });
    expect(createProject.userErrors).toEqual([]);
    expect(createProject.project).toMatchObject({
      name: 'billing-api',
      slug: 'billing-api',
      remoteUrl: 'https://github.com/Acme/Billing-API.git',
      normalizedRemote: 'github.com:acme/billing-api',
      host: 'GITHUB',
      baseBranch: 'main',
      releaseMode: 'MERGE',
      workspace: { id: workspaceId },
    });
    expect(createProject.project?.id).toMatch(/^prj_/);
  });

  test('takes explicit settings, GitLab subgroups and host overrides', async () => {
    const gitlab = await create({
      remoteUrl: 'git@gitlab.example.com:platform/tools/deployer.git',
      name: 'Deployer',
      baseBranch: 'develop',
      releaseMode: 'PULL_REQUEST',
    });
    expect(gitlab.createProject.project).toMatchObject({
      name: 'Deployer',
      normalizedRemote: 'gitlab.example.com:platform/tools/deployer',
      host: 'GITLAB',
      baseBranch: 'develop',
      releaseMode: 'PULL_REQUEST',
    });
    const enterprise = await create({ remoteUrl: 'https://git.acme.io/core/app', host: 'GITHUB' });
    expect(enterprise.createProject.project?.host).toBe('GITHUB');
    const local = await create({ remoteUrl: '/srv/git/local-app.git' });
    expect(local.createProject.project).toMatchObject({
      host: 'LOCAL',
      normalizedRemote: 'local:/srv/git/local-app',
    });
  });

  test('one repository is one project per workspace, however its remote is spelled', async () => {
    const first = await create({ remoteUrl: 'https://github.com/acme/unique-repo' });
    expect(first.createProject.userErrors).toEqual([]);
    const again = await create({ remoteUrl: 'git@github.com:ACME/unique-repo.git' });
    expect(again.createProject.project).toBeNull();
    expect(again.createProject.userErrors).toEqual([
      {
        field: ['remoteUrl'],
        code: 'CONFLICT',
        message: `this workspace already has a project for github.com:acme/unique-repo (${first.createProject.project?.id})`,
      },
    ]);
    const elsewhere = await server.factory.workspace();
    const other = await server.query<Created, unknown>(CREATE, {
      input: { workspaceId: elsewhere.id, remoteUrl: 'https://github.com/acme/unique-repo' },
    });
    expect(other.createProject.userErrors).toEqual([]);
  });

  test('slugs are unique within a workspace: derived ones get a number, explicit ones conflict', async () => {
    const a = await create({ remoteUrl: 'https://github.com/one/shared-name' });
    const b = await create({ remoteUrl: 'https://github.com/two/shared-name' });
    expect(a.createProject.project?.slug).toBe('shared-name');
    expect(b.createProject.project?.slug).toBe('shared-name-2');
    const c = await create({ remoteUrl: 'https://github.com/three/x', slug: 'shared-name' });
    expect(c.createProject.userErrors).toEqual([
      {
        field: ['slug'],
        code: 'CONFLICT',
        message: 'slug "shared-name" is already used in this workspace',
      },
    ]);
  });

  test.each([
    [
      { remoteUrl: 'not a remote' },
      ['remoteUrl'],
      'BAD_USER_INPUT',
      'remoteUrl must not contain spaces',
    ],
    [
      { remoteUrl: 'https://github.com/acme' },
      ['remoteUrl'],
      'BAD_USER_INPUT',
      'must name an owner and a repository',
    ],
    [{ remoteUrl: 'ftp://h/a/b' }, ['remoteUrl'], 'BAD_USER_INPUT', 'unsupported scheme'],
    [
      { remoteUrl: 'https://github.com/a/b1', baseBranch: 'bad..branch' },
      ['baseBranch'],
      'BAD_USER_INPUT',
      'baseBranch must not contain ".."',
    ],
    [
      { remoteUrl: 'https://github.com/a/b2', name: '   ' },
      ['name'],
      'BAD_USER_INPUT',
      'name must not be empty',
    ],
    [
      { remoteUrl: 'https://github.com/a/b3', host: 'LOCAL' },
      ['host'],
      'BAD_USER_INPUT',
      'host LOCAL needs a file-system remote',
    ],
    [{ remoteUrl: '/srv/git/x', host: 'GITHUB' }, ['host'], 'BAD_USER_INPUT', 'host must be LOCAL'],
    [
      { remoteUrl: 'https://github.com/a/b4', workspaceId: 'wsp_0000000000000000000000' },
      ['workspaceId'],
      'NOT_FOUND',
      'no such workspace',
    ],
    [
      { remoteUrl: 'https://github.com/a/b5', workspaceId: 'prj_0000000000000000000000' },
      ['workspaceId'],
      'BAD_USER_INPUT',
      'workspaceId is not a Workspace id',
    ],
  ])('%j is refused on %j with %s', async (input, field, code, message) => {
    const { createProject } = await create(input);
    expect(createProject.project).toBeNull();
    expect(createProject.userErrors).toHaveLength(1);
    expect(createProject.userErrors[0]).toMatchObject({ field, code });
    expect(createProject.userErrors[0]?.message).toContain(message);
  });

  test('an enum value the schema does not know is refused before anything runs', async () => {
    const response = await server.request(CREATE, {
      input: { workspaceId, remoteUrl: 'https://github.com/a/enum', releaseMode: 'YOLO' },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('a refused project leaves nothing behind: no row and no event', async () => {
    const workspace = await server.factory.workspace();
    await server.query<Created, unknown>(CREATE, {
      input: { workspaceId: workspace.id, remoteUrl: 'https://github.com/a/ok', baseBranch: '..' },
    });
    const [counts] = await server.studio.database.dataSource.query<
      Array<{ projects: string; events: string }>
    >(
      `SELECT (SELECT count(*) FROM project WHERE normalized_remote = 'github.com:a/ok') AS projects,
              (SELECT count(*) FROM event e JOIN project p ON p.id = e.project_id
                WHERE p.normalized_remote = 'github.com:a/ok') AS events`,
    );
    expect([Number(counts?.projects), Number(counts?.events)]).toEqual([0, 0]);
  });

  test('workspace.projects lists them with a totalCount, batched across workspaces', async () => {
    const ws = await Promise.all([server.factory.workspace(), server.factory.workspace()]);
    await server.factory.project({ workspaceId: ws[0].id });
    await server.factory.project({ workspaceId: ws[0].id });
    await server.factory.project({ workspaceId: ws[1].id });
    const data = await server.query<
      {
        nodes: Array<{
          projects: { totalCount: number; nodes: Array<{ workspace: { id: string } }> };
        }>;
      },
      unknown
    >(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Workspace { projects(first: 10) { totalCount nodes { workspace { id } } } } } }`,
      { ids: ws.map((w) => w.id) },
    );
    expect(data.nodes.map((node) => node.projects.totalCount)).toEqual([2, 1]);
    expect(data.nodes[0]?.projects.nodes.every((p) => p.workspace.id === ws[0].id)).toBe(true);
  });

  test('node and nodes resolve every kind of id, in order, with null for unknown ids', async () => {
    const project = await server.factory.project();
    const events = await server.query<{ events: { nodes: Array<{ id: string }> } }, unknown>(
      'query($p: ID!) { events(projectId: $p) { nodes { id } } }',
      { p: project.id },
    );
    const eventId = events.events.nodes[0]?.id;
    expect(eventId).toMatch(/^evt_/);
    const data = await server.query<
      { nodes: Array<{ __typename: string; id: string } | null> },
      unknown
    >('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', {
      ids: [project.id, project.workspaceId, eventId, 'prj_0000000000000000000000'],
    });
    expect(data.nodes).toEqual([
      { __typename: 'Project', id: project.id },
      { __typename: 'Workspace', id: project.workspaceId },
      { __typename: 'Event', id: eventId },
      null,
    ]);
    const single = await server.query<{ node: { __typename: string; name: string } }, unknown>(
      'query($id: ID!) { node(id: $id) { __typename ... on Project { name } } }',
      { id: project.id },
    );
    expect(single.node).toEqual({ __typename: 'Project', name: project.name });
  });

  test('node refuses ids that are not ours, naming the argument', async () => {
    const response = await server.request(
      '{ nodes(ids: ["prj_0000000000000000000000", "oops"]) { id } }',
    );
    expect(response.errors?.[0]).toMatchObject({
      message: 'ids[1] is not a Maestro id: "oops"',
      extensions: { code: 'BAD_USER_INPUT', field: ['ids[1]'] },
    });
    const many = await server.request('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: Array.from({ length: 101 }, () => 'prj_0000000000000000000000'),
    });
    expect(many.errors?.[0]?.message).toBe('ids may hold at most 100 ids, got 101');
  });

  test('queries batch their lookups: one SQL statement per kind and depth', async () => {
    const ws = await server.factory.workspace();
    const projects = await Promise.all(
      Array.from({ length: 6 }, () => server.factory.project({ workspaceId: ws.id })),
    );
    const queries = await recordStatements(server.studio.database.dataSource, () =>
      server.query(
        'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Project { name workspace { name } } } }',
        { ids: projects.map((p) => p.id) },
      ),
    );
    const selects = queries.filter((sql) => /^\s*SELECT/i.test(sql));
    // projects, the viewer's memberships (access, once for all six), workspaces
    expect(selects).toHaveLength(3);
  });

  test('projectsByRemote finds a project by any spelling of its remote, among those the caller may see', async () => {
    const project = await server.factory.project({
      workspaceId,
      remoteUrl: 'https://github.com/acme/lookup',
    });
    const lookup = (remoteUrl: string, token?: string) =>
      server.requestAs<{ projectsByRemote: { id: string }[] }, unknown>(
        token === undefined ? server.owner.accessToken : token || undefined,
        'query($r: String!) { projectsByRemote(remoteUrl: $r) { id } }',
        { r: remoteUrl },
      );
    for (const spelling of [
      'git@github.com:acme/lookup.git',
      'ssh://git@github.com/ACME/Lookup',
      'https://github.com/acme/lookup/',
    ]) {
      expect((await lookup(spelling)).data?.projectsByRemote).toEqual([{ id: project.id }]);
    }
    expect((await lookup('https://github.com/acme/elsewhere')).data?.projectsByRemote).toEqual([]);
    const bad = await lookup('not a remote');
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['remoteUrl'],
    });
    const anonymous = await lookup('git@github.com:acme/lookup.git', '');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Someone from another workspace does not learn that it exists.
    const outsider = await addMember(
      server,
      (await server.factory.workspace()).id,
      MemberRole.OWNER,
    );
    const theirs = await lookup(
      'git@github.com:acme/lookup.git',
      await accessTokenFor(server, outsider.userKey),
    );
    expect(theirs.data?.projectsByRemote).toEqual([]);
  });

  test('updateProject changes settings (not the remote) and emits ProjectUpdated', async () => {
    const project = await server.factory.project({
      workspaceId,
      remoteUrl: 'https://github.com/acme/settings',
    });
    const payload = await ok<{ project: Record<string, unknown> }>(
      server,
      'updateProject',
      {
        projectId: project.id,
        name: 'Settings',
        slug: 'settings-app',
        baseBranch: 'release/1.x',
        releaseMode: 'PULL_REQUEST',
        host: 'GITHUB',
      },
      'project { name slug baseBranch releaseMode host normalizedRemote }',
    );
    expect(payload.project).toEqual({
      name: 'Settings',
      slug: 'settings-app',
      baseBranch: 'release/1.x',
      releaseMode: 'PULL_REQUEST',
      host: 'GITHUB',
      normalizedRemote: 'github.com:acme/settings',
    });
    const events = await server.query<
      { events: { nodes: Array<{ type: string; payload: { changed?: string[] } }> } },
      unknown
    >('query($p: ID!) { events(projectId: $p) { nodes { type payload } } }', { p: project.id });
    expect(events.events.nodes.at(-1)).toEqual({
      type: 'ProjectUpdated',
      payload: {
        projectId: project.id,
        changed: ['name', 'slug', 'baseBranch', 'releaseMode', 'host'],
      },
    });
  });

  test.each([
    [{ baseBranch: 'a..b' }, ['baseBranch'], 'BAD_USER_INPUT'],
    [{ name: ' ' }, ['name'], 'BAD_USER_INPUT'],
    [{ slug: 'No Good' }, ['slug'], 'BAD_USER_INPUT'],
    [{ host: 'LOCAL' }, ['host'], 'BAD_USER_INPUT'],
    // a plain git remote has no pull requests
    [{ host: 'GENERIC', releaseMode: 'PULL_REQUEST' }, ['releaseMode'], 'BAD_USER_INPUT'],
    [{ hostApiUrl: 'ftp://example.com' }, ['hostApiUrl'], 'BAD_USER_INPUT'],
    [{ projectId: 'prj_0000000000000000000000', name: 'x' }, ['projectId'], 'NOT_FOUND'],
  ])('updateProject refuses %j', async (input, field, code) => {
    const project = await server.factory.project({ workspaceId });
    const payload = await mutation(server, 'updateProject', { projectId: project.id, ...input });
    expect(payload.userErrors[0]).toMatchObject({ field, code });
  });

  test('updateProject refuses a slug used by another project of the workspace', async () => {
    const a = await server.factory.project({ workspaceId });
    const b = await server.factory.project({ workspaceId });
    expect(
      (await mutation(server, 'updateProject', { projectId: b.id, slug: a.slug })).userErrors,
    ).toEqual([
      {
        field: ['slug'],
        code: 'CONFLICT',
        message: `slug "${a.slug}" is already used in this workspace`,
      },
    ]);
  });

  test('deleteProject refuses running plans, then deletes the project with its plans and is audited', async () => {
    const project = await server.factory.project({ workspaceId });
    const { planId } = await planWithTasks(server, project.id, 1);
    await ok(server, 'setPlanStatus', { planId, status: 'ACTIVE' }, 'plan { id }');
    await ok(server, 'setPlanStatus', { planId, status: 'PAUSED' }, 'plan { id }');
    expect((await mutation(server, 'deleteProject', { projectId: project.id })).userErrors).toEqual(
      [
        {
          field: ['projectId'],
          code: 'CONFLICT',
          message: 'the project has 1 active or paused plan(s); cancel them first',
        },
      ],
    );
    await ok(server, 'setPlanStatus', { planId, status: 'CANCELLED' }, 'plan { id }');
    expect(await mutation(server, 'deleteProject', { projectId: project.id }, 'deletedId')).toEqual(
      {
        deletedId: project.id,
        userErrors: [],
      },
    );
    const gone = await server.query<{ nodes: unknown[] }, unknown>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      {
        ids: [project.id, planId],
      },
    );
    expect(gone.nodes).toEqual([null, null]);
    const audit = await server.studio.database.dataSource.query<Array<{ action: string }>>(
      'SELECT action FROM audit_entry WHERE target = $1',
      [project.id],
    );
    expect(audit).toEqual([{ action: 'project.deleted' }]);
    expect(
      (await mutation(server, 'deleteProject', { projectId: project.id })).userErrors[0],
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
