import path from 'node:path';

/**
 * The kind of host a remote lives on. Studio's `RepositoryHost` enum (the GraphQL enum and the
 * `project.host` column) has the same values.
 */
export const RemoteHost = {
  GITHUB: 'GITHUB',
  GITLAB: 'GITLAB',
  LOCAL: 'LOCAL',
  GENERIC: 'GENERIC',
} as const;
export type RemoteHost = (typeof RemoteHost)[keyof typeof RemoteHost];

export interface NormalizedRemote {
  /** `<host>:<owner>/<repo>` in lower case (`gitlab.com:group/sub/repo`), or `local:<path>`. */
  readonly normalized: string;
  readonly host: RemoteHost;
  /** The host name; `local` for repositories on a file system. */
  readonly hostname: string;
  /** Owner path: a user, an organisation, or GitLab groups and subgroups joined by `/`. */
  readonly owner: string;
  readonly repo: string;
  /** The remote as given, without credentials (http user info, passwords). */
  readonly sanitized: string;
}

export class RemoteError extends Error {}

const SCP_LIKE = /^(?:([^@/\s]+)@)?([^:/\s]+):(?!\/\/)(.+)$/;

/**
 * Normalizes a git remote so that every spelling of one repository compares equal:
 * https and http, ssh:// and scp-like (`git@host:owner/repo`), git://, with or without `.git`,
 * user names, passwords and ports, trailing slashes; GitLab subgroups are kept in the owner.
 * Local remotes (`/srv/git/app.git`, `file:///srv/git/app.git`) keep their absolute path.
 */
export function normalizeRemote(input: string): NormalizedRemote {
  const raw = input.trim();
  if (raw === '') throw new RemoteError('is empty');
  if (/\s/.test(raw)) throw new RemoteError('must not contain spaces');

  if (raw.startsWith('file://')) return local(decodeURIComponent(raw.slice('file://'.length)), raw);
  if (raw.startsWith('/')) return local(raw, raw);
  if (/^[A-Za-z]:[\\/]/.test(raw)) return local(raw.replace(/\\/g, '/'), raw);
  if (raw.startsWith('.') || raw.startsWith('~')) {
    throw new RemoteError('is a relative path; give an absolute path or a URL');
  }

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(scheme)) {
      throw new RemoteError(`uses the unsupported scheme "${scheme}://"`);
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new RemoteError('is not a valid URL');
    }
    if (url.hostname === '') throw new RemoteError('has no host');
    // Over http(s) a token may sit in either half of the user info; over ssh the user name
    // (`git@`) is needed to clone and is not a secret.
    const sanitizedUrl = new URL(url.href);
    if (scheme === 'https' || scheme === 'http') sanitizedUrl.username = '';
    sanitizedUrl.password = '';
    return network(url.hostname, decodeURIComponent(url.pathname), sanitizedUrl.href);
  }

  const scp = SCP_LIKE.exec(raw);
  if (scp) {
    const [, , hostname = '', pathPart = ''] = scp;
    return network(hostname, pathPart, `${scp[1] ? `${scp[1]}@` : ''}${hostname}:${pathPart}`);
  }
  throw new RemoteError(
    'is not a git remote (expected https://host/owner/repo, git@host:owner/repo, ssh://… or an absolute path)',
  );
}

function network(hostname: string, rawPath: string, sanitized: string): NormalizedRemote {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const segments = stripGit(rawPath)
    .split('/')
    .filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new RemoteError('must not contain "." or ".." path segments');
  }
  if (segments.length < 2) {
    throw new RemoteError(
      `must name an owner and a repository (host "${host}" is followed by "${rawPath}")`,
    );
  }
  const repo = (segments.pop() as string).toLowerCase();
  const owner = segments.join('/').toLowerCase();
  return {
    normalized: `${host}:${owner}/${repo}`,
    host: classify(host),
    hostname: host,
    owner,
    repo,
    sanitized,
  };
}

function local(rawPath: string, sanitized: string): NormalizedRemote {
  const isWindows = /^[A-Za-z]:\//.test(rawPath);
  const resolved = isWindows ? path.posix.normalize(rawPath) : path.posix.resolve(rawPath);
  const cleaned = stripGit(resolved);
  const slash = cleaned.lastIndexOf('/');
  const repo = cleaned.slice(slash + 1);
  if (repo === '' || repo.endsWith(':')) throw new RemoteError('must name a repository directory');
  return {
    normalized: `local:${cleaned}`,
    host: RemoteHost.LOCAL,
    hostname: 'local',
    owner: cleaned.slice(0, slash) || '/',
    repo,
    sanitized,
  };
}

function stripGit(value: string): string {
  return value
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
}

function classify(hostname: string): RemoteHost {
  if (hostname === 'github.com' || hostname.endsWith('.github.com')) return RemoteHost.GITHUB;
  if (hostname === 'gitlab.com' || hostname.startsWith('gitlab.')) return RemoteHost.GITLAB;
  return RemoteHost.GENERIC;
}
