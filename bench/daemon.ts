/**
 * The daemon's footprint and its speed from claim to provider.
 *
 * 1. RSS: one `maestro connect --all --no-tui` process holding PROJECTS idle project
 *    connections (a session, a graphql-ws socket and a heartbeat each), read from
 *    /proc/<pid>/status once every connection is live. Baseline in the same run: a bare Node
 *    process (`node -e` keeping itself alive), the floor any Node daemon pays.
 * 2. claim → provider started: SAMPLES plans of one task, each activated while the daemon is
 *    connected; the daemon claims and runs the EXECUTION (a task worktree: fetch, worktree
 *    add) and the REVIEW (a throwaway worktree) with a stand-in `claude`. Timed from the
 *    daemon's "run started" log entry (written right after the claim answered) to its
 *    "provider started" entry (the provider process spawned). Baseline, measured on the same
 *    repository: the bare git work an EXECUTION cannot avoid (fetch, `worktree add` on a new
 *    branch) plus spawning the same executable, done directly.
 *
 * Studio runs in this process on PostgreSQL when DATABASE_URL is set, else on embedded PGlite.
 */
import 'reflect-metadata';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toPublicId } from '../server/src/domain/common/public-id.js';
import { openBenchDatabase, startBenchStudio } from './database.js';
import { graphqlAs, median, percentile, result, type BenchOptions } from './lib.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(root, 'client-daemon/bin/run.js');
const STAND_INS = path.join(root, 'client-daemon/test/support/stand-ins');
const PROJECTS = 5;
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
};

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kb / 1024;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function bareRepository(dir: string): Promise<string> {
  const origin = path.join(dir, 'origin.git');
  await exec('git', ['init', '-q', '--bare', '--initial-branch=main', origin]);
  const seed = path.join(dir, 'seed');
  await exec('git', ['clone', '-q', origin, seed]);
  await writeFile(path.join(seed, 'README.md'), '# bench\n');
  const run = (...args: string[]) =>
    exec('git', args, { cwd: seed, env: { ...process.env, ...GIT_ENV } });
  await run('checkout', '-q', '-b', 'main');
  await run('add', '-A');
  await run('commit', '-q', '-m', 'initial');
  await run('push', '-q', 'origin', 'main');
  return origin;
}

/** The floor: a Node process doing nothing but staying alive. */
async function nodeFloorMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const mb = await rssMb(child.pid as number);
  child.kill();
  return mb;
}

