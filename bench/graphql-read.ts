/**
 * The read path of the API under load: the nested plan query of a 200-task plan, over HTTP.
 *
 *   plan { phases { tasks { skills dependsOn runs(first: 5) { session { name } } } } }
 *
 * Studio (Apollo Server + express, graphql-jit executor) is measured against a baseline in the
 * same run: a bare node:http server executing the same schema, resolvers, loaders and data with
 * graphql-jit. Both servers run in this process, one after the other; the load comes from a
 * separate process (load-generator.mjs). Goal: Studio ≥ 0.6 × the baseline.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Database } from '../server/src/db/database.js';
import { toPublicId } from '../server/src/domain/common/public-id.js';
import { AgentRunEntity } from '../server/src/domain/run/run.entity.js';
import { RunPurpose, RunStatus } from '../server/src/domain/run/run.types.js';
import { AgentSessionEntity, SessionRole } from '../server/src/domain/session/session.entity.js';
import { uuidv7 } from '../server/src/domain/common/ids.js';
import type { Actor } from '../server/src/domain/access/actor.js';
import { createContext } from '../server/src/graphql/context.js';
import { buildGraphQLSchema } from '../server/src/graphql/schema.js';
import { createLogger } from '../server/src/logging/logger.js';
import type { Services } from '../server/src/services.js';
import { recordStatements } from '../server/test/support/sql-counter.js';
import { openBenchDatabase, startBenchStudio, type BenchSetup } from './database.js';
import { median, result, type BenchOptions } from './lib.js';

const QUERY = `query Plan($id: ID!) {
  plan(id: $id) {
    name
    phases {
      name
      tasks {
        title
        status
        skills { slug }
        dependsOn { id }
        runs(first: 5) { nodes { status session { name } } }
      }
    }
  }
}`;
const TASKS = 200;
const GOAL = 0.6;
const LOAD = fileURLToPath(new URL('./load-generator.mjs', import.meta.url));

/** A plan of TASKS tasks in 4 phases, with skills, a chain of dependencies and claimed runs. */
async function seed(
  services: Services,
  database: Database,
  // the owner, through first-run setup; both servers read as this user
  { session, workspace }: BenchSetup,
): Promise<{ planId: string; userId: string; accessToken: string }> {
  const project = await services.projects.create({
    workspaceId: workspace.id,
    remoteUrl: 'https://github.com/bench/app',
  });
  for (const name of ['API', 'DB', 'UI']) await services.skills.create(workspace.id, { name });
  const plan = await services.plans.create(project.id, { name: 'Big plan' });
  const phases = [];
  for (let i = 0; i < 4; i++)
    phases.push(await services.plans.createPhase(plan.id, { name: `Phase ${i + 1}` }));
  const sessions = [];
  for (let i = 0; i < 8; i++) {
    const id = uuidv7();
    await database.dataSource.manager.insert(AgentSessionEntity, {
      id,
      projectId: project.id,
      memberId: null,
      name: `worker-${i}`,
      role: SessionRole.WORKER,
      machineId: `machine-${i}`,
      provider: 'claude',
      teamId: null,
      ephemeral: false,
      lastHeartbeatAt: new Date(),
      endedAt: null,
    });
    sessions.push(id);
  }
  let previous: string | undefined;
  for (let i = 0; i < TASKS; i++) {
    const task = await services.tasks.create(phases[i % 4]?.id as string, {
      title: `Task ${i + 1}`,
      skills: i % 3 === 0 ? ['api', 'db'] : ['ui'],
      dependsOn: previous ? [previous] : [],
    });
    previous = task.id;
    for (let r = 0; r < 2; r++) {
      const run = await services.transactions.run((tx) =>
        services.runs.enqueue(tx, {
          projectId: project.id,
          planId: plan.id,
          taskId: task.id,
          purpose: RunPurpose.EXECUTION,
        }),
      );
      await database.dataSource.manager.update(
        AgentRunEntity,
        { id: run.id },
        { sessionId: sessions[(i + r) % sessions.length], status: RunStatus.SUCCEEDED },
      );
    }
  }
  return {
    planId: toPublicId('Plan', plan.id),
    userId: session.user.id,
    accessToken: session.accessToken,
  };
}

