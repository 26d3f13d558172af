import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const CREATE = `mutation($input: CreateWorkspaceInput!) {
  createWorkspace(input: $input) {
    workspace { id name slug createdAt }
    userErrors { field message code }
  }
}`;

interface CreateResult {
  createWorkspace: {
    workspace: { id: string; name: string; slug: string; createdAt: string } | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string }>;
  };
}

describe('workspaces', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const create = (input: Record<string, unknown>) =>
    server.query<CreateResult, unknown>(CREATE, { input });

  test('createWorkspace returns the workspace with a public id and a derived slug', async () => {
    const { createWorkspace } = await create({ name: '  Café Ops  ' });
    expect(createWorkspace.userErrors).toEqual([]);
    expect(createWorkspace.workspace).toMatchObject({ name: 'Café Ops', slug: 'cafe-ops' });
    expect(createWorkspace.workspace?.id).toMatch(/^wsp_[0-9A-Za-z]{22}$/);
    expect(new Date(createWorkspace.workspace?.createdAt ?? '').getTime()).not.toBeNaN();
  });

  test('a derived slug that is taken gets the next free number', async () => {
    const first = await create({ name: 'Platform Team' });
    const second = await create({ name: 'Platform team' });
    expect(first.createWorkspace.workspace?.slug).toBe('platform-team');
    expect(second.createWorkspace.workspace?.slug).toBe('platform-team-2');
  });

  test('an explicit slug that is taken is a CONFLICT on slug, and nothing is written', async () => {
    await create({ name: 'Alpha', slug: 'alpha-team' });
    const before = await server.query<{ workspaces: { totalCount: number } }, unknown>(
      '{ workspaces { totalCount } }',
    );
    const { createWorkspace } = await create({ name: 'Other', slug: 'alpha-team' });
    expect(createWorkspace.workspace).toBeNull();
    expect(createWorkspace.userErrors).toEqual([
      { field: ['slug'], message: 'slug "alpha-team" is already taken', code: 'CONFLICT' },
    ]);
    const after = await server.query<{ workspaces: { totalCount: number } }, unknown>(
      '{ workspaces { totalCount } }',
    );
    expect(after.workspaces.totalCount).toBe(before.workspaces.totalCount);
  });

  test.each([
    [{ name: '' }, ['name'], 'name must not be empty'],
    [{ name: 'x'.repeat(101) }, ['name'], 'name must be at most 100 characters'],
    [{ name: 'Fine', slug: 'Not A Slug' }, ['slug'], 'slug must be 1-48 lower-case letters'],
  ])('bad input %j is a BAD_USER_INPUT naming the field', async (input, field, message) => {
    const { createWorkspace } = await create(input);
    expect(createWorkspace.workspace).toBeNull();
    expect(createWorkspace.userErrors).toHaveLength(1);
    expect(createWorkspace.userErrors[0]).toMatchObject({ field, code: 'BAD_USER_INPUT' });
    expect(createWorkspace.userErrors[0]?.message).toContain(message);
  });

  test('a missing required input is refused by the schema before anything runs', async () => {
    const response = await server.request(CREATE, { input: { slug: 'x' } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('name');
  });

  test('workspace(id) finds it, returns null for an unknown id, and refuses a malformed one', async () => {
    const made = await server.factory.workspace({ name: 'Lookup' });
    const found = await server.query<{ workspace: { name: string } | null }, unknown>(
      'query($id: ID!) { workspace(id: $id) { name } }',
      { id: made.id },
    );
    expect(found.workspace?.name).toBe('Lookup');

    const unknown = await server.query<{ workspace: unknown }, unknown>(
      'query($id: ID!) { workspace(id: $id) { name } }',
      { id: 'wsp_0000000000000000000000' },
    );
    expect(unknown.workspace).toBeNull();

    const project = await server.factory.project();
    for (const id of ['garbage', project.id]) {
      const response = await server.request('query($id: ID!) { workspace(id: $id) { name } }', {
        id,
      });
      expect(response.errors?.[0]).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: ['id'] },
      });
      expect(response.errors?.[0]?.message).toContain('id is not a Workspace id');
    }
  });

  test('workspaces is a Relay connection: forward and backward pages, totalCount', async () => {
    for (let i = 0; i < 5; i++) await server.factory.workspace({ name: `Paged ${i}` });
    type Page = {
      workspaces: {
        totalCount: number;
        edges: Array<{ cursor: string; node: { name: string } }>;
        pageInfo: {
          hasNextPage: boolean;
          hasPreviousPage: boolean;
          endCursor: string | null;
          startCursor: string | null;
        };
      };
    };
    const PAGE = `query($first: Int, $after: String, $last: Int, $before: String) {
      workspaces(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;
    const all = await server.query<Page, unknown>(PAGE, { first: 100 });
    const names = all.workspaces.edges.map((edge) => edge.node.name);
    expect(all.workspaces.totalCount).toBe(names.length);
    expect(all.workspaces.pageInfo.hasNextPage).toBe(false);

    const walked: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await server.query<Page, unknown>(PAGE, { first: 2, after });
      walked.push(...page.workspaces.edges.map((edge) => edge.node.name));
      if (!page.workspaces.pageInfo.hasNextPage) break;
      after = page.workspaces.pageInfo.endCursor;
    }
    expect(walked).toEqual(names);

    const tail = await server.query<Page, unknown>(PAGE, { last: 2 });
    expect(tail.workspaces.edges.map((edge) => edge.node.name)).toEqual(names.slice(-2));
    expect(tail.workspaces.pageInfo.hasPreviousPage).toBe(true);
    const before = await server.query<Page, unknown>(PAGE, {
      last: 2,
      before: tail.workspaces.pageInfo.startCursor,
    });
    expect(before.workspaces.edges.map((edge) => edge.node.name)).toEqual(names.slice(-4, -2));
  });

  test.each([
    [{ first: 101 }, 'first must be from 0 to 100, got 101'],
    [{ last: -1 }, 'last must be from 0 to 100, got -1'],
    [{ first: 1, last: 1 }, 'pass either first or last, not both'],
    [{ first: 1, after: 'not-a-cursor' }, 'after is not a cursor of this connection'],
  ])('connection arguments %j are refused: %s', async (variables, message) => {
    const response = await server.request(
      'query($first: Int, $after: String, $last: Int) { workspaces(first: $first, after: $after, last: $last) { totalCount } }',
      variables,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(message);
  });

  test('updateWorkspace renames and re-slugs; refuses bad and taken slugs and unknown workspaces', async () => {
    const workspace = await server.factory.workspace({ name: 'Before' });
    const updated = await ok<{ workspace: { name: string; slug: string } }>(
      server,
      'updateWorkspace',
      { workspaceId: workspace.id, name: 'After', slug: 'after-slug' },
      'workspace { name slug }',
    );
    expect(updated.workspace).toEqual({ name: 'After', slug: 'after-slug' });
    const other = await server.factory.workspace();
    expect(
      (await mutation(server, 'updateWorkspace', { workspaceId: other.id, slug: 'after-slug' }))
        .userErrors,
    ).toEqual([
      { field: ['slug'], code: 'CONFLICT', message: 'slug "after-slug" is already taken' },
    ]);
    expect(
      (await mutation(server, 'updateWorkspace', { workspaceId: other.id, slug: 'Bad Slug' }))
        .userErrors[0],
    ).toMatchObject({
      field: ['slug'],
      code: 'BAD_USER_INPUT',
    });
    expect(
      (await mutation(server, 'updateWorkspace', { workspaceId: other.id, name: '' }))
        .userErrors[0],
    ).toMatchObject({
      field: ['name'],
    });
    expect(
      (
        await mutation(server, 'updateWorkspace', {
          workspaceId: 'wsp_0000000000000000000000',
          name: 'x',
        })
      ).userErrors[0],
    ).toMatchObject({
      field: ['workspaceId'],
      code: 'NOT_FOUND',
    });
  });

  test('deleteWorkspace needs the slug typed again, refuses running plans, deletes everything and is audited', async () => {
    const workspace = await server.factory.workspace({ name: 'Doomed', slug: 'doomed' });
    const project = await server.factory.project({ workspaceId: workspace.id });
    const { planId } = await planWithTasks(server, project.id, 1);
    expect(
      (
        await mutation(server, 'deleteWorkspace', {
          workspaceId: workspace.id,
          confirmSlug: 'doomd',
        })
      ).userErrors,
    ).toEqual([
      {
        field: ['confirmSlug'],
        code: 'BAD_USER_INPUT',
        message: 'confirmSlug must be the workspace\'s slug ("doomed") to delete it',
      },
    ]);
    await ok(server, 'setPlanStatus', { planId, status: 'ACTIVE' }, 'plan { id }');
    expect(
      (
        await mutation(server, 'deleteWorkspace', {
          workspaceId: workspace.id,
          confirmSlug: 'doomed',
        })
      ).userErrors,
    ).toEqual([
      {
        field: ['workspaceId'],
        code: 'CONFLICT',
        message: 'the workspace has 1 active or paused plan(s); cancel them first',
      },
    ]);
    await ok(server, 'setPlanStatus', { planId, status: 'CANCELLED' }, 'plan { id }');
    expect(
      await mutation(
        server,
        'deleteWorkspace',
        { workspaceId: workspace.id, confirmSlug: 'doomed' },
        'deletedId',
      ),
    ).toEqual({
      deletedId: workspace.id,
      userErrors: [],
    });
    const gone = await server.query<{ nodes: unknown[] }, unknown>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      {
        ids: [workspace.id, project.id, planId],
      },
    );
    expect(gone.nodes).toEqual([null, null, null]);
    const [entry] = await server.studio.database.dataSource.query<
      Array<{ action: string; target: string; actor_kind: string }>
    >(`SELECT action, target, actor_kind FROM audit_entry WHERE target = $1`, [workspace.id]);
    expect(entry).toEqual({
      action: 'workspace.deleted',
      target: workspace.id,
      actor_kind: 'user',
    });
    expect(
      (
        await mutation(server, 'deleteWorkspace', {
          workspaceId: workspace.id,
          confirmSlug: 'doomed',
        })
      ).userErrors[0],
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
