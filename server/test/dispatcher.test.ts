import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { TaskStatus } from '../src/domain/task/task-lifecycle.js';
import { MemberRole } from '../src/domain/access/permissions.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { bootstrapEpic, planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const random = () => randomBytes(4).toString('hex');

interface TaskState {
  id: string;
  title: string;
  status: string;
  runs: {
    nodes: {
      purpose: string;
      status: string;
      targetSession: { name: string } | null;
      dispatchReason: {
        winner: string | null;
        explanation: string;
        candidates: { name: string; eligible: boolean; note: string }[];
      } | null;
    }[];
  };
}

describe('the dispatcher: ready tasks become runs, in waves, for the best session', () => {
  let server: TestServer;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.owner.workspaceId;
    await ok(server, 'createSkill', { workspaceId, name: 'Rust' }, 'skill { id }');
  });
  afterAll(async () => {
    await server.close();
  });

  const newProject = async () =>
    (
      await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/d-${random()}`,
      })
    ).id;
  const update = (taskId: string, input: Record<string, unknown>) =>
    ok(server, 'updateTask', { taskId, ...input }, 'task { id }');
  /** Moves a plan; an activation also bootstraps its epic, as a daemon would. */
  const setPlan = async (planId: string, status: string) => {
    await ok(server, 'setPlanStatus', { planId, status }, 'plan { status }');
    if (status === 'ACTIVE') await bootstrapEpic(server, planId);
  };
  const tasksOf = async (planId: string): Promise<Map<string, TaskState>> => {
    const data = await server.query<{ plan: { phases: { tasks: TaskState[] }[] } }, unknown>(
      `query($id: ID!) { plan(id: $id) { phases { tasks { id title status runs(first: 5) { nodes { purpose status
         targetSession { name } dispatchReason { winner explanation candidates { name eligible note } } } } } } } }`,
      { id: planId },
    );
    return new Map(
      data.plan.phases.flatMap((phase) => phase.tasks).map((task) => [task.title, task]),
    );
  };
  const statuses = async (planId: string) =>
    Object.fromEntries(
      [...(await tasksOf(planId)).values()].map((task) => [
        task.title,
        `${task.status}/${task.runs.nodes.length}`,
      ]),
    );
  /** Walks a dispatched task to MERGED the way the system does (agent, review, merge). */
  const resolve = async (taskId: string) => {
    const key = parsePublicIdOf('Task', taskId) as string;
    for (const status of [TaskStatus.IN_PROGRESS, TaskStatus.AWAITING_REVIEW, TaskStatus.MERGED]) {
      await server.studio.services.tasks.setStatus(key, status, 'system');
    }
  };

  test('a diamond dispatches in waves: A, then B and C, then D', async () => {
    const projectId = await newProject();
    const plan = await planWithTasks(server, projectId, 4);
    const [a, b, c, d] = plan.taskIds as [string, string, string, string];
    await update(b, { dependsOn: [a] });
    await update(c, { dependsOn: [a] });
    await update(d, { dependsOn: [b, c] });
    await setPlan(plan.planId, 'ACTIVE');
    expect(await statuses(plan.planId)).toEqual({
      'Task 1': 'DISPATCHED/1',
      'Task 2': 'DRAFT/0',
      'Task 3': 'DRAFT/0',
      'Task 4': 'DRAFT/0',
    });
    await resolve(a);
    expect(await statuses(plan.planId)).toMatchObject({
      'Task 2': 'DISPATCHED/1',
      'Task 3': 'DISPATCHED/1',
      'Task 4': 'DRAFT/0',
    });
    await resolve(b);
    expect((await statuses(plan.planId))['Task 4']).toBe('DRAFT/0');
    await resolve(c);
    expect((await statuses(plan.planId))['Task 4']).toBe('DISPATCHED/1');
    const run = (await tasksOf(plan.planId)).get('Task 4')?.runs.nodes[0];
    expect(run).toMatchObject({ purpose: 'EXECUTION', status: 'QUEUED' });
    // A cycle is refused when edited, and nothing changes.
    const cycle = await mutation(server, 'updateTask', { taskId: a, dependsOn: [d] });
    expect(cycle.userErrors[0]?.message).toContain('dependsOn would create a cycle');
  });

  test('the run is targeted at the best idle eligible session, pushed to it, with the reason', async () => {
    const projectId = await newProject();
    const register = async (name: string, proficiency: number) =>
      (
        await ok<{ session: { id: string } }>(
          server,
          'registerSession',
          {
            projectId,
            role: 'WORKER',
            name,
            machineId: `m-${random()}`,
            skills: [{ skill: 'rust', proficiency }],
          },
          'session { id }',
        )
      ).session.id;
    await register('novice', 2);
    const expert = await register('expert', 5);
    await register('able', 4);
    const pushed = server.subscribe<{ sessionRuns: { id: string; purpose: string } }, unknown>(
      'subscription($s: ID!) { sessionRuns(sessionId: $s) { id purpose } }',
      { s: expert },
    );
    const plan = await planWithTasks(server, projectId, 1);
    await update(plan.taskIds[0] as string, { skills: ['rust'], requiredProficiency: 4 });
    await setPlan(plan.planId, 'ACTIVE');
    const run = (await tasksOf(plan.planId)).get('Task 1')?.runs.nodes[0];
    expect(run?.targetSession).toEqual({ name: 'expert' });
    expect(run?.dispatchReason?.candidates.map((c) => [c.name, c.eligible, c.note])).toEqual([
      ['novice', false, 'lacks 1 skill(s) at proficiency 4'],
      ['expert', true, 'chosen'],
      ['able', true, 'ranked 2 of 2'],
    ]);
    expect(run?.dispatchReason?.explanation).toBe(
      'expert is idle and ranks first of 2 idle eligible session(s)',
    );
    const [delivered] = await pushed.waitFor(1);
    expect(delivered?.sessionRuns.purpose).toBe('EXECUTION');
    pushed.close();
    // The targeted session claims it; nobody else may.
    const claimed = await ok<{ run: { id: string } | null }>(
      server,
      'claimRun',
      { sessionId: expert },
      'run { id }',
    );
    expect(claimed.run?.id).toBe(delivered?.sessionRuns.id);
  });

  test('tasks that may not run in parallel go one at a time among their siblings', async () => {
    const projectId = await newProject();
    const plan = await planWithTasks(server, projectId, 3);
    const [first, second] = plan.taskIds as [string, string];
    await update(first, { canRunParallel: false });
    await update(second, { canRunParallel: false });
    await setPlan(plan.planId, 'ACTIVE');
    expect(await statuses(plan.planId)).toEqual({
      'Task 1': 'DISPATCHED/1',
      'Task 2': 'DRAFT/0',
      'Task 3': 'DRAFT/0',
    });
    await resolve(first);
    expect(await statuses(plan.planId)).toEqual({
      'Task 1': 'MERGED/1',
      'Task 2': 'DISPATCHED/1',
      'Task 3': 'DRAFT/0',
    });
    await resolve(second);
    expect((await statuses(plan.planId))['Task 3']).toBe('DISPATCHED/1');
  });

  test('an assigned task waits for its assignee, who accepts it on a session and holds the claim', async () => {
    const projectId = await newProject();
    const plan = await planWithTasks(server, projectId, 3);
    const [mine, , later] = plan.taskIds as [string, string, string];
    await update(later, { dependsOn: [mine] });
    const dev = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    const token = await accessTokenFor(server, dev.userKey);
    await ok(server, 'assignTask', { taskId: mine, memberId: dev.memberId }, 'task { id }');
    await setPlan(plan.planId, 'ACTIVE');
    expect(await statuses(plan.planId)).toEqual({
      'Task 1': 'DRAFT/0',
      'Task 2': 'DISPATCHED/1',
      'Task 3': 'DRAFT/0',
    });

    const as = <T>(name: string, type: string, input: Record<string, unknown>, selection: string) =>
      server.requestAs<Record<string, T>, unknown>(
        token,
        `mutation($i: ${type}!) { ${name}(input: $i) { ${selection} userErrors { code field message } } }`,
        { i: input },
      );
    const session = (
      await as<{ session: { id: string } }>(
        'registerSession',
        'RegisterSessionInput',
        { projectId, role: 'WORKER', name: 'dev box', machineId: 'dev-1' },
        'session { id }',
      )
    ).data?.registerSession?.session.id as string;

    // Only the assignee accepts.
    const ownerSession = (
      await ok<{ session: { id: string } }>(
        server,
        'registerSession',
        { projectId, role: 'WORKER', name: 'owner box', machineId: 'own-1' },
        'session { id }',
      )
    ).session.id;
    const byOwner = await server.request(
      'mutation($i: AcceptTaskInput!) { acceptTask(input: $i) { leaseVersion } }',
      {
        i: { taskId: mine, sessionId: ownerSession },
      },
    );
    expect(byOwner.errors?.[0]?.message).toBe('only the member the task is assigned to accepts it');

    const accepted = await as<{
      run: {
        id: string;
        status: string;
        targetSession: { name: string };
        dispatchReason: { rule: string };
        git: { taskBranch: string | null };
      };
      leaseVersion: number;
    }>(
      'acceptTask',
      'AcceptTaskInput',
      { taskId: mine, sessionId: session },
      'run { id status targetSession { name } dispatchReason { rule } git { taskBranch } } leaseVersion',
    );
    expect(accepted.data?.acceptTask).toMatchObject({
      run: {
        status: 'CLAIMED',
        // the branch accept() named, not the task as it was read before
        git: { taskBranch: expect.stringMatching(/^task\/task-1-[0-9a-f]{6}$/) },
        targetSession: { name: 'dev box' },
        dispatchReason: { rule: 'manual: the assignee accepted the task' },
      },
      leaseVersion: 1,
      userErrors: [],
    });
    expect((await statuses(plan.planId))['Task 1']).toBe('DISPATCHED/1');

    const again = await as(
      'acceptTask',
      'AcceptTaskInput',
      { taskId: mine, sessionId: session },
      'leaseVersion',
    );
    expect(again.data?.acceptTask).toMatchObject({
      userErrors: [
        {
          code: 'CONFLICT',
          field: ['taskId'],
          message: 'the task is dispatched; only a draft task can be accepted',
        },
      ],
    });
    await ok(server, 'assignTask', { taskId: later, memberId: dev.memberId }, 'task { id }');
    const blocked = await as(
      'acceptTask',
      'AcceptTaskInput',
      { taskId: later, sessionId: session },
      'leaseVersion',
    );
    expect(blocked.data?.acceptTask).toMatchObject({
      userErrors: [
        {
          code: 'CONFLICT',
          field: ['taskId'],
          message: 'the task waits for 1 unfinished dependency',
        },
      ],
    });
    const elsewhere = await newProject();
    const otherSession = (
      await as<{ session: { id: string } }>(
        'registerSession',
        'RegisterSessionInput',
        { projectId: elsewhere, role: 'WORKER', name: 'other', machineId: 'dev-2' },
        'session { id }',
      )
    ).data?.registerSession?.session.id;
    const wrong = await as(
      'acceptTask',
      'AcceptTaskInput',
      { taskId: later, sessionId: otherSession },
      'leaseVersion',
    );
    expect(wrong.data?.acceptTask).toMatchObject({
      userErrors: [
        {
          code: 'BAD_USER_INPUT',
          field: ['sessionId'],
          message: 'sessionId: the session is connected to another project',
        },
      ],
    });
  });

  test('a paused plan dispatches nothing; resuming hands out what became ready', async () => {
    const projectId = await newProject();
    const plan = await planWithTasks(server, projectId, 2);
    const [a, b] = plan.taskIds as [string, string];
    await update(b, { dependsOn: [a] });
    await setPlan(plan.planId, 'ACTIVE');
    await setPlan(plan.planId, 'PAUSED');
    await resolve(a);
    expect((await statuses(plan.planId))['Task 2']).toBe('DRAFT/0');
    await setPlan(plan.planId, 'ACTIVE');
    expect((await statuses(plan.planId))['Task 2']).toBe('DISPATCHED/1');
  });
});
