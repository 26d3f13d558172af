import { isUniqueViolation } from '../../db/errors.js';
import type { Page, PageRequest } from '../../db/pagination.js';
import type { EntityManager } from 'typeorm';
import { badInput, conflict } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import type { Transactions } from '../common/transactions.js';
import { firstFreeSlug, requireName, requireSlug, slugify } from '../common/validation.js';
import { WorkspaceEntity } from './workspace.entity.js';
import type { WorkspaceRepository, WorkspaceScope } from './workspace.repository.js';

export interface CreateWorkspace {
  readonly name: string;
  /** Derived from the name (with a numeric suffix if taken) when absent. */
  readonly slug?: string | undefined;
}

export class WorkspaceService {
  constructor(
    private readonly repository: WorkspaceRepository,
    private readonly transactions: Transactions,
  ) {}

  /** Creates a workspace; `ownerUserId`, when given, becomes its OWNER member. */
  async create(input: CreateWorkspace, ownerUserId?: string): Promise<WorkspaceEntity> {
    const name = requireName('name', input.name);
    const slug =
      input.slug !== undefined
        ? requireSlug('slug', input.slug)
        : await this.freeSlug(slugify(name) || 'workspace');
    const workspace = Object.assign(new WorkspaceEntity(), { id: uuidv7(), name, slug });
    try {
      return await this.transactions.run(async (tx) => {
        const created = await this.repository.insert(tx.manager, workspace);
        if (ownerUserId)
          await this.repository.addOwner(tx.manager, created.id, ownerUserId, uuidv7());
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`slug "${slug}" is already taken`, 'slug');
      throw error;
    }
  }

  async update(
    workspace: WorkspaceEntity,
    input: { name?: string | undefined; slug?: string | undefined },
  ): Promise<WorkspaceEntity> {
    if (input.name !== undefined) workspace.name = requireName('name', input.name);
    if (input.slug !== undefined) workspace.slug = requireSlug('slug', input.slug);
    try {
      return await this.transactions.run((tx) => this.repository.update(tx.manager, workspace));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(`slug "${workspace.slug}" is already taken`, 'slug');
      }
      throw error;
    }
  }

  /**
   * Deletes a workspace and everything in it. The caller must type the workspace's slug as
   * `confirmSlug`; refused while any of its plans is running.
   */
  async delete(
    workspace: WorkspaceEntity,
    confirmSlug: string,
    runningPlans: (workspaceId: string) => Promise<number>,
    audit: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    if (confirmSlug.trim() !== workspace.slug) {
      throw badInput(
        'confirmSlug',
        `confirmSlug must be the workspace's slug ("${workspace.slug}") to delete it`,
      );
    }
    const running = await runningPlans(workspace.id);
    if (running > 0) {
      throw conflict(
        `the workspace has ${running} active or paused plan(s); cancel them first`,
        'workspaceId',
      );
    }
    await this.transactions.run(async (tx) => {
      await this.repository.delete(tx.manager, workspace.id);
      await audit(tx.manager);
    });
  }

  get(id: string): Promise<WorkspaceEntity | undefined> {
    return this.repository.findById(id);
  }

  getMany(ids: readonly string[]): Promise<WorkspaceEntity[]> {
    return this.repository.findByIds(ids);
  }

  /** Workspaces, all of them or those a user is a member of (and, optionally, just one). */
  list(request: PageRequest, scope: WorkspaceScope): Promise<Page<WorkspaceEntity>> {
    return this.repository.page(request, scope);
  }

  count(scope: WorkspaceScope): Promise<number> {
    return this.repository.count(scope);
  }

  private async freeSlug(base: string): Promise<string> {
    return firstFreeSlug(base, await this.repository.takenSlugs(base));
  }
}
