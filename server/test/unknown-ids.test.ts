import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildGraphQLSchema } from '../src/graphql/schema.js';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Well-formed ids that name nothing. */
const UNKNOWN = {
  workspace: 'wsp_0000000000000000000000',
  project: 'prj_0000000000000000000000',
  skill: 'skl_0000000000000000000000',
  member: 'mem_0000000000000000000000',
  plan: 'pln_0000000000000000000000',
  phase: 'phs_0000000000000000000000',
  task: 'tsk_0000000000000000000000',
  comment: 'cmt_0000000000000000000000',
  invite: 'inv_0000000000000000000000',
  apiToken: 'atk_0000000000000000000000',
  session: 'ses_0000000000000000000000',
  run: 'run_0000000000000000000000',
};

describe('every mutation refuses ids that name nothing, and ids that are not ids', () => {
  let server: TestServer;
  let known: {
    workspaceId: string;
    projectId: string;
    planId: string;
    phaseId: string;
    taskId: string;
  };
  beforeAll(async () => {
    server = await startTestServer();
    const project = await server.factory.project();
    const plan = await planWithTasks(server, project.id, 1);
    known = {
      workspaceId: project.workspaceId,
      projectId: project.id,
      planId: plan.planId,
      phaseId: plan.phaseId,
      taskId: plan.taskIds[0] as string,
    };
    await ok(
      server,
      'createSkill',
      { workspaceId: project.workspaceId, name: 'Known' },
      'skill { id }',
    );
  });
  afterAll(async () => {
    await server.close();
  });

  /** For each mutation: its input with one unknown id, and the field that must be blamed. */
  const CASES: Record<string, { field: string; input: () => Record<string, unknown> }> = {
    updateWorkspace: {
      field: 'workspaceId',
      input: () => ({ workspaceId: UNKNOWN.workspace, name: 'x' }),
    },
    deleteWorkspace: {
      field: 'workspaceId',
      input: () => ({ workspaceId: UNKNOWN.workspace, confirmSlug: 'x' }),
    },
    createProject: {
      field: 'workspaceId',
      input: () => ({ workspaceId: UNKNOWN.workspace, remoteUrl: 'https://github.com/a/b' }),
    },
    updateProject: { field: 'projectId', input: () => ({ projectId: UNKNOWN.project, name: 'x' }) },
    deleteProject: { field: 'projectId', input: () => ({ projectId: UNKNOWN.project }) },
    createSkill: {
      field: 'workspaceId',
      input: () => ({ workspaceId: UNKNOWN.workspace, name: 'x' }),
    },
    updateSkill: { field: 'skillId', input: () => ({ skillId: UNKNOWN.skill, name: 'x' }) },
    deleteSkill: { field: 'skillId', input: () => ({ skillId: UNKNOWN.skill }) },
    setMemberSkill: {
      field: 'memberId',
      input: () => ({ memberId: UNKNOWN.member, skill: 'known', proficiency: 3 }),
    },
    removeMemberSkill: {
      field: 'memberId',
      input: () => ({ memberId: UNKNOWN.member, skill: 'known' }),
    },
    createPlan: { field: 'projectId', input: () => ({ projectId: UNKNOWN.project, name: 'x' }) },
    createPlanFromProposal: {
      field: 'projectId',
      input: () => ({ projectId: UNKNOWN.project, proposal: '# P\n## Ph\n- T\n' }),
    },
    applyProposal: {
      field: 'planId',
      input: () => ({ planId: UNKNOWN.plan, proposal: '# P\n## Ph\n- T\n' }),
    },
    sendPlanMessage: { field: 'planId', input: () => ({ planId: UNKNOWN.plan, text: 'x' }) },
    postPlanProposal: {
      field: 'runId',
      input: () => ({ runId: UNKNOWN.run, leaseVersion: 1, text: 'x' }),
    },
    updatePlan: { field: 'planId', input: () => ({ planId: UNKNOWN.plan, name: 'x' }) },
    deletePlan: { field: 'planId', input: () => ({ planId: UNKNOWN.plan }) },
    setPlanStatus: { field: 'planId', input: () => ({ planId: UNKNOWN.plan, status: 'ACTIVE' }) },
    createPhase: { field: 'planId', input: () => ({ planId: UNKNOWN.plan, name: 'x' }) },
    updatePhase: { field: 'phaseId', input: () => ({ phaseId: UNKNOWN.phase, name: 'x' }) },
    movePhase: { field: 'phaseId', input: () => ({ phaseId: UNKNOWN.phase, position: 0 }) },
    deletePhase: { field: 'phaseId', input: () => ({ phaseId: UNKNOWN.phase }) },
    createTask: { field: 'phaseId', input: () => ({ phaseId: UNKNOWN.phase, title: 'x' }) },
    updateTask: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task, title: 'x' }) },
    moveTask: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task, position: 0 }) },
    deleteTask: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task }) },
    setTaskStatus: {
      field: 'taskId',
      input: () => ({ taskId: UNKNOWN.task, status: 'CANCELLED' }),
    },
    assignTask: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task, memberId: null }) },
    addTaskComment: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task, body: 'x' }) },
    updateTaskComment: {
      field: 'commentId',
      input: () => ({ commentId: UNKNOWN.comment, body: 'x' }),
    },
    deleteTaskComment: { field: 'commentId', input: () => ({ commentId: UNKNOWN.comment }) },
    createInvite: {
      field: 'workspaceId',
      input: () => ({ workspaceId: UNKNOWN.workspace, role: 'VIEWER' }),
    },
    createCliInvite: { field: 'workspaceId', input: () => ({ workspaceId: UNKNOWN.workspace }) },
    revokeInvite: { field: 'inviteId', input: () => ({ inviteId: UNKNOWN.invite }) },
    createApiToken: {
      field: 'workspaceId',
      input: () => ({ workspaceId: UNKNOWN.workspace, name: 'bot', scopes: ['READ'] }),
    },
    revokeApiToken: { field: 'apiTokenId', input: () => ({ apiTokenId: UNKNOWN.apiToken }) },
    registerSession: {
      field: 'projectId',
      input: () => ({ projectId: UNKNOWN.project, role: 'WORKER', name: 'b', machineId: 'm' }),
    },
    heartbeatSession: { field: 'sessionId', input: () => ({ sessionId: UNKNOWN.session }) },
    endSession: { field: 'sessionId', input: () => ({ sessionId: UNKNOWN.session }) },
    claimRun: { field: 'sessionId', input: () => ({ sessionId: UNKNOWN.session }) },
    heartbeatRun: { field: 'runId', input: () => ({ runId: UNKNOWN.run, leaseVersion: 1 }) },
    appendRunOutput: {
      field: 'runId',
      input: () => ({ runId: UNKNOWN.run, leaseVersion: 1, chunks: [{ chunk: 'x' }] }),
    },
    completeRun: { field: 'runId', input: () => ({ runId: UNKNOWN.run, leaseVersion: 1 }) },
    acceptTask: {
      field: 'taskId',
      input: () => ({ taskId: UNKNOWN.task, sessionId: UNKNOWN.session }),
    },
    pauseRun: {
      field: 'runId',
      input: () => ({
        runId: UNKNOWN.run,
        leaseVersion: 1,
        resumeAt: new Date(Date.now() + 60_000).toISOString(),
      }),
    },
    failRun: {
      field: 'runId',
      input: () => ({ runId: UNKNOWN.run, leaseVersion: 1, reason: 'x' }),
    },
    allocateTeam: {
      field: 'sessionId',
      input: () => ({ sessionId: UNKNOWN.session, dev: 1, review: 0, test: 0 }),
    },
    delegateRun: {
      field: 'runId',
      input: () => ({
        runId: UNKNOWN.run,
        leaseVersion: 1,
        workerSessionId: UNKNOWN.session,
        packet: { title: 't', instructions: 'i' },
      }),
    },
    postSubtask: {
      field: 'runId',
      input: () => ({ runId: UNKNOWN.run, leaseVersion: 1, directive: '{"title": "x"}' }),
    },
    startRepoAnalysis: { field: 'projectId', input: () => ({ projectId: UNKNOWN.project }) },
    postRepoAnalysis: {
      field: 'runId',
      input: () => ({
        runId: UNKNOWN.run,
        leaseVersion: 1,
        repoContext: { techStack: [], architectureSummary: '', directoryMap: [] },
        contextFiles: [],
        artifacts: [],
      }),
    },
    approveTask: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task, reason: 'fine' }) },
    rejectTask: { field: 'taskId', input: () => ({ taskId: UNKNOWN.task, reason: 'no' }) },
    retryRun: { field: 'runId', input: () => ({ runId: UNKNOWN.run }) },
    updateMember: {
      field: 'memberId',
      input: () => ({ memberId: UNKNOWN.member, role: 'VIEWER' }),
    },
    removeMember: { field: 'memberId', input: () => ({ memberId: UNKNOWN.member }) },
    setProjectRole: {
      field: 'memberId',
      input: () => ({ memberId: UNKNOWN.member, projectId: known.projectId, role: 'VIEWER' }),
    },
  };
  /** Mutations that take no id (an invite's workspaceId is only an expectation). */
  const WITHOUT_IDS = new Set([
    'createWorkspace',
    'login',
    'refreshSession',
    'logout',
    'completeSetup',
    'changePassword',
    'signUp',
    'redeemCliInvite',
    'acceptInvite',
  ]);

  test('every mutation of the schema is in the table above', async () => {
    const schema = await buildGraphQLSchema();
    const names = Object.keys(schema.getMutationType()?.getFields() ?? {}).filter(
      (name) => !WITHOUT_IDS.has(name),
    );
    expect(names.sort()).toEqual(Object.keys(CASES).sort());
  });

  test.each(Object.entries(CASES))(
    '%s: an unknown id is NOT_FOUND on its field',
    async (name, row) => {
      const payload = await mutation(server, name, row.input());
      expect(payload.userErrors).toHaveLength(1);
      expect(payload.userErrors[0]).toMatchObject({ field: [row.field], code: 'NOT_FOUND' });
      expect(payload.userErrors[0]?.message).toContain(row.field);
    },
  );

  test.each(Object.entries(CASES))(
    '%s: a string that is not an id is BAD_USER_INPUT on its field',
    async (name, row) => {
      const input = { ...row.input(), [row.field]: 'not-an-id' };
      const payload = await mutation(server, name, input);
      expect(payload.userErrors).toHaveLength(1);
      expect(payload.userErrors[0]).toMatchObject({ field: [row.field], code: 'BAD_USER_INPUT' });
    },
  );

  test('nothing changed in the known records', async () => {
    const data = await server.query<{ task: { title: string; status: string } }, unknown>(
      'query($id: ID!) { task(id: $id) { title status } }',
      { id: known.taskId },
    );
    expect(data.task).toEqual({ title: 'Task 1', status: 'DRAFT' });
  });
});
