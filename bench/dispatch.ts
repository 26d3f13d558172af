/**
 * Dispatch under load, in two halves, each against a baseline measured in the same run.
 *
 * 1. The run queue under contention: SESSIONS agent sessions race to claim RUNS queued runs.
 *    Studio's claim (RunQueue.claim: the SKIP LOCKED claim statement with skill eligibility
 *    and resume times, the lease and fencing token, and a RunClaimed event in the same
 *    statement) is measured against a raw loop of the bare
 *    `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)` through the same pool on
 *    the same database. Goal: ≥ 0.5 × the raw loop and ≥ 1,000 claims/s on 2 cores (on
 *    PostgreSQL). Every run must be claimed exactly once (double_claims=0). A second baseline,
 *    the same raw loop that also appends its event record (DESIGN §6: the project's sequence
 *    row stays locked until commit), shows what the event log alone costs.
 *
 * 2. Task ready → run received over the graphql-ws push. PUSH_SESSIONS daemons register over
 *    GraphQL and each subscribes to `sessionRuns` on a socket of its own (the real graphql-ws
 *    client over `ws`). Each sample activates a fresh draft plan of one task; the daemon its
 *    BOOTSTRAP_EPIC run is pushed to claims it (untimed). Completing that run (completeRun
 *    over HTTP) makes the task ready: the dispatcher targets its EXECUTION run at the best
 *    idle session and the subscription pushes it. Timed: from sending completeRun until the
 *    run arrives on the targeted session's socket (p50, p99; goal p99 ≤ 50 ms on loopback).
 *    Then, untimed, that daemon claims and completes the run, so it is idle again and the next
 *    sample goes to the session idle longest, and the plan is cancelled. Baseline, interleaved with the samples: a bare
 *    authenticated mutation round trip on the same HTTP server (heartbeatSession), so the
 *    ratio is the cost of dispatch and push over a plain request.
 *
 * On PostgreSQL when DATABASE_URL is set (a throw-away database), else on embedded PGlite;
 * the bus is in-process. Nothing here is asserted in tests: the numbers are for comparison.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Studio } from '../server/src/app.js';
import type { Database } from '../server/src/db/database.js';
import { returning } from '../server/src/db/returning.js';
import { uuidv7 } from '../server/src/domain/common/ids.js';
import { appendEventSql } from '../server/src/domain/events/event.repository.js';
import {
  SessionRole,
  type AgentSessionEntity,
} from '../server/src/domain/session/session.entity.js';
import { BENCH_OWNER, openBenchDatabase, startBenchStudio } from './database.js';
import { graphqlAs, median, percentile, result, type BenchOptions } from './lib.js';

const SESSIONS = 50;
/** Tasks the queued runs are spread over. */
const TASKS = 20;
const GOAL_RATIO = 0.5;
const GOAL_CLAIMS_PER_S = 1000;

/** Daemons subscribed to their runs in the push half; the dispatcher rotates among them. */
const PUSH_SESSIONS = 4;
/** Push samples not counted: sockets, subscriptions and compiled queries warm up. */
const PUSH_WARMUP = 2 * PUSH_SESSIONS;
const GOAL_P99_MS = 50;
/** A push that takes longer than this is lost: the benchmark fails. */
const PUSH_TIMEOUT_MS = 10_000;

/**
 * The baseline: the bare SKIP LOCKED claim of the oldest open run ($1 the session, $2 the
 * project), written so it can walk the same partial index as Studio's claim
 * (agent_run_open_idx), so neither side wins by an index the other cannot use.
 */
const RAW_CLAIM = `UPDATE agent_run SET status = 'CLAIMED', session_id = $1, lease_version = lease_version + 1,
        lease_expires_at = now() + interval '90 seconds'
  WHERE id = (SELECT id FROM agent_run
               WHERE project_id = $2 AND status = 'QUEUED' AND target_session_id IS NULL
               ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)`;

/** The tasks the queued runs belong to: every one needs a skill, so the claim checks it. */
interface Work {
  readonly planId: string;
  readonly taskIds: string[];
}

/**
 * Queues `count` untargeted EXECUTION runs in one statement (the queue's contents, not what
 * we time), spread over the plan's tasks, as the dispatcher leaves them when every session is
 * busy.
 */
