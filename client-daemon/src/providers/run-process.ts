import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { OutputReader } from './output.js';
import type { ProviderRequest, ProviderResult } from './provider.js';
import { ProviderSetupError } from './workdir-guard.js';

/** How long an aborted child has between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 5_000;
/** How long stdout may stay open (held by a grandchild) after the child itself exited. */
const DRAIN_GRACE_MS = 2_000;
const STDERR_LINES = 40;

export interface ProcessSpec {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: string | undefined;
  readonly reader: OutputReader;
}

type Request = Pick<ProviderRequest, 'signal' | 'onLine' | 'onSpawn' | 'model'>;

/**
 * Runs one provider process (no shell) in `cwd`: stdout is read line by line through the
 * reader and handed to onLine in order; the last lines of stderr are kept for the failure
 * reason. The child leads its own process group, so an abort (SIGTERM, then SIGKILL after
 * 5 s) and the clean-up after it exits reach whatever it started. Rejects only when the
 * executable cannot be started (or onLine throws); a failed run is a result.
 */
export function runProcess(spec: ProcessSpec, request: Request): Promise<ProviderResult> {
  const { signal, onLine, onSpawn } = request;
  const stderr: string[] = [];
  const result = (exitCode: number | null, exitSignal: string | null): ProviderResult => {
    const outcome = spec.reader.outcome();
    return {
      outcome: { ...outcome, model: outcome.model ?? request.model },
      exitCode,
      signal: exitSignal,
      aborted: signal.aborted,
      stderrTail: stderr.join('\n'),
    };
  };
  if (signal.aborted) return Promise.resolve(result(null, null));

  return new Promise<ProviderResult>((resolve, reject) => {
    const child = spawn(spec.executable, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      detached: true,
      stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const { stdout, stderr: errorOutput } = child;
    if (!stdout || !errorOutput) throw new Error('spawn gave no stdout or stderr pipe');
    let spawned = false;
    let failure: Error | undefined;
    let exit: { code: number | null; signal: string | null } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig); // the group is gone (or never formed): the child alone, if alive
      }
    };
    const onAbort = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const finish = () => {
      if (!exit || open.size > 0) return;
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      killGroup('SIGTERM'); // anything it left running in the background
      if (failure !== undefined) reject(failure);
      else resolve(result(exit.code, exit.signal));
    };

    child.once('spawn', () => {
      spawned = true;
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      onSpawn?.(child.pid);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (spawned) return; // a failed kill or write; the exit still comes
      signal.removeEventListener('abort', onAbort);
      reject(notStarted(spec.executable, error));
    });
    child.stdin?.on('error', () => {}); // the child may exit without reading its input
    child.stdin?.end(spec.stdin);

    const lines = createInterface({ input: stdout, crlfDelay: Infinity });
    lines.on('line', (text) => {
      if (failure !== undefined) return;
      try {
        onLine(spec.reader.line(text));
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        onAbort();
      }
    });
    const errors = createInterface({ input: errorOutput, crlfDelay: Infinity });
    errors.on('line', (text) => {
      stderr.push(text.length > 2000 ? `${text.slice(0, 2000)}…` : text);
      if (stderr.length > STDERR_LINES) stderr.shift();
    });
    const open = new Set([lines, errors]);
    for (const reader of open) {
      reader.once('close', () => {
        open.delete(reader);
        finish();
      });
    }
    child.once('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal };
      drainTimer = setTimeout(() => {
        for (const stream of [stdout, errorOutput]) stream.destroy();
        for (const reader of open) reader.close();
      }, DRAIN_GRACE_MS);
      drainTimer.unref();
      finish();
    });
  });
}

function notStarted(executable: string, error: NodeJS.ErrnoException): Error {
  const fix = `install it, or choose another provider with \`maestro config set provider …\``;
  if (error.code === 'ENOENT') {
    return new ProviderSetupError(`${executable} was not found on PATH: ${fix}`, { cause: error });
  }
  if (error.code === 'EACCES') {
    return new ProviderSetupError(`${executable} is not executable: ${fix}`, { cause: error });
  }
  return new ProviderSetupError(`${executable} could not be started: ${error.message}`, {
    cause: error,
  });
}
