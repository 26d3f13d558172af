// What the knowledge browser's tests need besides the dashboard: a real repository (the
// polyglot fixture the daemon's analysis tests use) pushed to a local bare origin, a project on
// it, and a real `maestro connect` daemon signed in to the dashboard's Studio with a CLI invite.
// The daemon processes are started as client-daemon/test/support/daemons.ts starts them; that
// module is not imported here because its types pull the server's test support into the
// dashboard's svelte-check.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type Dashboard } from './dashboard.js';

const exec = promisify(execFile);
const MAESTRO = path.join(ROOT, 'client-daemon/bin/run.js');
/** Stand-in provider executables (the `claude` a session is configured with). */
const STAND_INS = path.join(ROOT, 'client-daemon/test/support/stand-ins');

/** A daemon's environment: its own home, git identity and the stand-ins first on PATH. */
function daemonEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MAESTRO_HOME: home,
    MAESTRO_CREDENTIALS: 'file',
    MAESTRO_TOKEN: '',
    MAESTRO_STUDIO_URL: '',
    MAESTRO_PROVIDER: '',
    PATH: `${STAND_INS}${path.delimiter}${process.env['PATH'] ?? ''}`,
    GIT_AUTHOR_NAME: 'Maestro Daemon',
    GIT_AUTHOR_EMAIL: 'daemon@maestro.test',
    GIT_COMMITTER_NAME: 'Maestro Daemon',
    GIT_COMMITTER_EMAIL: 'daemon@maestro.test',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

/** A `maestro connect --no-tui` process in its own process group. */
export class DaemonProcess {
  readonly child: ChildProcess;
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
    this.child = spawn(process.execPath, [MAESTRO, 'connect', '--no-tui', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
      cwd,
      detached: true,
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** SIGKILL to the daemon and everything it started. */
  kill9(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    return this.exited;
  }
}

/** A TypeScript/React package, a Python (FastAPI) service and a Go (Gin) worker. */
export const POLYGLOT_FIXTURE = path.join(ROOT, 'client-daemon/test/fixtures/polyglot-repo');

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', args, { cwd })).stdout.trim();
}

async function commitAndPush(clone: string, message: string): Promise<void> {
  await git(clone, 'add', '-A');
  await git(
    clone,
    '-c',
    'user.name=Fixture',
    '-c',
    'user.email=fixture@maestro.test',
    'commit',
    '-q',
    '-m',
    message,
  );
  await git(clone, 'push', '-q', 'origin', 'main');
}

export interface FixtureRepository {
  /** The bare origin: the project's remoteUrl. */
  readonly origin: string;
  /** A working clone, where the daemon runs and changes are made. */
  readonly clone: string;
  /** Adds an npm script to web/package.json and pushes it (the workflow file changes). */
  addLintScript(): Promise<void>;
}

/** The fixture committed to a fresh repository and pushed to a bare origin under `dir`. */
export async function polyglotRepository(dir: string): Promise<FixtureRepository> {
  const origin = path.join(dir, 'origin.git');
  await exec('git', ['init', '-q', '--bare', '--initial-branch=main', origin]);
  const clone = path.join(dir, 'clone');
  await mkdir(clone);
  await cp(POLYGLOT_FIXTURE, clone, { recursive: true });
  await git(clone, 'init', '-q', '--initial-branch=main');
  await git(clone, 'remote', 'add', 'origin', origin);
  await commitAndPush(clone, 'the polyglot shop');
  return {
    origin,
    clone,
    addLintScript: async () => {
      const manifest = path.join(clone, 'web', 'package.json');
      const parsed = JSON.parse(await readFile(manifest, 'utf8')) as {
        scripts: Record<string, string>;
      };
      parsed.scripts['lint'] = 'eslint src';
      await writeFile(manifest, `${JSON.stringify(parsed, null, 2)}\n`);
      await commitAndPush(clone, 'a lint script');
    },
  };
}

/** Creates a project on `remoteUrl` in the dashboard's workspace, through the API. */
export async function createProject(
  dashboard: Dashboard,
  name: string,
  remoteUrl: string,
): Promise<string> {
  const { createProject } = await dashboard.graphql<{
    createProject: { project: { id: string } | null; userErrors: { message: string }[] };
  }>(
    'mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } userErrors { message } } }',
    { i: { workspaceId: dashboard.workspaceId, name, remoteUrl } },
  );
  if (!createProject.project) {
    throw new Error(`createProject failed: ${JSON.stringify(createProject.userErrors)}`);
  }
  return createProject.project.id;
}

/** A MAESTRO_HOME signed in to the dashboard's Studio as the owner, with a CLI invite. */
export async function signedInDaemonHome(dashboard: Dashboard, name: string): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), `maestro-${name}-`));
  const { createCliInvite } = await dashboard.graphql<{ createCliInvite: { token: string } }>(
    'mutation($i: CreateCliInviteInput!) { createCliInvite(input: $i) { token } }',
    { i: { workspaceId: dashboard.workspaceId } },
  );
  try {
    await exec(
      process.execPath,
      [MAESTRO, 'auth', createCliInvite.token, '--studio', dashboard.url, '--name', name, '--json'],
      { env: daemonEnv(home) },
    );
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`maestro auth failed: ${stderr ?? String(error)}`, { cause: error });
  }
  return home;
}

/**
 * `maestro connect` in the clone, analysing with the static analyzer only (no provider is
 * asked), so what the pages show is the analyzer's facts.
 */
export function analystDaemon(home: string, clone: string): DaemonProcess {
  return new DaemonProcess(
    ['--provider', 'claude', '--name', 'analyst-bot'],
    daemonEnv(home, { MAESTRO_ANALYSIS: 'static' }),
    clone,
  );
}
