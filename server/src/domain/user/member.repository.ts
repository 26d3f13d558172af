import type { DataSource } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import type { Membership } from '../access/authorizer.js';
import type { MemberRole } from '../access/permissions.js';
import { MemberEntity, type MemberScope } from './member.entity.js';
import { UserEntity } from './user.entity.js';

export class UserRepository extends BaseRepository<UserEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, UserEntity);
  }
}

export class MemberRepository extends BaseRepository<MemberEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, MemberEntity);
  }

  /** A user's memberships of several workspaces, with their project roles, in one query. */
  async memberships(
    userId: string,
    workspaceIds: readonly string[],
  ): Promise<Map<string, Membership>> {
    const rows: {
      workspace_id: string;
      role: MemberRole;
      scope: MemberScope;
      project_id: string | null;
      project_role: MemberRole | null;
    }[] = await this.dataSource.query(
      `SELECT m.workspace_id, m.role, m.scope, pm.project_id, pm.role AS project_role
         FROM member m
         LEFT JOIN project_member pm ON pm.member_id = m.id
        WHERE m.user_id = $1 AND m.workspace_id = ANY($2::uuid[])`,
      [userId, workspaceIds],
    );
    const found = new Map<string, Membership & { projectRoles: Map<string, MemberRole> }>();
    for (const row of rows) {
      let membership = found.get(row.workspace_id);
      if (!membership) {
        membership = { role: row.role, scope: row.scope, projectRoles: new Map() };
        found.set(row.workspace_id, membership);
      }
      if (row.project_id && row.project_role) {
        membership.projectRoles.set(row.project_id, row.project_role);
      }
    }
    return found;
  }

  inWorkspace(workspaceId: string): Promise<MemberEntity[]> {
    return this.dataSource.manager.find(MemberEntity, {
      where: { workspaceId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  ofUser(userId: string): Promise<MemberEntity[]> {
    return this.dataSource.manager.find(MemberEntity, {
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async findByUser(userId: string, workspaceId: string): Promise<MemberEntity | undefined> {
    return (
      (await this.dataSource.manager.findOneBy(MemberEntity, { userId, workspaceId })) ?? undefined
    );
  }
}
