import type { DataSource, EntityManager } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { MemberRole } from '../access/permissions.js';
import { MemberEntity } from '../user/member.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

/** Which workspaces a listing shows: a user's, optionally only one; all when empty. */
export interface WorkspaceScope {
  readonly userId?: string;
  readonly workspaceId?: string;
}

export class WorkspaceRepository extends BaseRepository<WorkspaceEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, WorkspaceEntity);
  }

  private visible(scope: WorkspaceScope) {
    const query = this.dataSource.manager.createQueryBuilder(WorkspaceEntity, 'w');
    if (scope.userId) {
      query.where(
        'EXISTS (SELECT 1 FROM member m WHERE m.workspace_id = w.id AND m.user_id = :userId)',
        { userId: scope.userId },
      );
    }
    if (scope.workspaceId)
      query.andWhere('w.id = :workspaceId', { workspaceId: scope.workspaceId });
    return query;
  }

  page(request: PageRequest, scope: WorkspaceScope): Promise<Page<WorkspaceEntity>> {
    return fetchPage(this.visible(scope), 'w', request);
  }

  count(scope: WorkspaceScope): Promise<number> {
    return this.visible(scope).getCount();
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