async function seed(
  database: Database,
  projectId: string,
  work: Work,
  count: number,
): Promise<void> {
  await database.dataSource.query(`DELETE FROM agent_run WHERE project_id = $1`, [projectId]);
  await database.dataSource.query(
    `INSERT INTO agent_run (id, project_id, plan_id, task_id, purpose, status, tier, queued_at)
     SELECT gen_random_uuid(), $1, $3, ($4::uuid[])[1 + n % cardinality($4::uuid[])],
            'EXECUTION', 'QUEUED', 'STANDARD', now() + make_interval(secs => n / 1000.0)
       FROM generate_series(1, $2) AS n`,
    [projectId, count, work.planId, work.taskIds],
  );
  await database.dataSource.query('ANALYZE agent_run');
}

/** Runs SESSIONS loops until the queue is empty; returns claims per second. */
async function race(
  claimOne: (index: number) => Promise<boolean>,
): Promise<{ claims: number; perSecond: number }> {
  let claims = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, index) => {
      while (await claimOne(index)) claims++;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { claims, perSecond: claims / seconds };
}

/** Runs claimed more than once, or not at all: both must be 0. */
async function doubleClaims(
  database: Database,
  projectId: string,
  expected: number,
): Promise<number> {
  const rows: { claimed: string; twice: string }[] = await database.dataSource.query(
    `SELECT count(*) FILTER (WHERE status = 'CLAIMED') AS claimed,
            count(*) FILTER (WHERE lease_version > 1) AS twice
       FROM agent_run WHERE project_id = $1`,
    [projectId],
  );
  const row = rows[0];
  return Number(row?.twice ?? 0) + Math.abs(expected - Number(row?.claimed ?? 0));
}

const SESSION_RUNS = `subscription($sessionId: ID!) {
  sessionRuns(sessionId: $sessionId) { id purpose plan { id } task { id title } }
}`;

interface Pushed {
  /** performance.now() when the graphql-ws client handed it over. */
  readonly at: number;
  readonly sessionId: string;
  readonly runId: string;
  readonly purpose: string;
  readonly taskId: string | undefined;
  readonly planId: string | undefined;
}

/** Every run pushed to the benchmark's daemons, by task; a sample waits here for its run. */
class Inbox {
  private readonly byTask = new Map<string, Pushed[]>();
  private readonly waiting = new Map<
    string,
    { resolve: (pushed: Pushed) => void; reject: (error: Error) => void }
  >();
  private failure: Error | undefined;
  closing = false;

  /** Keeps a task's EXECUTION run, and a plan's BOOTSTRAP_EPIC run (by the plan's id). */
  receive(pushed: Pushed): void {
    const key =
      pushed.purpose === 'EXECUTION'
        ? pushed.taskId
        : pushed.purpose === 'BOOTSTRAP_EPIC'
          ? pushed.planId
          : undefined;
    if (!key) return;
    const list = this.byTask.get(key) ?? [];
    list.push(pushed);
    this.byTask.set(key, list);
    if (list.length === 1) this.waiting.get(key)?.resolve(pushed);
  }

  fail(error: Error): void {
    if (this.closing) return;
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
  }

  /** The first push of the task's EXECUTION run (call before making the task ready). */
  next(taskId: string): Promise<Pushed> {
    return new Promise<Pushed>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const already = this.byTask.get(taskId)?.[0];
      if (already) return resolve(already);
      const timer = setTimeout(
        () => reject(new Error(`no run of task ${taskId} was pushed within ${PUSH_TIMEOUT_MS} ms`)),
        PUSH_TIMEOUT_MS,
      );
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(taskId);
      };
      this.waiting.set(taskId, {
        resolve: (pushed) => (done(), resolve(pushed)),
        reject: (error) => (done(), reject(error)),
      });
    });
  }

  /** Tasks whose EXECUTION run was pushed more than once (to any session). */
  duplicates(): number {
    return [...this.byTask.values()].filter((list) => list.length > 1).length;
  }
}

