import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import { Reaper, REAPER_LOCK_KEY, type ReapResult } from '../src/domain/dispatch/reaper.js';
import { TaskStatus } from '../src/domain/task/task-lifecycle.js';
import { addSession, queueRun } from './support/agents.js';
import { DATABASE_URL, testLogger } from './support/environment.js';
import { forceTaskStatus, planWithTasks } from './support/plans.js';
import { ok } from './support/mutations.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Event {
  type: string;
  payload: Record<string, unknown>;
}

interface RunView {
  status: string;
  attempt: number;
  leaseVersion: number;
  exitReason: string | null;
  finishedAt: string | null;
  session: { id: string } | null;
  targetSession: { id: string } | null;
}

// Tests that hold a lock in one transaction while a pass runs in another need two
// connections; the embedded PGlite has one (a second transaction waits for the first).
const onPostgres = DATABASE_URL ? test : test.skip;
const needsPostgres = DATABASE_URL ? '' : ' (skipped: needs DATABASE_URL; .ci/run sets it)';

describe('the reaper', () => {
  let server: TestServer;
  let reaper: Reaper;

  const reaperOf = (replica: TestServer) =>
    new Reaper({
      transactions: replica.studio.services.transactions,
      events: replica.studio.services.events,
      logger: testLogger(),
    });

  beforeAll(async () => {
    server = await startTestServer();
    reaper = reaperOf(server);
  });
  afterAll(async () => {
    await reaper?.stop();
    await server?.close();
  });

  const key = (id: string) => {
    const uuid = parsePublicIdOf('Run', id) ?? parsePublicIdOf('AgentSession', id);
    if (!uuid) throw new Error(`not a run or session id: ${id}`);
    return uuid;
  };

  /** A project with a live session and `count` queued runs (of one task when given). */
  async function setup(count = 1, taskId?: (project: string) => Promise<string>) {
    const project = await server.factory.project();
    const session = await addSession(server, project.id);
    const task = taskId ? await taskId(project.id) : undefined;
    const runs: string[] = [];
    for (let i = 0; i < count; i++) {
      const run = await queueRun(server, {
        projectId: project.id,
        ...(task ? { taskId: task } : {}),
        targetSessionId: session,
      });
      runs.push(toPublicId('Run', run.id));
    }
    return { projectId: project.id, session, runs, taskId: task };
  }

  /** What a claim and a silent daemon leave: CLAIMED by `session` under a lease in the past. */
  async function claimAndExpire(runId: string, session: string, expiresInMs = -1_000) {
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'CLAIMED', session_id = $2, lease_version = lease_version + 1,
              lease_expires_at = now() + make_interval(secs => $3)
        WHERE id = $1`,
      [key(runId), key(session), expiresInMs / 1000],
    );
  }

  async function run(id: string): Promise<RunView> {
    const data = await server.query<{ run: RunView }, unknown>(
      `query($id: ID!) { run(id: $id) {
        status attempt leaseVersion exitReason finishedAt session { id } targetSession { id }
      } }`,
      { id },
    );
    return data.run;
  }

  async function events(projectId: string, type: string): Promise<Event[]> {
    const data = await server.query<{ events: { nodes: Event[] } }, unknown>(
      'query($p: ID!) { events(projectId: $p, first: 100) { nodes { type payload } } }',
      { p: projectId },
    );
    return data.events.nodes.filter((event) => event.type === type);
  }

  test('an expired lease goes back to the queue with attempt + 1 and a RunLeaseExpired event', async () => {
    const { projectId, session, runs } = await setup();
    const [id] = runs as [string];
    await claimAndExpire(id, session);

    const result = await reaper.tick();

    expect(result.ran).toBe(true);
    expect(result.requeued).toEqual([key(id)]);
    expect(result.exhausted).toEqual([]);
    // Back in the queue for any eligible session; the lease version stays, the next claim
    // increments it and so fences the session that lost it.
    expect(await run(id)).toEqual({
      status: 'QUEUED',
      attempt: 2,
      leaseVersion: 1,
      exitReason: null,
      finishedAt: null,
      session: null,
      targetSession: null,
    });
    expect((await events(projectId, 'RunLeaseExpired')).map((e) => e.payload)).toEqual([
      {
        runId: id,
        purpose: 'EXECUTION',
        attempt: 2,
        leaseVersion: 1,
        previousSessionId: session,
      },
    ]);
  });

  test('a lease that has not expired, and a queued run, are left alone', async () => {
    const { projectId, session, runs } = await setup(2);
    const [held, queued] = runs as [string, string];
    await claimAndExpire(held, session, 60 * 60_000);

    const result = await reaper.tick();

    expect(result.ran).toBe(true);
    expect(result.requeued).not.toContain(key(held));
    expect(result.requeued).not.toContain(key(queued));
    expect(await run(held)).toMatchObject({
      status: 'CLAIMED',
      attempt: 1,
      session: { id: session },
    });
    expect(await run(queued)).toMatchObject({ status: 'QUEUED', attempt: 1 });
    expect(await events(projectId, 'RunLeaseExpired')).toEqual([]);
  });

  test('the third expiry fails the run and sends its task in flight to an operator, with the reason', async () => {
    const { projectId, session, runs, taskId } = await setup(1, async (project) => {
      const { taskIds } = await planWithTasks(server, project, 1);
      const id = taskIds[0] as string;
      await forceTaskStatus(server, id, TaskStatus.IN_PROGRESS);
      return id;
    });
    const [id] = runs as [string];

    for (const attempt of [1, 2]) {
      await claimAndExpire(id, session);
      expect((await reaper.tick()).requeued).toEqual([key(id)]);
      expect(await run(id)).toMatchObject({ status: 'QUEUED', attempt: attempt + 1 });
    }
    await claimAndExpire(id, session);
    const result = await reaper.tick();

    expect(result.requeued).toEqual([]);
    expect(result.exhausted).toEqual([key(id)]);
    const failed = await run(id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      attempt: 3,
      leaseVersion: 3,
      exitReason: 'lease expired after 3 attempts',
      session: { id: session },
    });
    expect(failed.finishedAt).not.toBeNull();
    const task = await server.query<{ task: { status: string } }, unknown>(
      'query($id: ID!) { task(id: $id) { status } }',
      { id: taskId },
    );
    expect(task.task.status).toBe('NEEDS_OPERATOR');

    expect((await events(projectId, 'RunLeaseExpired')).map((e) => e.payload.attempt)).toEqual([
      2, 3,
    ]);
    expect((await events(projectId, 'RunFailed')).map((e) => e.payload)).toEqual([
      {
        runId: id,
        purpose: 'EXECUTION',
        taskId,
        leaseVersion: 3,
        exitCode: null,
        reason: 'lease expired after 3 attempts',
        tokensIn: 0,
        tokensOut: 0,
      },
    ]);
    // The first expiry sent the task back to DISPATCHED with its run; nothing started it since.
    expect((await events(projectId, 'TaskStatusChanged')).map((e) => e.payload)).toEqual([
      {
        taskId,
        from: 'IN_PROGRESS',
        to: 'DISPATCHED',
        reason: 'its run lost its lease and is queued again',
        runId: id,
      },
      {
        taskId,
        from: 'DISPATCHED',
        to: 'NEEDS_OPERATOR',
        reason: `its EXECUTION run ${id} lost its lease 3 times (last on session ${session})`,
      },
    ]);
  });

  test("a task sent to an operator has its other open runs cancelled, as Studio's hooks do for any such task", async () => {
    const { projectId, session, runs, taskId } = await setup(2, async (project) => {
      const { taskIds } = await planWithTasks(server, project, 1);
      const id = taskIds[0] as string;
      await forceTaskStatus(server, id, TaskStatus.IN_PROGRESS);
      return id;
    });
    const [lead, other] = runs as [string, string];
    await server.studio.database.dataSource.query(
      'UPDATE agent_run SET attempt = 3 WHERE id = $1',
      [key(lead)],
    );
    await claimAndExpire(lead, session);

    // Studio's own reaper, wired to the work hooks (not started in tests: ticked here)
    expect((await server.studio.services.reaper.tick()).exhausted).toEqual([key(lead)]);

    expect(await run(lead)).toMatchObject({ status: 'FAILED' });
    const task = await server.query<{ task: { status: string } }, unknown>(
      'query($id: ID!) { task(id: $id) { status } }',
      { id: taskId },
    );
    expect(task.task.status).toBe('NEEDS_OPERATOR');
    const cancelled = await run(other);
    expect(cancelled).toMatchObject({ status: 'CANCELLED' });
    expect(cancelled.exitReason).toContain('the task needs an operator');
    expect((await events(projectId, 'RunCancelled')).map((e) => e.payload.runId)).toEqual([other]);
  });

  test('a run out of attempts whose task is no longer in flight fails and leaves the task be', async () => {
    const { projectId, session, runs, taskId } = await setup(1, async (project) => {
      const { taskIds } = await planWithTasks(server, project, 1);
      return taskIds[0] as string;
    });
    const [id] = runs as [string];
    await server.studio.database.dataSource.query(
      'UPDATE agent_run SET attempt = 3 WHERE id = $1',
      [key(id)],
    );
    await forceTaskStatus(server, taskId as string, TaskStatus.CANCELLED);
    await claimAndExpire(id, session);

    expect((await reaper.tick()).exhausted).toEqual([key(id)]);

    expect(await run(id)).toMatchObject({ status: 'FAILED' });
    const task = await server.query<{ task: { status: string } }, unknown>(
      'query($id: ID!) { task(id: $id) { status } }',
      { id: taskId },
    );
    expect(task.task.status).toBe('CANCELLED');
    expect(await events(projectId, 'RunFailed')).toHaveLength(1);
    expect(await events(projectId, 'TaskStatusChanged')).toEqual([]);
  });

  test('a plan’s bootstrap out of attempts stalls its delivery (DeliveryStalled) for an operator', async () => {
    const project = await server.factory.project();
    const session = await addSession(server, project.id);
    const { planId } = await planWithTasks(server, project.id, 1);
    await ok(server, 'setPlanStatus', { planId, status: 'ACTIVE' }, 'plan { status }');
    const [bootstrap] = await server.studio.database.dataSource.query<{ id: string }[]>(
      `SELECT id FROM agent_run WHERE plan_id = $1 AND purpose = 'BOOTSTRAP_EPIC'`,
      [parsePublicIdOf('Plan', planId)],
    );
    const id = toPublicId('Run', (bootstrap as { id: string }).id);
    await server.studio.database.dataSource.query(
      'UPDATE agent_run SET attempt = 3 WHERE id = $1',
      [key(id)],
    );
    await claimAndExpire(id, session);

    expect((await reaper.tick()).exhausted).toEqual([key(id)]);
    expect((await events(project.id, 'DeliveryStalled')).map((e) => e.payload)).toEqual([
      {
        planId,
        runId: id,
        purpose: 'BOOTSTRAP_EPIC',
        reason: 'its BOOTSTRAP_EPIC run lease expired after 3 attempts',
      },
    ]);
  });

  test('a session without a heartbeat for 90 s is ended with a SessionTimedOut event', async () => {
    const project = await server.factory.project();
    const dead = await addSession(server, project.id, { heartbeatAgoMs: 120_000 });
    const alive = await addSession(server, project.id, { heartbeatAgoMs: 30_000 });
    const ended = await addSession(server, project.id, { heartbeatAgoMs: 300_000, ended: true });

    const result = await reaper.tick();

    expect(result.sessionsTimedOut).toContain(key(dead));
    expect(result.sessionsTimedOut).not.toContain(key(alive));
    expect(result.sessionsTimedOut).not.toContain(key(ended));
    const sessions = await server.query<
      { [k: string]: { endedAt: string | null; alive: boolean; lastHeartbeatAt: string } },
      unknown
    >(
      `query($dead: ID!, $alive: ID!) {
        dead: session(id: $dead) { endedAt alive lastHeartbeatAt }
        alive: session(id: $alive) { endedAt alive lastHeartbeatAt }
      }`,
      { dead, alive },
    );
    expect(sessions.dead?.endedAt).not.toBeNull();
    expect(sessions.alive).toMatchObject({ endedAt: null, alive: true });
    expect((await events(project.id, 'SessionTimedOut')).map((e) => e.payload)).toEqual([
      { sessionId: dead, lastHeartbeatAt: sessions.dead?.lastHeartbeatAt },
    ]);
  });

  test('two replicas reaping at once requeue each expired run exactly once', async () => {
    const database = await server.testDatabase?.openAnother();
    if (!database) throw new Error('the test server has no database of its own');
    const replica = await startTestServer({ database });
    const second = reaperOf(replica);
    try {
      const { projectId, session, runs } = await setup(20);
      for (const id of runs) await claimAndExpire(id, session);

      const rounds: ReapResult[] = [];
      for (let round = 0; round < 3; round++) {
        rounds.push(...(await Promise.all([reaper.tick(), second.tick()])));
      }

      // Whoever went second found the reaper lock taken (PostgreSQL, when the passes overlap)
      // or the leases already renewed (always on PGlite, whose one connection serializes them).
      expect(rounds.slice(0, 2).map((result) => result.requeued.length)).toEqual(
        expect.arrayContaining([0, 20]),
      );
      expect(rounds.slice(2).flatMap((result) => result.requeued)).toEqual([]);
      const requeued = rounds.flatMap((result) => result.requeued);
      expect([...requeued].sort()).toEqual(runs.map(key).sort());
      for (const id of runs) expect(await run(id)).toMatchObject({ status: 'QUEUED', attempt: 2 });
      const expired = (
        await server.studio.services.events.list(
          parsePublicIdOf('Project', projectId) ?? '',
          0,
          500,
        )
      ).events.filter((event) => event.type === 'RunLeaseExpired');
      expect(expired.map((event) => event.payload.runId as string).sort()).toEqual(
        [...runs].sort(),
      );
    } finally {
      await second.stop();
      await replica.close();
    }
  });

  onPostgres(
    `while another replica holds the reaper lock, a pass does nothing${needsPostgres}`,
    async () => {
      const { session, runs } = await setup();
      const [id] = runs as [string];
      await claimAndExpire(id, session);
      const other = server.studio.database.dataSource.createQueryRunner();
      await other.connect();
      try {
        await other.startTransaction();
        await other.query('SELECT pg_advisory_xact_lock($1)', [REAPER_LOCK_KEY]);

        const skipped = await reaper.tick();
        expect(skipped).toEqual({
          ran: false,
          requeued: [],
          exhausted: [],
          deferred: [],
          sessionsTimedOut: [],
          resumed: [],
        });
        expect(await run(id)).toMatchObject({ status: 'CLAIMED', attempt: 1 });

        await other.rollbackTransaction();
        expect((await reaper.tick()).requeued).toEqual([key(id)]);
      } finally {
        await other.release();
      }
    },
  );

  onPostgres(
    `a run a completion has locked is skipped, not waited for${needsPostgres}`,
    async () => {
      const { session, runs } = await setup(2);
      const [racing, idle] = runs as [string, string];
      for (const id of runs) await claimAndExpire(id, session);
      const completion = server.studio.database.dataSource.createQueryRunner();
      await completion.connect();
      try {
        await completion.startTransaction();
        await completion.query('SELECT id FROM agent_run WHERE id = $1 FOR UPDATE', [key(racing)]);

        const result = await reaper.tick();
        expect(result.requeued).toEqual([key(idle)]);

        // The completion commits under its lease; the reaper has nothing left to do with it.
        await completion.query(
          `UPDATE agent_run SET status = 'SUCCEEDED', finished_at = now(), lease_expires_at = NULL
          WHERE id = $1`,
          [key(racing)],
        );
        await completion.commitTransaction();
        expect((await reaper.tick()).requeued).toEqual([]);
        expect(await run(racing)).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
      } finally {
        await completion.release();
      }
    },
  );

  onPostgres(
    `a run out of attempts waits for the next pass while its plan is locked${needsPostgres}`,
    async () => {
      const { session, runs, taskId } = await setup(1, async (project) => {
        const { taskIds } = await planWithTasks(server, project, 1);
        const id = taskIds[0] as string;
        await forceTaskStatus(server, id, TaskStatus.DISPATCHED);
        return id;
      });
      const [id] = runs as [string];
      const taskKey = parsePublicIdOf('Task', taskId as string) as string;
      await server.studio.database.dataSource.query(
        'UPDATE agent_run SET attempt = 3 WHERE id = $1',
        [key(id)],
      );
      await claimAndExpire(id, session);
      const editor = server.studio.database.dataSource.createQueryRunner();
      await editor.connect();
      try {
        await editor.startTransaction();
        await editor.query(
          'SELECT p.id FROM plan p JOIN task t ON t.plan_id = p.id WHERE t.id = $1 FOR UPDATE OF p',
          [taskKey],
        );

        const waiting = await reaper.tick();
        expect(waiting.deferred).toEqual([key(id)]);
        expect(waiting.exhausted).toEqual([]);
        expect(await run(id)).toMatchObject({ status: 'CLAIMED' });

        await editor.commitTransaction();
        expect((await reaper.tick()).exhausted).toEqual([key(id)]);
        const task = await server.query<{ task: { status: string } }, unknown>(
          'query($id: ID!) { task(id: $id) { status } }',
          { id: taskId },
        );
        expect(task.task.status).toBe('NEEDS_OPERATOR');
      } finally {
        await editor.release();
      }
    },
  );
});
