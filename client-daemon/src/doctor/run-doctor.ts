import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { readConfig } from '../home/config.js';
import { openCredentials } from '../home/credentials.js';
import { ensureHome } from '../home/paths.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface DoctorOptions {
  readonly studio: string | undefined;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

/** Providers the daemon drives through an executable on PATH. */
export const PROVIDER_EXECUTABLES = ['claude', 'codex', 'gemini', 'aider'] as const;

/** Tokens carry times: beyond this much skew from Studio's clock they look expired or early. */
const MAX_SKEW_MS = 60_000;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { env, timeout: 10_000 }, (error, stdout) => {
      if (error) reject(new Error(error.message));
      else resolve(String(stdout).trim());
    }),
  );
}

/** The first `name` on PATH that is executable, or undefined. */
export async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * What `maestro doctor` checks: git (new enough for worktrees), the providers on PATH, where
 * tokens are kept, the home directory, and the Studio — reachable, ready, its clock close to
 * ours, and an identity for it in config.toml. Failures are what stops the daemon from working;
 * warnings are what limits it.
 */
export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: string, status: CheckStatus, detail: string) =>
    checks.push({ check, status, detail });

  try {
    const version = await run('git', ['--version'], options.env);
    const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
    if (major > 2 || (major === 2 && minor >= 20)) add('git', 'ok', version);
    else add('git', 'fail', `${version}: worktrees need git 2.20 or newer`);
  } catch {
    add('git', 'fail', 'git is not on PATH');
  }

  const found: string[] = [];
  for (const name of PROVIDER_EXECUTABLES) {
    const at = await onPath(name, options.env);
    if (at) found.push(`${name} (${at})`);
  }
  if (options.env.OPENAI_API_KEY) found.push('openai (OPENAI_API_KEY)');
  add(
    'providers',
    found.length > 0 ? 'ok' : 'warn',
    found.length > 0
      ? found.join(', ')
      : `none of ${PROVIDER_EXECUTABLES.join(', ')} is on PATH and OPENAI_API_KEY is unset: only the manual and command providers can run`,
  );

  try {
    await ensureHome(options.home);
    await access(options.home, constants.W_OK);
    add('home', 'ok', options.home);
  } catch (error) {
    add('home', 'fail', `${options.home} is not writable: ${(error as Error).message}`);
  }

  let keyringNote = '';
  const store = await openCredentials(
    options.home,
    (message) => (keyringNote = message),
    options.env,
  );
  add(
    'credentials',
    store.kind === 'keyring' ? 'ok' : 'warn',
    store.kind === 'keyring' ? 'the OS keyring' : keyringNote || 'the credentials file',
  );

  const config = await readConfig(options.home);
  const studio = options.studio ?? config.studio;
  if (!studio) {
    add('studio', 'fail', 'no Studio: run maestro auth, or pass --studio');
    return checks;
  }
  try {
    const sent = options.now().getTime();
    const response = await fetch(new URL('/readyz', studio), {
      signal: AbortSignal.timeout(10_000),
    });
    const received = options.now().getTime();
    if (response.status !== 200)
      add('studio', 'fail', `${studio} is not ready (HTTP ${response.status})`);
    else add('studio', 'ok', `${studio} is ready (${received - sent} ms)`);
    const date = response.headers.get('date');
    if (date) {
      const skew = (sent + received) / 2 - Date.parse(date);
      add(
        'clock',
        Math.abs(skew) > MAX_SKEW_MS ? 'fail' : 'ok',
        `${skew >= 0 ? 'ahead of' : 'behind'} Studio by ${Math.round(Math.abs(skew) / 1000)} s${Math.abs(skew) > MAX_SKEW_MS ? ': sync this machine’s clock (tokens would look expired or not yet valid)' : ''}`,
      );
    }
  } catch (error) {
    add('studio', 'fail', `cannot reach ${studio}: ${(error as Error).message}`);
  }
  const identity = config.identities.find((one) => one.studio === studio);
  add(
    'identity',
    identity ? 'ok' : 'warn',
    identity
      ? `${identity.userName} <${identity.email}> in ${identity.workspaceName}`
      : `not signed in to ${studio}: run maestro auth <token> --studio ${studio}`,
  );
  return checks;
}
