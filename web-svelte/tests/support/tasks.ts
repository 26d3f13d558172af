// Helpers for the tasks and flow browser tests: plans made through the API (as a bot would;
// the plan editor has its own tests), and a real `maestro` daemon signed in with a CLI invite.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { ROOT, type Dashboard } from './dashboard.js';

// Like client-daemon/test/support/daemons.ts, which cannot be imported here: its types pull the
// whole server into svelte-check's program.
const BIN = path.join(ROOT, 'client-daemon/bin/run.js');
/** Stand-in `claude` and `codex` executables (test fixtures), first on the daemon's PATH. */
const STAND_INS = path.join(ROOT, 'client-daemon/test/support/stand-ins');

const exec = promisify(execFile);

/**
 * A local bare repository with one commit on main (README.md and app.txt), as
 * server/test/support/git-daemon.ts makes it; returns its path, the project's remote.
 */
export async function bareRepository(root: string, lines: string[]): Promise<string> {
  const origin = path.join(root, 'origin.git');
  const seed = path.join(root, 'seed');
  const git = (cwd: string, ...args: string[]) =>
    exec('git', ['-c', 'user.name=Seed', '-c', 'user.email=seed@maestro.test', ...args], { cwd });
  await exec('git', ['init', '-q', '--bare', '--initial-branch=main', origin]);
  await exec('git', ['clone', '-q', origin, seed]);
  await git(seed, 'checkout', '-q', '-b', 'main');
  await writeFile(path.join(seed, 'README.md'), '# app\n');
  await writeFile(path.join(seed, 'app.txt'), `${lines.join('\n')}\n`);
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '-q', '-m', 'initial commit');
  await git(seed, 'push', '-q', 'origin', 'main');
  return origin;
}

/** What a daemon process of these tests gets: its own home, a git identity, the stand-ins. */
export function daemonEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MAESTRO_HOME: home,
    MAESTRO_CREDENTIALS: 'file',
    MAESTRO_TOKEN: '',
    MAESTRO_STUDIO_URL: '',
    MAESTRO_PROVIDER: '',
    PATH: `${STAND_INS}${path.delimiter}${process.env.PATH ?? ''}`,
    GIT_AUTHOR_NAME: 'Maestro Daemon',
    GIT_AUTHOR_EMAIL: 'daemon@maestro.test',
    GIT_COMMITTER_NAME: 'Maestro Daemon',
    GIT_COMMITTER_EMAIL: 'daemon@maestro.test',
    GIT_CONFIG_NOSYSTEM: '1',
  };
}

function ensureBuilt(): void {
  if (!existsSync(path.join(ROOT, 'client-daemon/dist/commands/connect.js'))) {
    throw new Error('client-daemon is not built: run `npm run build -w client-daemon`');
  }
}

/** A short `maestro …` command as a real process: its exit code and output. */
export function maestro(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ...out })));
}

