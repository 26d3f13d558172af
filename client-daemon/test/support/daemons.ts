import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestServer } from '../../../server/test/support/test-server.js';
import { daemonEnv, maestro } from './processes.js';

export { daemonEnv, DaemonProcess, maestro, STAND_INS } from './processes.js';

/** A new MAESTRO_HOME signed in to the test Studio with a CLI invite (`maestro auth`). */
export async function signedInHome(server: TestServer, name: string): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), `maestro-${name}-`));
  const { createCliInvite } = await server.query<{ createCliInvite: { token: string } }, unknown>(
    'mutation($i: CreateCliInviteInput!) { createCliInvite(input: $i) { token } }',
    { i: { workspaceId: server.owner.workspaceId } },
  );
  const auth = await maestro(
    ['auth', createCliInvite.token, '--studio', server.url, '--name', name, '--json'],
    daemonEnv(home),
  );
  if (auth.code !== 0) throw new Error(`maestro auth failed (${auth.code}): ${auth.stderr}`);
  return home;
}
