import {
  normalizeRemote,
  RemoteError,
  type NormalizedRemote,
  type RemoteHost,
} from '@maestro/shared';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors.js';
import type { Page, PageRequest } from '../../db/pagination.js';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import {
  firstFreeSlug,
  PROVIDER_NAME,
  requireBranchName,
  requireName,
  requireSlug,
  slugify,
} from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import { GitHostError } from '../githost/git-host.js';
import {
  HOSTS_WITH_API,
  requireApiUrl,
  type GitHosts,
  type HostSettings,
} from '../githost/git-hosts.js';
import type { WorkspaceRepository } from '../workspace/workspace.repository.js';
import { ProjectEntity, ReleaseMode, RepositoryHost } from './project.entity.js';
import type { ProjectRepository } from './project.repository.js';

export interface CreateProject {
  readonly workspaceId: string;
  readonly remoteUrl: string;
  /** Defaults to the repository's name. */
  readonly name?: string | undefined;
  readonly slug?: string | undefined;
  /** Defaults to `main`. */
  readonly baseBranch?: string | undefined;
  readonly releaseMode?: ReleaseMode | undefined;
  /** Overrides the host kind inferred from the remote (e.g. GitHub Enterprise on its own domain). */
  readonly host?: RepositoryHost | undefined;
  /** A GitHub or GitLab token: access is checked and the default branch read. Sealed at rest. */
  readonly hostToken?: string | undefined;
  /** The host's API base URL (GitHub Enterprise, self-managed GitLab). */
  readonly hostApiUrl?: string | undefined;
  /** Each task gets a pull request into the epic (a host with an API). */
  readonly pullRequestPerTask?: boolean | undefined;
}

