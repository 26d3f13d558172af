import type { DataSource } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import type { MemberRole } from '../access/permissions.js';
import { MemberEntity } from './member.entity.js';
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

  async roleOf(userId: string, workspaceId: string): Promise<MemberRole | undefined> {
    const member = await this.dataSource.manager.findOneBy(MemberEntity, { userId, workspaceId });
    return member?.role;
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
}
