// Real `maestro` processes for the browser tests: the CLI as built in client-daemon/dist, with the
// stand-in providers first on PATH, signed in to the dashboard's Studio with a CLI invite. (Like
// client-daemon/test/support/daemons.ts, which cannot be imported here: its types pull the whole
// server into svelte-check's program.)
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type Dashboard } from './dashboard.js';

const BIN = path.join(ROOT, 'client-daemon/bin/run.js');
/** Stand-in `claude` and `codex` executables (test fixtures), first on the daemon's PATH. */
const STAND_INS = path.join(ROOT, 'client-daemon/test/support/stand-ins');

const exec = promisify(execFile);

/** `git <args>` in `cwd`; its trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', args, { cwd })).stdout.trim();
}

/**
 * A local bare repository with one commit on main (README.md and app.txt), as
 * server/test/support/git-daemon.ts makes it; returns its path, the project's remote.
 */
export async function bareRepository(root: string, lines: string[]): Promise<string> {
  const origin = path.join(root, 'origin.git');
  const seed = path.join(root, 'seed');
  const seeder = ['-c', 'user.name=Seed', '-c', 'user.email=seed@maestro.test'];
  await exec('git', ['init', '-q', '--bare', '--initial-branch=main', origin]);
  await exec('git', ['clone', '-q', origin, seed]);
  await git(seed, 'checkout', '-q', '-b', 'main');
  await writeFile(path.join(seed, 'README.md'), '# app\n');
  await writeFile(path.join(seed, 'app.txt'), `${lines.join('\n')}\n`);
  await git(seed, 'add', '-A');
  await git(seed, ...seeder, 'commit', '-q', '-m', 'initial commit');
  await git(seed, 'push', '-q', 'origin', 'main');
  return origin;
}

/** What a daemon process of these tests gets: its own home, a git identity, the stand-ins. */
export function daemonEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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
    ...extra,
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

  constructor(args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
    ensureBuilt();
    this.child = spawn(process.execPath, [BIN, 'connect', '--no-tui', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
      detached: true,
      ...(cwd ? { cwd } : {}),
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
    if (this.running && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    return this.exited;
  }
}

/** A new MAESTRO_HOME signed in to this Studio with a CLI invite (`maestro auth <token>`). */
export async function signedInDaemonHome(dashboard: Dashboard, name: string): Promise<string> {
  const home = await mkdtemp(path.join(dashboard.dir, `home-${name}-`));
  const { createCliInvite } = await dashboard.graphql<{
    createCliInvite: { token: string | null; userErrors: Array<{ message: string }> };
  }>(
    'mutation($i: CreateCliInviteInput!) { createCliInvite(input: $i) { token userErrors { message } } }',
    {
      i: { workspaceId: dashboard.workspaceId },
    },
  );
  if (!createCliInvite.token) {
    throw new Error(
      `createCliInvite: ${createCliInvite.userErrors.map((e) => e.message).join('; ')}`,
    );
  }
  const auth = await maestro(
    ['auth', createCliInvite.token, '--studio', dashboard.url, '--name', name, '--json'],
    daemonEnv(home),
  );
  if (auth.code !== 0) throw new Error(`maestro auth failed (${auth.code}): ${auth.stderr}`);
  return home;
}
