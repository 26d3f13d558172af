import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../../server/src/domain/common/public-id.js';
import { KnowledgeArtifactType } from '../../server/src/domain/knowledge/knowledge.entity.js';
import { expectEventually } from '../../server/test/support/expect-eventually.js';
import { bareRepository } from '../../server/test/support/git-daemon.js';
import { ok } from '../../server/test/support/mutations.js';
import { planWithTasks } from '../../server/test/support/plans.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { daemonEnv, DaemonProcess, maestro, signedInHome } from './support/daemons.js';

const exec = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', args, { cwd })).stdout.trim();

interface RunView {
  id: string;
  purpose: string;
  status: string;
  attempt: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  model: string | null;
  exitReason: string | null;
  session: { id: string; name: string } | null;
  task: { title: string } | null;
}
const RUN =
  'id purpose status attempt tokensIn tokensOut costUsd model exitReason session { id name } task { title }';

describe('maestro connect: real daemons on a real repository', () => {
  let server: TestServer;
  let root: string;
  const daemons: DaemonProcess[] = [];
  const homes: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-connect-'));
  });
  afterAll(async () => {
    for (const daemon of daemons) await daemon.kill9().catch(() => undefined);
    await server.close();
    for (const dir of [root, ...homes]) await rm(dir, { recursive: true, force: true });
  });

  const project = async (name: string) => {
    const dir = await mkdtemp(path.join(root, `${name}-`));
    const origin = await bareRepository(dir, ['one', 'two', 'three']);
    const created = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: origin,
      name,
    });
    return { projectId: created.id, origin, dir };
  };
  const home = async (name: string) => {
    const made = await signedInHome(server, name);
    homes.push(made);
    return made;
  };
  const connect = (name: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) => {
    const daemon = new DaemonProcess(name, args, env, cwd);
    daemons.push(daemon);
    return daemon;
  };
  const runsOf = async (projectId: string): Promise<RunView[]> =>
    (
      await server.query<{ runs: { nodes: RunView[] } }, unknown>(
        `query($id: ID!) { runs(projectId: $id, first: 100) { nodes { ${RUN} } } }`,
        { id: projectId },
      )
    ).runs.nodes;
  const planStatus = async (planId: string) =>
    (
      await server.query<{ plan: { status: string } }, unknown>(
        'query($id: ID!) { plan(id: $id) { status } }',
        { id: planId },
      )
    ).plan.status;
  const describeTask = (taskId: string, description: string) =>
    ok(server, 'updateTask', { taskId, description }, 'task { id }');

  test('two daemons (claude and codex stand-ins) take a 3-task plan from activation to release', async () => {
    const { projectId, origin, dir } = await project('release');
    const clone = path.join(dir, 'clone');
    await exec('git', ['clone', '-q', origin, clone]);
    const claudeHome = await home('claude-box');
    const codexHome = await home('codex-box');
    const argvLog = path.join(dir, 'argv.log');
    // one daemon finds its project from the clone's origin, the other connects all it knows
    const claude = connect(
      'claude',
      ['--provider', 'claude', '--name', 'claude-bot'],
      daemonEnv(claudeHome, {
        STAND_IN_LOG: argvLog,
        MAESTRO_CLAUDE_ARGS: '--dangerously-skip-permissions --max-turns 30',
      }),
      clone,
    );
    const codex = connect(
      'codex',
      ['--all', '--provider', 'codex', '--name', 'codex-bot', '--role', 'worker'],
      daemonEnv(codexHome, { STAND_IN_LOG: argvLog }),
    );
    await expectEventually(
      async () => {
        const data = await server.query<{ project: { sessions: { name: string }[] } }, unknown>(
          'query($id: ID!) { project(id: $id) { sessions { name } } }',
          { id: projectId },
        );
        expect(data.project.sessions.map((s) => s.name).sort()).toEqual([
          'claude-bot',
          'codex-bot',
        ]);
      },
      { timeoutMs: 20_000 },
    );
    const projects = await readFile(path.join(claudeHome, 'projects.toml'), 'utf8');
    expect(projects).toContain(`path = "${clone}"`);

    // a pattern analysis found: every review is judged against it
    await server.studio.services.knowledge.upsertArtifacts(
      parsePublicIdOf('Project', projectId) as string,
      [
        {
          type: KnowledgeArtifactType.PATTERN,
          name: 'One file per message',
          summary: 'Each message the app prints lives in a text file of its own.',
          fileRefs: [{ path: 'greeting.txt' }],
        },
      ],
    );
    const plan = await planWithTasks(server, projectId, 3);
    const [first, second, third] = plan.taskIds as [string, string, string];
    await describeTask(
      first,
      'Write the greeting.\nSTAND-IN: append greeting.txt hello from task 1',
    );
    await describeTask(
      second,
      'Write the farewell.\nSTAND-IN: append farewell.txt bye from task 2',
    );
    await describeTask(
      third,
      'Extend the greeting.\nSTAND-IN: append greeting.txt and more from task 3\nSTAND-IN: subtask {"title":"Document the greeting"}',
    );
    await ok(server, 'updateTask', { taskId: third, dependsOn: [first] }, 'task { id }');
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');

    await expectEventually(async () => expect(await planStatus(plan.planId)).toBe('COMPLETED'), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    await expectEventually(
      async () =>
        expect(
          (await runsOf(projectId)).find((run) => run.purpose === 'RELEASE_CLEANUP')?.status,
        ).toBe('SUCCEEDED'),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    if (process.env.TEST_DAEMON_LOG) console.log(JSON.stringify(await runsOf(projectId), null, 1));

    // the base branch holds all three changes under one --no-ff release merge
    const check = path.join(dir, 'check');
    await exec('git', ['clone', '-q', origin, check]);
    expect(await readFile(path.join(check, 'greeting.txt'), 'utf8')).toBe(
      'hello from task 1\nand more from task 3\n',
    );
    expect(await readFile(path.join(check, 'farewell.txt'), 'utf8')).toBe('bye from task 2\n');
    const merges = await git(check, 'log', '--merges', '--first-parent', '--format=%s', 'main');
    expect(merges.split('\n')).toEqual([expect.stringMatching(/^Release epic\//)]);
    // the task and epic branches are gone from origin
    expect(await git(check, 'ls-remote', '--heads', 'origin')).toMatch(/^\w+\trefs\/heads\/main$/);

    const runs = await runsOf(projectId);
    const executions = runs.filter((run) => run.purpose === 'EXECUTION');
    expect(executions.length).toBeGreaterThanOrEqual(3);
    for (const run of executions.filter((one) => one.status === 'SUCCEEDED')) {
      expect(run.tokensIn).toBeGreaterThan(0);
      expect(run.tokensOut).toBeGreaterThan(0);
      // Claude names its model; codex's JSON does not (and no model was configured)
      if (run.session?.name === 'claude-bot') expect(run.model).toMatch(/^claude-/);
    }
    const purposes = new Set(runs.filter((r) => r.status === 'SUCCEEDED').map((r) => r.purpose));
    expect([...purposes].sort()).toEqual(
      ['BOOTSTRAP_EPIC', 'EXECUTION', 'MERGE', 'RELEASE', 'RELEASE_CLEANUP', 'REVIEW'].sort(),
    );
    // both daemons did work
    const workers = new Set(runs.map((run) => run.session?.name).filter(Boolean));
    expect([...workers].sort()).toEqual(['claude-bot', 'codex-bot']);
    // the subtask directive became a child task of task 3
    const children = await server.query<{ task: { children: { title: string }[] } }, unknown>(
      'query($id: ID!) { task(id: $id) { children { title } } }',
      { id: third },
    );
    expect(children.task.children.map((c) => c.title)).toEqual(['Document the greeting']);

    // the providers were called as documented; permissions are never skipped
    const calls = (await readFile(argvLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
    const claudeCalls = calls.filter((argv) => argv.includes('--output-format'));
    const codexCalls = calls.filter((argv) => argv[0] === 'exec');
    expect(claudeCalls.length + codexCalls.length).toBe(calls.length);
    for (const argv of claudeCalls) {
      expect(argv).toEqual(expect.arrayContaining(['-p', '--verbose', '--add-dir']));
      expect(argv).not.toContain('--dangerously-skip-permissions');
      expect(argv).toContain('--max-turns');
    }
    for (const argv of codexCalls) expect(argv).toContain('--json');
    const reviews = calls.flat().filter((arg) => arg.startsWith('You are reviewing'));
    expect(reviews.length).toBeGreaterThanOrEqual(3);
    for (const prompt of reviews)
      expect(prompt).toContain(
        '# Conventions of this code base\n\nRepository analysis found these patterns in this repository.',
      );
    for (const prompt of reviews)
      expect(prompt).toContain(
        '- One file per message (greeting.txt): Each message the app prints lives in a text file of its own.',
      );

    // worktrees of finished work are gone; both stop cleanly and end their sessions
    for (const home of [claudeHome, codexHome]) {
      const left = path.join(home, 'worktrees', projectId);
      const entries = existsSync(left) ? await readdir(left) : [];
      expect(entries.filter((entry) => !entry.startsWith('.'))).toEqual([]);
    }
    const disconnect = await maestro(['disconnect', '--json'], daemonEnv(claudeHome));
    expect(disconnect.code).toBe(0);
    expect(JSON.parse(disconnect.stdout)).toMatchObject({ running: false, stopped: claude.pid });
    expect(await claude.exited).toBe(0);
    expect(await codex.stop()).toBe(0);
    const sessions = await server.query<{ project: { sessions: { name: string }[] } }, unknown>(
      'query($id: ID!) { project(id: $id) { sessions { name } } }',
      { id: projectId },
    );
    expect(sessions.project.sessions).toEqual([]);
  }, 180_000);
  test('a merge conflict goes back to the daemon, which resolves it on the task branch, then the release', async () => {
    const { projectId, origin, dir } = await project('conflict');
    const clone = path.join(dir, 'clone');
    await exec('git', ['clone', '-q', origin, clone]);
    const daemonHome = await home('conflict-box');
    const otherHome = await home('conflict-other');
    // two daemons, so both tasks fork from the epic before either is merged
    const daemon = connect(
      'conflict',
      ['--provider', 'claude', '--name', 'resolver'],
      daemonEnv(daemonHome),
      clone,
    );
    const other = connect(
      'conflict-other',
      ['--provider', 'codex', '--name', 'other'],
      daemonEnv(otherHome),
      clone,
    );
    const plan = await planWithTasks(server, projectId, 2);
    const [first, second] = plan.taskIds as [string, string];
    // both add the same new file: whichever merges second conflicts
    await describeTask(
      first,
      'STAND-IN: resolve\nSTAND-IN: append shared.txt from the first task\nSTAND-IN: sleep 1500',
    );
    await describeTask(
      second,
      'STAND-IN: resolve\nSTAND-IN: append shared.txt from the second task',
    );
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    await expectEventually(async () => expect(await planStatus(plan.planId)).toBe('COMPLETED'), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    const runs = await runsOf(projectId);
    const conflicted = runs.filter((run) => run.purpose === 'MERGE' && run.status === 'FAILED');
    expect(conflicted).toHaveLength(1);
    expect(conflicted[0]?.exitReason).toContain('MERGE CONFLICT in shared.txt');
    // the developer's run after the conflict: on the same branch, from origin
    const resolving = runs.filter((run) => run.purpose === 'EXECUTION');
    expect(resolving).toHaveLength(3);
    const check = path.join(dir, 'check');
    await exec('git', ['clone', '-q', origin, check]);
    const lines = (await readFile(path.join(check, 'shared.txt'), 'utf8')).trim().split('\n');
    expect(lines.sort()).toEqual(['from the first task', 'from the second task']);
    expect(await readFile(path.join(check, 'shared.txt'), 'utf8')).not.toMatch(/<<<<<<<|>>>>>>>/);
    expect(await daemon.stop()).toBe(0);
    expect(await other.stop()).toBe(0);
  }, 180_000);

  const runOf = async (runId: string) =>
    (
      await server.query<{ run: RunView }, unknown>(`query($id: ID!) { run(id: $id) { ${RUN} } }`, {
        id: runId,
      })
    ).run;

  test('kill -9 mid-run: another daemon finishes the run; the killed one recovers its worktree on restart', async () => {
    const { projectId, origin, dir } = await project('crash');
    const clone = path.join(dir, 'clone');
    await exec('git', ['clone', '-q', origin, clone]);
    const victimHome = await home('victim');
    const rescuerHome = await home('rescuer');

    const victim = connect(
      'victim',
      ['--provider', 'claude', '--name', 'victim'],
      daemonEnv(victimHome),
      clone,
    );
    const plan = await planWithTasks(server, projectId, 1);
    const [taskId] = plan.taskIds as [string];
    await ok(
      server,
      'updateTask',
      {
        taskId,
        description: 'Write it.\nSTAND-IN: append crash.txt half-done work\nSTAND-IN: sleep 600000',
      },
      'task { id }',
    );
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');

    // the provider has edited the worktree and hangs: the machine goes down
    const worktree = path.join(victimHome, 'worktrees', projectId, taskId);
    await expectEventually(() => expect(existsSync(path.join(worktree, 'crash.txt'))).toBe(true), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const [held] = (
      await server.query<{ runs: { nodes: RunView[] } }, unknown>(
        `query($id: ID!) { runs(projectId: $id, filter: { purpose: [EXECUTION] }) { nodes { ${RUN} } } }`,
        { id: projectId },
      )
    ).runs.nodes;
    expect(held).toMatchObject({ status: 'RUNNING', attempt: 1, session: { name: 'victim' } });
    await victim.kill9();

    // 90 s later the session is dead and the lease expired: the reaper's next pass
    const { dataSource } = server.studio.database;
    await dataSource.query(
      `UPDATE agent_run SET lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [parsePublicIdOf('Run', (held as RunView).id)],
    );
    await dataSource.query(
      `UPDATE agent_session SET last_heartbeat_at = now() - interval '5 minutes' WHERE name = 'victim'`,
    );
    await server.studio.services.reaper.tick();
    expect((await runOf((held as RunView).id)).status).toBe('QUEUED');

    const rescuer = connect(
      'rescuer',
      ['--provider', 'codex', '--name', 'rescuer'],
      daemonEnv(rescuerHome, { STAND_IN_SKIP_SLEEP: '1' }),
      clone,
    );
    await expectEventually(
      async () =>
        expect(await runOf((held as RunView).id)).toMatchObject({
          status: 'SUCCEEDED',
          attempt: 2,
          session: { name: 'rescuer' },
        }),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const { task } = await server.query<{ task: { branchName: string } }, unknown>(
      'query($id: ID!) { task(id: $id) { branchName } }',
      { id: taskId },
    );
    const rescued = path.join(dir, 'rescued');
    await exec('git', ['clone', '-q', '-b', task.branchName, origin, rescued]);
    expect(await readFile(path.join(rescued, 'crash.txt'), 'utf8')).toBe('half-done work\n');

    // back up: the interrupted work is committed and pushed aside, the worktree removed
    const restarted = connect(
      'victim-again',
      ['--provider', 'claude', '--name', 'victim'],
      daemonEnv(victimHome),
      clone,
    );
    await expectEventually(() => expect(restarted.lines(/recovered a worktree/)).toHaveLength(1), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(existsSync(worktree)).toBe(false);
    const machine = (await readFile(path.join(victimHome, 'machine.id'), 'utf8')).trim();
    const recovered = `maestro/recovered/${task.branchName}/${machine}`;
    const check = path.join(dir, 'recovered');
    await exec('git', ['clone', '-q', '-b', recovered, origin, check]);
    expect(await readFile(path.join(check, 'crash.txt'), 'utf8')).toBe('half-done work\n');
    expect(await git(check, 'log', '-1', '--format=%s')).toBe(
      'Work left by an interrupted maestro run',
    );

    expect(await restarted.stop()).toBe(0);
    expect(await rescuer.stop()).toBe(0);
  }, 180_000);

  test('Studio restarts: the daemon reconnects within the backoff cap, resumes its session and carries on', async () => {
    const first = await startTestServer();
    const port = Number(new URL(first.url).port);
    const database = first.testDatabase?.database;
    if (!database) throw new Error('no database');
    let second: TestServer | undefined;
    const dir = await mkdtemp(path.join(root, 'restart-'));
    try {
      const origin = await bareRepository(dir, ['one', 'two', 'three']);
      const { id: projectId } = await first.factory.project({
        workspaceId: first.owner.workspaceId,
        remoteUrl: origin,
        name: 'restart',
      });
      const clone = path.join(dir, 'clone');
      await exec('git', ['clone', '-q', origin, clone]);
      const daemonHome = await signedInHome(first, 'steady');
      homes.push(daemonHome);
      const daemon = connect(
        'steady',
        ['--provider', 'claude', '--name', 'steady'],
        daemonEnv(daemonHome),
        clone,
      );
      await expectEventually(() => expect(daemon.lines(/session registered/)).toHaveLength(1), {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
      const sessionId = /session=(\S+)/.exec(daemon.lines(/session registered/)[0] ?? '')?.[1];

      await first.studio.close();
      await expectEventually(
        () => expect(daemon.lines(/reconnecting/).length).toBeGreaterThanOrEqual(2),
        {
          timeoutMs: 20_000,
          intervalMs: 100,
        },
      );
      second = await startTestServer({ database, port });
      const back = second;
      await expectEventually(
        async () => {
          const { session } = await back.query<{ session: { alive: boolean } }, unknown>(
            'query($id: ID!) { session(id: $id) { alive } }',
            { id: sessionId },
          );
          expect(session.alive).toBe(true);
          // back on the socket, with the same session
          expect(daemon.lines(/session resumed/)).toHaveLength(1);
        },
        { timeoutMs: 40_000, intervalMs: 250 },
      );
      // every wait was within the cap, and the session was resumed rather than replaced
      const waits = daemon
        .lines(/reconnecting/)
        .map((line) => Number(/inMs=(\d+)/.exec(line)?.[1]));
      expect(waits.every((ms) => ms > 0 && ms <= 30_000)).toBe(true);
      expect(daemon.lines(/session registered/)).toHaveLength(1);

      // and it carries on: a plan activated now is done by it
      const plan = await planWithTasks(back, projectId, 1);
      await ok(
        back,
        'updateTask',
        { taskId: plan.taskIds[0], description: 'STAND-IN: append after.txt after the restart' },
        'task { id }',
      );
      await ok(back, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
      await expectEventually(
        async () => {
          const { plan: view } = await back.query<{ plan: { status: string } }, unknown>(
            'query($id: ID!) { plan(id: $id) { status } }',
            { id: plan.planId },
          );
          expect(view.status).toBe('COMPLETED');
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(await daemon.stop()).toBe(0);
    } finally {
      await second?.close();
      await first.testDatabase?.close();
    }
  }, 180_000);
});
