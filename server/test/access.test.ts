import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { graphql } from 'graphql';
import { buildSchema, Query, Resolver } from 'type-graphql';
import { MemberRole } from '../src/domain/access/permissions.js';
import { DomainError } from '../src/domain/common/errors.js';
import { requireAuthorization } from '../src/graphql/authorization.js';
import { buildGraphQLSchema } from '../src/graphql/schema.js';
import { executeAs } from './support/execute-as.js';
import { addMember, type MemberRef } from './support/members.js';
import { inputTypeOf, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

@Resolver()
class Forgetful {
  @Query(() => String)
  secret(): string {
    return 'leaked';
  }
}

describe('the authorization guard', () => {
  test('fails a root field that resolves without calling authorize()', async () => {
    const schema = requireAuthorization(
      await buildSchema({ resolvers: [Forgetful], validate: false }),
    );
    const result = await graphql({ schema, source: '{ secret }', contextValue: {} });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toBe('Query.secret resolved without calling authorize()');
  });
});

/** The code of the first error of a result: GraphQL errors carry our DomainError inside. */
function codeOf(result: { errors?: readonly { originalError?: unknown }[] }): string | undefined {
  const original = result.errors?.[0]?.originalError;
  return original instanceof DomainError ? original.code : undefined;
}

describe('roles', () => {
  let server: TestServer;
  let workspaceId: string;
  let projectId: string;
  let fixture: { planId: string; phaseId: string; taskIds: string[] };
  let commentId: string;
  let skillId: string;
  const members = new Map<MemberRole, MemberRef>();

  beforeAll(async () => {
    server = await startTestServer();
    const project = await server.factory.project();
    projectId = project.id;
    workspaceId = project.workspaceId;
    for (const role of Object.values(MemberRole))
      members.set(role, await addMember(server, workspaceId, role));
    fixture = await planWithTasks(server, projectId, 2);
    skillId = (
      await ok<{ skill: { id: string } }>(
        server,
        'createSkill',
        { workspaceId, name: 'Rust' },
        'skill { id }',
      )
    ).skill.id;
    commentId = (
      await ok<{ comment: { id: string } }>(
        server,
        'addTaskComment',
        { taskId: fixture.taskIds[0], body: 'hi' },
        'comment { id }',
      )
    ).comment.id;
  });
  afterAll(async () => {
    await server.close();
  });

  const as = (role: MemberRole, source: string, variables?: Record<string, unknown>) =>
    executeAs(
      server,
      { kind: 'user', userId: (members.get(role) as MemberRef).userKey },
      source,
      variables,
    );

  /** Every mutation, with an input and the highest role that may NOT call it. */
  const MUTATIONS: Record<string, { role: MemberRole; input: () => Record<string, unknown> }> = {
    updateWorkspace: { role: MemberRole.ARCHITECT, input: () => ({ workspaceId, name: 'x' }) },
    createProject: {
      role: MemberRole.ARCHITECT,
      input: () => ({ workspaceId, remoteUrl: 'https://github.com/r/new' }),
    },
    updateProject: { role: MemberRole.ARCHITECT, input: () => ({ projectId, name: 'x' }) },
    deleteProject: { role: MemberRole.ARCHITECT, input: () => ({ projectId }) },
    deleteWorkspace: { role: MemberRole.ADMIN, input: () => ({ workspaceId, confirmSlug: 'x' }) },
    createSkill: { role: MemberRole.LEAD, input: () => ({ workspaceId, name: 'Go' }) },
    updateSkill: { role: MemberRole.LEAD, input: () => ({ skillId, name: 'x' }) },
    deleteSkill: { role: MemberRole.LEAD, input: () => ({ skillId }) },
    setMemberSkill: {
      role: MemberRole.ARCHITECT,
      input: () => ({
        memberId: members.get(MemberRole.VIEWER)?.memberId,
        skill: 'rust',
        proficiency: 3,
      }),
    },
    removeMemberSkill: {
      role: MemberRole.ARCHITECT,
      input: () => ({ memberId: members.get(MemberRole.VIEWER)?.memberId, skill: 'rust' }),
    },
    createPlan: { role: MemberRole.DEVELOPER, input: () => ({ projectId, name: 'x' }) },
    updatePlan: {
      role: MemberRole.DEVELOPER,
      input: () => ({ planId: fixture.planId, name: 'x' }),
    },
    deletePlan: { role: MemberRole.DEVELOPER, input: () => ({ planId: fixture.planId }) },
    setPlanStatus: {
      role: MemberRole.DEVELOPER,
      input: () => ({ planId: fixture.planId, status: 'CANCELLED' }),
    },
    createPhase: {
      role: MemberRole.DEVELOPER,
      input: () => ({ planId: fixture.planId, name: 'x' }),
    },
    updatePhase: {
      role: MemberRole.DEVELOPER,
      input: () => ({ phaseId: fixture.phaseId, name: 'x' }),
    },
    movePhase: {
      role: MemberRole.DEVELOPER,
      input: () => ({ phaseId: fixture.phaseId, position: 0 }),
    },
    deletePhase: { role: MemberRole.DEVELOPER, input: () => ({ phaseId: fixture.phaseId }) },
    createTask: {
      role: MemberRole.DEVELOPER,
      input: () => ({ phaseId: fixture.phaseId, title: 'x' }),
    },
    updateTask: {
      role: MemberRole.DEVELOPER,
      input: () => ({ taskId: fixture.taskIds[0], title: 'x' }),
    },
    moveTask: {
      role: MemberRole.DEVELOPER,
      input: () => ({ taskId: fixture.taskIds[0], position: 1 }),
    },
    deleteTask: { role: MemberRole.DEVELOPER, input: () => ({ taskId: fixture.taskIds[1] }) },
    assignTask: {
      role: MemberRole.DEVELOPER,
      input: () => ({ taskId: fixture.taskIds[0], memberId: null }),
    },
    setTaskStatus: {
      role: MemberRole.VIEWER,
      input: () => ({ taskId: fixture.taskIds[0], status: 'CANCELLED' }),
    },
    addTaskComment: {
      role: MemberRole.VIEWER,
      input: () => ({ taskId: fixture.taskIds[0], body: 'x' }),
    },
    updateTaskComment: { role: MemberRole.VIEWER, input: () => ({ commentId, body: 'x' }) },
    deleteTaskComment: { role: MemberRole.VIEWER, input: () => ({ commentId }) },
  };
  /** Mutations no role is refused: any signed-in user may create a workspace. */
  const OPEN = new Set(['createWorkspace']);

  test('every mutation of the schema is in the table above', async () => {
    const schema = await buildGraphQLSchema();
    const names = Object.keys(schema.getMutationType()?.getFields() ?? {}).filter(
      (name) => !OPEN.has(name),
    );
    expect(names.sort()).toEqual(Object.keys(MUTATIONS).sort());
  });

  test.each(Object.entries(MUTATIONS))(
    '%s is FORBIDDEN to the role without the permission',
    async (name, row) => {
      const typeName = inputTypeOf(name);
      const result = await as(
        row.role,
        `mutation($input: ${typeName}!) { ${name}(input: $input) { userErrors { message } } }`,
        { input: row.input() },
      );
      expect(codeOf(result)).toBe('FORBIDDEN');
      expect(result.data).toBeNull();
    },
  );

  test('nothing changes when a role is refused', async () => {
    await as(
      MemberRole.DEVELOPER,
      'mutation($i: UpdatePlanInput!) { updatePlan(input: $i) { plan { id } } }',
      {
        i: { planId: fixture.planId, name: 'Hijacked' },
      },
    );
    const plan = await server.query<{ plan: { name: string } }, unknown>(
      'query($id: ID!) { plan(id: $id) { name } }',
      {
        id: fixture.planId,
      },
    );
    expect(plan.plan.name).toBe('Plan');
  });

  test('the roles that hold a permission may use it', async () => {
    const lead = await as(
      MemberRole.LEAD,
      'mutation($i: CreatePlanInput!) { createPlan(input: $i) { plan { name } userErrors { message } } }',
      {
        i: { projectId, name: 'By the lead' },
      },
    );
    expect(lead.data).toEqual({ createPlan: { plan: { name: 'By the lead' }, userErrors: [] } });
    const developer = await as(
      MemberRole.DEVELOPER,
      'mutation($i: AddTaskCommentInput!) { addTaskComment(input: $i) { comment { author { id } } } }',
      { i: { taskId: fixture.taskIds[0], body: 'on it' } },
    );
    expect(developer.data).toEqual({
      addTaskComment: { comment: { author: { id: members.get(MemberRole.DEVELOPER)?.memberId } } },
    });
    const architect = await as(
      MemberRole.ARCHITECT,
      'mutation($i: CreateSkillInput!) { createSkill(input: $i) { skill { slug } } }',
      {
        i: { workspaceId, name: 'Zig' },
      },
    );
    expect(architect.data).toEqual({ createSkill: { skill: { slug: 'zig' } } });
    const viewer = await as(
      MemberRole.VIEWER,
      'query($id: ID!) { plan(id: $id) { name phases { tasks { title } } } }',
      {
        id: fixture.planId,
      },
    );
    expect(viewer.errors).toBeUndefined();
  });

  test('a user sees only the workspaces they belong to, and reads nothing elsewhere', async () => {
    const outsider = await addMember(
      server,
      (await server.factory.workspace({ name: 'Elsewhere' })).id,
      MemberRole.OWNER,
    );
    const asOutsider = (source: string, variables?: Record<string, unknown>) =>
      executeAs(server, { kind: 'user', userId: outsider.userKey }, source, variables);
    expect((await asOutsider('{ workspaces { nodes { name } } }')).data).toEqual({
      workspaces: { nodes: [{ name: 'Elsewhere' }] },
    });
    for (const [source, variables] of [
      ['query($id: ID!) { workspace(id: $id) { name } }', { id: workspaceId }],
      ['query($id: ID!) { project(id: $id) { name } }', { id: projectId }],
      ['query($id: ID!) { plan(id: $id) { name } }', { id: fixture.planId }],
      ['query($id: ID!) { task(id: $id) { title } }', { id: fixture.taskIds[0] }],
      ['query($id: ID!) { node(id: $id) { id } }', { id: fixture.taskIds[0] }],
      ['query($p: ID!) { events(projectId: $p) { totalCount } }', { p: projectId }],
      ['query($p: ID!) { tasks(projectId: $p) { totalCount } }', { p: projectId }],
    ] as const) {
      const result = await asOutsider(source, variables);
      expect([source, codeOf(result)]).toEqual([source, 'FORBIDDEN']);
    }
  });

  test('a user who creates a workspace becomes its owner', async () => {
    const user = await addMember(server, workspaceId, MemberRole.VIEWER);
    const result = await executeAs(
      server,
      { kind: 'user', userId: user.userKey },
      'mutation { createWorkspace(input: { name: "Mine" }) { workspace { id members { role user { id } } } } }',
    );
    expect(result.data).toMatchObject({
      createWorkspace: { workspace: { members: [{ role: 'OWNER', user: { id: user.userId } }] } },
    });
  });
});
