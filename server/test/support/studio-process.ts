import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectEventually } from './expect-eventually.js';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A Studio started as `npm start` starts it: `node server/dist/main.js`, as its own process. */
export class StudioProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string | undefined>) {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run \`npm run build\` before the process tests`);
    }
    // As `npm start` runs it: none of the run's service settings, and not jest's NODE_ENV=test
    // (libraries behave differently under it; Apollo, for one, skips its signal handlers).
    const inherited = [
      'DATABASE_URL',
      'REDIS_URL',
      'MAESTRO_SECRET',
      'PORT',
      'MAESTRO_DATA_DIR',
      'NODE_ENV',
    ];
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !inherited.includes(key)),
    );
    this.child = spawn(process.execPath, [MAIN], {
      env: { ...clean, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** The URL from the `studio ready` log line, once /readyz answers 200. */
  async ready(timeoutMs = 30_000): Promise<string> {
    const url = await expectEventually(
      () => {
        if (this.child.exitCode !== null) {
          throw new Error(`studio exited with ${this.child.exitCode}: ${this.stderr}`);
        }
        const line = this.stdout.split('\n').find((l) => l.includes('"msg":"studio ready"'));
        if (!line) throw new Error('not ready yet');
        return (JSON.parse(line) as { url: string }).url;
      },
      { timeoutMs },
    );
    await expectEventually(async () => {
      const response = await fetch(`${url}/readyz`);
      if (response.status !== 200) throw new Error(`readyz ${response.status}`);
    });
    return url;
  }

  /** The one-time first-run setup link from the terminal banner (a fresh data directory). */
  async setupLink(timeoutMs = 10_000): Promise<string> {
    return expectEventually(
      () => {
        const match = /(https?:\/\/\S+\/setup#token=\S+)/.exec(this.stderr);
        if (!match?.[1]) throw new Error(`no setup link on stderr yet: ${this.stderr}`);
        return match[1];
      },
      { timeoutMs },
    );
  }

  /** Structured log lines written so far. */
  logs(): Array<Record<string, unknown>> {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
