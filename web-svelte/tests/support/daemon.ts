// Real `maestro` processes for the browser tests (client-daemon/test/support/processes.ts),
// signed in to the dashboard's Studio with a CLI invite, and the git repositories they work on.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { daemonEnv, maestro } from '../../../client-daemon/test/support/processes.js';
import type { Dashboard } from './dashboard.js';

export { daemonEnv, DaemonProcess } from '../../../client-daemon/test/support/processes.js';

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
