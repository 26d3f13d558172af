import { isUniqueViolation } from '../../db/errors.js';
import type { Page, PageRequest } from '../../db/pagination.js';
import { conflict } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import type { Transactions } from '../common/transactions.js';
import { firstFreeSlug, requireName, requireSlug, slugify } from '../common/validation.js';
import { WorkspaceEntity } from './workspace.entity.js';
import type { WorkspaceRepository } from './workspace.repository.js';

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

  async create(input: CreateWorkspace): Promise<WorkspaceEntity> {
    const name = requireName('name', input.name);
    const slug =
      input.slug !== undefined
        ? requireSlug('slug', input.slug)
        : await this.freeSlug(slugify(name) || 'workspace');
    const workspace = Object.assign(new WorkspaceEntity(), { id: uuidv7(), name, slug });
    try {
      return await this.transactions.run((tx) => this.repository.insert(tx.manager, workspace));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`slug "${slug}" is already taken`, 'slug');
      throw error;
    }
  }

  get(id: string): Promise<WorkspaceEntity | undefined> {
    return this.repository.findById(id);
  }

  getMany(ids: readonly string[]): Promise<WorkspaceEntity[]> {
    return this.repository.findByIds(ids);
  }

  list(request: PageRequest): Promise<Page<WorkspaceEntity>> {
    return this.repository.page(request);
  }

  count(): Promise<number> {
    return this.repository.count();
  }

  private async freeSlug(base: string): Promise<string> {
    return firstFreeSlug(base, await this.repository.slugsLike(base));
  }
}
