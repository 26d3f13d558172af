import crypto, { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import { AgentRunEntity } from '../src/domain/run/run.entity.js';
import { queueRun } from './support/agents.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const random = () => randomBytes(4).toString('hex');

interface Claimed {
  run: { id: string; status: string; leaseVersion: number } | null;
  leaseVersion: number | null;
}

describe('dispatch: sessions and the leased run queue', () => {
  let server: TestServer;
  let workspaceId: string;
  let projectId: string;
  let ownerMember: string;

  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.owner.workspaceId;
    projectId = (await server.factory.project({ workspaceId })).id;
    await ok(server, 'createSkill', { workspaceId, name: 'Rust' }, 'skill { id }');
    await ok(server, 'createSkill', { workspaceId, name: 'Go' }, 'skill { id }');
    const members = await server.query<{ viewer: { memberships: { id: string }[] } }, unknown>(
      '{ viewer { memberships { id } } }',
    );
    ownerMember = members.viewer.memberships[0]?.id as string;
  });
  afterAll(async () => {
    await server.close();
  });

  const register = async (
    skills: { skill: string; proficiency: unknown }[] = [],
    name = `bot-${random()}`,
  ) =>
    (
      await ok<{ session: { id: string } }>(
        server,
        'registerSession',
        { projectId, role: 'WORKER', name, machineId: `m-${random()}`, provider: 'claude', skills },
        'session { id }',
      )
    ).session.id;
  const claim = (sessionId: string, runId?: string) =>
    ok<Claimed>(
      server,
      'claimRun',
      { sessionId, ...(runId ? { runId } : {}) },
      'run { id status leaseVersion } leaseVersion',
    );
  const runRow = (runId: string) =>
    server.studio.database.dataSource.manager.findOneByOrFail(AgentRunEntity, {
      id: parsePublicIdOf('Run', runId) as string,
    });
  /** Events of one type, from the whole log (paged through). */
  const eventsOf = async (type: string) => {
    const found: { type: string; payload: Record<string, unknown> }[] = [];
    for (let after = 0; ;) {
      const page = await server.query<
        { events: { nodes: { seq: number; type: string; payload: Record<string, unknown> }[] } },
        unknown
      >(
        'query($p: ID!, $a: SafeInt!) { events(projectId: $p, after: $a) { nodes { seq type payload } } }',
        {
          p: projectId,
          a: after,
        },
      );
      const nodes = page.events.nodes;
      found.push(...nodes.filter((node) => node.type === type));
      if (nodes.length < 100) return found;
      after = nodes.at(-1)?.seq ?? after;
    }
  };
  /** A fresh queue: earlier tests' leftovers would be claimed first. */
  const drain = async (): Promise<void> => {
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'CANCELLED' WHERE status = 'QUEUED'`,
    );
  };

  test('maestro_public_id() in SQL spells ids exactly as the server does', async () => {
    const ids = [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      // each 64-bit half with its sign bit set, and not
      '80000000-0000-0000-8000-000000000000',
      '7fffffff-ffff-ffff-7fff-ffffffffffff',
      '00000000-0000-0001-0000-000000000001',
      ...Array.from({ length: 50 }, () => crypto.randomUUID()),
    ];
    const rows: { id: string; public_id: string }[] = await server.studio.database.dataSource.query(
      `SELECT id::text AS id, maestro_public_id('run', id) AS public_id FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    expect(rows.map((row) => row.public_id)).toEqual(ids.map((id) => toPublicId('Run', id)));
    const none: { public_id: string | null }[] = await server.studio.database.dataSource.query(
      `SELECT maestro_public_id('run', NULL) AS public_id`,
    );
    expect(none[0]?.public_id).toBeNull();
  });

  test('registerSession records skills, role and member, and emits SessionRegistered', async () => {
    const created = await ok<{ session: Record<string, unknown> }>(
      server,
      'registerSession',
      {
        projectId,
        role: 'LEAD',
        name: 'lead-1',
        machineId: 'box-1',
        provider: 'codex',
        skills: [
          { skill: 'rust', proficiency: 'expert' },
          { skill: 'go', proficiency: 45 },
        ],
      },
      'session { id name role alive provider member { id } skills { proficiency skill { slug } } }',
    );
    expect(created.session).toMatchObject({
      name: 'lead-1',
      role: 'LEAD',
      alive: true,
      provider: 'codex',
      member: { id: ownerMember },
    });
    expect(
      (created.session.skills as { proficiency: number; skill: { slug: string } }[])
        .map((s) => [s.skill.slug, s.proficiency])
        .sort(),
    ).toEqual([
      ['go', 3],
      ['rust', 5],
    ]);
    const [event] = (await eventsOf('SessionRegistered')).filter(
      (e) => e.payload.sessionId === created.session.id,
    );
    expect(event?.payload).toMatchObject({ name: 'lead-1', role: 'LEAD', machineId: 'box-1' });
  });

  test('registerSession refuses bad input naming the field', async () => {
    const base = { projectId, role: 'WORKER', name: 'x', machineId: 'box' };
    const cases: Array<[Record<string, unknown>, string[], string]> = [
      [{ machineId: 'has spaces' }, ['machineId'], 'BAD_USER_INPUT'],
      [{ name: '  ' }, ['name'], 'BAD_USER_INPUT'],
      [{ provider: 'Not A Provider' }, ['provider'], 'BAD_USER_INPUT'],
      [{ skills: [{ skill: 'cobol', proficiency: 3 }] }, ['skills'], 'NOT_FOUND'],
      [
        { skills: [{ skill: 'rust', proficiency: 'guru' }] },
        ['skills[0].proficiency'],
        'BAD_USER_INPUT',
      ],
    ];
    for (const [override, field, code] of cases) {
      const payload = await mutation(server, 'registerSession', { ...base, ...override });
      expect([override, payload.userErrors[0]?.field, payload.userErrors[0]?.code]).toEqual([
        override,
        field,
        code,
      ]);
    }
  });

  test('claimRun takes a run targeted at the session first, with a lease and leaseVersion 1', async () => {
    await drain();
    const sessionId = await register();
    expect((await claim(sessionId)).run).toBeNull();
    const open = await queueRun(server, { projectId });
    const targeted = await queueRun(server, { projectId, targetSessionId: sessionId });
    const first = await claim(sessionId);
    expect(first.run).toMatchObject({
      id: toPublicId('Run', targeted.id),
      status: 'CLAIMED',
      leaseVersion: 1,
    });
    expect(first.leaseVersion).toBe(1);
    const row = await runRow(first.run?.id as string);
    expect(row.sessionId).toBe(parsePublicIdOf('AgentSession', sessionId));
    const lease = (row.leaseExpiresAt?.getTime() ?? 0) - Date.now();
    expect(lease).toBeGreaterThan(80_000);
    expect(lease).toBeLessThanOrEqual(91_000);
    expect((await claim(sessionId)).run?.id).toBe(toPublicId('Run', open.id));
    const claimed = await eventsOf('RunClaimed');
    expect(claimed.filter((e) => e.payload.sessionId === sessionId).map((e) => e.payload)).toEqual([
      {
        runId: toPublicId('Run', targeted.id),
        purpose: 'EXECUTION',
        sessionId,
        leaseVersion: 1,
        attempt: 1,
      },
      {
        runId: toPublicId('Run', open.id),
        purpose: 'EXECUTION',
        sessionId,
        leaseVersion: 1,
        attempt: 1,
      },
    ]);
  });

  test('a session claims only runs whose task skills it holds at the required proficiency', async () => {
    await drain();
    const plan = await planWithTasks(server, projectId, 1);
    const taskId = plan.taskIds[0] as string;
    await ok(
      server,
      'updateTask',
      { taskId, skills: ['rust'], requiredProficiency: 4 },
      'task { id }',
    );
    const run = await queueRun(server, { projectId, taskId });
    const none = await register();
    const novice = await register([{ skill: 'rust', proficiency: 3 }]);
    const expert = await register([{ skill: 'rust', proficiency: 5 }]);
    expect((await claim(none)).run).toBeNull();
    expect((await claim(novice)).run).toBeNull();
    expect((await claim(expert)).run?.id).toBe(toPublicId('Run', run.id));
  });

  test('every later call carries the leaseVersion; a zombie’s late completion is STALE_LEASE and changes nothing', async () => {
    await drain();
    const zombie = await register();
    const rescuer = await register();
    const run = await queueRun(server, { projectId });
    const runId = toPublicId('Run', run.id);
    expect((await claim(zombie)).leaseVersion).toBe(1);
    await ok(server, 'heartbeatRun', { runId, leaseVersion: 1 }, 'run { status }');
    // The lease runs out and the run goes back to the queue, as the reaper does it.
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'QUEUED', session_id = NULL, lease_expires_at = NULL, attempt = attempt + 1 WHERE id = $1`,
      [run.id],
    );
    const second = await claim(rescuer);
    expect(second.leaseVersion).toBe(2);
    await ok(
      server,
      'appendRunOutput',
      { runId, leaseVersion: 2, chunks: [{ chunk: 'done by the rescuer\n' }] },
      'lastSeq',
    );
    await ok(
      server,
      'completeRun',
      { runId, leaseVersion: 2, exitCode: 0, tokensIn: 10, tokensOut: 20 },
      'run { status }',
    );
    const before = await runRow(runId);

    for (const [name, input] of [
      ['heartbeatRun', { runId, leaseVersion: 1 }],
      ['appendRunOutput', { runId, leaseVersion: 1, chunks: [{ chunk: 'zombie output' }] }],
      ['completeRun', { runId, leaseVersion: 1, exitCode: 0, tokensIn: 999 }],
      ['failRun', { runId, leaseVersion: 1, reason: 'zombie' }],
    ] as const) {
      const payload = await mutation(server, name, input);
      expect([name, payload.userErrors]).toEqual([
        name,
        [
          {
            code: 'STALE_LEASE',
            field: ['leaseVersion'],
            message: `leaseVersion 1 is stale: run ${runId} is at lease 2 (succeeded)`,
          },
        ],
      ]);
    }
    const after = await runRow(runId);
    expect(after).toEqual(before);
    const output = await server.query<{ run: { output: { nodes: { chunk: string }[] } } }, unknown>(
      'query($id: ID!) { run(id: $id) { output { nodes { chunk } } } }',
      { id: runId },
    );
    expect(output.run.output.nodes.map((n) => n.chunk)).toEqual(['done by the rescuer\n']);
  });

  test('completion is idempotent per (run, leaseVersion); a different outcome under it is a conflict', async () => {
    await drain();
    const sessionId = await register();
    const run = await queueRun(server, { projectId });
    const runId = toPublicId('Run', run.id);
    await claim(sessionId);
    const done = {
      runId,
      leaseVersion: 1,
      exitCode: 0,
      summary: 'ok',
      model: 'm-1',
      tokensIn: 5,
      tokensOut: 7,
      costUsd: 0.25,
    };
    const first = await ok<{ run: Record<string, unknown> }>(
      server,
      'completeRun',
      done,
      'run { status exitCode tokensIn tokensOut costUsd model finishedAt }',
    );
    const again = await ok<{ run: Record<string, unknown> }>(
      server,
      'completeRun',
      done,
      'run { status exitCode tokensIn tokensOut costUsd model finishedAt }',
    );
    expect(again.run).toEqual(first.run);
    expect(first.run).toMatchObject({
      status: 'SUCCEEDED',
      exitCode: 0,
      tokensIn: 5,
      tokensOut: 7,
      costUsd: 0.25,
      model: 'm-1',
    });
    expect((await eventsOf('RunSucceeded')).filter((e) => e.payload.runId === runId)).toHaveLength(
      1,
    );
    const failed = await mutation(server, 'failRun', { runId, leaseVersion: 1, reason: 'oops' });
    expect(failed.userErrors).toEqual([
      {
        code: 'CONFLICT',
        field: ['runId'],
        message: 'the run already ended as succeeded under this lease',
      },
    ]);
  });

  test('run reports refuse bad input naming the field', async () => {
    await drain();
    const sessionId = await register();
    const run = await queueRun(server, { projectId });
    const runId = toPublicId('Run', run.id);
    await claim(sessionId);
    for (const [name, input, field] of [
      ['failRun', { runId, leaseVersion: 1, reason: '  ' }, 'reason'],
      ['completeRun', { runId, leaseVersion: 1, tokensIn: -1 }, 'tokensIn'],
      ['completeRun', { runId, leaseVersion: 1, costUsd: -2 }, 'costUsd'],
      [
        'appendRunOutput',
        { runId, leaseVersion: 1, chunks: [{ chunk: 'x'.repeat(64 * 1024 + 1) }] },
        'chunks[0]',
      ],
      ['claimRun', { sessionId, runId: 'not-a-run' }, 'runId'],
    ] as const) {
      const payload = await mutation(server, name, input);
      expect([name, payload.userErrors[0]?.code, payload.userErrors[0]?.field]).toEqual([
        name,
        'BAD_USER_INPUT',
        [field],
      ]);
    }
    expect((await runRow(runId)).status).toBe('CLAIMED');
  });

  test('heartbeat marks the run RUNNING once (RunStarted) and extends the lease', async () => {
    await drain();
    const sessionId = await register();
    const run = await queueRun(server, { projectId });
    const runId = toPublicId('Run', run.id);
    await claim(sessionId);
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET lease_expires_at = now() + interval '5 seconds' WHERE id = $1`,
      [run.id],
    );
    await ok(server, 'heartbeatRun', { runId, leaseVersion: 1 }, 'run { status }');
    await ok(server, 'heartbeatRun', { runId, leaseVersion: 1 }, 'run { status }');
    const row = await runRow(runId);
    expect(row.status).toBe('RUNNING');
    expect((row.leaseExpiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(80_000);
    expect((await eventsOf('RunStarted')).filter((e) => e.payload.runId === runId)).toHaveLength(1);
  });

  test('pauseRun leaves the session until resumeAt, then the reaper queues it again, no attempt counted', async () => {
    await drain();
    const sessionId = await register();
    const run = await queueRun(server, { projectId });
    const runId = toPublicId('Run', run.id);
    await claim(sessionId);
    for (const [resumeAt, what] of [
      [new Date(Date.now() - 60_000).toISOString(), 'in the past'],
      [new Date(Date.now() + 8 * 86_400_000).toISOString(), 'beyond 7 days'],
    ] as const) {
      const payload = await mutation(server, 'pauseRun', { runId, leaseVersion: 1, resumeAt });
      expect([what, payload.userErrors[0]?.field]).toEqual([what, ['resumeAt']]);
    }
    const stale = await mutation(server, 'pauseRun', {
      runId,
      leaseVersion: 7,
      resumeAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(stale.userErrors[0]?.code).toBe('STALE_LEASE');

    const resumeAt = new Date(Date.now() + 60_000);
    const paused = await ok<{
      run: { status: string; attempt: number; session: null; resumeAt: string };
    }>(
      server,
      'pauseRun',
      {
        runId,
        leaseVersion: 1,
        resumeAt: resumeAt.toISOString(),
        reason: 'rate limited until the top of the minute',
      },
      'run { status attempt session { id } resumeAt }',
    );
    expect(paused.run).toEqual({
      status: 'PAUSED',
      attempt: 1,
      session: null,
      resumeAt: resumeAt.toISOString(),
    });
    expect(
      (await eventsOf('RunPaused')).filter((e) => e.payload.runId === runId)[0]?.payload,
    ).toMatchObject({
      leaseVersion: 1,
      resumeAt: resumeAt.toISOString(),
      reason: 'rate limited until the top of the minute',
    });
    expect((await claim(sessionId)).run).toBeNull();

    const reaper = server.studio.services.reaper;
    expect((await reaper.tick()).resumed).toEqual([]);
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET resume_at = now() - interval '1 second' WHERE id = $1`,
      [run.id],
    );
    expect((await reaper.tick()).resumed).toEqual([run.id]);
    expect((await eventsOf('RunResumed')).filter((e) => e.payload.runId === runId)).toHaveLength(1);
    const again = await claim(sessionId);
    expect(again).toMatchObject({ run: { id: runId }, leaseVersion: 2 });
    expect((await runRow(runId)).attempt).toBe(1);
  });

  test('ending a session gives its runs back to the queue; an ended session cannot heartbeat or claim', async () => {
    await drain();
    const sessionId = await register();
    const run = await queueRun(server, { projectId });
    await claim(sessionId);
    const waiting = await queueRun(server, { projectId, targetSessionId: sessionId });
    const ended = await ok<{ session: { alive: boolean } }>(
      server,
      'endSession',
      { sessionId },
      'session { alive }',
    );
    expect(ended.session.alive).toBe(false);
    const row = await runRow(toPublicId('Run', run.id));
    expect([row.status, row.sessionId, row.leaseVersion, row.attempt]).toEqual([
      'QUEUED',
      null,
      1,
      1,
    ]);
    expect(
      (await eventsOf('RunReleased')).filter((e) => e.payload.runId === toPublicId('Run', run.id)),
    ).toHaveLength(1);
    // A run that waited for this session is open to every eligible session now.
    expect((await runRow(toPublicId('Run', waiting.id))).targetSessionId).toBeNull();
    for (const name of ['heartbeatSession', 'claimRun']) {
      const payload = await mutation(server, name, { sessionId });
      expect([name, payload.userErrors[0]?.code]).toEqual([name, 'CONFLICT']);
    }
    const again = await ok<{ session: { alive: boolean } }>(
      server,
      'endSession',
      { sessionId },
      'session { alive }',
    );
    expect(again.session.alive).toBe(false);
    expect(
      (await eventsOf('SessionEnded')).filter((e) => e.payload.sessionId === sessionId),
    ).toHaveLength(1);
  });

  test('only the member who registered a session operates it and reports on its runs', async () => {
    await drain();
    const sessionId = await register();
    const run = await queueRun(server, { projectId });
    await claim(sessionId);
    const other = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    const token = await accessTokenFor(server, other.userKey);
    for (const [name, type, input] of [
      ['heartbeatSession', 'HeartbeatSessionInput', { sessionId }],
      ['claimRun', 'ClaimRunInput', { sessionId }],
      ['completeRun', 'CompleteRunInput', { runId: toPublicId('Run', run.id), leaseVersion: 1 }],
    ] as const) {
      const response = await server.requestAs(
        token,
        `mutation($i: ${type}!) { ${name}(input: $i) { userErrors { code } } }`,
        { i: input },
      );
      expect([name, response.errors?.[0]?.message]).toEqual([
        name,
        'this session belongs to another member',
      ]);
    }
    const own = await server.requestAs<
      { registerSession: { session: { member: { id: string } } } },
      unknown
    >(
      token,
      'mutation($i: RegisterSessionInput!) { registerSession(input: $i) { session { member { id } } } }',
      { i: { projectId, role: 'WORKER', name: 'dev bot', machineId: 'dev-box' } },
    );
    expect(own.data?.registerSession.session.member.id).toBe(other.memberId);
  });

  test('sessions racing for runs claim each exactly once', async () => {
    await drain();
    const SESSIONS = 12;
    const RUNS = 120;
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => register()));
    const ids = new Set<string>();
    for (let n = 0; n < RUNS; n++)
      ids.add(toPublicId('Run', (await queueRun(server, { projectId })).id));
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      sessions.map(async (sessionId) => {
        for (;;) {
          const { run } = await claim(sessionId);
          if (!run) return;
          claimedBy.set(run.id, [...(claimedBy.get(run.id) ?? []), sessionId]);
        }
      }),
    );
    expect([...claimedBy.keys()].sort()).toEqual([...ids].sort());
    expect([...claimedBy.values()].filter((by) => by.length !== 1)).toEqual([]);
    const versions: { lease_version: number; count: string }[] =
      await server.studio.database.dataSource.query(
        'SELECT lease_version, count(*) FROM agent_run WHERE id = ANY($1::uuid[]) GROUP BY lease_version',
        [[...ids].map((id) => parsePublicIdOf('Run', id))],
      );
    expect(versions.map((v) => [v.lease_version, Number(v.count)])).toEqual([[1, RUNS]]);
  }, 120_000);
});
