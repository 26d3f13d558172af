import { RepositoryHost } from '../project/project.entity.js';

/** What a host tells about a repository when Studio checks its access. */
export interface RepositoryInfo {
  readonly defaultBranch: string;
  /** Whether the token may push (null: the host does not say). */
  readonly canPush: boolean | null;
  readonly webUrl: string;
}

export interface PullRequest {
  readonly url: string;
  readonly number: number;
}

export interface PullRequestRequest {
  /** The branch with the work (the epic, or a task's branch). */
  readonly head: string;
  /** The branch it goes into. */
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

/**
 * A repository host's API, as Studio uses it: checking access (and reading the default
 * branch) when a project is linked, and opening pull (merge) requests. Plain git remotes
 * (LOCAL, GENERIC) have none.
 */
export interface GitHost {
  readonly kind: RepositoryHost;
  repository(): Promise<RepositoryInfo>;
  /** Opens one, or returns the open one for the same branches. */
  openPullRequest(request: PullRequestRequest): Promise<PullRequest>;
}

/** A host's refusal or failure, with a message that says what to fix. */
export class GitHostError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'GitHostError';
  }
}

/** The host API's base URL: the one configured, else the public service's or the host's own. */
export function defaultApiUrl(host: RepositoryHost, remoteHost: string): string | null {
  if (host === RepositoryHost.GITHUB) {
    return remoteHost === 'github.com' ? 'https://api.github.com' : `https://${remoteHost}/api/v3`;
  }
  if (host === RepositoryHost.GITLAB) return `https://${remoteHost}`;
  return null;
}

/** What a status from a host means for the person linking the project. */
export function describeStatus(status: number | null, repository: string, detail: string): string {
  switch (status) {
    case 401:
      return `the host refused the token (401 ${detail}); give a valid token`;
    case 403:
      return `the token may not do this on ${repository} (403 ${detail}); give it repository access`;
    case 404:
      return `${repository} was not found, or the token cannot see it (404)`;
    default:
      return status
        ? `the host answered ${status}: ${detail}`
        : `the host could not be reached: ${detail}`;
  }
}
