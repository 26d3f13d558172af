import { TokenSource } from '../auth/token-source.js';
import { StudioClient } from '../connection/studio-client.js';
import { ViewerDocument } from '../generated/graphql.js';
import { readConfig } from '../home/config.js';
import { openCredentials } from '../home/credentials.js';
import { machineId } from '../home/paths.js';
import { readProjects } from '../home/projects.js';

export interface StatusOptions {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** One identity as Studio sees it now. */
export interface IdentityStatus {
  readonly studio: string;
  readonly email: string;
  readonly workspace: string;
  readonly signedIn: boolean;
  /** Why not, when not signed in. */
  readonly reason?: string;
}

export interface StatusReport {
  readonly home: string;
  readonly machineId: string;
  readonly credentials: 'keyring' | 'file';
  readonly studio: string | null;
  readonly identities: IdentityStatus[];
  readonly projects: Array<{ id: string; name: string; remote: string; studio: string }>;
}

/**
 * What this machine is connected to (`maestro status`): its id, where tokens are kept, each
 * identity — checked against its Studio with a fresh access token (renewed through the refresh
 * token when needed) — and the projects it knows. Exit 4 when the default Studio's identity is
 * signed out, 1 when there is none.
 */
export async function runStatus(options: StatusOptions): Promise<0 | 1 | 4> {
  const config = await readConfig(options.home);
  const store = await openCredentials(options.home, () => undefined, options.env);
  const identities: IdentityStatus[] = [];
  for (const identity of config.identities) {
    const base = {
      studio: identity.studio,
      email: identity.email,
      workspace: identity.workspaceName,
    };
    try {
      const token = await new TokenSource(identity, store).accessToken();
      const client = new StudioClient(identity.studio, token);
      try {
        const { viewer } = await client.request(ViewerDocument, {});
        identities.push(
          viewer.user
            ? { ...base, signedIn: true }
            : { ...base, signedIn: false, reason: viewer.authenticationError ?? 'not signed in' },
        );
      } finally {
        await client.close();
      }
    } catch (error) {
      identities.push({
        ...base,
        signedIn: false,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const report: StatusReport = {
    home: options.home,
    machineId: await machineId(options.home),
    credentials: store.kind,
    studio: config.studio ?? null,
    identities,
    projects: (await readProjects(options.home)).map(({ id, name, remote, studio }) => ({
      id,
      name,
      remote,
      studio,
    })),
  };
  if (options.json) options.out(JSON.stringify(report));
  else {
    options.out(
      `machine ${report.machineId} (tokens in the ${report.credentials === 'keyring' ? 'OS keyring' : 'credentials file'})`,
    );
    for (const one of identities) {
      options.out(
        `${one.signedIn ? 'signed in ' : 'signed out'} ${one.email} on ${one.studio} (${one.workspace})${one.reason ? `: ${one.reason}` : ''}`,
      );
    }
    for (const project of report.projects)
      options.out(`project ${project.name}\t${project.remote}\t${project.id}`);
  }
  if (!config.studio) {
    options.err('not connected to any Studio: run maestro auth <token> --studio URL');
    return 1;
  }
  const current = identities.filter((one) => one.studio === config.studio);
  return current.some((one) => one.signedIn) ? 0 : 4;
}
