import os from 'node:os';
import { StudioClient, StudioError } from '../connection/studio-client.js';
import { RedeemCliInviteDocument } from '../generated/graphql.js';
import { accountOf, readConfig, withIdentity, writeConfig, type Identity } from '../home/config.js';
import { openCredentials } from '../home/credentials.js';
import { machineId } from '../home/paths.js';
import { rememberProjects, type KnownProject } from '../home/projects.js';

export interface AuthOptions {
  readonly token: string;
  readonly studio: string;
  /** The name Studio shows for this machine (default: the host name). */
  readonly machineName: string | undefined;
  readonly home: string;
  readonly json: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Exit codes (CONVENTIONS): 0 ok, 1 error, 4 authentication. */
export type AuthExit = 0 | 1 | 4;

/** What `maestro auth --json` prints. */
export interface AuthResult {
  readonly studio: string;
  readonly machineId: string;
  readonly user: { id: string; name: string; email: string };
  readonly workspace: { id: string; name: string };
  readonly projects: Array<{ id: string; name: string; remote: string }>;
  readonly credentials: 'keyring' | 'file';
}

/**
 * Redeems a CLI invite for this machine (the engine behind `maestro auth`): the identity goes
 * to config.toml beside any others, the projects to projects.toml, the tokens to the OS
 * keyring (or a 0600 file where there is none).
 */
export async function runAuth(options: AuthOptions): Promise<AuthExit> {
  const studio = normalizeStudio(options.studio);
  if (!studio) {
    options.err(`error: --studio must be an http(s) URL, got ${options.studio}`);
    return 1;
  }
  const token = options.token.trim();
  if (!token) {
    options.err('error: give the token from `createCliInvite` (Studio → Connect a machine)');
    return 1;
  }
  const id = await machineId(options.home);
  const client = new StudioClient(studio);
  let payload;
  try {
    payload = (
      await client.request(RedeemCliInviteDocument, {
        input: { token, machine: { id, name: options.machineName ?? os.hostname() } },
      })
    ).redeemCliInvite;
  } catch (error) {
    options.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof StudioError && error.code === 'UNAUTHENTICATED' ? 4 : 1;
  } finally {
    await client.close();
  }
  const refused = payload.userErrors[0];
  if (refused || !payload.user || !payload.workspace || !payload.tokens?.refreshToken) {
    options.err(`error: ${refused?.message ?? 'Studio did not return a session'}`);
    return refused?.code === 'BAD_USER_INPUT' && refused.field?.includes('token') ? 4 : 1;
  }
  const identity: Identity = {
    studio,
    userId: payload.user.id,
    userName: payload.user.name,
    email: payload.user.email,
    workspaceId: payload.workspace.id,
    workspaceName: payload.workspace.name,
  };
  const credentials = await openCredentials(
    options.home,
    (message) => options.err(`warning: ${message}`),
    options.env,
  );
  await credentials.set(
    accountOf(identity),
    JSON.stringify({
      refreshToken: payload.tokens.refreshToken,
      accessToken: payload.tokens.accessToken,
      accessTokenExpiresAt: payload.tokens.accessTokenExpiresAt,
    }),
  );
  await writeConfig(options.home, withIdentity(await readConfig(options.home), identity));
  const projects: KnownProject[] = (payload.projects ?? []).map((project) => ({
    id: project.id,
    name: project.name,
    studio,
    remote: project.normalizedRemote,
  }));
  await rememberProjects(options.home, projects);
  const result: AuthResult = {
    studio,
    machineId: id,
    user: payload.user,
    workspace: payload.workspace,
    projects: projects.map(({ id: projectId, name, remote }) => ({ id: projectId, name, remote })),
    credentials: credentials.kind,
  };
  if (options.json) options.out(JSON.stringify(result));
  else {
    options.out(
      `Signed in to ${studio} as ${identity.userName} <${identity.email}> in ${identity.workspaceName}.`,
    );
    for (const project of result.projects)
      options.out(`  ${project.name}\t${project.remote}\t${project.id}`);
  }
  return 0;
}

/** The Studio's base URL without a trailing slash, or undefined when it is not http(s). */
export function normalizeStudio(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}