export class ProjectService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly workspaces: WorkspaceRepository,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
    private readonly hosts: GitHosts,
  ) {}

  /**
   * Links a repository as a project. `audit` records a host token being stored, in the same
   * transaction (the token itself is never recorded).
   */
  async create(
    input: CreateProject,
    audit?: (manager: EntityManager, details: Record<string, unknown>) => Promise<void>,
  ): Promise<ProjectEntity> {
    const remote = parseRemote(input.remoteUrl);
    const host = chooseHost(remote, input.host);
    const name = requireName('name', input.name ?? remote.repo);
    const hostApiUrl =
      input.hostApiUrl === undefined ? null : requireApiUrl('hostApiUrl', input.hostApiUrl);
    const releaseMode = input.releaseMode ?? ReleaseMode.MERGE;
    const linked = await this.checkHost(
      { host, normalizedRemote: remote.normalized, hostApiUrl },
      input.hostToken,
      releaseMode,
    );
    const baseBranch = requireBranchName(
      'baseBranch',
      input.baseBranch ?? linked?.defaultBranch ?? 'main',
    );
    const workspace = await this.workspaces.findById(input.workspaceId);
    if (!workspace) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'workspaceId: no such workspace', ['workspaceId']);
    }
    await this.assertRemoteFree(input.workspaceId, remote.normalized);
    const base = slugify(name) || 'project';
    const slug =
      input.slug !== undefined
        ? requireSlug('slug', input.slug)
        : firstFreeSlug(base, await this.projects.takenSlugs(base, input.workspaceId));
    const project = Object.assign(new ProjectEntity(), {
      id: uuidv7(),
      workspaceId: input.workspaceId,
      name,
      slug,
      remoteUrl: remote.sanitized,
      normalizedRemote: remote.normalized,
      host,
      baseBranch,
      releaseMode,
      reviewerProvider: null,
      reviewerModel: null,
      hostToken: linked?.sealed ?? null,
      hostApiUrl,
      pullRequestPerTask: perTask(host, input.pullRequestPerTask ?? false),
    });
    try {
      return await this.transactions.run(async (tx) => {
        const created = await this.projects.insert(tx.manager, project);
        if (created.hostToken && audit) {
          await audit(tx.manager, { project: toPublicId('Project', created.id), removed: false });
        }
        await this.events.append(tx, created.id, 'ProjectCreated', {
          projectId: toPublicId('Project', created.id),
          workspaceId: toPublicId('Workspace', created.workspaceId),
          name: created.name,
          slug: created.slug,
          normalizedRemote: created.normalizedRemote,
          host: created.host,
          baseBranch: created.baseBranch,
          releaseMode: created.releaseMode,
        });
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'project_workspace_remote_key')) {
        await this.assertRemoteFree(input.workspaceId, remote.normalized);
      }
      if (isUniqueViolation(error, 'project_workspace_slug_key')) {
        throw conflict(`slug "${slug}" is already used in this workspace`, 'slug');
      }
      throw error;
    }
  }

  /**
   * The projects (in any workspace) linked to a repository given as a remote URL. With a
   * `field`, a remote that does not parse is a BAD_USER_INPUT on it; without, it links to none.
   */
  async linkedTo(remoteUrl: string, field?: string): Promise<string[]> {
    let normalized: string;
    try {
      normalized = normalizeRemote(remoteUrl).normalized;
    } catch (error) {
      if (field && error instanceof RemoteError) throw badInput(field, `${field} ${error.message}`);
      return [];
    }
    return this.projects.idsLinkedTo(normalized);
  }

  /** The secrets a project's webhooks may use; the first is the one to configure. */
  webhookSecrets(projectId: string): string[] {
    return this.hosts.box.webhookSecrets(projectId);
  }

  /** Changes a project's settings (not its remote). Emits ProjectUpdated. */
  async update(
    project: ProjectEntity,
    input: {
      name?: string | undefined;
      slug?: string | undefined;
      baseBranch?: string | undefined;
      releaseMode?: ReleaseMode | undefined;
      host?: RepositoryHost | undefined;
      /** Null clears it: reviews run on whichever session claims them. */
      reviewerProvider?: string | null | undefined;
      reviewerModel?: string | null | undefined;
      /** A new token (checked against the host), or null to remove it. */
      hostToken?: string | null | undefined;
      /** Null: the host's default. */
      hostApiUrl?: string | null | undefined;
      pullRequestPerTask?: boolean | undefined;
    },
    /** Records a host token stored or removed, in the same transaction. */
    audit?: (manager: EntityManager, details: Record<string, unknown>) => Promise<void>,
  ): Promise<ProjectEntity> {
    const changed: string[] = [];
    if (input.hostApiUrl !== undefined) {
      project.hostApiUrl =
        input.hostApiUrl === null || input.hostApiUrl.trim() === ''
          ? null
          : requireApiUrl('hostApiUrl', input.hostApiUrl);
      changed.push('hostApiUrl');
    }
    if (input.name !== undefined) {
      project.name = requireName('name', input.name);
      changed.push('name');
    }
    if (input.slug !== undefined) {
      project.slug = requireSlug('slug', input.slug);
      changed.push('slug');
    }
    if (input.baseBranch !== undefined) {
      project.baseBranch = requireBranchName('baseBranch', input.baseBranch);
      changed.push('baseBranch');
    }
    if (input.releaseMode !== undefined) {
      project.releaseMode = input.releaseMode;
      changed.push('releaseMode');
    }
    if (input.host !== undefined) {
      project.host = chooseHost(normalizeRemote(project.remoteUrl), input.host);
      changed.push('host');
    }
    if (input.hostToken === null || input.hostToken?.trim() === '') {
      project.hostToken = null;
      changed.push('hostToken');
    }
    const token = input.hostToken?.trim() ? input.hostToken : undefined;
    const mode = input.releaseMode ?? project.releaseMode;
    if (
      token !== undefined ||
      input.hostApiUrl !== undefined ||
      input.host !== undefined ||
      input.releaseMode !== undefined
    ) {
      // the token in force (a new one, or the kept one) must work with the new settings
      const kept = project.hostToken ? this.hosts.box.open(project.hostToken) : undefined;
      const linked = await this.checkHost(project, token ?? kept, mode);
      if (token !== undefined) {
        project.hostToken = linked?.sealed ?? null;
        changed.push('hostToken');
      }
    }
    if (input.pullRequestPerTask !== undefined) {
      project.pullRequestPerTask = perTask(project.host, input.pullRequestPerTask);
      changed.push('pullRequestPerTask');
    }
    if (input.reviewerProvider !== undefined) {
      project.reviewerProvider = optionalProvider('reviewerProvider', input.reviewerProvider);
      changed.push('reviewerProvider');
    }
    if (input.reviewerModel !== undefined) {
      const model = input.reviewerModel?.trim() || null;
      project.reviewerModel = model === null ? null : requireName('reviewerModel', model, 200);
      changed.push('reviewerModel');
    }
    try {
      return await this.transactions.run(async (tx) => {
        const saved = await this.projects.update(tx.manager, project);
        if (changed.includes('hostToken') && audit) {
          await audit(tx.manager, { removed: project.hostToken === null });
        }
        await this.events.append(tx, project.id, 'ProjectUpdated', {
          projectId: toPublicId('Project', project.id),
          changed,
        });
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'project_workspace_slug_key')) {
        throw conflict(`slug "${project.slug}" is already used in this workspace`, 'slug');
      }
      throw error;
    }
  }

  /**
   * Deletes a project and everything in it (plans, tasks, runs, sessions, knowledge, events).
   * Refused while a plan of it is running: cancel or finish those first.
   */
  async delete(
    project: ProjectEntity,
    audit: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    const running = await this.projects.runningPlanCount([project.id]);
    if (running > 0) {
      throw conflict(
        `the project has ${running} active or paused plan(s); cancel them first`,
        'projectId',
      );
    }
    await this.transactions.run(async (tx) => {
      await this.projects.delete(tx.manager, project.id);
      await audit(tx.manager);
    });
  }

  get(id: string): Promise<ProjectEntity | undefined> {
    return this.projects.findById(id);
  }

  getMany(ids: readonly string[]): Promise<ProjectEntity[]> {
    return this.projects.findByIds(ids);
  }

  listInWorkspace(
    workspaceId: string,
    request: PageRequest,
    only?: readonly string[],
  ): Promise<Page<ProjectEntity>> {
    return this.projects.pageInWorkspace(workspaceId, request, only);
  }

  /** Running (ACTIVE or PAUSED) plans across a workspace's projects. */
  async runningPlansInWorkspace(workspaceId: string): Promise<number> {
    const ids = await this.projects.idsInWorkspace(workspaceId);
    return ids.length ? this.projects.runningPlanCount(ids) : 0;
  }

  countByWorkspaces(workspaceIds: readonly string[]): Promise<Map<string, number>> {
    return this.projects.countByWorkspaces(workspaceIds);
  }

  /**
   * A project's link to its host: a token is checked against the host's API (access, and the
   * default branch read) and sealed; a release through pull requests needs a host with one.
   */
  private async checkHost(
    settings: HostSettings,
    token: string | undefined,
    releaseMode: ReleaseMode,
  ): Promise<{ sealed: string; defaultBranch: string } | undefined> {
    if (releaseMode === ReleaseMode.PULL_REQUEST && !HOSTS_WITH_API.has(settings.host)) {
      throw badInput(
        'releaseMode',
        `a ${settings.host} remote has no pull requests; release by MERGE, or link a GitHub or GitLab repository`,
      );
    }
    if (token === undefined) return undefined;
    const host = this.hosts.connect(settings, requireName('hostToken', token, 500));
    if (!host) {
      throw badInput('hostToken', `a ${settings.host} remote has no host API; leave hostToken out`);
    }
    try {
      const repository = await host.repository();
      if (releaseMode === ReleaseMode.PULL_REQUEST && repository.canPush === false) {
        throw badInput(
          'hostToken',
          'the token can read the repository but not write to it; pull requests need write access',
        );
      }
      return { sealed: this.hosts.box.seal(token.trim()), defaultBranch: repository.defaultBranch };
    } catch (error) {
      if (error instanceof GitHostError) {
        throw badInput(error.status === null ? 'hostApiUrl' : 'hostToken', error.message);
      }
      throw error;
    }
  }

  private async assertRemoteFree(workspaceId: string, normalizedRemote: string): Promise<void> {
    const existing = await this.projects.findByRemote(workspaceId, normalizedRemote);
    if (existing) {
      throw conflict(
        `this workspace already has a project for ${normalizedRemote} (${toPublicId('Project', existing.id)})`,
        'remoteUrl',
      );
    }
  }
}

