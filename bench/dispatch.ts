/**
 * The run queue under contention: SESSIONS agent sessions race to claim RUNS queued runs.
 *
 * Studio's claim (RunQueue.claim: the SKIP LOCKED claim statement with skill eligibility and
 * resume times, the lease and fencing token, and a RunClaimed event in the same transaction)
 * is measured against a baseline in the same run and on the same database: a raw loop of the
 * bare `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1)` through the same pool.
 * Goal: ≥ 0.5 × the raw loop and ≥ 1,000 claims/s on 2 cores (on PostgreSQL). Every run must
 * be claimed exactly once (double_claims=0).
 *
 * Not measured yet: task-ready → run-received latency over the graphql-ws push, which needs
 * the dispatcher (plan activation and targeting) of a later step.
 */
import 'reflect-metadata';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStudio } from '../server/src/app.js';
import { loadConfig } from '../server/src/config/config.js';
import type { Database } from '../server/src/db/database.js';
import { returning } from '../server/src/db/returning.js';
import {
  SessionRole,
  type AgentSessionEntity,
} from '../server/src/domain/session/session.entity.js';
import { createLogger } from '../server/src/logging/logger.js';
import { InProcessPubSub } from '../server/src/pubsub/in-process.pubsub.js';
import { openBenchDatabase } from './database.js';
import { median, result, type BenchOptions } from './lib.js';

const SESSIONS = 50;
const GOAL_RATIO = 0.5;
const GOAL_CLAIMS_PER_S = 1000;

/** Queues `count` untargeted runs in one statement (the queue's contents, not what we time). */
async function seed(database: Database, projectId: string, count: number): Promise<void> {
  await database.dataSource.query(`DELETE FROM agent_run WHERE project_id = $1`, [projectId]);
  await database.dataSource.query(
    `INSERT INTO agent_run (id, project_id, purpose, status, tier, queued_at)
     SELECT gen_random_uuid(), $1, 'EXECUTION', 'QUEUED', 'STANDARD',
            now() + make_interval(secs => n / 1000.0)
       FROM generate_series(1, $2) AS n`,
    [projectId, count],
  );
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

export default async function dispatch(options: BenchOptions): Promise<void> {
  const runs = options.quick ? 1000 : 3000;
  const rounds = options.quick ? 1 : 3;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-bench-dispatch-'));
  const { database, drop } = await openBenchDatabase(20);
  const logger = createLogger('silent');
  const studio = await startStudio({
    config: loadConfig({ PORT: '0', MAESTRO_SECRET: 'd'.repeat(40), MAESTRO_DATA_DIR: scratch }),
    logger,
    database,
    pubsub: new InProcessPubSub(logger),
    serveWeb: false,
    processMetrics: false,
    announceSetupLink: () => undefined,
    reaper: false,
  });
  const services = studio.services;
  try {
    const { workspace } = await services.auth.completeSetup(
      {
        setupToken: (await services.auth.issueSetupToken()) as string,
        email: 'bench@example.test',
        password: 'bench password',
        name: 'Bench',
        workspaceName: 'Bench',
      },
      { address: null },
      'api',
    );
    const project = await services.projects.create({
      workspaceId: workspace.id,
      remoteUrl: 'https://github.com/bench/queue',
    });
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
          skills: [],
        }),
      );
    }
    console.log(
      `${SESSIONS} sessions racing for ${runs} runs, ${rounds} round(s) (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'})…`,
    );
    const ours: number[] = [];
    const raw: number[] = [];
    let doubles = 0;
    for (let round = 0; round < rounds; round++) {
      await seed(database, project.id, runs);
      const mine = await race(
        async (index) =>
          (await services.queue.claim(sessions[index] as AgentSessionEntity)) !== undefined,
      );
      doubles += await doubleClaims(database, project.id, runs);
      await seed(database, project.id, runs);
      const theirs = await race(async (index) => {
        const claimed = await returning(
          database.dataSource.manager,
          `UPDATE agent_run SET status = 'CLAIMED', session_id = $1, lease_version = lease_version + 1,
                  lease_expires_at = now() + interval '90 seconds'
            WHERE id = (SELECT id FROM agent_run WHERE project_id = $2 AND status = 'QUEUED'
                         ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id`,
          [sessions[index]?.id, project.id],
        );
        return claimed.length > 0;
      });
      doubles += await doubleClaims(database, project.id, runs);
      if (mine.claims !== runs || theirs.claims !== runs) {
        throw new Error(`claimed ${mine.claims} and ${theirs.claims} of ${runs}`);
      }
      ours.push(mine.perSecond);
      raw.push(theirs.perSecond);
      console.log(
        `round ${round + 1}/${rounds}: studio ${mine.perSecond.toFixed(0)} claims/s, raw ${theirs.perSecond.toFixed(0)} claims/s`,
      );
    }
    const claimsPerS = median(ours);
    const rawPerS = median(raw);
    result('dispatch', {
      claims_per_s: claimsPerS,
      raw_claims_per_s: rawPerS,
      ratio_vs_raw: claimsPerS / rawPerS,
      double_claims: doubles,
      goal_ratio: GOAL_RATIO,
      goal_claims_per_s: GOAL_CLAIMS_PER_S,
      sessions: SESSIONS,
      runs,
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });
  } finally {
    await studio.close();
    await database.close();
    await drop();
  }
}
