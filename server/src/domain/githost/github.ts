import { Octokit } from '@octokit/rest';
import { RepositoryHost } from '../project/project.entity.js';
import {
  describeStatus,
  GitHostError,
  type GitHost,
  type PullRequest,
  type PullRequestRequest,
  type RepositoryInfo,
} from './git-host.js';

interface RequestFailure {
  status?: number;
  message?: string;
  response?: { data?: { message?: string; errors?: Array<{ message?: string }> } };
}

/** GitHub (and GitHub Enterprise) through @octokit/rest. */
export class GitHubHost implements GitHost {
  readonly kind = RepositoryHost.GITHUB;
  private readonly octokit: Octokit;

  constructor(
    apiUrl: string,
    token: string,
    private readonly owner: string,
    private readonly repo: string,
  ) {
    this.octokit = new Octokit({
      auth: token,
      baseUrl: apiUrl.replace(/\/+$/, ''),
      userAgent: 'maestro-studio',
      request: { retries: 0 },
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  async repository(): Promise<RepositoryInfo> {
    const { data } = await this.call(() =>
      this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo }),
    );
    return {
      defaultBranch: data.default_branch,
      canPush: data.permissions ? data.permissions.push : null,
      webUrl: data.html_url,
    };
  }

  async openPullRequest(request: PullRequestRequest): Promise<PullRequest> {
    try {
      const { data } = await this.octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        head: request.head,
        base: request.base,
        title: request.title,
        body: request.body,
      });
      return { url: data.html_url, number: data.number };
    } catch (error) {
      // 422 "A pull request already exists": answer with the open one
      if ((error as RequestFailure).status === 422) {
        const { data } = await this.call(() =>
          this.octokit.rest.pulls.list({
            owner: this.owner,
            repo: this.repo,
            head: `${this.owner}:${request.head}`,
            base: request.base,
            state: 'open',
          }),
        );
        const open = data[0];
        if (open) return { url: open.html_url, number: open.number };
      }
      throw this.failure(error);
    }
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): GitHostError {
    const failure = error as RequestFailure;
    const detail =
      failure.response?.data?.errors?.[0]?.message ??
      failure.response?.data?.message ??
      failure.message ??
      String(error);
    return new GitHostError(
      describeStatus(failure.status ?? null, `${this.owner}/${this.repo}`, detail),
      failure.status ?? null,
    );
  }
}
