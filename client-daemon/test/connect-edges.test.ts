import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { expectEventually } from '../../server/test/support/expect-eventually.js';
import { bareRepository } from '../../server/test/support/git-daemon.js';
import { MemberRole } from '../../server/src/domain/access/permissions.js';
import { parsePublicIdOf } from '../../server/src/domain/common/public-id.js';
import { KnowledgeArtifactType } from '../../server/src/domain/knowledge/knowledge.entity.js';
import { accessTokenFor, addMember } from '../../server/test/support/members.js';
import { ok } from '../../server/test/support/mutations.js';
import { planWithTasks } from '../../server/test/support/plans.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { daemonEnv, DaemonProcess, maestro, signedInHome } from './support/daemons.js';

const exec = promisify(execFile);

interface RunView {
  id: string;
  purpose: string;
  status: string;
  attempt: number;
  attended: boolean;
  resumeAt: string | null;
  exitReason: string | null;
}
const RUN = 'id purpose status attempt attended resumeAt exitReason';

describe('maestro connect, disconnect and task: bad input, refusals, manual work, rate limits', () => {
  let server: TestServer;
  let root: string;
  let home: string;
  let projectId: string;
  let origin: string;
  let clone: string;
  const daemons: DaemonProcess[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-edges-'));
    origin = await bareRepository(root, ['one', 'two', 'three']);
    projectId = (
      await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: origin,
        name: 'edges',
      })
    ).id;
    clone = path.join(root, 'clone');
    await exec('git', ['clone', '-q', origin, clone]);
    home = await signedInHome(server, 'edges-box');
  });
  afterAll(async () => {
    for (const daemon of daemons) await daemon.kill9().catch(() => undefined);
    await server.close();
    await rm(root, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  // a test that failed half-way leaves no daemon behind to take the next test's work
  afterEach(async () => {
    for (const daemon of daemons) await daemon.kill9().catch(() => undefined);
  });

  const connect = (name: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) => {
    const daemon = new DaemonProcess(name, args, env, cwd);
    daemons.push(daemon);
    return daemon;
  };
  const runs = async (filter: Record<string, unknown> = {}) =>
    (
      await server.query<{ runs: { nodes: RunView[] } }, unknown>(
        `query($id: ID!, $f: RunFilter) { runs(projectId: $id, filter: $f, first: 100) { nodes { ${RUN} } } }`,
        { id: projectId, f: filter },
      )
    ).runs.nodes;
  const liveSessions = async () =>
    (
      await server.query<{ project: { sessions: { name: string }[] } }, unknown>(
        'query($id: ID!) { project(id: $id) { sessions { name } } }',
        { id: projectId },
      )
    ).project.sessions;

  test('connect refuses what it cannot resolve, naming what is wrong (exit 1)', async () => {
    const plain = await mkdtemp(path.join(root, 'plain-'));
    const notGit = await maestro(['connect', '--no-tui'], daemonEnv(home), plain);
    expect(notGit.code).toBe(1);
    expect(notGit.stderr).toContain('is not in a git repository');

    const strangerOrigin = await bareRepository(await mkdtemp(path.join(root, 'stranger-')), ['x']);
    const stranger = path.join(root, 'stranger-clone');
    await exec('git', ['clone', '-q', strangerOrigin, stranger]);
    const unknown = await maestro(['connect', '--no-tui'], daemonEnv(home), stranger);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no project on ${server.url} is linked to local:`);

    const badSkill = await maestro(
      ['connect', '--no-tui', '--with-skill', 'go:'],
      daemonEnv(home),
      clone,
    );
    expect(badSkill.code).toBe(1);
    expect(badSkill.stderr).toContain('expected slug or slug:level');

    const badProvider = await maestro(
      ['connect', '--no-tui', '--provider', 'gpt9'],
      daemonEnv(home),
      clone,
    );
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toMatch(/Expected --provider=gpt9 to be one of/);

    // a skill Studio does not know: the session is refused, the daemon stops (exit 1)
    const unknownSkill = await maestro(
      ['connect', '--no-tui', '--with-skill', 'no-such-skill:3'],
      daemonEnv(home),
      clone,
    );
    expect(unknownSkill.code).toBe(1);
    expect(unknownSkill.stderr).toMatch(/connection stopped.*no-such-skill/);
    expect(await liveSessions()).toEqual([]);
  }, 60_000);

  test('credentials Studio refuses stop the daemon with exit code 4; so does a viewer', async () => {
    const signedOut = await mkdtemp(path.join(root, 'signed-out-'));
    const none = await maestro(['connect', '--no-tui'], daemonEnv(signedOut), clone);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('run maestro auth <token> again');

    const viewer = await addMember(server, server.owner.workspaceId, MemberRole.VIEWER);
    const token = await accessTokenFor(server, viewer.userKey);
    const refused = await maestro(
      ['connect', '--no-tui'],
      daemonEnv(signedOut, { MAESTRO_TOKEN: token, MAESTRO_STUDIO_URL: server.url }),
      clone,
    );
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/connection stopped/);
    expect(await liveSessions()).toEqual([]);
  }, 60_000);

  test('one daemon per machine; disconnect stops it, and with none running says so', async () => {
    const idle = await maestro(['disconnect', '--json'], daemonEnv(home));
    expect(idle.code).toBe(0);
    expect(JSON.parse(idle.stdout)).toEqual({ running: false });

    const daemon = connect(
      'single',
      ['--provider', 'claude', '--name', 'single'],
      daemonEnv(home),
      clone,
    );
    await expectEventually(() => expect(daemon.lines(/ live /)).toHaveLength(1), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    const second = await maestro(['connect', '--no-tui'], daemonEnv(home), clone);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already running on this machine (pid ${daemon.pid}`);

    const stopped = await maestro(['disconnect'], daemonEnv(home));
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain(`stopped the daemon (pid ${daemon.pid}): edges`);
    expect(await daemon.exited).toBe(0);
    expect(await liveSessions()).toEqual([]);
  }, 60_000);

  test('a rate limit pauses the run until the reset, without counting an attempt, then it is tried again', async () => {
    const plan = await planWithTasks(server, projectId, 1);
    await ok(
      server,
      'updateTask',
      { taskId: plan.taskIds[0], description: 'STAND-IN: rate-limit' },
      'task { id }',
    );
    const daemon = connect(
      'limited',
      ['--provider', 'claude', '--name', 'limited'],
      daemonEnv(home),
      clone,
    );
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    await expectEventually(
      () => expect(daemon.lines(/run paused for a rate limit/)).toHaveLength(1),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const [paused] = await runs({ taskId: plan.taskIds[0], purpose: ['EXECUTION'] });
    expect(paused).toMatchObject({ status: 'PAUSED', attempt: 1 });
    expect(Date.parse(paused?.resumeAt ?? '')).toBeGreaterThan(Date.now() - 10_000);
    // the reaper puts it back once the reset time has come, and it is pushed to the daemon
    await expectEventually(
      async () => {
        await server.studio.services.reaper.tick();
        expect(daemon.lines(/run paused for a rate limit/)).toHaveLength(2);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const [again] = await runs({ taskId: plan.taskIds[0], purpose: ['EXECUTION'] });
    expect(again).toMatchObject({ status: 'PAUSED', attempt: 1 });
    await ok(
      server,
      'setPlanStatus',
      { planId: plan.planId, status: 'CANCELLED' },
      'plan { status }',
    );
    expect(await daemon.stop()).toBe(0);
  }, 60_000);

  test("an EXECUTION prompt lists the project's knowledge nearest the task: reuse before writing", async () => {
    await server.studio.services.knowledge.upsertArtifacts(
      parsePublicIdOf('Project', projectId) as string,
      [
        {
          type: KnowledgeArtifactType.HELPER,
          name: 'formatCurrency',
          language: 'TypeScript',
          summary: 'Formats an amount of money with its currency symbol.',
          fileRefs: [{ path: 'src/money/format.ts', startLine: 3, endLine: 9 }],
        },
        {
          type: KnowledgeArtifactType.COMPONENT,
          name: 'WeatherWidget',
          language: 'TypeScript',
          framework: 'Svelte',
          summary: 'Renders a weather forecast by city.',
          fileRefs: [{ path: 'web/Weather.svelte' }],
        },
        {
          type: KnowledgeArtifactType.PATTERN,
          name: 'Problem details',
          summary: 'Handlers throw Problem; the middleware answers RFC 9457 JSON.',
          fileRefs: [{ path: 'src/http/problem.ts' }],
        },
      ],
    );
    const plan = await planWithTasks(server, projectId, 1);
    await ok(
      server,
      'updateTask',
      {
        taskId: plan.taskIds[0],
        title: 'Show cart prices formatted as currency',
        description: 'Every price on the cart page shows its currency symbol.',
      },
      'task { id }',
    );
    const log = path.join(root, 'reuse-argv.jsonl');
    const daemon = connect(
      'reuser',
      ['--provider', 'claude', '--name', 'reuser'],
      daemonEnv(home, { STAND_IN_LOG: log }),
      clone,
    );
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    const prompts = async () =>
      (await readFile(log, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => JSON.parse(line) as string[])
        .filter((arg) => arg.includes('# Task: Show cart prices'));
    await expectEventually(async () => expect(await prompts()).toHaveLength(1), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const [prompt = ''] = await prompts();
    const reuse = prompt.slice(prompt.indexOf('# Reuse before writing'));
    expect(reuse).toContain(
      '- helper formatCurrency (TypeScript) in src/money/format.ts:3-9: Formats an amount of money with its currency symbol.',
    );
    // the local embedder's vectors alone do not put unrelated code in the prompt
    expect(reuse).not.toContain('WeatherWidget');
    // the section comes before the house rules, and only once
    expect(prompt.indexOf('# Reuse before writing')).toBeLessThan(prompt.indexOf('# How to work'));
    expect(prompt.split('# Reuse before writing')).toHaveLength(2);
    // the project's patterns are listed whatever the task's words
    const conventions = prompt.slice(
      prompt.indexOf('# Conventions of this code base'),
      prompt.indexOf('# Reuse before writing'),
    );
    expect(conventions).toContain(
      '- Problem details (src/http/problem.ts): Handlers throw Problem; the middleware answers RFC 9457 JSON.',
    );
    expect(reuse).not.toContain('Problem details');
    await ok(
      server,
      'setPlanStatus',
      { planId: plan.planId, status: 'CANCELLED' },
      'plan { status }',
    );
    expect(await daemon.stop()).toBe(0);
  }, 60_000);

  test('task accept does an assigned task here; with the manual provider, task done completes it as attended work', async () => {
    const plan = await planWithTasks(server, projectId, 1);
    const [taskId] = plan.taskIds as [string];
    const { viewer } = await server.query<
      { viewer: { memberships: { id: string; workspace: { id: string } }[] } },
      unknown
    >('{ viewer { memberships { id workspace { id } } } }');
    const me = viewer.memberships.find((m) => m.workspace.id === server.owner.workspaceId);
    await ok(server, 'assignTask', { taskId, memberId: me?.id }, 'task { id }');

    // nobody may accept it before the epic exists: a daemon bootstraps it, then stops
    const early = await maestro(
      ['task', 'accept', taskId, '--provider', 'manual'],
      daemonEnv(home),
    );
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/the plan is draft|tasks are accepted while it is active/);
    const bootstrapper = connect(
      'bootstrapper',
      ['--provider', 'claude', '--name', 'bootstrapper'],
      daemonEnv(home),
      clone,
    );
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    await expectEventually(
      async () => {
        const { plan: view } = await server.query<
          { plan: { epicBootstrappedAt: string | null } },
          unknown
        >('query($id: ID!) { plan(id: $id) { epicBootstrappedAt } }', { id: plan.planId });
        expect(view.epicBootstrappedAt).not.toBeNull();
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(await bootstrapper.stop()).toBe(0);

    const accept = maestro(
      ['task', 'accept', taskId, '--provider', 'manual', '--json'],
      daemonEnv(home),
    );
    const worktree = path.join(home, 'worktrees', projectId, taskId);
    await expectEventually(() => expect(existsSync(path.join(worktree, 'app.txt'))).toBe(true), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    await writeFile(path.join(worktree, 'manual.txt'), 'written by a person\n');

    const outside = await maestro(['task', 'done'], daemonEnv(home), root);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('is not a task worktree');
    const both = await maestro(
      ['task', 'done', '--summary', 'a', '--failed', 'b'],
      daemonEnv(home),
      worktree,
    );
    expect(both.code).toBe(1);

    const done = await maestro(
      ['task', 'done', '--summary', 'Wrote it by hand', '--json'],
      daemonEnv(home),
      worktree,
    );
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ taken: true });
    const accepted = await accept;
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ task: taskId, kind: 'completed' });

    const [execution] = await runs({ taskId, purpose: ['EXECUTION'] });
    expect(execution).toMatchObject({ status: 'SUCCEEDED', attended: true });
    const { task } = await server.query<{ task: { status: string; branchName: string } }, unknown>(
      'query($id: ID!) { task(id: $id) { status branchName } }',
      { id: taskId },
    );
    // attended work waits for a review by hand
    expect(task.status).toBe('AWAITING_REVIEW');
    expect((await runs({ taskId, purpose: ['REVIEW'] })).length).toBe(0);
    const check = path.join(root, 'manual-check');
    await exec('git', ['clone', '-q', '-b', task.branchName, origin, check]);
    expect(existsSync(path.join(check, 'manual.txt'))).toBe(true);

    // a task that is not assigned to you, or no task at all
    const missing = await maestro(['task', 'accept', 'tsk_nope'], daemonEnv(home));
    expect(missing.code).toBe(1);
    const again = await maestro(['task', 'accept', taskId], daemonEnv(home));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('only a draft task can be accepted');
  }, 90_000);
});