/** The floor of claim → spawn: fetch, worktree add on a new branch, spawn the executable. */
async function spawnFloorMs(origin: string, scratch: string, n: number): Promise<number> {
  const repo = path.join(scratch, `floor-repo-${n}`);
  await exec('git', ['clone', '-q', '--no-checkout', origin, repo]);
  const started = process.hrtime.bigint();
  await exec('git', ['fetch', '-q', '--prune', 'origin'], { cwd: repo });
  await exec(
    'git',
    [
      'worktree',
      'add',
      '-q',
      '-B',
      `floor-${n}`,
      path.join(scratch, `floor-wt-${n}`),
      'origin/main',
    ],
    {
      cwd: repo,
    },
  );
  const child = spawn(path.join(STAND_INS, 'claude'), ['--version'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

export default async function daemon(options: BenchOptions): Promise<void> {
  const samples = options.quick ? 4 : 12;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-bench-daemon-'));
  const { database, drop } = await openBenchDatabase();
  const { studio, setup } = await startBenchStudio(scratch, database);
  let child: ChildProcess | undefined;
  try {
    const { services } = studio;
    const { workspace } = setup;
    const api = graphqlAs(`${studio.url}/graphql`, setup.session.accessToken);
    const gql = api.request;
    const projects: Array<{ id: string; origin: string }> = [];
    for (let n = 0; n < PROJECTS; n++) {
      const dir = path.join(scratch, `project-${n}`);
      const origin = await bareRepository(await mkdtemp(`${dir}-`));
      const project = await services.projects.create({
        workspaceId: workspace.id,
        remoteUrl: origin,
        name: `bench-${n}`,
      });
      projects.push({ id: toPublicId('Project', project.id), origin });
    }
    const { createCliInvite } = await gql<{
      createCliInvite: { token: string | null; userErrors: { message: string }[] };
    }>(
      'mutation($i: CreateCliInviteInput!) { createCliInvite(input: $i) { token userErrors { message } } }',
      { i: { workspaceId: toPublicId('Workspace', workspace.id) } },
    );
    if (!createCliInvite.token) throw new Error(JSON.stringify(createCliInvite.userErrors));
    const home = path.join(scratch, 'home');
    const env = {
      ...process.env,
      ...GIT_ENV,
      MAESTRO_HOME: home,
      MAESTRO_CREDENTIALS: 'file',
      MAESTRO_LOG_LEVEL: 'info',
      PATH: `${STAND_INS}${path.delimiter}${process.env.PATH ?? ''}`,
    };
    await exec(
      process.execPath,
      [BIN, 'auth', createCliInvite.token, '--studio', studio.url, '--json'],
      { env },
    );

    child = spawn(process.execPath, [BIN, 'connect', '--all', '--no-tui', '--provider', 'claude'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await until('every connection live', () =>
      Promise.resolve((log.match(/ live /g)?.length ?? 0) >= PROJECTS ? true : undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const daemonMb = await rssMb(child.pid as number);
    const floorMb = await nodeFloorMb();
    console.log(
      `RSS with ${PROJECTS} idle connections: ${daemonMb.toFixed(1)} MB; bare node: ${floorMb.toFixed(1)} MB`,
    );

    const project = projects[0] as { id: string; origin: string };
    for (let n = 0; n < samples; n++) {
      const { createPlan } = await gql<{ createPlan: { plan: { id: string } } }>(
        'mutation($i: CreatePlanInput!) { createPlan(input: $i) { plan { id } } }',
        { i: { projectId: project.id, name: `Sample ${n + 1}` } },
      );
      const planId = createPlan.plan.id;
      const { createPhase } = await gql<{ createPhase: { phase: { id: string } } }>(
        'mutation($i: CreatePhaseInput!) { createPhase(input: $i) { phase { id } } }',
        { i: { planId, name: 'Build' } },
      );
      await gql('mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } } }', {
        i: {
          phaseId: createPhase.phase.id,
          title: `Change ${n + 1}`,
          description: `STAND-IN: append bench.txt line ${n + 1}`,
        },
      });
      await gql(
        'mutation($i: SetPlanStatusInput!) { setPlanStatus(input: $i) { plan { status } } }',
        {
          i: { planId, status: 'ACTIVE' },
        },
      );
      await until(`plan ${n + 1} released`, async () => {
        const { plan } = await gql<{ plan: { status: string } }>(
          'query($id: ID!) { plan(id: $id) { status } }',
          { id: planId },
        );
        return plan.status === 'COMPLETED' ? true : undefined;
      });
      console.log(`sample ${n + 1}/${samples}: plan released`);
    }

    // the daemon's own record of each run: claimed ("run started") → "provider started"
    const logs = path.join(home, 'logs');
    const entries: Array<{ time: string; msg: string; run?: string; purpose?: string }> = [];
    for (const file of await readdir(logs)) {
      for (const line of (await readFile(path.join(logs, file), 'utf8')).split('\n')) {
        if (line.trim()) entries.push(JSON.parse(line) as (typeof entries)[number]);
      }
    }
    const started = new Map(entries.filter((e) => e.msg === 'run started').map((e) => [e.run, e]));
    const byPurpose: Record<string, number[]> = {};
    for (const spawned of entries.filter((e) => e.msg === 'provider started')) {
      const claimed = started.get(spawned.run);
      if (!claimed) continue;
      (byPurpose[claimed.purpose ?? '?'] ??= []).push(
        Date.parse(spawned.time) - Date.parse(claimed.time),
      );
    }
    const floors: number[] = [];
    for (let n = 0; n < samples; n++) floors.push(await spawnFloorMs(project.origin, scratch, n));
    const execution = byPurpose.EXECUTION ?? [];
    const review = byPurpose.REVIEW ?? [];
    const all = [...execution, ...review];
    if (execution.length < samples)
      throw new Error(`only ${execution.length} EXECUTION spawns logged`);
    const claimToSpawn = median(execution);
    const floor = median(floors);
    console.log(
      `claim → provider started: EXECUTION p50 ${claimToSpawn} ms p99 ${percentile(execution, 0.99)} ms, ` +
        `REVIEW p50 ${median(review)} ms; floor (fetch + worktree add + spawn) p50 ${floor.toFixed(1)} ms`,
    );
    result('daemon', {
      rss_mb: daemonMb,
      rss_node_floor_mb: floorMb,
      rss_ratio_vs_node: daemonMb / floorMb,
      projects: PROJECTS,
      claim_to_spawn_ms: claimToSpawn,
      claim_to_spawn_p99_ms: percentile(all, 0.99),
      floor_ms: floor,
      ratio_vs_floor: claimToSpawn / floor,
    });
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await studio.close();
    await drop();
    await rm(scratch, { recursive: true, force: true });
  }
}
