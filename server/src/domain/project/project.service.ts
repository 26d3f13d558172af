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
import type { WorkspaceRepository } from '../workspace/workspace.repository.js';
import { normalizeRemote, RemoteError, type NormalizedRemote } from './git-remote.js';
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
}

export class ProjectService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly workspaces: WorkspaceRepository,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
  ) {}

  async create(input: CreateProject): Promise<ProjectEntity> {
    const remote = parseRemote(input.remoteUrl);
    const host = chooseHost(remote, input.host);
    const name = requireName('name', input.name ?? remote.repo);
    const baseBranch = requireBranchName('baseBranch', input.baseBranch ?? 'main');
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
      releaseMode: input.releaseMode ?? ReleaseMode.MERGE,
      reviewerProvider: null,
      reviewerModel: null,
    });
    try {
      return await this.transactions.run(async (tx) => {
        const created = await this.projects.insert(tx.manager, project);
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
    },
  ): Promise<ProjectEntity> {
    const changed: string[] = [];
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

function chooseHost(
  remote: NormalizedRemote,
  requested: RepositoryHost | undefined,
): RepositoryHost {
  if (requested === undefined) return remote.host;
  const isLocal = remote.host === RepositoryHost.LOCAL;
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
