import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { TASK_LIFECYCLE, TaskStatus } from '../src/domain/task/task-lifecycle.js';
import { executeAs } from './support/execute-as.js';
import { addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { forcePlanStatus, forceTaskStatus, planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const TASK = `task {
  id title description status allowedTransitions priority type requiredProficiency estimateMinutes
  canRunParallel splittable position prUrl branchName
  skills { slug } dependsOn { id } dependents { id } parent { id } children { id } assignee { id }
  phase { id } plan { id } project { id }
}`;
interface Task {
  id: string;
  title: string;
  description: string;
  status: string;
  allowedTransitions: string[];
  priority: string;
  type: string;
  requiredProficiency: number;
  estimateMinutes: number | null;
  canRunParallel: boolean;
  splittable: boolean;
  position: number;
  prUrl: string | null;
  branchName: string | null;
  skills: Array<{ slug: string }>;
  dependsOn: Array<{ id: string }>;
  dependents: Array<{ id: string }>;
  parent: { id: string } | null;
  children: Array<{ id: string }>;
  assignee: { id: string } | null;
  phase: { id: string };
  plan: { id: string };
  project: { id: string };
}

describe('tasks', () => {
  let server: TestServer;
  let workspaceId: string;
  let projectId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const project = await server.factory.project();
    projectId = project.id;
    workspaceId = project.workspaceId;
    for (const name of ['Frontend', 'Backend', 'Database']) {
      await ok(server, 'createSkill', { workspaceId, name }, 'skill { id }');
    }
  });
  afterAll(async () => {
    await server.close();
  });

  const create = (input: Record<string, unknown>) =>
    mutation<{ task: Task | null }>(server, 'createTask', input, TASK);
  const update = (input: Record<string, unknown>) =>
    mutation<{ task: Task | null }>(server, 'updateTask', input, TASK);
  const read = async (id: string) =>
    (
      await server.query<{ task: Task }, unknown>(
        `query($id: ID!) { ${TASK.replace('task {', 'task(id: $id) {')} }`,
        { id },
      )
    ).task;

  test('createTask takes every field; skills by slug or id; emits TaskCreated', async () => {
    const { planId, phaseId, taskIds } = await planWithTasks(server, projectId, 1);
    const skills = await server.query<
      { workspace: { skills: Array<{ id: string; slug: string }> } },
      unknown
    >('query($id: ID!) { workspace(id: $id) { skills { id slug } } }', { id: workspaceId });
    const backendId = skills.workspace.skills.find((s) => s.slug === 'backend')?.id;
    const { task, userErrors } = await create({
      phaseId,
      title: '  Add invoices API  ',
      description: 'REST → GraphQL',
      priority: 'HIGH',
      type: 'BUGFIX',
      requiredProficiency: '75%',
      skills: ['frontend', backendId, 'frontend'],
      dependsOn: taskIds,
      parentTaskId: taskIds[0],
      estimateMinutes: 90,
      canRunParallel: false,
      splittable: true,
    });
    expect(userErrors).toEqual([]);
    expect(task).toMatchObject({
      title: 'Add invoices API',
      description: 'REST → GraphQL',
      status: 'DRAFT',
      allowedTransitions: ['CANCELLED'],
      priority: 'HIGH',
      type: 'BUGFIX',
      requiredProficiency: 4,
      estimateMinutes: 90,
      canRunParallel: false,
      splittable: true,
      position: 1,
      dependsOn: [{ id: taskIds[0] }],
      parent: { id: taskIds[0] },
      phase: { id: phaseId },
      plan: { id: planId },
      project: { id: projectId },
      assignee: null,
    });
    expect(task?.skills.map((s) => s.slug).sort()).toEqual(['backend', 'frontend']);
    const first = await read(taskIds[0] as string);
    expect(first.dependents).toEqual([{ id: task?.id }]);
    expect(first.children).toEqual([{ id: task?.id }]);
  });

  test('defaults: MEDIUM FEATURE, proficiency 3, parallel, not splittable, at the end', async () => {
    const { phaseId } = await planWithTasks(server, projectId, 2);
    const { task } = await create({ phaseId, title: 'Defaults' });
    expect(task).toMatchObject({
      priority: 'MEDIUM',
      type: 'FEATURE',
      requiredProficiency: 3,
      estimateMinutes: null,
      canRunParallel: true,
      splittable: false,
      position: 2,
      skills: [],
      dependsOn: [],
    });
    const atTop = await create({ phaseId, title: 'First', position: 0 });
    expect(atTop.task?.position).toBe(0);
    expect((await read(task?.id as string)).position).toBe(3);
  });

  test.each([
    [{ title: '' }, ['title'], 'BAD_USER_INPUT', 'title must not be empty'],
    [{ title: 'x'.repeat(201) }, ['title'], 'BAD_USER_INPUT', 'at most 200'],
    [
      { title: 'x', requiredProficiency: 'wizard' },
      ['requiredProficiency'],
      'BAD_USER_INPUT',
      'requiredProficiency "wizard" is not a proficiency; use one of: 1-5; beginner',
    ],
    [
      { title: 'x', skills: ['frontend', 'cobol', 'fortran'] },
      ['skills'],
      'NOT_FOUND',
      'skills: no skill "cobol", "fortran" in this workspace',
    ],
    [{ title: 'x', estimateMinutes: -5 }, ['estimateMinutes'], 'BAD_USER_INPUT', 'from 0 to'],
    [
      { title: 'x', dependsOn: ['tsk_0000000000000000000000'] },
      ['dependsOn'],
      'NOT_FOUND',
      'dependsOn: no task tsk_0000000000000000000000 in this plan',
    ],
    [
      { title: 'x', dependsOn: ['nope'] },
      ['dependsOn[0]'],
      'BAD_USER_INPUT',
      'dependsOn[0] is not a Task id',
    ],
    [
      { title: 'x', parentTaskId: 'tsk_0000000000000000000000' },
      ['parentTaskId'],
      'NOT_FOUND',
      'no such task in this plan',
    ],
    [
      { title: 'x', phaseId: 'phs_0000000000000000000000' },
      ['phaseId'],
      'NOT_FOUND',
      'phaseId: no such phase',
    ],
  ])('createTask refuses %j', async (input, field, code, message) => {
    const { phaseId } = await planWithTasks(server, projectId, 0);
    const { task, userErrors } = await create({ phaseId, ...input });
    expect(task).toBeNull();
    expect(userErrors).toHaveLength(1);
    expect(userErrors[0]).toMatchObject({ field, code });
    expect(userErrors[0]?.message).toContain(message);
  });

  test('dependencies and parents must stay inside the plan', async () => {
    const other = await planWithTasks(server, projectId, 1);
    const { phaseId } = await planWithTasks(server, projectId, 0);
    expect(
      (await create({ phaseId, title: 'x', dependsOn: other.taskIds })).userErrors[0],
    ).toMatchObject({
      field: ['dependsOn'],
      code: 'NOT_FOUND',
    });
    expect(
      (await create({ phaseId, title: 'x', parentTaskId: other.taskIds[0] })).userErrors[0],
    ).toMatchObject({
      field: ['parentTaskId'],
      code: 'NOT_FOUND',
    });
  });

  test('updateTask replaces skills and dependencies, and refuses a cycle, naming it', async () => {
    const { taskIds } = await planWithTasks(server, projectId, 3);
    const [a, b, c] = taskIds as [string, string, string];
    await ok(server, 'updateTask', { taskId: b, dependsOn: [a] }, 'task { id }');
    await ok(
      server,
      'updateTask',
      { taskId: c, dependsOn: [b], skills: ['database'] },
      'task { id }',
    );
    const cycle = await update({ taskId: a, dependsOn: [c] });
    expect(cycle.task).toBeNull();
    expect(cycle.userErrors).toEqual([
      {
        field: ['dependsOn'],
        code: 'BAD_USER_INPUT',
        message: `dependsOn would create a cycle: "Task 1" (${a}) → "Task 3" (${c}) → "Task 2" (${b}) → "Task 1" (${a})`,
      },
    ]);
    expect((await read(a)).dependsOn).toEqual([]);
    const self = await update({ taskId: a, dependsOn: [a] });
    expect(self.userErrors[0]?.message).toBe(
      `dependsOn would create a cycle: "Task 1" (${a}) → "Task 1" (${a})`,
    );
    const replaced = await update({ taskId: c, dependsOn: [a], skills: ['frontend', 'backend'] });
    expect(replaced.task?.dependsOn).toEqual([{ id: a }]);
    expect(replaced.task?.skills.map((s) => s.slug).sort()).toEqual(['backend', 'frontend']);
    const cleared = await update({ taskId: c, dependsOn: [], skills: [] });
    expect(cleared.task).toMatchObject({ dependsOn: [], skills: [] });
  });

  test('updateTask changes fields and parents; a task cannot become its own ancestor', async () => {
    const { taskIds } = await planWithTasks(server, projectId, 3);
    const [a, b, c] = taskIds as [string, string, string];
    const updated = await update({
      taskId: a,
      title: 'Renamed',
      requiredProficiency: 'Experte',
      prUrl: 'https://github.com/acme/api/pull/7',
      branchName: 'task/renamed',
      actualMinutes: 30,
    });
    expect(updated.task).toMatchObject({
      title: 'Renamed',
      requiredProficiency: 5,
      prUrl: 'https://github.com/acme/api/pull/7',
      branchName: 'task/renamed',
    });
    await ok(server, 'updateTask', { taskId: b, parentTaskId: a }, 'task { id }');
    await ok(server, 'updateTask', { taskId: c, parentTaskId: b }, 'task { id }');
    expect((await update({ taskId: a, parentTaskId: c })).userErrors).toEqual([
      {
        field: ['parentTaskId'],
        code: 'BAD_USER_INPUT',
        message: 'parentTaskId would make the task its own ancestor',
      },
    ]);
    const cleared = await update({ taskId: c, clearParent: true });
    expect(cleared.task?.parent).toBeNull();
    expect((await update({ taskId: a, prUrl: 'ftp://x' })).userErrors[0]).toMatchObject({
      field: ['prUrl'],
    });
    expect(
      (await update({ taskId: 'tsk_0000000000000000000000', title: 'x' })).userErrors[0],
    ).toMatchObject({
      field: ['taskId'],
      code: 'NOT_FOUND',
    });
  });

  test('moveTask reorders within a phase and moves across phases', async () => {
    const { planId, phaseId, taskIds } = await planWithTasks(server, projectId, 3);
    const order = async (id: string) =>
      (
        await server.query<{ node: { tasks: Array<{ id: string; position: number }> } }, unknown>(
          'query($id: ID!) { node(id: $id) { ... on Phase { tasks { id position } } } }',
          { id },
        )
      ).node.tasks;
    await ok(server, 'moveTask', { taskId: taskIds[2], position: 0 }, 'task { id }');
    expect((await order(phaseId)).map((t) => t.id)).toEqual([taskIds[2], taskIds[0], taskIds[1]]);
    const { phase } = await ok<{ phase: { id: string } }>(
      server,
      'createPhase',
      { planId, name: 'Later' },
      'phase { id }',
    );
    const moved = await ok<{ task: Task }>(
      server,
      'moveTask',
      { taskId: taskIds[0], phaseId: phase.id, position: 5 },
      TASK,
    );
    expect(moved.task).toMatchObject({ phase: { id: phase.id }, position: 0 });
    expect((await order(phaseId)).map((t) => [t.id, t.position])).toEqual([
      [taskIds[2], 0],
      [taskIds[1], 1],
    ]);
    const elsewhere = await planWithTasks(server, projectId, 0);
    expect(
      (
        await mutation(server, 'moveTask', {
          taskId: taskIds[1],
          phaseId: elsewhere.phaseId,
          position: 0,
        })
      ).userErrors[0],
    ).toMatchObject({
      field: ['phaseId'],
      code: 'NOT_FOUND',
    });
  });

  test('deleteTask refuses tasks others depend on or agents work on; otherwise deletes', async () => {
    const { phaseId, taskIds } = await planWithTasks(server, projectId, 3);
    const [a, b, c] = taskIds as [string, string, string];
    await ok(server, 'updateTask', { taskId: b, dependsOn: [a] }, 'task { id }');
    expect((await mutation(server, 'deleteTask', { taskId: a })).userErrors).toEqual([
      {
        field: ['taskId'],
        code: 'CONFLICT',
        message: `other tasks depend on this one (${b}); remove those dependencies first`,
      },
    ]);
    await forceTaskStatus(server, c, TaskStatus.IN_PROGRESS);
    expect((await mutation(server, 'deleteTask', { taskId: c })).userErrors).toEqual([
      {
        field: ['taskId'],
        code: 'CONFLICT',
        message: 'the task is IN_PROGRESS; cancel it before deleting it',
      },
    ]);
    expect(await mutation(server, 'deleteTask', { taskId: b }, 'deletedId')).toEqual({
      deletedId: b,
      userErrors: [],
    });
    expect(await mutation(server, 'deleteTask', { taskId: a }, 'deletedId')).toEqual({
      deletedId: a,
      userErrors: [],
    });
    const left = await server.query<
      { node: { tasks: Array<{ id: string; position: number }> } },
      unknown
    >('query($id: ID!) { node(id: $id) { ... on Phase { tasks { id position } } } }', {
      id: phaseId,
    });
    expect(left.node.tasks).toEqual([{ id: c, position: 0 }]);
  });

  test('assignTask assigns members of the workspace, unassigns, and refuses others', async () => {
    const { taskIds } = await planWithTasks(server, projectId, 1);
    const taskId = taskIds[0] as string;
    const member = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    const assigned = await ok<{ task: Task }>(
      server,
      'assignTask',
      { taskId, memberId: member.memberId },
      TASK,
    );
    expect(assigned.task.assignee).toEqual({ id: member.memberId });
    const unassigned = await ok<{ task: Task }>(
      server,
      'assignTask',
      { taskId, memberId: null },
      TASK,
    );
    expect(unassigned.task.assignee).toBeNull();
    const stranger = await addMember(
      server,
      (await server.factory.workspace()).id,
      MemberRole.DEVELOPER,
    );
    expect(
      (await mutation(server, 'assignTask', { taskId, memberId: stranger.memberId })).userErrors,
    ).toEqual([
      {
        field: ['memberId'],
        code: 'NOT_FOUND',
        message: 'memberId: no such member in this workspace',
      },
    ]);
    expect(
      (await mutation(server, 'assignTask', { taskId, memberId: 'mem_0000000000000000000000' }))
        .userErrors[0],
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  describe('setTaskStatus follows the task table for every from × to pair', () => {
    const states = Object.values(TaskStatus);
    let fixtures: Record<string, string[]>;
    beforeAll(async () => {
      // One plan per "from" state, with a task for every "to".
      fixtures = {};
      for (const from of states) {
        const { planId, taskIds } = await planWithTasks(server, projectId, states.length);
        await forcePlanStatus(server, planId, 'ACTIVE' as never);
        for (const id of taskIds) await forceTaskStatus(server, id, from);
        fixtures[from] = taskIds;
      }
    });

    test.each(states.flatMap((from) => states.map((to, index) => [from, to, index] as const)))(
      '%s → %s',
      async (from, to, index) => {
        const taskId = fixtures[from]?.[index] as string;
        const payload = await mutation<{ task: Task | null }>(
          server,
          'setTaskStatus',
          { taskId, status: to },
          TASK,
        );
        if (TASK_LIFECYCLE.can(from, to, 'user')) {
          expect(payload.userErrors).toEqual([]);
          expect(payload.task?.status).toBe(to);
        } else {
          expect(payload.task).toBeNull();
          expect(payload.userErrors[0]).toMatchObject({ field: ['status'], code: 'CONFLICT' });
          expect((await read(taskId)).status).toBe(from);
        }
      },
    );
  });

  test('task status changes are recorded, with the reason', async () => {
    const { id: project } = await server.factory.project();
    const { taskIds } = await planWithTasks(server, project, 1);
    await forceTaskStatus(server, taskIds[0] as string, TaskStatus.IN_PROGRESS);
    await ok(
      server,
      'setTaskStatus',
      { taskId: taskIds[0], status: 'WAITING_FOR_RESUME', reason: 'lunch' },
      'task { id }',
    );
    await ok(server, 'setTaskStatus', { taskId: taskIds[0], status: 'DRAFT' }, 'task { id }');
    const events = await server.query<
      { events: { nodes: Array<{ type: string; payload: Record<string, unknown> }> } },
      unknown
    >('query($p: ID!) { events(projectId: $p) { nodes { type payload } } }', { p: project });
    expect(
      events.events.nodes.filter((e) => e.type === 'TaskStatusChanged').map((e) => e.payload),
    ).toEqual([
      { taskId: taskIds[0], from: 'IN_PROGRESS', to: 'WAITING_FOR_RESUME', reason: 'lunch' },
      { taskId: taskIds[0], from: 'WAITING_FOR_RESUME', to: 'DRAFT' },
    ]);
  });

  test('tasks(projectId, filter) filters by plan, phase, status, assignee and skill', async () => {
    const { id: project } = await server.factory.project({ workspaceId });
    const one = await planWithTasks(server, project, 3);
    const two = await planWithTasks(server, project, 2);
    const member = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    await ok(
      server,
      'assignTask',
      { taskId: one.taskIds[1], memberId: member.memberId },
      'task { id }',
    );
    await ok(server, 'updateTask', { taskId: two.taskIds[0], skills: ['database'] }, 'task { id }');
    await forceTaskStatus(server, one.taskIds[2] as string, TaskStatus.NEEDS_OPERATOR);
    const ids = async (filter: Record<string, unknown> | null) =>
      (
        await server.query<
          { tasks: { totalCount: number; nodes: Array<{ id: string }> } },
          unknown
        >(
          'query($p: ID!, $f: TaskFilter) { tasks(projectId: $p, filter: $f, first: 50) { totalCount nodes { id } } }',
          { p: project, f: filter },
        )
      ).tasks;
    expect((await ids(null)).totalCount).toBe(5);
    expect((await ids({ planId: two.planId })).nodes.map((n) => n.id)).toEqual(two.taskIds);
    expect((await ids({ phaseId: one.phaseId })).nodes.map((n) => n.id)).toEqual(one.taskIds);
    expect((await ids({ status: ['NEEDS_OPERATOR', 'CANCELLED'] })).nodes).toEqual([
      { id: one.taskIds[2] },
    ]);
    expect((await ids({ assigneeId: member.memberId })).nodes).toEqual([{ id: one.taskIds[1] }]);
    expect((await ids({ skill: 'database' })).nodes).toEqual([{ id: two.taskIds[0] }]);
    expect((await ids({ planId: one.planId, status: ['DRAFT'] })).totalCount).toBe(2);
    const unknown = await server.request(
      'query($p: ID!) { tasks(projectId: $p, filter: { skill: "nope" }) { totalCount } }',
      {
        p: project,
      },
    );
    expect(unknown.errors?.[0]).toMatchObject({
      extensions: { code: 'NOT_FOUND', field: ['filter.skill'] },
    });
  });

  test('taskBlockers lists dependencies that are not merged or completed yet', async () => {
    const { taskIds } = await planWithTasks(server, projectId, 3);
    const [a, b, c] = taskIds as [string, string, string];
    await ok(server, 'updateTask', { taskId: c, dependsOn: [a, b] }, 'task { id }');
    const blockers = async () =>
      (
        await server.query<{ taskBlockers: Array<{ id: string }> }, unknown>(
          'query($t: ID!) { taskBlockers(taskId: $t) { id } }',
          { t: c },
        )
      ).taskBlockers;
    expect(await blockers()).toEqual([{ id: a }, { id: b }]);
    await forceTaskStatus(server, a, TaskStatus.MERGED);
    expect(await blockers()).toEqual([{ id: b }]);
    await forceTaskStatus(server, b, TaskStatus.COMPLETED);
    expect(await blockers()).toEqual([]);
  });

  test('myTasks: the local operator has none; a user sees tasks assigned to them', async () => {
    const local = await server.query<{ myTasks: { totalCount: number } }, unknown>(
      '{ myTasks { totalCount } }',
    );
    expect(local.myTasks.totalCount).toBe(0);
    const member = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    const { planId, taskIds } = await planWithTasks(server, projectId, 2);
    await ok(
      server,
      'assignTask',
      { taskId: taskIds[0], memberId: member.memberId },
      'task { id }',
    );
    const asUser = await executeAs(
      server,
      { kind: 'user', userId: member.userKey },
      '{ myTasks { nodes { id } } }',
    );
    expect(asUser.errors).toBeUndefined();
    expect(asUser.data).toEqual({ myTasks: { nodes: [{ id: taskIds[0] }] } });
    await forcePlanStatus(server, planId, 'ARCHIVED' as never);
    const hidden = await executeAs(
      server,
      { kind: 'user', userId: member.userKey },
      '{ myTasks { totalCount } }',
    );
    expect(hidden.data).toEqual({ myTasks: { totalCount: 0 } });
    const shown = await executeAs(
      server,
      { kind: 'user', userId: member.userKey },
      '{ myTasks(includeArchived: true) { totalCount } }',
    );
    expect(shown.data).toEqual({ myTasks: { totalCount: 1 } });
  });

  test('comments: add, list, update, delete; empty and unknown refused', async () => {
    const { taskIds } = await planWithTasks(server, projectId, 1);
    const taskId = taskIds[0] as string;
    const COMMENT = 'comment { id body authorKind author { id } task { id } }';
    const added = await ok<{
      comment: {
        id: string;
        body: string;
        authorKind: string;
        author: unknown;
        task: { id: string };
      };
    }>(server, 'addTaskComment', { taskId, body: 'Looks good' }, COMMENT);
    const owner = await server.query<
      { viewer: { memberships: { id: string; workspace: { id: string } }[] } },
      unknown
    >('{ viewer { memberships { id workspace { id } } } }');
    const workspaceId = (
      await server.query<{ project: { workspace: { id: string } } }, unknown>(
        'query($id: ID!) { project(id: $id) { workspace { id } } }',
        { id: projectId },
      )
    ).project.workspace.id;
    expect(added.comment).toMatchObject({
      body: 'Looks good',
      authorKind: 'MEMBER',
      // The signed-in owner, as a member of the task's workspace.
      author: { id: owner.viewer.memberships.find((m) => m.workspace.id === workspaceId)?.id },
      task: { id: taskId },
    });
    await ok(server, 'addTaskComment', { taskId, body: 'Second' }, COMMENT);
    const updated = await ok<{ comment: { body: string } }>(
      server,
      'updateTaskComment',
      { commentId: added.comment.id, body: 'Edited' },
      COMMENT,
    );
    expect(updated.comment.body).toBe('Edited');
    const list = await server.query<
      { task: { comments: { totalCount: number; nodes: Array<{ body: string }> } } },
      unknown
    >('query($id: ID!) { task(id: $id) { comments { totalCount nodes { body } } } }', {
      id: taskId,
    });
    expect(list.task.comments).toEqual({
      totalCount: 2,
      nodes: [{ body: 'Edited' }, { body: 'Second' }],
    });
    expect(
      await mutation(server, 'deleteTaskComment', { commentId: added.comment.id }, 'deletedId'),
    ).toEqual({
      deletedId: added.comment.id,
      userErrors: [],
    });
    expect(
      (await mutation(server, 'addTaskComment', { taskId, body: '  ' })).userErrors[0],
    ).toMatchObject({ field: ['body'] });
    expect(
      (
        await mutation(server, 'addTaskComment', {
          taskId: 'tsk_0000000000000000000000',
          body: 'x',
        })
      ).userErrors[0],
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      (await mutation(server, 'updateTaskComment', { commentId: added.comment.id, body: 'x' }))
        .userErrors[0],
    ).toMatchObject({
      field: ['commentId'],
      code: 'NOT_FOUND',
    });
  });
});
