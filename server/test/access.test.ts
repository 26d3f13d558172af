import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  getNamedType,
  graphql,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';
import type { Client } from 'graphql-ws';
import { buildSchema, Query, Resolver } from 'type-graphql';
import { MemberRole, roleAllows, type Action } from '../src/domain/access/permissions.js';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import { requireAuthorization, PUBLIC_FIELDS } from '../src/graphql/authorization.js';
import { buildGraphQLSchema } from '../src/graphql/schema.js';
import { addSession, queueRun } from './support/agents.js';
import { createWsClient, subscribe } from './support/graphql-client.js';
import { accessTokenFor, addMember, type MemberRef } from './support/members.js';
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

const ROLES = Object.values(MemberRole);

/** A mutation's input, built fresh for each call (some make the object they act on). */
type Input = Record<string, unknown> | Promise<Record<string, unknown>>;
const random = () => randomBytes(4).toString('hex');

/**
 * The matrix test. Every mutation names the action it needs (docs/api.md's matrix, as
 * PERMISSIONS in permissions.ts) and an input that passes authorization without harming the
 * fixtures (fresh objects for deletes, a wrong confirmation for deleteWorkspace). Each is then
 * called over HTTP, with a real access token, by a member of every role of the fixture's
 * workspace ("own") and of another workspace ("foreign"), and by nobody: allowed or denied
 * exactly as the matrix says.
 */