/** One daemon's socket: connected and authenticated, subscribed to the session's runs. */
async function connectDaemon(
  wsUrl: string,
  accessToken: string,
  sessionId: string,
  inbox: Inbox,
): Promise<Client> {
  let connected = false;
  const client = await new Promise<Client>((resolve, reject) => {
    const socket: Client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${accessToken}` },
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => {
          connected = true;
          resolve(socket);
        },
        closed: (event) => {
          const error = new Error(
            `the socket of ${sessionId} closed (${(event as { code?: number }).code ?? '?'})`,
          );
          if (connected) inbox.fail(error);
          else reject(error);
        },
      },
    });
  });
  client.subscribe<{
    sessionRuns: {
      id: string;
      purpose: string;
      plan: { id: string } | null;
      task: { id: string } | null;
    };
  }>(
    { query: SESSION_RUNS, variables: { sessionId } },
    {
      next: (value) => {
        const at = performance.now();
        const run = value.data?.sessionRuns;
        if (value.errors?.length || !run) {
          inbox.fail(new Error(`sessionRuns failed: ${JSON.stringify(value.errors)}`));
          return;
        }
        inbox.receive({
          at,
          sessionId,
          runId: run.id,
          purpose: run.purpose,
          taskId: run.task?.id,
          planId: run.plan?.id,
        });
      },
      error: (error) =>
        inbox.fail(new Error(`sessionRuns of ${sessionId} failed: ${JSON.stringify(error)}`)),
      complete: () => inbox.fail(new Error(`sessionRuns of ${sessionId} ended`)),
    },
  );
  return client;
}

interface PushLatency {
  /** Mutation sent → run received on the targeted daemon's socket, ms. */
  readonly push: number[];
  /** The same mutation's own round trip (its answer), ms. */
  readonly answered: number[];
  /** The baseline: heartbeatSession's round trip, ms. */
  readonly baseline: number[];
  readonly duplicates: number;
  /** How many samples each daemon received, in registration order. */
  readonly perSession: number[];
}

/** The daemon a run was pushed to claims it; fails when it cannot. */
async function claimPushed(
  api: ReturnType<typeof graphqlAs>,
  pushed: Pushed,
): Promise<{ runId: string; leaseVersion: number }> {
  const claimed = await api.mutate<{ run: { id: string } | null; leaseVersion: number | null }>(
    'claimRun',
    { sessionId: pushed.sessionId, runId: pushed.runId },
    'run { id } leaseVersion',
  );
  if (claimed.run?.id !== pushed.runId || claimed.leaseVersion === null) {
    throw new Error(`${pushed.sessionId} could not claim the run pushed to it (${pushed.runId})`);
  }
  return { runId: pushed.runId, leaseVersion: claimed.leaseVersion };
}

/** Task ready → run received over graphql-ws, `samples` times after PUSH_WARMUP unmeasured. */
async function pushLatency(studio: Studio, samples: number): Promise<PushLatency> {
  // A token of its own: the claims half may have outlived the setup's 15-minute one.
  const { accessToken } = await studio.services.auth.login(BENCH_OWNER, { address: null }, 'api');
  const api = graphqlAs(`${studio.url}/graphql`, accessToken);
  const { viewer } = await api.request<{
    viewer: { memberships: { workspace: { id: string } }[] };
  }>('{ viewer { memberships { workspace { id } } } }');
  const workspaceId = viewer.memberships[0]?.workspace.id;
  if (!workspaceId) throw new Error('the bench user has no workspace');
  const { project } = await api.mutate<{ project: { id: string } }>(
    'createProject',
    { workspaceId, remoteUrl: 'https://github.com/bench/push' },
    'project { id }',
  );
  const sessions: string[] = [];
  for (let n = 0; n < PUSH_SESSIONS; n++) {
    const { session } = await api.mutate<{ session: { id: string } }>(
      'registerSession',
      {
        projectId: project.id,
        role: 'WORKER',
        name: `daemon-${n}`,
        machineId: `push-machine-${n}`,
        provider: 'claude',
      },
      'session { id }',
    );
    sessions.push(session.id);
  }
  const inbox = new Inbox();
  const wsUrl = `${studio.url.replace(/^http/, 'ws')}/graphql`;
  const clients: Client[] = [];
  const measured: PushLatency = {
    push: [],
    answered: [],
    baseline: [],
    duplicates: 0,
    perSession: sessions.map(() => 0),
  };
  try {
    for (const sessionId of sessions) {
      clients.push(await connectDaemon(wsUrl, accessToken, sessionId, inbox));
    }
    for (let n = 0; n < PUSH_WARMUP + samples; n++) {
      // Untimed: a draft plan with one task, ready as soon as the plan is active.
      const { plan } = await api.mutate<{ plan: { id: string } }>(
        'createPlan',
        { projectId: project.id, name: `Push ${n + 1}` },
        'plan { id }',
      );
      const { phase } = await api.mutate<{ phase: { id: string } }>(
        'createPhase',
        { planId: plan.id, name: 'Build' },
        'phase { id }',
      );
      const { task } = await api.mutate<{ task: { id: string } }>(
        'createTask',
        { phaseId: phase.id, title: `Task ${n + 1}` },
        'task { id }',
      );

      // The baseline: a bare authenticated mutation round trip on the same server.
      const beat = performance.now();
      await api.mutate(
        'heartbeatSession',
        { sessionId: sessions[n % sessions.length] },
        'session { id }',
      );
      const baselineMs = performance.now() - beat;

      // Untimed: activation queues the epic's bootstrap, pushed to a daemon, which claims it.
      const bootstrapped = inbox.next(plan.id);
      await api.mutate('setPlanStatus', { planId: plan.id, status: 'ACTIVE' }, 'plan { status }');
      const bootstrap = await claimPushed(api, await bootstrapped);

      // Timed: the bootstrap's completion makes the task ready → the dispatcher queues its
      // run → the push reaches the daemon.
      const arrival = inbox.next(task.id);
      const sent = performance.now();
      await api.mutate(
        'completeRun',
        { runId: bootstrap.runId, leaseVersion: bootstrap.leaseVersion, exitCode: 0 },
        'run { status }',
      );
      const answeredMs = performance.now() - sent;
      const pushed = await arrival;
      const pushMs = pushed.at - sent;

      // Untimed: the daemon that got the run claims and completes it, and is idle again; the
      // plan is cancelled (with the review its completion queued).
      const claimed = await claimPushed(api, pushed);
      await api.mutate(
        'completeRun',
        { runId: pushed.runId, leaseVersion: claimed.leaseVersion, exitCode: 0 },
        'run { status }',
      );
      await api.mutate(
        'setPlanStatus',
        { planId: plan.id, status: 'CANCELLED' },
        'plan { status }',
      );
      if (n < PUSH_WARMUP) continue;
      measured.push.push(pushMs);
      measured.answered.push(answeredMs);
      measured.baseline.push(baselineMs);
      const index = sessions.indexOf(pushed.sessionId);
      measured.perSession[index] = (measured.perSession[index] ?? 0) + 1;
    }
    return { ...measured, duplicates: inbox.duplicates() };
  } finally {
    inbox.closing = true;
    for (const client of clients) await client.dispose();
  }
}

export default async function dispatch(options: BenchOptions): Promise<void> {
  const runs = options.quick ? 1000 : 3000;
  const rounds = options.quick ? 1 : 3;
  const samples = options.quick ? 50 : 200;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-bench-dispatch-'));
  const { database, drop } = await openBenchDatabase(20);
  const { studio, setup } = await startBenchStudio(scratch, database);
  const services = studio.services;
  try {
    const { workspace } = setup;
    const project = await services.projects.create({
      workspaceId: workspace.id,
      remoteUrl: 'https://github.com/bench/queue',
    });
    // Runs of real tasks that need a skill, claimed by sessions that hold it: the claim's
    // eligibility check does its real work.
    const skill = await services.skills.create(workspace.id, { name: 'TypeScript' });
    const plan = await services.plans.create(project.id, { name: 'Queue' });
    const phase = await services.plans.createPhase(plan.id, { name: 'Build' });
    const work: Work = { planId: plan.id, taskIds: [] };
    for (let n = 0; n < TASKS; n++) {
      const task = await services.tasks.create(phase.id, {
        title: `Task ${n + 1}`,
        skills: [skill.slug],
        requiredProficiency: 3,
      });
      work.taskIds.push(task.id);
    }
    const sessions: AgentSessionEntity[] = [];
    for (let n = 0; n < SESSIONS; n++) {
      sessions.push(
        await services.registry.register({
          projectId: project.id,
          workspaceId: workspace.id,
          memberId: undefined,
          role: SessionRole.WORKER,
          name: `worker-${n}`,
          machineId: `machine-${n}`,
          skills: [{ skill: skill.slug, proficiency: 3 + (n % 3) }],
        }),
      );
    }
    console.log(
      `${SESSIONS} sessions racing for ${runs} runs, ${rounds} round(s) (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'})…`,
    );
    const ours: number[] = [];
    const raw: number[] = [];
    const rawWithEvent: number[] = [];
    let doubles = 0;
    for (let round = 0; round < rounds; round++) {
      await seed(database, project.id, work, runs);
      const mine = await race(
        async (index) =>
          (await services.queue.claim(sessions[index] as AgentSessionEntity)) !== undefined,
      );
      doubles += await doubleClaims(database, project.id, runs);
      await seed(database, project.id, work, runs);
      const theirs = await race(async (index) => {
        const claimed = await returning(database.dataSource.manager, `${RAW_CLAIM} RETURNING id`, [
          sessions[index]?.id,
          project.id,
        ]);
        return claimed.length > 0;
      });
      doubles += await doubleClaims(database, project.id, runs);
      await seed(database, project.id, work, runs);
      const withEvent = await race(async (index) => {
        const claimed: unknown[] = await database.dataSource.query(
          `WITH claimed AS (${RAW_CLAIM} RETURNING id, project_id, jsonb_build_object('runId', id) AS payload),
           ${appendEventSql('claimed', 'RunClaimed', 'claimed.payload', '$3::uuid')}
           SELECT a.id FROM appended a`,
          [sessions[index]?.id, project.id, uuidv7()],
        );
        return claimed.length > 0;
      });
      doubles += await doubleClaims(database, project.id, runs);
      if (mine.claims !== runs || theirs.claims !== runs || withEvent.claims !== runs) {
        throw new Error(
          `claimed ${mine.claims}, ${theirs.claims} and ${withEvent.claims} of ${runs}`,
        );
      }
      ours.push(mine.perSecond);
      raw.push(theirs.perSecond);
      rawWithEvent.push(withEvent.perSecond);
      console.log(
        `round ${round + 1}/${rounds}: studio ${mine.perSecond.toFixed(0)} claims/s, raw ${theirs.perSecond.toFixed(0)} claims/s, ` +
          `raw + event record ${withEvent.perSecond.toFixed(0)} claims/s`,
      );
    }
    const claimsPerS = median(ours);
    const rawPerS = median(raw);
    const rawEventPerS = median(rawWithEvent);

    console.log(
      `task ready → run received: ${samples} samples (after ${PUSH_WARMUP} unmeasured) over graphql-ws, ${PUSH_SESSIONS} daemons…`,
    );
    const latency = await pushLatency(studio, samples);
    const p50 = percentile(latency.push, 0.5);
    const p99 = percentile(latency.push, 0.99);
    const baselineP50 = percentile(latency.baseline, 0.5);
    const baselineP99 = percentile(latency.baseline, 0.99);
    console.log(
      `push p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (completeRun answered: p50 ` +
        `${percentile(latency.answered, 0.5).toFixed(1)} ms, p99 ${percentile(latency.answered, 0.99).toFixed(1)} ms); ` +
        `baseline heartbeatSession p50 ${baselineP50.toFixed(1)} ms, p99 ${baselineP99.toFixed(1)} ms; ` +
        `runs per daemon ${latency.perSession.join('/')}`,
    );
    result('dispatch', {
      claims_per_s: claimsPerS,
      raw_claims_per_s: rawPerS,
      ratio_vs_raw: claimsPerS / rawPerS,
      raw_event_claims_per_s: rawEventPerS,
      ratio_vs_raw_event: claimsPerS / rawEventPerS,
      double_claims: doubles,
      p50_ms: p50,
      p99_ms: p99,
      baseline_p50_ms: baselineP50,
      baseline_p99_ms: baselineP99,
      p50_vs_baseline: p50 / baselineP50,
      p99_vs_baseline: p99 / baselineP99,
      duplicate_pushes: latency.duplicates,
      goal_ratio: GOAL_RATIO,
      goal_claims_per_s: GOAL_CLAIMS_PER_S,
      goal_p99_ms: GOAL_P99_MS,
      sessions: SESSIONS,
      runs,
      push_sessions: PUSH_SESSIONS,
      samples,
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });
  } finally {
    await studio.close();
    await database.close();
    await drop();
    await rm(scratch, { recursive: true, force: true });
  }
}
