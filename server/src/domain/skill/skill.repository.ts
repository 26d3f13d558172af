import { In, type DataSource, type EntityManager } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { MemberSkillEntity, SkillEntity } from './skill.entity.js';

export class SkillRepository extends BaseRepository<SkillEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, SkillEntity);
  }

  inWorkspace(workspaceId: string): Promise<SkillEntity[]> {
    return this.dataSource.manager.find(SkillEntity, {
      where: { workspaceId },
      order: { name: 'ASC', id: 'ASC' },
    });
  }

  /** Skills of a workspace named by row id or by slug. */
  async resolve(
    workspaceId: string,
    keys: { ids: readonly string[]; slugs: readonly string[] },
    manager?: EntityManager,
  ): Promise<SkillEntity[]> {
    const conditions = [
      ...(keys.ids.length ? ['s.id IN (:...ids)'] : []),
      ...(keys.slugs.length ? ['s.slug IN (:...slugs)'] : []),
    ];
    if (conditions.length === 0) return [];
    return this.manager(manager)
      .createQueryBuilder(SkillEntity, 's')
      .where('s.workspace_id = :workspaceId', { workspaceId })
      .andWhere(`(${conditions.join(' OR ')})`, { ids: [...keys.ids], slugs: [...keys.slugs] })
      .getMany();
  }

  memberSkillsOf(memberIds: readonly string[]): Promise<MemberSkillEntity[]> {
    return this.dataSource.manager.find(MemberSkillEntity, {
      where: { memberId: In([...memberIds]) },
    });
  }

  async setMemberSkill(manager: EntityManager, row: MemberSkillEntity): Promise<void> {
    await manager.upsert(MemberSkillEntity, row, ['memberId', 'skillId']);
  }

  async removeMemberSkill(
    manager: EntityManager,
    memberId: string,
    skillId: string,
  ): Promise<boolean> {
    const result = await manager.delete(MemberSkillEntity, { memberId, skillId });
    return (result.affected ?? 0) > 0;
  }

  /** How many tasks need the skill (a skill in use cannot be deleted). */
  async taskUses(skillId: string): Promise<number> {
    const rows = await this.dataSource.query<Array<{ count: string }>>(
      'SELECT count(*) AS count FROM task_skill WHERE skill_id = $1',
      [skillId],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
