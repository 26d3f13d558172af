import { Gitlab } from '@gitbeaker/rest';
import { RepositoryHost } from '../project/project.entity.js';
import {
  describeStatus,
  GitHostError,
  type GitHost,
  type PullRequest,
  type PullRequestRequest,
  type RepositoryInfo,
} from './git-host.js';

interface GitbeakerFailure {
  message?: string;
  cause?: { description?: string; response?: { status?: number } };
}

/** GitLab (gitlab.com or self-managed) through @gitbeaker/rest; merge requests for PRs. */
export class GitLabHost implements GitHost {
  readonly kind = RepositoryHost.GITLAB;
  private readonly api: InstanceType<typeof Gitlab>;

  constructor(
    apiUrl: string,
    token: string,
    /** `group/subgroup/repo`. */
    private readonly path: string,
  ) {
    this.api = new Gitlab({ host: apiUrl.replace(/\/+$/, ''), token });
  }

  async repository(): Promise<RepositoryInfo> {
    const project = (await this.call(() => this.api.Projects.show(this.path))) as {
      default_branch?: string;
      web_url: string;
      permissions?: {
        project_access?: { access_level: number } | null;
        group_access?: { access_level: number } | null;
      };
    };
    const level = Math.max(
      project.permissions?.project_access?.access_level ?? 0,
      project.permissions?.group_access?.access_level ?? 0,
    );
    return {
      defaultBranch: project.default_branch ?? 'main',
      // 30 = developer, who may push to unprotected branches
      canPush: project.permissions ? level >= 30 : null,
      webUrl: project.web_url,
    };
  }

  async openPullRequest(request: PullRequestRequest): Promise<PullRequest> {
    try {
      const created = await this.api.MergeRequests.create(
        this.path,
        request.head,
        request.base,
        request.title,
        { description: request.body },
      );
      return mergeRequestOf(created);
    } catch (error) {
      // 409 "Another open merge request already exists for this source branch"
      if ((error as GitbeakerFailure).cause?.response?.status === 409) {
        const open = await this.call(() =>
          this.api.MergeRequests.all({
            projectId: this.path,
            sourceBranch: request.head,
            targetBranch: request.base,
            state: 'opened',
          }),
        );
        const first = open[0];
        if (first) return mergeRequestOf(first);
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
    const failure = error as GitbeakerFailure;
    const status = failure.cause?.response?.status ?? null;
    const detail = failure.cause?.description ?? failure.message ?? String(error);
    return new GitHostError(describeStatus(status, this.path, detail), status);
  }
}

/** A merge request as GitLab returns it (web_url, iid), as Studio records it. */
function mergeRequestOf(mr: unknown): PullRequest {
  const { web_url: url, iid } = mr as { web_url?: unknown; iid?: unknown };
  if (typeof url !== 'string' || typeof iid !== 'number') {
    throw new GitHostError('GitLab answered a merge request without web_url or iid', null);
  }
  return { url, number: iid };
}