/** A `maestro connect --no-tui` process in its own process group; stopped by its PID. */
export class DaemonProcess {
  readonly child: ChildProcess;
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    ensureBuilt();
    this.child = spawn(process.execPath, [BIN, 'connect', '--no-tui', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
      detached: true,
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, as `maestro disconnect` sends: the daemon ends its sessions and exits. */
  stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL to the daemon's process group (its provider processes too). */
  kill9(): Promise<number | null> {
    if (this.running) {
      try {
        process.kill(-(this.child.pid as number), 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    return this.exited;
  }
}

interface Payload {
  userErrors: Array<{ field: string[] | null; message: string }>;
}

/** Runs one mutation with `input` and returns its payload; fails the test on userErrors. */
export async function mutate<T>(
  dashboard: Dashboard,
  name: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<T> {
  const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
  const data = await dashboard.graphql<Record<string, T & Payload>>(
    `mutation Helper($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { field message } } }`,
    { input },
  );
  const payload = data[name]!;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

export interface TaskSpec {
  readonly title: string;
  readonly description?: string;
  readonly estimateMinutes?: number;
  readonly skills?: string[];
  /** Titles of earlier tasks of the spec. */
  readonly dependsOn?: string[];
  /** The phase's name; default "Build". */
  readonly phase?: string;
}

export interface PlanRef {
  readonly planId: string;
  /** Task ids by title. */
  readonly tasks: Record<string, string>;
  readonly phases: Record<string, string>;
}

/**
 * A draft plan with phases and tasks, made through the API. (The flow test will build it in
 * the plan editor once that page exists; keep this the only place that knows how.)
 */
export async function planThroughApi(
  dashboard: Dashboard,
  projectId: string,
  name: string,
  tasks: readonly TaskSpec[],
): Promise<PlanRef> {
  const { plan } = await mutate<{ plan: { id: string } }>(
    dashboard,
    'createPlan',
    { projectId, name },
    'plan { id }',
  );
  const phases: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const spec of tasks) {
    const phaseName = spec.phase ?? 'Build';
    if (!phases[phaseName]) {
      const { phase } = await mutate<{ phase: { id: string } }>(
        dashboard,
        'createPhase',
        { planId: plan.id, name: phaseName },
        'phase { id }',
      );
      phases[phaseName] = phase.id;
    }
    const { task } = await mutate<{ task: { id: string } }>(
      dashboard,
      'createTask',
      {
        phaseId: phases[phaseName],
        title: spec.title,
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.estimateMinutes ? { estimateMinutes: spec.estimateMinutes } : {}),
        ...(spec.skills ? { skills: spec.skills } : {}),
        ...(spec.dependsOn ? { dependsOn: spec.dependsOn.map((title) => ids[title]) } : {}),
      },
      'task { id }',
    );
    ids[spec.title] = task.id;
  }
  return { planId: plan.id, tasks: ids, phases };
}

/** Activates a plan through the API (the plan page's button will do it in the flow test). */
export async function activateThroughApi(dashboard: Dashboard, planId: string): Promise<void> {
  await mutate(dashboard, 'setPlanStatus', { planId, status: 'ACTIVE' }, 'plan { status }');
}

/** A project on `remoteUrl`, made through the API. */
export async function projectThroughApi(
  dashboard: Dashboard,
  remoteUrl: string,
  name: string,
): Promise<string> {
  const { project } = await mutate<{ project: { id: string } }>(
    dashboard,
    'createProject',
    { workspaceId: dashboard.workspaceId, remoteUrl, name },
    'project { id }',
  );
  return project.id;
}

/** A new MAESTRO_HOME signed in to this Studio with a CLI invite (`maestro auth <token>`). */
export async function signedInDaemonHome(dashboard: Dashboard, name: string): Promise<string> {
  const home = await mkdtemp(path.join(dashboard.dir, `home-${name}-`));
  const { token } = await mutate<{ token: string }>(
    dashboard,
    'createCliInvite',
    { workspaceId: dashboard.workspaceId },
    'token',
  );
  const auth = await maestro(
    ['auth', token, '--studio', dashboard.url, '--name', name, '--json'],
    daemonEnv(home),
  );
  if (auth.code !== 0) throw new Error(`maestro auth failed (${auth.code}): ${auth.stderr}`);
  return home;
}

/** `maestro connect --no-tui --all` with a stand-in provider, as a real process. */
export function connectDaemon(
  name: string,
  home: string,
  provider: 'claude' | 'codex' = 'claude',
): DaemonProcess {
  return new DaemonProcess(['--all', '--provider', provider, '--name', name], daemonEnv(home));
}

/** The kanban column (a region named by its heading) holding a status. */
export function column(page: Page, label: string): Locator {
  return page.locator('section.column', {
    has: page.getByRole('heading', { level: 3, name: new RegExp(`^${label}\\b`) }),
  });
}

/** The kanban card of a task, by title. */
export function card(page: Page, title: string): Locator {
  return page.locator('li.task-card', {
    has: page.getByRole('link', { name: title, exact: true }),
  });
}

/** The label of the column a task's card is in now. */
export async function columnOf(page: Page, title: string): Promise<string> {
  return card(page, title).evaluate(
    (element) => element.closest('section')?.getAttribute('data-status') ?? '',
  );
}

/** Marks the window, so a test can tell later that the page was never reloaded. */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { maestroMark: number }).maestroMark = 42;
  });
}

export async function windowStillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { maestroMark?: number }).maestroMark === 42);
}
