import { badInput } from '../common/errors.js';
import type { ProjectEntity } from '../project/project.entity.js';
import { RepositoryHost } from '../project/project.entity.js';
import { defaultApiUrl, type GitHost } from './git-host.js';
import { GitHubHost } from './github.js';
import { GitLabHost } from './gitlab.js';
import type { SecretBox } from './secret-box.js';

/** What picks a project's host API: its kind, normalized remote, API URL. */
export interface HostSettings {
  readonly host: RepositoryHost;
  /** `<host>:<owner>/<repo>` (GitLab subgroups kept) or `local:<path>`. */
  readonly normalizedRemote: string;
  readonly hostApiUrl: string | null;
}

/** The hosts with an API Studio talks to. */
export const HOSTS_WITH_API: ReadonlySet<RepositoryHost> = new Set([
  RepositoryHost.GITHUB,
  RepositoryHost.GITLAB,
]);

/**
 * Git hosts behind one interface (GitHost): GitHub through @octokit/rest, GitLab through
 * @gitbeaker/rest; LOCAL and GENERIC remotes have no API. Holds the SecretBox that seals host
 * tokens and derives webhook secrets.
 */
export class GitHosts {
  constructor(readonly box: SecretBox) {}

  /** The API of a project with a host token, or undefined (none, or a plain git remote). */
  forProject(project: ProjectEntity): GitHost | undefined {
    if (!project.hostToken) return undefined;
    return this.connect(project, this.box.open(project.hostToken));
  }

  /** The API for these settings and this token; undefined for hosts without one. */
  connect(settings: HostSettings, token: string): GitHost | undefined {
    if (!HOSTS_WITH_API.has(settings.host)) return undefined;
    const colon = settings.normalizedRemote.indexOf(':');
    const remoteHost = settings.normalizedRemote.slice(0, colon);
    const path = settings.normalizedRemote.slice(colon + 1);
    const apiUrl = settings.hostApiUrl ?? defaultApiUrl(settings.host, remoteHost);
    if (!apiUrl || colon <= 0) return undefined;
    if (settings.host === RepositoryHost.GITHUB) {
      const [owner, repo, ...rest] = path.split('/');
      if (!owner || !repo || rest.length > 0) {
        throw badInput('host', `a GitHub remote is <host>/<owner>/<repo>; ${path} is not`);
      }
      return new GitHubHost(apiUrl, token, owner, repo);
    }
    return new GitLabHost(apiUrl, token, path);
  }
}

/** An API URL people may configure: https, or http on loopback (a local or test host). */
export function requireApiUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw badInput(field, `${field} must be a URL such as https://github.example.com/api/v3`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw badInput(field, `${field} must use https (plain http only on loopback)`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw badInput(field, `${field} must not carry credentials, a query or a fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}