/** The baseline: node:http + graphql-jit over the same schema, resolvers and services. */
async function startBaseline(
  services: Services,
  actor: () => Actor,
): Promise<{ url: string; close: () => Promise<void> }> {
  const schema = await buildGraphQLSchema();
  const logger = createLogger('silent');
  const compiled = new Map<
    string,
    ReturnType<typeof compileQuery<Record<string, unknown>, Record<string, unknown>>>
  >();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
          query: string;
          variables: Record<string, unknown>;
        };
        let program = compiled.get(query);
        if (!program) {
          program = compileQuery<Record<string, unknown>, Record<string, unknown>>(
            schema,
            parse(query),
          );
          compiled.set(query, program);
        }
        const body = isCompiledQuery(program)
          ? await program.query(
              undefined,
              createContext(services, logger, 'bench', actor()),
              variables,
            )
          : program;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  bytesPerResponse: number;
}

function load(
  url: string,
  bodyFile: string,
  seconds: number,
  authorization = '',
  concurrency = 16,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [LOAD, url, bodyFile, String(concurrency), String(seconds), authorization],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

export default async function graphqlRead(options: BenchOptions): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-bench-read-'));
  const { database, drop } = await openBenchDatabase();
  const { studio, setup } = await startBenchStudio(scratch, database);
  // The baseline skips authentication (it trusts the user id); Studio verifies the token.
  let userId = '';
  const baseline = await startBaseline(studio.services, () => ({ kind: 'user', userId }));
  try {
    console.log(
      `seeding a plan of ${TASKS} tasks (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'})…`,
    );
    const seeded = await seed(studio.services, database, setup);
    const { planId } = seeded;
    userId = seeded.userId;
    const authorization = `Bearer ${seeded.accessToken}`;
    const bodyFile = path.join(scratch, 'body.json');
    await writeFile(bodyFile, JSON.stringify({ query: QUERY, variables: { id: planId } }));
    const studioUrl = `${studio.url}/graphql`;

    const statements = await recordStatements(database.dataSource, async () => {
      const response = await fetch(studioUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: QUERY, variables: { id: planId } }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(`the query failed: ${JSON.stringify(body.errors)}`);
    });
    const seconds = options.quick ? 3 : 8;
    const rounds = options.quick ? 1 : 3;
    await load(studioUrl, bodyFile, 2, authorization);
    await load(baseline.url, bodyFile, 2);
    const ours: LoadResult[] = [];
    const theirs: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      ours.push(await load(studioUrl, bodyFile, seconds, authorization));
      theirs.push(await load(baseline.url, bodyFile, seconds));
      const last = ours.at(-1) as LoadResult;
      const base = theirs.at(-1) as LoadResult;
      console.log(
        `round ${round + 1}/${rounds}: studio ${last.rps.toFixed(0)} req/s (p99 ${last.p99.toFixed(1)} ms), ` +
          `baseline ${base.rps.toFixed(0)} req/s (p99 ${base.p99.toFixed(1)} ms), ${(last.bytesPerResponse / 1024).toFixed(1)} KB`,
      );
    }
    const errors = [...ours, ...theirs].reduce((sum, r) => sum + r.errors, 0);
    if (errors > 0) throw new Error(`${errors} requests failed`);
    const rps = median(ours.map((r) => r.rps));
    const baselineRps = median(theirs.map((r) => r.rps));
    result('graphql-read', {
      rps,
      baseline_rps: baselineRps,
      ratio: rps / baselineRps,
      sql_statements: statements.length,
      p99_ms: median(ours.map((r) => r.p99)),
      response_kb: (ours[0]?.bytesPerResponse ?? 0) / 1024,
      goal: GOAL,
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });
  } finally {
    await baseline.close();
    await studio.close();
    await database.close();
    await drop();
    await rm(scratch, { recursive: true, force: true });
  }
}
