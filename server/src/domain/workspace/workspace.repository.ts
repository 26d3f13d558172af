import { In, type DataSource, type EntityManager } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { MemberRole } from '../access/permissions.js';
import { MemberEntity } from '../user/member.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

export class WorkspaceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, workspace: WorkspaceEntity): Promise<WorkspaceEntity> {
    await manager.insert(WorkspaceEntity, workspace);
    return manager.findOneByOrFail(WorkspaceEntity, { id: workspace.id });
  }

  async update(manager: EntityManager, workspace: WorkspaceEntity): Promise<WorkspaceEntity> {
    await manager.save(WorkspaceEntity, workspace);
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

  private visible(userId: string | undefined) {
    const query = this.dataSource.manager.createQueryBuilder(WorkspaceEntity, 'w');
    if (userId) {
      query.where(
        'EXISTS (SELECT 1 FROM member m WHERE m.workspace_id = w.id AND m.user_id = :userId)',
        { userId },
      );
    }
    return query;
  }

  page(request: PageRequest, userId?: string): Promise<Page<WorkspaceEntity>> {
    return fetchPage(this.visible(userId), 'w', request);
  }

  count(userId?: string): Promise<number> {
    return this.visible(userId).getCount();
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(WorkspaceEntity, { id });
  }

  async addOwner(
    manager: EntityManager,
    workspaceId: string,
    userId: string,
    id: string,
  ): Promise<void> {
    await manager.insert(MemberEntity, { id, workspaceId, userId, role: MemberRole.OWNER });
  }
}