function parseRemote(remoteUrl: string): NormalizedRemote {
  try {
    return normalizeRemote(remoteUrl);
  } catch (error) {
    if (error instanceof RemoteError) throw badInput('remoteUrl', `remoteUrl ${error.message}`);
    throw error;
  }
}

/**
 * The shared normalizer's host kinds as Studio's enum. Each entry must be the enum member with
 * the same value, so a kind the normalizer gains without a matching member fails to compile.
 */
const REPOSITORY_HOST: { readonly [K in RemoteHost]: Extract<RepositoryHost, K> } = {
  GITHUB: RepositoryHost.GITHUB,
  GITLAB: RepositoryHost.GITLAB,
  LOCAL: RepositoryHost.LOCAL,
  GENERIC: RepositoryHost.GENERIC,
};

function chooseHost(
  remote: NormalizedRemote,
  requested: RepositoryHost | undefined,
): RepositoryHost {
  const inferred = REPOSITORY_HOST[remote.host];
  if (requested === undefined) return inferred;
  const isLocal = inferred === RepositoryHost.LOCAL;
  if (isLocal !== (requested === RepositoryHost.LOCAL)) {
    throw badInput(
      'host',
      isLocal
        ? `host must be LOCAL for a file-system remote, got ${requested}`
        : `host LOCAL needs a file-system remote, but ${remote.normalized} is on a network host`,
    );
  }
  return requested;
}

/** A provider name as sessions report theirs (PROVIDER_NAME), or null. */
function optionalProvider(field: string, value: string | null): string | null {
  const provider = value?.trim() || null;
  if (provider !== null && !PROVIDER_NAME.test(provider)) {
    throw badInput(
      field,
      `${field} must be a lower-case provider name like claude, codex or aider`,
    );
  }
  return provider;
}

/** Pull requests per task need a host with an API. */
function perTask(host: RepositoryHost, wanted: boolean): boolean {
  if (wanted && !HOSTS_WITH_API.has(host)) {
    throw badInput('pullRequestPerTask', `a ${host} remote has no pull requests`);
  }
  return wanted;
}
