import { In, type DataSource, type EntityManager } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { WorkspaceEntity } from './workspace.entity.js';

export class WorkspaceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, workspace: WorkspaceEntity): Promise<WorkspaceEntity> {
    await manager.insert(WorkspaceEntity, workspace);
    return manager.findOneByOrFail(WorkspaceEntity, { id: workspace.id });
  }

  findByIds(ids: readonly string[]): Promise<WorkspaceEntity[]> {
    return this.dataSource.manager.findBy(WorkspaceEntity, { id: In([...ids]) });
  }

  async findById(id: string): Promise<WorkspaceEntity | undefined> {
    return (await this.dataSource.manager.findOneBy(WorkspaceEntity, { id })) ?? undefined;
  }

  /** Slugs equal to `base` or of the form `base-<n>`. */
  async slugsLike(base: string): Promise<Set<string>> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(WorkspaceEntity, 'w')
      .select('w.slug', 'slug')
      .where('w.slug = :base OR w.slug ~ :pattern', { base, pattern: `^${base}-[0-9]+$` })
      .getRawMany<{ slug: string }>();
    return new Set(rows.map((row) => row.slug));
  }

  page(request: PageRequest): Promise<Page<WorkspaceEntity>> {
    return fetchPage(
      this.dataSource.manager.createQueryBuilder(WorkspaceEntity, 'w'),
      'w',
      request,
    );
  }

  count(): Promise<number> {
    return this.dataSource.manager.count(WorkspaceEntity);
  }
}
