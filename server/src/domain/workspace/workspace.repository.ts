import type { DataSource, EntityManager } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { MemberRole } from '../access/permissions.js';
import { MemberEntity } from '../user/member.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

export class WorkspaceRepository extends BaseRepository<WorkspaceEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, WorkspaceEntity);
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

  async addOwner(
    manager: EntityManager,
    workspaceId: string,
    userId: string,
    id: string,
  ): Promise<void> {
    await manager.insert(MemberEntity, { id, workspaceId, userId, role: MemberRole.OWNER });
  }
}