describe('the authorization matrix', () => {
  let server: TestServer;
  let f: {
    workspaceId: string;
    projectId: string;
    planId: string;
    phaseId: string;
    taskId: string;
    skillId: string;
    commentId: string;
    sessionId: string;
    runId: string;
  };
  const own = new Map<MemberRole, MemberRef & { token: string }>();
  const foreign = new Map<MemberRole, MemberRef & { token: string }>();

  const fresh = {
    plan: async () => (await planWithTasks(server, f.projectId, 1)).planId,
    phase: async () => (await planWithTasks(server, f.projectId, 0)).phaseId,
    task: async () => (await planWithTasks(server, f.projectId, 1)).taskIds[0] as string,
    project: async () =>
      (
        await server.factory.project({
          workspaceId: f.workspaceId,
          remoteUrl: `https://github.com/acme/r-${random()}`,
        })
      ).id,
    skill: async () =>
      (
        await ok<{ skill: { id: string } }>(
          server,
          'createSkill',
          { workspaceId: f.workspaceId, name: `S ${random()}` },
          'skill { id }',
        )
      ).skill.id,
    comment: async () =>
      (
        await ok<{ comment: { id: string } }>(
          server,
          'addTaskComment',
          { taskId: f.taskId, body: 'to go' },
          'comment { id }',
        )
      ).comment.id,
    viewer: async () => (await addMember(server, f.workspaceId, MemberRole.VIEWER)).memberId,
    invite: async () =>
      (
        await ok<{ invite: { id: string } }>(
          server,
          'createInvite',
          { workspaceId: f.workspaceId, role: 'VIEWER' },
          'invite { id }',
        )
      ).invite.id,
    /** A live session of the caller's (the member who would have registered it). */
    session: (caller?: MemberRef) =>
      addSession(server, f.projectId, caller ? { memberKey: caller.memberKey } : {}),
    /**
     * A ready task of an active plan, assigned to the caller when they are a member here (the
     * dispatcher leaves assigned tasks for their assignee).
     */
    assignedTo: async (caller?: MemberRef) => {
      const plan = await planWithTasks(server, f.projectId, 1);
      const taskId = plan.taskIds[0] as string;
      if (caller && [...own.values()].some((member) => member.memberId === caller.memberId)) {
        await ok(server, 'assignTask', { taskId, memberId: caller.memberId }, 'task { id }');
      }
      await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { id }');
      return taskId;
    },
    /** A run claimed (lease 1) by a session of the caller's. */
    claimed: async (caller?: MemberRef) => {
      const sessionId = await fresh.session(caller);
      const run = await queueRun(server, { projectId: f.projectId });
      await server.studio.database.dataSource.query(
        `UPDATE agent_run SET status = 'CLAIMED', session_id = $2, lease_version = 1,
                lease_expires_at = now() + interval '90 seconds' WHERE id = $1`,
        [run.id, parsePublicIdOf('AgentSession', sessionId)],
      );
      return toPublicId('Run', run.id);
    },
    apiToken: async () =>
      (
        await ok<{ apiToken: { id: string } }>(
          server,
          'createApiToken',
          { workspaceId: f.workspaceId, name: `t-${random()}`, scopes: ['READ'] },
          'apiToken { id }',
        )
      ).apiToken.id,
  };

  /** Every workspace-scoped mutation: the action it needs and a harmless input. */
  const MATRIX: Record<string, { action: Action; input: (caller?: MemberRef) => Input }> = {
    updateWorkspace: {
      action: 'workspace.update',
      input: () => ({ workspaceId: f.workspaceId, name: 'Renamed' }),
    },
    deleteWorkspace: {
      action: 'workspace.delete',
      input: () => ({ workspaceId: f.workspaceId, confirmSlug: 'not-the-slug' }),
    },
    createProject: {
      action: 'project.create',
      input: () => ({
        workspaceId: f.workspaceId,
        remoteUrl: `https://github.com/acme/n-${random()}`,
      }),
    },
    updateProject: {
      action: 'project.update',
      input: () => ({ projectId: f.projectId, name: 'Renamed' }),
    },
    deleteProject: {
      action: 'project.delete',
      input: async () => ({ projectId: await fresh.project() }),
    },
    createSkill: {
      action: 'skill.manage',
      input: () => ({ workspaceId: f.workspaceId, name: `Skill ${random()}` }),
    },
    updateSkill: {
      action: 'skill.manage',
      input: () => ({ skillId: f.skillId, name: 'Rust' }),
    },
    deleteSkill: {
      action: 'skill.manage',
      input: async () => ({ skillId: await fresh.skill() }),
    },
    setMemberSkill: {
      action: 'memberSkill.manage',
      input: () => ({
        memberId: own.get(MemberRole.VIEWER)?.memberId,
        skill: 'rust',
        proficiency: 3,
      }),
    },
    removeMemberSkill: {
      action: 'memberSkill.manage',
      input: () => ({ memberId: own.get(MemberRole.VIEWER)?.memberId, skill: 'rust' }),
    },
    createPlan: {
      action: 'plan.write',
      input: () => ({ projectId: f.projectId, name: 'P' }),
    },
    createPlanFromProposal: {
      action: 'plan.write',
      input: () => ({ projectId: f.projectId, proposal: '# P\n## Ph\n- T\n' }),
    },
    applyProposal: {
      action: 'plan.write',
      // a plan without tasks: built at once, no fingerprint needed
      input: async () => ({
        planId: (await planWithTasks(server, f.projectId, 0)).planId,
        proposal: '# P\n## Ph\n- T\n',
      }),
    },
    sendPlanMessage: {
      action: 'plan.write',
      input: async () => ({ planId: await fresh.plan(), text: 'Plan the release.' }),
    },
    updatePlan: { action: 'plan.write', input: () => ({ planId: f.planId, name: 'Plan' }) },
    deletePlan: { action: 'plan.write', input: async () => ({ planId: await fresh.plan() }) },
    setPlanStatus: {
      action: 'plan.transition',
      input: async () => ({ planId: await fresh.plan(), status: 'CANCELLED' }),
    },
    createPhase: { action: 'plan.write', input: () => ({ planId: f.planId, name: 'Ph' }) },
    updatePhase: {
      action: 'plan.write',
      input: () => ({ phaseId: f.phaseId, name: 'Ph' }),
    },
    movePhase: { action: 'plan.write', input: () => ({ phaseId: f.phaseId, position: 0 }) },
    deletePhase: { action: 'plan.write', input: async () => ({ phaseId: await fresh.phase() }) },
    createTask: { action: 'plan.write', input: () => ({ phaseId: f.phaseId, title: 'T' }) },
    updateTask: { action: 'plan.write', input: () => ({ taskId: f.taskId, title: 'T' }) },
    moveTask: { action: 'plan.write', input: () => ({ taskId: f.taskId, position: 0 }) },
    deleteTask: { action: 'plan.write', input: async () => ({ taskId: await fresh.task() }) },
    assignTask: {
      action: 'task.assign',
      input: () => ({ taskId: f.taskId, memberId: null }),
    },
    setTaskStatus: {
      action: 'task.transition',
      input: async () => ({ taskId: await fresh.task(), status: 'CANCELLED' }),
    },
    addTaskComment: {
      action: 'comment.write',
      input: () => ({ taskId: f.taskId, body: 'hi' }),
    },
    updateTaskComment: {
      action: 'comment.write',
      input: () => ({ commentId: f.commentId, body: 'edited' }),
    },
    deleteTaskComment: {
      action: 'comment.write',
      input: async () => ({ commentId: await fresh.comment() }),
    },
    createInvite: {
      action: 'member.manage',
      input: () => ({ workspaceId: f.workspaceId, role: 'VIEWER' }),
    },
    revokeInvite: {
      action: 'member.manage',
      input: async () => ({ inviteId: await fresh.invite() }),
    },
    updateMember: {
      action: 'member.manage',
      input: async () => ({ memberId: await fresh.viewer(), role: 'VIEWER' }),
    },
    removeMember: {
      action: 'member.manage',
      input: async () => ({ memberId: await fresh.viewer() }),
    },
    setProjectRole: {
      action: 'member.manage',
      input: async () => ({
        memberId: await fresh.viewer(),
        projectId: f.projectId,
        role: 'VIEWER',
      }),
    },
    createCliInvite: {
      action: 'cli.connect',
      input: () => ({ workspaceId: f.workspaceId }),
    },
    createApiToken: {
      action: 'apiToken.manage',
      input: () => ({
        workspaceId: f.workspaceId,
        name: `bot-${random()}`,
        scopes: ['READ'],
      }),
    },
    registerSession: {
      action: 'agent.run',
      input: () => ({ projectId: f.projectId, role: 'WORKER', name: 'bot', machineId: 'box' }),
    },
    heartbeatSession: {
      action: 'agent.run',
      input: async (caller) => ({ sessionId: await fresh.session(caller) }),
    },
    endSession: {
      action: 'agent.run',
      input: async (caller) => ({ sessionId: await fresh.session(caller) }),
    },
    claimRun: {
      action: 'agent.run',
      input: async (caller) => ({ sessionId: await fresh.session(caller) }),
    },
    heartbeatRun: {
      action: 'agent.run',
      input: async (caller) => ({ runId: await fresh.claimed(caller), leaseVersion: 1 }),
    },
    appendRunOutput: {
      action: 'agent.run',
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        chunks: [{ chunk: 'hello' }],
      }),
    },
    completeRun: {
      action: 'agent.run',
      input: async (caller) => ({ runId: await fresh.claimed(caller), leaseVersion: 1 }),
    },
    acceptTask: {
      action: 'agent.run',
      input: async (caller) => ({
        taskId: await fresh.assignedTo(caller),
        sessionId: await fresh.session(caller),
      }),
    },
    pauseRun: {
      action: 'agent.run',
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        resumeAt: new Date(Date.now() + 60_000).toISOString(),
      }),
    },
    failRun: {
      action: 'agent.run',
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        reason: 'broke',
      }),
    },
    allocateTeam: {
      action: 'agent.run',
      input: async (caller) => ({
        sessionId: await fresh.session(caller),
        dev: 1,
        review: 0,
        test: 0,
      }),
    },
    delegateRun: {
      action: 'agent.run',
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        workerSessionId: await fresh.session(caller),
        packet: { title: 'Write the tests', instructions: 'Cover the parser.' },
      }),
    },
    postPlanProposal: {
      action: 'agent.run',
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        text: 'Which database?',
      }),
    },
    postSubtask: {
      action: 'agent.run',
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        directive: '{"title": "Split the parser"}',
      }),
    },
    startRepoAnalysis: {
      action: 'project.analyze',
      input: async () => ({ projectId: await fresh.project() }),
    },
    postRepoAnalysis: {
      action: 'agent.run',
      // an EXECUTION run: refused as input (runId) once authorized, so nothing is written
      input: async (caller) => ({
        runId: await fresh.claimed(caller),
        leaseVersion: 1,
        repoContext: { techStack: [], architectureSummary: '', directoryMap: [] },
        contextFiles: [],
        artifacts: [],
      }),
    },
    approveTask: { action: 'task.review', input: () => ({ taskId: f.taskId, reason: 'fine' }) },
    rejectTask: { action: 'task.review', input: () => ({ taskId: f.taskId, reason: 'not yet' }) },
    retryRun: {
      action: 'task.review',
      input: async (caller) => ({ runId: await fresh.claimed(caller) }),
    },
    revokeApiToken: {
      action: 'apiToken.manage',
      input: async () => ({ apiTokenId: await fresh.apiToken() }),
    },
  };
  /** Mutations about the caller's own account: any signed-in person, whatever their roles. */
  const SELF: Record<string, () => Input> = {
    createWorkspace: () => ({ name: `Own ${random()}` }),
    changePassword: () => ({ currentPassword: 'not it at all', newPassword: 'x'.repeat(12) }),
    acceptInvite: async () => ({
      token: (
        await ok<{ token: string }>(
          server,
          'createInvite',
          { workspaceId: f.workspaceId, role: 'VIEWER' },
          'token',
        )
      ).token,
    }),
  };

  beforeAll(async () => {
    server = await startTestServer();
    const project = await server.factory.project();
    const plan = await planWithTasks(server, project.id, 2);
    const skillId = (
      await ok<{ skill: { id: string } }>(
        server,
        'createSkill',
        { workspaceId: project.workspaceId, name: 'Rust' },
        'skill { id }',
      )
    ).skill.id;
    const commentId = (
      await ok<{ comment: { id: string } }>(
        server,
        'addTaskComment',
        { taskId: plan.taskIds[0], body: 'hi' },
        'comment { id }',
      )
    ).comment.id;
    const sessionId = await addSession(server, project.id);
    const run = await queueRun(server, { projectId: project.id, taskId: plan.taskIds[0] });
    const runId = toPublicId('Run', run.id);
    f = {
      workspaceId: project.workspaceId,
      projectId: project.id,
      planId: plan.planId,
      phaseId: plan.phaseId,
      taskId: plan.taskIds[0] as string,
      skillId,
      commentId,
      sessionId,
      runId,
    };
    const elsewhere = (await server.factory.workspace({ name: 'Elsewhere' })).id;
    for (const role of ROLES) {
      const mine = await addMember(server, f.workspaceId, role);
      own.set(role, { ...mine, token: await accessTokenFor(server, mine.userKey) });
      const theirs = await addMember(server, elsewhere, role);
      foreign.set(role, { ...theirs, token: await accessTokenFor(server, theirs.userKey) });
    }
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  const call = async (token: string | undefined, name: string, input: Record<string, unknown>) => {
    const response = await server.requestAs<
      Record<string, { userErrors: { code: string }[] } | null>,
      unknown
    >(
      token,
      `mutation($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { userErrors { code message } } }`,
      { input },
    );
    const code = response.errors?.[0]?.extensions?.code;
    if (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') {
      expect(response.data).toBeNull();
      return code;
    }
    // Anything else passed authorization: success, or an expected userError about the input.
    expect([name, response.errors]).toEqual([name, undefined]);
    return 'allowed';
  };

  test('every mutation is in the matrix, about the caller themself, or public', async () => {
    const schema = await buildGraphQLSchema();
    const names = Object.keys(schema.getMutationType()?.getFields() ?? {});
    const covered = [
      ...Object.keys(MATRIX),
      ...Object.keys(SELF),
      ...names.filter((name) => PUBLIC_FIELDS.has(name)),
    ];
    expect(names.sort()).toEqual(covered.sort());
  });

  test.each(Object.entries(MATRIX))(
    '%s: each role, own and foreign workspace',
    async (name, row) => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const role of ROLES) {
        outcomes.push(
          `own ${role}: ${await call(own.get(role)?.token, name, await row.input(own.get(role)))}`,
        );
        expected.push(`own ${role}: ${roleAllows(role, row.action) ? 'allowed' : 'FORBIDDEN'}`);
        outcomes.push(
          `foreign ${role}: ${await call(foreign.get(role)?.token, name, await row.input(foreign.get(role)))}`,
        );
        expected.push(`foreign ${role}: FORBIDDEN`);
      }
      outcomes.push(`anonymous: ${await call(undefined, name, await row.input())}`);
      expected.push('anonymous: UNAUTHENTICATED');
      expect(outcomes).toEqual(expected);
    },
    60_000,
  );

  test.each(Object.entries(SELF))(
    '%s: any signed-in person, nobody anonymous',
    async (name, input) => {
      const outcomes: string[] = [];
      // People of a workspace of their own (accepting an invite makes them members here, so
      // the matrix's foreign members are not used).
      const home = (await server.factory.workspace({ name: `Home ${random()}` })).id;
      for (const role of ROLES) {
        const person = await addMember(server, home, role);
        const token = await accessTokenFor(server, person.userKey);
        outcomes.push(`${role}: ${await call(token, name, await input())}`);
      }
      outcomes.push(`anonymous: ${await call(undefined, name, await input())}`);
      expect(outcomes).toEqual([
        ...ROLES.map((role) => `${role}: allowed`),
        'anonymous: UNAUTHENTICATED',
      ]);
    },
    60_000,
  );

  /** Every subscription: each needs workspace.read on the project it streams. */
  const SUBSCRIPTIONS: Record<
    string,
    { source: string; variables: () => Record<string, unknown> }
  > = {
    projectEvents: {
      source: 'subscription($id: ID!) { projectEvents(projectId: $id, after: 0) { seq } }',
      variables: () => ({ id: f.projectId }),
    },
    planChat: {
      source: 'subscription($id: ID!) { planChat(planId: $id) { __typename } }',
      variables: () => ({ id: f.planId }),
    },
    runOutput: {
      source: 'subscription($id: ID!) { runOutput(runId: $id) { seq } }',
      variables: () => ({ id: f.runId }),
    },
    sessionRuns: {
      source: 'subscription($id: ID!) { sessionRuns(sessionId: $id) { id } }',
      variables: () => ({ id: f.sessionId }),
    },
  };

  test('every subscription is in the table', async () => {
    const schema = await buildGraphQLSchema();
    expect(Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).sort()).toEqual(
      Object.keys(SUBSCRIPTIONS).sort(),
    );
  });

  /**
   * Subscribes and reports the error code when the server refuses, or "allowed" when the
   * subscription is still open (no error) a moment after a later operation on the same socket
   * has completed.
   */
  const subscribeAs = async (token: string, source: string, variables: Record<string, unknown>) => {
    const client: Client = createWsClient(server.wsUrl, undefined, {
      authorization: `Bearer ${token}`,
    });
    const probe = subscribe(client, source, variables);
    try {
      await new Promise<void>((resolve, reject) =>
        client.subscribe(
          { query: '{ viewer { kind } }' },
          { next: () => undefined, error: reject, complete: resolve },
        ),
      );
      const deadline = Date.now() + 1000;
      while (probe.errors.length === 0 && probe.values.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const error = probe.errors[0] as { extensions?: { code?: string } } | undefined;
      return error ? String(error.extensions?.code) : 'allowed';
    } finally {
      probe.close();
      await client.dispose();
    }
  };

  test.each(Object.entries(SUBSCRIPTIONS))(
    '%s: each role, own and foreign workspace',
    async (_name, row) => {
      const cases = ROLES.flatMap((role) => [
        {
          label: `own ${role}`,
          token: own.get(role)?.token as string,
          allowed: roleAllows(role, 'workspace.read'),
        },
        { label: `foreign ${role}`, token: foreign.get(role)?.token as string, allowed: false },
      ]);
      const outcomes = await Promise.all(
        cases.map(
          async (c) => `${c.label}: ${await subscribeAs(c.token, row.source, row.variables())}`,
        ),
      );
      expect(outcomes).toEqual(
        cases.map((c) => `${c.label}: ${c.allowed ? 'allowed' : 'FORBIDDEN'}`),
      );
    },
    60_000,
  );

  test('nothing changes when a role is refused', async () => {
    await call(own.get(MemberRole.DEVELOPER)?.token, 'updatePlan', {
      planId: f.planId,
      name: 'Hijacked',
    });
    const plan = await server.query<{ plan: { name: string } }, unknown>(
      'query($id: ID!) { plan(id: $id) { name } }',
      { id: f.planId },
    );
    expect(plan.plan.name).toBe('Plan');
  });

  test('a user sees only the workspaces they belong to, and reads nothing elsewhere', async () => {
    const outsider = foreign.get(MemberRole.OWNER)?.token;
    const mine = await server.requestAs<{ workspaces: { nodes: { name: string }[] } }, unknown>(
      outsider,
      '{ workspaces { nodes { name } } }',
    );
    expect(mine.data).toEqual({ workspaces: { nodes: [{ name: 'Elsewhere' }] } });
    for (const [source, variables] of [
      ['query($id: ID!) { workspace(id: $id) { name } }', { id: f.workspaceId }],
      ['query($id: ID!) { project(id: $id) { name } }', { id: f.projectId }],
      ['query($id: ID!) { plan(id: $id) { name } }', { id: f.planId }],
      ['query($id: ID!) { task(id: $id) { title } }', { id: f.taskId }],
      ['query($id: ID!) { node(id: $id) { id } }', { id: f.taskId }],
      ['query($id: ID!) { node(id: $id) { id } }', { id: own.get(MemberRole.VIEWER)?.userId }],
      ['query($p: ID!) { events(projectId: $p) { totalCount } }', { p: f.projectId }],
      ['query($p: ID!) { tasks(projectId: $p) { totalCount } }', { p: f.projectId }],
    ] as const) {
      const result = await server.requestAs(outsider, source, variables);
      expect([source, result.errors?.[0]?.extensions?.code]).toEqual([source, 'FORBIDDEN']);
    }
  });

  test('reads need credentials: every query but the public ones is UNAUTHENTICATED anonymously', async () => {
    const schema = await buildGraphQLSchema();
    const fields = Object.values(schema.getQueryType()?.getFields() ?? {});
    const refused: string[] = [];
    const expected: string[] = [];
    for (const field of fields) {
      if (PUBLIC_FIELDS.has(field.name)) continue;
      const args = field.args
        .filter((arg) => isNonNullType(arg.type))
        .map((arg) => `${arg.name}: ${literalFor(arg.type)}`);
      const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
      const source = `{ ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
      const result = await server.requestAs(undefined, source);
      refused.push(`${field.name}: ${String(result.errors?.[0]?.extensions?.code)}`);
      expected.push(`${field.name}: UNAUTHENTICATED`);
    }
    expect(refused.length).toBeGreaterThan(10);
    expect(refused).toEqual(expected);
    const viewer = await server.requestAs<{ viewer: { kind: string; user: null } }, unknown>(
      undefined,
      '{ viewer { kind user { id } } }',
    );
    expect(viewer.data).toEqual({ viewer: { kind: 'ANONYMOUS', user: null } });
  });
});

/** Some valid literal of an input type (the guard refuses before any value is looked at). */
function literalFor(type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${literalFor(inner.ofType)}]`;
  if (isEnumType(inner)) return inner.getValues()[0]?.name ?? '';
  if (isInputObjectType(inner)) {
    const required = Object.values(inner.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${required.map((f) => `${f.name}: ${literalFor(f.type)}`).join(', ')} }`;
  }
  switch ((inner as GraphQLNamedType).name) {
    case 'Int':
    case 'SafeInt':
    case 'Float':
      return '1';
    case 'Boolean':
      return 'true';
    default:
      return '"x"';
  }
}
