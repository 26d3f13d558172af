// Real `maestro` processes for tests: the CLI as built in client-daemon/dist, with the stand-in
// providers first on PATH. Nothing here imports the server, so the dashboard's browser tests
// (web-svelte/tests, type-checked by svelte-check) use it too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
/** Stand-in `claude`, `codex` and `bot` executables (test fixtures), first on the daemons' PATH. */
export const STAND_INS = fileURLToPath(new URL('./stand-ins', import.meta.url));

/** What every daemon process of the tests gets: its own home, git identity, the stand-ins. */
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
  if (!existsSync(fileURLToPath(new URL('../../dist/commands/connect.js', import.meta.url)))) {
    throw new Error('client-daemon is not built: run `npm run build`');
  }
}

/** A short `maestro …` command as a real process: its exit code and output. */
export function maestro(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    ...(cwd ? { cwd } : {}),
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ...out })));
}

/**
 * A `maestro connect --no-tui` process in its own process group (so a kill takes its provider
 * with it, as a machine going down would). Its stderr is the readable log.
 */
export class DaemonProcess {
  readonly child: ChildProcess;
  stderr = '';
  stdout = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd?: string,
  ) {
    ensureBuilt();
    this.child = spawn(process.execPath, [BIN, 'connect', '--no-tui', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      detached: true,
      ...(cwd ? { cwd } : {}),
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (process.env.TEST_DAEMON_LOG) process.stderr.write(`[${name}] ${chunk.toString()}`);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** The log lines so far that match. */
  lines(pattern: RegExp): string[] {
    return this.stderr.split('\n').filter((line) => pattern.test(line));
  }

  /** SIGKILL to the daemon and everything it started. */
  kill9(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    return this.exited;
  }

  /** SIGTERM, as `maestro disconnect` sends; resolves with the exit code. */
  stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
