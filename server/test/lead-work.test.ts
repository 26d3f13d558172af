import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { bootstrapEpic, planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const random = () => randomBytes(4).toString('hex');

interface Claim {
  run: { id: string; task: { id: string } | null } | null;
  leaseVersion: number | null;
}

/**
 * What follows a run and a task through their lives (a run's start, a task paused mid-flight,
 * a plan paused or cancelled), and what leads do: teams, delegation, subtask directives.
 */
describe('pause, resume and the work of leads', () => {
  let server: TestServer;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.owner.workspaceId;
    await ok(server, 'createSkill', { workspaceId, name: 'Go' }, 'skill { id }');
  });
  afterAll(async () => {
    await server.close();
  });

  const newProject = async () =>
    (
      await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/l-${random()}`,
      })
    ).id;
  const register = async (
    projectId: string,
    name: string,
    role: 'LEAD' | 'WORKER' = 'WORKER',
    extra: Record<string, unknown> = {},
  ) =>
    (
      await ok<{ session: { id: string } }>(
        server,
        'registerSession',
        { projectId, role, name, machineId: `m-${random()}`, ...extra },
        'session { id }',
      )
    ).session.id;
  const claim = (sessionId: string) =>
    ok<Claim>(server, 'claimRun', { sessionId }, 'run { id task { id } } leaseVersion');
  /** Moves a plan; an activation also bootstraps its epic, as a daemon would. */
  const setPlan = async (planId: string, status: string) => {
    await ok(server, 'setPlanStatus', { planId, status }, 'plan { status }');
    if (status === 'ACTIVE') await bootstrapEpic(server, planId);
  };
  const setTask = (taskId: string, status: string) =>
    ok(server, 'setTaskStatus', { taskId, status }, 'task { status }');
  const run = (id: string) =>
    server
      .query<
        {
          node: {
            status: string;
            startedAt: string | null;
            resumeAt: string | null;
            exitReason: string | null;
            parentRun: { id: string } | null;
            targetSession: { id: string } | null;
            instructions: Record<string, unknown> | null;
          };
        },
        unknown
      >(
        `query($id: ID!) { node(id: $id) { ... on AgentRun { status startedAt resumeAt exitReason
           parentRun { id } targetSession { id } instructions } } }`,
        { id },
      )
      .then((data) => data.node);
  const task = (id: string) =>
    server
      .query<
        {
          task: {
            status: string;
            parent: { id: string } | null;
            runs: { nodes: { id: string; status: string; purpose: string }[] };
            comments: { nodes: { body: string; authorKind: string }[] };
          };
        },
        unknown
      >(
        `query($id: ID!) { task(id: $id) { status parent { id } runs(first: 20) { nodes { id status purpose } }
           comments(first: 20) { nodes { body authorKind } } } }`,
        { id },
      )
      .then((data) => data.task);
  const events = async (projectId: string, type: string) =>
    (
      await server.query<
        { events: { nodes: { type: string; payload: Record<string, unknown> }[] } },
        unknown
      >('query($p: ID!) { events(projectId: $p, first: 100) { nodes { type payload } } }', {
        p: projectId,
      })
    ).events.nodes.filter((event) => event.type === type);
  /** An active plan of one task, claimed by a fresh session of `role`; its claim and ids. */
  const claimedTask = async (role: 'LEAD' | 'WORKER' = 'WORKER') => {
    const projectId = await newProject();
    const sessionId = await register(projectId, `${role.toLowerCase()}-1`, role);
    const plan = await planWithTasks(server, projectId, 1);
    await setPlan(plan.planId, 'ACTIVE');
    const claimed = await claim(sessionId);
    const runId = claimed.run?.id as string;
    const taskId = plan.taskIds[0] as string;
    return { projectId, sessionId, plan, runId, taskId, leaseVersion: claimed.leaseVersion ?? 0 };
  };

  test("a run's start moves its task to IN_PROGRESS; a released run sends it back to DISPATCHED", async () => {
    const { projectId, sessionId, runId, taskId, leaseVersion } = await claimedTask();
    expect((await task(taskId)).status).toBe('DISPATCHED');
    await ok(server, 'heartbeatRun', { runId, leaseVersion }, 'run { id }');
    expect((await task(taskId)).status).toBe('IN_PROGRESS');
    expect((await run(runId)).startedAt).not.toBeNull();
    await ok(server, 'endSession', { sessionId }, 'session { id }');
    expect((await task(taskId)).status).toBe('DISPATCHED');
    expect((await events(projectId, 'TaskStatusChanged')).map((e) => e.payload)).toEqual([
      { taskId, from: 'DRAFT', to: 'DISPATCHED' },
      { taskId, from: 'DISPATCHED', to: 'IN_PROGRESS', reason: 'its run started', runId },
      { taskId, from: 'IN_PROGRESS', to: 'DISPATCHED', reason: 'its session ended', runId },
    ]);
  });

  test('pausing a task mid-flight cancels its run and fences the session; resuming re-dispatches it clean', async () => {
    const { projectId, sessionId, runId, taskId, leaseVersion } = await claimedTask();
    await ok(server, 'heartbeatRun', { runId, leaseVersion }, 'run { id }');
    await setTask(taskId, 'WAITING_FOR_RESUME');
    expect(await run(runId)).toMatchObject({
      status: 'CANCELLED',
      exitReason: 'the task was paused',
    });
    expect((await events(projectId, 'RunCancelled')).map((e) => e.payload)).toEqual([
      {
        runId,
        purpose: 'EXECUTION',
        taskId,
        planId: expect.any(String),
        sessionId,
        leaseVersion,
        reason: 'the task was paused',
      },
    ]);
    // The session that held it is fenced out: every later call is stale and changes nothing.
    for (const [name, input] of [
      ['heartbeatRun', { runId, leaseVersion }],
      ['appendRunOutput', { runId, leaseVersion, chunks: [{ chunk: 'late' }] }],
      ['completeRun', { runId, leaseVersion }],
    ] as const) {
      const late = await mutation(server, name, input);
      expect(late.userErrors.map((e) => e.code)).toEqual(['STALE_LEASE']);
    }
    expect(await run(runId)).toMatchObject({ status: 'CANCELLED' });

    // Resume: back to DRAFT, and at once dispatched again with a fresh run.
    await setTask(taskId, 'DRAFT');
    const resumed = await task(taskId);
    expect(resumed.status).toBe('DISPATCHED');
    expect(resumed.runs.nodes.map((r) => r.status)).toEqual(['CANCELLED', 'QUEUED']);
    const again = await claim(sessionId);
    expect(again.run?.id).toBe(resumed.runs.nodes[1]?.id);
    expect(again.leaseVersion).toBe(1);
  });

  test('a paused plan holds its queued work and nothing is claimed; resuming releases it', async () => {
    const projectId = await newProject();
    const plan = await planWithTasks(server, projectId, 2);
    await setPlan(plan.planId, 'ACTIVE');
    const [first, second] = plan.taskIds as [string, string];
    const runOf = async (taskId: string) => (await task(taskId)).runs.nodes[0]?.id as string;
    const [a, b] = [await runOf(first), await runOf(second)];

    await setPlan(plan.planId, 'PAUSED');
    expect(await run(a)).toMatchObject({ status: 'PAUSED', resumeAt: null });
    expect((await events(projectId, 'RunPaused')).map((e) => e.payload.reason)).toEqual([
      'the plan is paused',
      'the plan is paused',
    ]);
    const sessionId = await register(projectId, 'eager');
    expect((await claim(sessionId)).run).toBeNull();
    // A run that reaches QUEUED while its plan is paused (a lease lost meanwhile) still waits.
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'QUEUED' WHERE id = $1`,
      [parsePublicIdOf('Run', b)],
    );
    expect((await claim(sessionId)).run).toBeNull();
    // The reaper does not wake a paused plan's runs either.
    await server.studio.services.reaper.tick();
    expect(await run(a)).toMatchObject({ status: 'PAUSED' });

    await setPlan(plan.planId, 'ACTIVE');
    expect(await run(a)).toMatchObject({ status: 'QUEUED' });
    expect((await events(projectId, 'RunResumed')).map((e) => e.payload.runId)).toEqual([a]);
    const claimed = [(await claim(sessionId)).run?.id, (await claim(sessionId)).run?.id];
    expect(claimed.sort()).toEqual([a, b].sort());
  });

  test('cancelling a plan cancels its open runs and its unfinished tasks', async () => {
    const { projectId, plan, runId, taskId } = await claimedTask();
    await setPlan(plan.planId, 'CANCELLED');
    expect(await run(runId)).toMatchObject({
      status: 'CANCELLED',
      exitReason: 'the plan was cancelled',
    });
    expect((await task(taskId)).status).toBe('CANCELLED');
    expect((await events(projectId, 'TaskStatusChanged')).at(-1)?.payload).toEqual({
      taskId,
      from: 'DISPATCHED',
      to: 'CANCELLED',
      reason: 'the plan was cancelled',
    });
  });

  describe('teams', () => {
    const allocate = (sessionId: string, dev: number, review = 0, testers = 0) =>
      mutation<{ team: { id: string; channel: string; workerCount: number } | null }>(
        server,
        'allocateTeam',
        { sessionId, dev, review, test: testers },
        'team { id channel workerCount devWorkers reviewWorkers testWorkers }',
      );

    test('a lead allocates a team, workers join it up to its size, and the cap is a clear error', async () => {
      const projectId = await newProject();
      const lead = await register(projectId, 'lead', 'LEAD');
      const worker = await register(projectId, 'loner');

      const byWorker = await allocate(worker, 1);
      expect(byWorker.userErrors).toEqual([
        {
          code: 'BAD_USER_INPUT',
          field: ['sessionId'],
          message: 'only a LEAD session allocates a team; workers join one',
        },
      ]);
      const tooMany = await allocate(lead, 6, 2, 1);
      expect(tooMany.userErrors[0]).toMatchObject({ code: 'CONFLICT' });
      expect(tooMany.userErrors[0]?.message).toBe(
        'a lead may have at most 8 workers in flight (MAESTRO_LEAD_WORKER_CAP); 9 were asked for (6 dev, 2 review, 1 test)',
      );
      expect((await allocate(lead, 0)).userErrors[0]?.message).toBe(
        'a team needs at least one worker (dev, review or test)',
      );

      const { team } = await allocate(lead, 1, 1);
      expect(team).toMatchObject({
        channel: `private-team.${team?.id}`,
        workerCount: 2,
        devWorkers: 1,
        reviewWorkers: 1,
        testWorkers: 0,
      });
      const teamId = team?.id as string;
      await register(projectId, 'dev-1', 'WORKER', { teamId });
      await register(projectId, 'review-1', 'WORKER', { teamId });
      const full = await mutation(server, 'registerSession', {
        projectId,
        role: 'WORKER',
        name: 'one-too-many',
        machineId: 'm',
        teamId,
      });
      expect(full.userErrors).toEqual([
        {
          code: 'CONFLICT',
          field: ['teamId'],
          message: 'the team is full: 2 of 2 workers are connected',
        },
      ]);
      const leadJoining = await mutation(server, 'registerSession', {
        projectId,
        role: 'LEAD',
        name: 'second-lead',
        machineId: 'm',
        teamId,
      });
      expect(leadJoining.userErrors[0]?.message).toBe(
        'only WORKER sessions join a team; a lead allocates one',
      );
      const elsewhere = await mutation(server, 'registerSession', {
        projectId: await newProject(),
        role: 'WORKER',
        name: 'stranger',
        machineId: 'm',
        teamId,
      });
      expect(elsewhere.userErrors[0]).toMatchObject({
        code: 'NOT_FOUND',
        message: 'teamId: no such team in this project',
      });
      // Shrinking below the connected workers is refused; growing keeps the same team.
      expect((await allocate(lead, 1)).userErrors[0]?.message).toBe(
        '2 workers are connected to the team; end some before shrinking it to 1',
      );
      expect((await allocate(lead, 2, 1, 1)).team?.id).toBe(teamId);

      const sessions = await server.query<
        { node: { sessions: { name: string }[]; lead: { name: string } } },
        unknown
      >('query($id: ID!) { node(id: $id) { ... on Team { sessions { name } lead { name } } } }', {
        id: teamId,
      });
      expect(sessions.node.lead.name).toBe('lead');
      expect(sessions.node.sessions.map((s) => s.name).sort()).toEqual([
        'dev-1',
        'lead',
        'review-1',
      ]);
      expect((await events(projectId, 'TeamAllocated')).map((e) => e.payload.workerCount)).toEqual([
        2, 4,
      ]);
    });

    test("a lead delegates a packet to a worker of its team under its own run's lease", async () => {
      const { projectId, sessionId: lead, runId, taskId, leaseVersion } = await claimedTask('LEAD');
      await ok(server, 'heartbeatRun', { runId, leaseVersion }, 'run { id }');
      const { team } = await allocate(lead, 3);
      const worker = await register(projectId, 'dev-1', 'WORKER', { teamId: team?.id });
      const outsider = await register(projectId, 'outsider');
      const packet = { title: 'Write the parser tests', instructions: 'Cover every error.' };
      const delegate = (input: Record<string, unknown>) =>
        mutation<{ run: { id: string } | null }>(
          server,
          'delegateRun',
          { runId, leaseVersion, workerSessionId: worker, packet, ...input },
          'run { id }',
        );

      expect((await delegate({ workerSessionId: outsider })).userErrors[0]).toMatchObject({
        code: 'CONFLICT',
        field: ['workerSessionId'],
      });
      expect((await delegate({ leaseVersion: leaseVersion + 1 })).userErrors[0]?.code).toBe(
        'STALE_LEASE',
      );
      expect(
        (await delegate({ packet: { title: 'x', instructions: '  ' } })).userErrors[0],
      ).toMatchObject({ field: ['packet.instructions'] });

      const delegated = (await delegate({})).run?.id as string;
      expect(await run(delegated)).toMatchObject({
        status: 'QUEUED',
        parentRun: { id: runId },
        targetSession: { id: worker },
        instructions: {
          kind: 'delegation',
          title: packet.title,
          instructions: packet.instructions,
          role: 'DEV',
          leadSessionId: lead,
        },
      });
      expect((await events(projectId, 'RunDelegated')).map((e) => e.payload)).toEqual([
        {
          runId: delegated,
          parentRunId: runId,
          taskId,
          leadSessionId: lead,
          workerSessionId: worker,
          teamId: team?.id,
          title: packet.title,
          role: 'DEV',
        },
      ]);
      // The worker claims it; its start moves nothing (the lead's run holds the task).
      const claimed = await claim(worker);
      expect(claimed.run?.id).toBe(delegated);
      await ok(server, 'heartbeatRun', { runId: delegated, leaseVersion: 1 }, 'run { id }');
      expect((await task(taskId)).status).toBe('IN_PROGRESS');

      // The cap counts the lead's open delegated runs.
      for (let i = 1; i < 8; i++) expect((await delegate({})).userErrors).toEqual([]);
      expect((await delegate({})).userErrors[0]?.message).toBe(
        'the lead has 8 delegated runs in flight, its cap (MAESTRO_LEAD_WORKER_CAP is 8); wait for one to finish',
      );
      // Pausing the task cancels the lead's run and every delegated one.
      await setTask(taskId, 'WAITING_FOR_RESUME');
      const runs = (await task(taskId)).runs.nodes;
      expect(runs).toHaveLength(9);
      expect(new Set(runs.map((r) => r.status))).toEqual(new Set(['CANCELLED']));
    });
  });

  describe('subtask directives', () => {
    const post = (runId: string, leaseVersion: number, directive: string) =>
      mutation<{
        outcome: string | null;
        task: { id: string; title: string; estimateMinutes: number | null } | null;
        run: { id: string; purpose: string; instructions: Record<string, unknown> } | null;
        comment: { body: string } | null;
        problem: string | null;
      }>(
        server,
        'postSubtask',
        { runId, leaseVersion, directive },
        'outcome problem task { id title estimateMinutes } run { id purpose instructions } comment { body }',
      );

    test('a directive creates a child task of the running task, which enters the graph', async () => {
      const { runId, taskId, plan, leaseVersion } = await claimedTask();
      await ok(
        server,
        'updateTask',
        { taskId, skills: ['go'], requiredProficiency: 4 },
        'task { id }',
      );
      const posted = await post(
        runId,
        leaseVersion,
        'MAESTRO:SUBTASK{"title": "Extract the lexer", "estimated_minutes": 30, "depends_on": ["Task 1"]}',
      );
      expect(posted).toMatchObject({
        outcome: 'CHILD_TASK',
        problem: null,
        task: { title: 'Extract the lexer', estimateMinutes: 30 },
        userErrors: [],
      });
      const child = await server.query<
        {
          task: {
            parent: { id: string };
            phase: { id: string };
            status: string;
            requiredProficiency: number;
            skills: { slug: string }[];
            dependsOn: { id: string }[];
          };
        },
        unknown
      >(
        'query($id: ID!) { task(id: $id) { parent { id } phase { id } status requiredProficiency skills { slug } dependsOn { id } } }',
        { id: posted.task?.id },
      );
      expect(child.task).toMatchObject({
        parent: { id: taskId },
        phase: { id: plan.phaseId },
        // It waits for its dependency, the running task itself.
        status: 'DRAFT',
        requiredProficiency: 4,
        skills: [{ slug: 'go' }],
        dependsOn: [{ id: taskId }],
      });
    });

    test('"replan": true queues a REFINE run for the plan with the directive', async () => {
      const { runId, leaseVersion, taskId } = await claimedTask();
      const posted = await post(
        runId,
        leaseVersion,
        '{"title": "Rethink storage", "replan": true}',
      );
      expect(posted.outcome).toBe('REPLAN');
      expect(posted.run).toMatchObject({
        purpose: 'REFINE',
        instructions: {
          kind: 'replan',
          fromRunId: runId,
          fromTaskId: taskId,
          directive: { title: 'Rethink storage', replan: true },
        },
      });
    });

    test('a malformed directive becomes a comment on the task, never an error', async () => {
      const { runId, leaseVersion, taskId } = await claimedTask();
      const cases: Array<[string, string]> = [
        ['MAESTRO:SUBTASK{"title": ', 'the directive is not valid JSON'],
        ['["title"]', 'the directive must be a JSON object'],
        ['{"description": "no title"}', '"title" is required'],
        ['{"title": "x", "colour": "red"}', 'unknown field(s) "colour"'],
        ['{"title": "x", "skills": ["cobol"]}', 'no skill "cobol" in this workspace'],
        ['{"title": "x", "dependsOn": ["Nothing like it"]}', 'no task titled "Nothing like it"'],
        ['{"title": "x", "requiredProficiency": "guru"}', 'is not a proficiency'],
      ];
      for (const [directive, problem] of cases) {
        const posted = await post(runId, leaseVersion, directive);
        expect([directive, posted.outcome, posted.userErrors]).toEqual([directive, 'COMMENT', []]);
        expect(posted.problem).toContain(problem);
        expect(posted.comment?.body).toContain(problem);
      }
      const after = await task(taskId);
      expect(after.comments.nodes).toHaveLength(cases.length);
      expect(after.comments.nodes.every((c) => c.authorKind === 'SYSTEM')).toBe(true);
      // Nothing else was written: no child task slipped in before a later check failed.
      const children = await server.query<{ task: { children: { id: string }[] } }, unknown>(
        'query($id: ID!) { task(id: $id) { children { id } } }',
        { id: taskId },
      );
      expect(children.task.children).toEqual([]);
    });

    test('a directive under a stale lease is STALE_LEASE and writes nothing', async () => {
      const { runId, leaseVersion, taskId } = await claimedTask();
      const posted = await post(runId, leaseVersion + 1, '{"title": "too late"}');
      expect(posted.outcome).toBeNull();
      expect(posted.userErrors.map((e) => e.code)).toEqual(['STALE_LEASE']);
      expect((await task(taskId)).comments.nodes).toEqual([]);
    });
  });

  test('members are ranked for assigning a task by the sessions’ rule', async () => {
    const projectId = await newProject();
    const plan = await planWithTasks(server, projectId, 1);
    const taskId = plan.taskIds[0] as string;
    await ok(
      server,
      'updateTask',
      { taskId, skills: ['go'], requiredProficiency: 3 },
      'task { id }',
    );
    const strong = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    const able = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    const watcher = await addMember(server, workspaceId, MemberRole.VIEWER);
    const setSkill = (memberId: string, proficiency: number) =>
      ok(server, 'setMemberSkill', { memberId, skill: 'go', proficiency }, 'member { id }');
    await setSkill(strong.memberId, 5);
    await setSkill(able.memberId, 3);
    await setSkill(watcher.memberId, 5);
    const ranking = await server.query<
      {
        assignmentCandidates: {
          rule: string;
          candidates: {
            member: { id: string };
            eligible: boolean;
            score: number | null;
            rank: number | null;
            note: string;
          }[];
        };
      },
      unknown
    >(
      'query($t: ID!) { assignmentCandidates(taskId: $t) { rule candidates { member { id } eligible score rank note } } }',
      { t: taskId },
    );
    const { candidates, rule } = ranking.assignmentCandidates;
    expect(rule).toContain('fewest tasks in flight first');
    const byMember = new Map(candidates.map((c) => [c.member.id, c]));
    expect(byMember.get(strong.memberId)).toMatchObject({ eligible: true, score: 5, rank: 1 });
    expect(byMember.get(able.memberId)).toMatchObject({ eligible: true, score: 3, rank: 2 });
    // Viewers do not run tasks; the owner holds no Go skill.
    expect(byMember.has(watcher.memberId)).toBe(false);
    expect(candidates.at(-1)).toMatchObject({
      eligible: false,
      rank: null,
      note: 'lacks 1 skill(s) at proficiency 3',
    });
  });
});
