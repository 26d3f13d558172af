import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Run {
  id: string;
  purpose: string;
  attempt: number;
  model: string | null;
  instructions: Record<string, unknown> | null;
  targetSession: { name: string } | null;
  task: { id: string } | null;
}
type Lease = { runId: string; leaseVersion: number };

const RUN = 'id purpose attempt model instructions targetSession { name } task { id }';

/**
 * The review loop's rules, driven through the API as a daemon would, without git (the git side
 * is delivery.test.ts): revisions and their cap, failures and attempts, attended work, operator
 * actions, the reviewer setting, pauses.
 */
describe('delivery rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const newProject = async () =>
    (
      await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: `https://github.com/acme/r-${randomBytes(4).toString('hex')}`,
      })
    ).id;
  const session = async (projectId: string, name: string, provider = 'claude') =>
    (
      await ok<{ session: { id: string } }>(
        server,
        'registerSession',
        {
          projectId,
          role: 'WORKER',
          name,
          machineId: `m-${name}-${randomBytes(3).toString('hex')}`,
          provider,
        },
        'session { id }',
      )
    ).session.id;
  /** Claims the next run for the session; it must have one. */
  const claim = async (
    sessionId: string,
    purpose?: string,
  ): Promise<{ run: Run; lease: Lease }> => {
    const claimed = await ok<{ run: Run | null; leaseVersion: number | null }>(
      server,
      'claimRun',
      { sessionId },
      `run { ${RUN} } leaseVersion`,
    );
    if (!claimed.run || claimed.leaseVersion === null) throw new Error('no run to claim');
    if (purpose) expect(claimed.run.purpose).toBe(purpose);
    return {
      run: claimed.run,
      lease: { runId: claimed.run.id, leaseVersion: claimed.leaseVersion },
    };
  };
  const nothingFor = async (sessionId: string) =>
    expect(
      (await ok<{ run: Run | null }>(server, 'claimRun', { sessionId }, 'run { id purpose }')).run,
    ).toBeNull();
  const complete = (lease: Lease, extra: Record<string, unknown> = {}) =>
    ok(server, 'completeRun', { ...lease, ...extra }, 'run { status }');
  const review = async (sessionId: string, verdict: string) => {
    const { lease } = await claim(sessionId, 'REVIEW');
    await ok(
      server,
      'appendRunOutput',
      { ...lease, chunks: [{ chunk: `${verdict}\n` }] },
      'lastSeq',
    );
    await complete(lease);
  };
  const taskState = async (taskId: string) =>
    (
      await server.query<
        {
          task: {
            status: string;
            revisionCount: number;
            reviewApprovedAt: string | null;
            comments: { nodes: { body: string; authorKind: string }[] };
            runs: { nodes: Run[] };
          };
        },
        unknown
      >(
        `query($id: ID!) { task(id: $id) { status revisionCount reviewApprovedAt
           comments(first: 20) { nodes { body authorKind } } runs(first: 20) { nodes { ${RUN} } } } }`,
        { id: taskId },
      )
    ).task;
  /** A plan of one task, active, its epic bootstrapped by `sessionId`, its task claimed. */
  const started = async (projectId: string, sessionId: string) => {
    const plan = await planWithTasks(server, projectId, 1);
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    await complete((await claim(sessionId, 'BOOTSTRAP_EPIC')).lease);
    return { plan, taskId: plan.taskIds[0] as string };
  };
  const eventsOf = (projectId: string, type: string) =>
    server.studio.database.dataSource.query<{ payload: Record<string, unknown> }[]>(
      'SELECT payload FROM event WHERE project_id = $1 AND type = $2 ORDER BY seq',
      [parsePublicIdOf('Project', projectId), type],
    );

  test('each rejection is a comment and a revision on the same branch; the third sends the task to an operator, who rejects by hand', async () => {
    const projectId = await newProject();
    const bot = await session(projectId, 'bot');
    const { taskId } = await started(projectId, bot);
    for (let revision = 1; revision <= 3; revision++) {
      const work = await claim(bot, 'EXECUTION');
      if (revision > 1) {
        expect(work.run.instructions).toEqual({
          kind: 'REVISION',
          revision: revision - 1,
          review: `fix ${revision - 1}`,
        });
      }
      await complete(work.lease);
      expect((await taskState(taskId)).status).toBe('AWAITING_REVIEW');
      await review(bot, `VERDICT: REJECTED — fix ${revision}`);
    }
    const task = await taskState(taskId);
    expect(task).toMatchObject({ status: 'NEEDS_OPERATOR', revisionCount: 3 });
    expect(task.comments.nodes.map((c) => [c.authorKind, c.body])).toEqual([
      ['SYSTEM', 'Review rejected (revision 1 of 3): fix 1'],
      ['SYSTEM', 'Review rejected (revision 2 of 3): fix 2'],
      ['SYSTEM', 'Review rejected (revision 3 of 3): fix 3'],
    ]);
    await nothingFor(bot);

    const blank = await mutation(server, 'rejectTask', { taskId, reason: '' });
    expect(blank.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: ['reason'] });
    const rejected = await ok<{ task: { status: string; revisionCount: number } }>(
      server,
      'rejectTask',
      { taskId, reason: 'split the module first' },
      'task { status revisionCount }',
    );
    expect(rejected.task).toEqual({ status: 'DISPATCHED', revisionCount: 4 });
    const again = await claim(bot, 'EXECUTION');
    expect(again.run.instructions).toEqual({
      kind: 'REVISION',
      revision: 4,
      review: 'split the module first',
    });
    // Only tasks awaiting review or an operator are rejected by hand.
    const busy = await mutation(server, 'rejectTask', { taskId, reason: 'again' });
    expect(busy.userErrors[0]).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('the task is dispatched'),
    });
    await complete(again.lease);
    await review(bot, 'VERDICT: APPROVED');
    await complete((await claim(bot, 'MERGE')).lease);
    expect((await claim(bot, 'RELEASE')).run.purpose).toBe('RELEASE');
  });

  test('a failing run is retried up to three attempts, then waits for an operator; re-opening starts clean', async () => {
    const projectId = await newProject();
    const bot = await session(projectId, 'bot');
    const { taskId } = await started(projectId, bot);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { run, lease } = await claim(bot, 'EXECUTION');
      expect(run.attempt).toBe(attempt);
      await ok(server, 'heartbeatRun', lease, 'run { status }');
      const notMerge = await mutation(server, 'failRun', {
        ...lease,
        reason: 'x',
        conflictFiles: ['a.ts'],
      });
      expect(notMerge.userErrors[0]).toMatchObject({ field: ['conflictFiles'] });
      await ok(
        server,
        'failRun',
        { ...lease, reason: `boom ${attempt}`, exitCode: 1 },
        'run { status }',
      );
      if (attempt < 3) expect((await taskState(taskId)).status).toBe('DISPATCHED');
    }
    const failed = await taskState(taskId);
    expect(failed.status).toBe('NEEDS_OPERATOR');
    const changes = await eventsOf(projectId, 'TaskStatusChanged');
    expect(changes.at(-1)?.payload).toMatchObject({
      to: 'NEEDS_OPERATOR',
      reason: 'its EXECUTION run failed 3 times; last: boom 3',
    });
    // An EXECUTION run is not retried by hand: the task is re-opened.
    const retry = await mutation(server, 'retryRun', { runId: failed.runs.nodes[0]?.id });
    expect(retry.userErrors[0]?.message).toContain('re-opening its task');
    await ok(
      server,
      'setTaskStatus',
      { taskId, status: 'DRAFT', reason: 'the flaky test is fixed' },
      'task { status }',
    );
    const fresh = await claim(bot, 'EXECUTION');
    expect(fresh.run.attempt).toBe(1);
    expect((await taskState(taskId)).revisionCount).toBe(0);
  });

  test('attended work waits for a review by hand; approving it queues the merge, and a second approval is refused', async () => {
    const projectId = await newProject();
    const bot = await session(projectId, 'bot');
    const { taskId } = await started(projectId, bot);
    await complete((await claim(bot, 'EXECUTION')).lease, { attended: true });
    expect((await taskState(taskId)).status).toBe('AWAITING_REVIEW');
    await nothingFor(bot);
    const changes = await eventsOf(projectId, 'TaskStatusChanged');
    expect(changes.at(-1)?.payload.reason).toBe(
      'a person completed the work; it waits for a review by hand',
    );
    await ok(server, 'approveTask', { taskId, reason: 'paired on it' }, 'task { id }');
    await complete((await claim(bot, 'MERGE')).lease);
    expect((await taskState(taskId)).status).toBe('MERGED');
    const late = await mutation(server, 'approveTask', { taskId, reason: 'again' });
    expect(late.userErrors[0]).toMatchObject({ code: 'CONFLICT' });
  });

  test('a bootstrap that keeps failing stalls the plan until an operator retries it', async () => {
    const projectId = await newProject();
    const bot = await session(projectId, 'bot');
    const plan = await planWithTasks(server, projectId, 1);
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    let last = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { run, lease } = await claim(bot, 'BOOTSTRAP_EPIC');
      last = run.id;
      await ok(server, 'failRun', { ...lease, reason: 'remote rejected the push' }, 'run { id }');
    }
    await nothingFor(bot);
    expect((await eventsOf(projectId, 'DeliveryStalled')).map((e) => e.payload)).toEqual([
      expect.objectContaining({ purpose: 'BOOTSTRAP_EPIC', runId: last }),
    ]);
    const pending = await mutation(server, 'retryRun', { runId: 'run_0000000000000000000000' });
    expect(pending.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['runId'] });
    const retried = await ok<{ run: { purpose: string; attempt: number } }>(
      server,
      'retryRun',
      { runId: last },
      'run { purpose attempt }',
    );
    expect(retried.run).toEqual({ purpose: 'BOOTSTRAP_EPIC', attempt: 1 });
    const twice = await mutation(server, 'retryRun', { runId: last });
    expect(twice.userErrors[0]?.message).toContain('already queued or running');
    await complete((await claim(bot, 'BOOTSTRAP_EPIC')).lease);
    expect((await claim(bot, 'EXECUTION')).run.task?.id).toBe(plan.taskIds[0]);
    const succeeded = await mutation(server, 'retryRun', { runId: last });
    expect(succeeded.userErrors[0]?.message).toContain('a later BOOTSTRAP_EPIC run succeeded');
  });

  test('reviews go to the project’s reviewer provider and model; a paused plan reviews nothing until resumed', async () => {
    const projectId = await newProject();
    const bad = await mutation(server, 'updateProject', {
      projectId,
      reviewerProvider: 'Not A Provider',
    });
    expect(bad.userErrors[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['reviewerProvider'],
    });
    await ok(
      server,
      'updateProject',
      { projectId, reviewerProvider: 'codex', reviewerModel: 'gpt-5-mini' },
      'project { id }',
    );
    const dev = await session(projectId, 'dev', 'claude');
    const { plan, taskId } = await started(projectId, dev);
    const work = await claim(dev, 'EXECUTION');
    const reviewer = await session(projectId, 'reviewer', 'codex');
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'PAUSED' }, 'plan { status }');
    await complete(work.lease);
    expect((await taskState(taskId)).status).toBe('AWAITING_REVIEW');
    await nothingFor(reviewer);
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    const { run } = await claim(reviewer, 'REVIEW');
    expect(run).toMatchObject({
      model: 'gpt-5-mini',
      instructions: { provider: 'codex' },
      targetSession: { name: 'reviewer' },
    });
  });
});
