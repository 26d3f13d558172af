import { In, type DataSource, type EntityManager } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import {
  PhaseEntity,
  PlanConversationEntity,
  PlanEntity,
  PlanMessageEntity,
} from './plan.entity.js';
import type { PlanStatus } from './plan-lifecycle.js';

export class PlanRepository extends BaseRepository<PlanEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, PlanEntity);
  }

  pageInProject(
    projectId: string,
    statuses: readonly PlanStatus[] | undefined,
    request: PageRequest,
  ): Promise<Page<PlanEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(PlanEntity, 'p')
      .where('p.project_id = :projectId', { projectId });
    if (statuses?.length) query.andWhere('p.status IN (:...statuses)', { statuses: [...statuses] });
    return fetchPage(query, 'p', request);
  }

  async countInProject(
    projectId: string,
    statuses: readonly PlanStatus[] | undefined,
  ): Promise<number> {
    const query = this.dataSource.manager
      .createQueryBuilder(PlanEntity, 'p')
      .where('p.project_id = :projectId', { projectId });
    if (statuses?.length) query.andWhere('p.status IN (:...statuses)', { statuses: [...statuses] });
    return query.getCount();
  }

  async createConversation(manager: EntityManager, planId: string, id: string): Promise<void> {
    await manager.insert(PlanConversationEntity, { id, planId });
  }

  async findConversation(id: string): Promise<PlanConversationEntity | undefined> {
    return (await this.dataSource.manager.findOneBy(PlanConversationEntity, { id })) ?? undefined;
  }

  conversationsById(ids: readonly string[]): Promise<PlanConversationEntity[]> {
    return this.dataSource.manager.findBy(PlanConversationEntity, { id: In([...ids]) });
  }

  conversationsOf(
    planIds: readonly string[],
    manager?: EntityManager,
  ): Promise<PlanConversationEntity[]> {
    return this.manager(manager).findBy(PlanConversationEntity, { planId: In([...planIds]) });
  }

  messagesPage(conversationId: string, request: PageRequest): Promise<Page<PlanMessageEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(PlanMessageEntity, 'm')
      .where('m.conversation_id = :conversationId', { conversationId });
    return fetchPage(query, 'm', request);
  }

  countMessages(conversationId: string): Promise<number> {
    return this.dataSource.manager.countBy(PlanMessageEntity, { conversationId });
  }

  async insertMessage(
    manager: EntityManager,
    message: PlanMessageEntity,
  ): Promise<PlanMessageEntity> {
    await manager.insert(PlanMessageEntity, message as never);
    return manager.findOneByOrFail(PlanMessageEntity, { id: message.id });
  }

  findMessagesByIds(ids: readonly string[]): Promise<PlanMessageEntity[]> {
    return this.dataSource.manager.findBy(PlanMessageEntity, { id: In([...ids]) });
  }
}

export class PhaseRepository extends BaseRepository<PhaseEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, PhaseEntity);
  }

  /** Phases of several plans, each plan's in order. */
  ofPlans(planIds: readonly string[], manager?: EntityManager): Promise<PhaseEntity[]> {
    return this.manager(manager).find(PhaseEntity, {
      where: { planId: In([...planIds]) },
      order: { position: 'ASC', id: 'ASC' },
    });
  }

  /** Writes new positions for phases whose position changed. */
  async renumber(manager: EntityManager, ordered: readonly PhaseEntity[]): Promise<void> {
    for (const [position, phase] of ordered.entries()) {
      if (phase.position !== position) {
        await manager.update(PhaseEntity, { id: phase.id }, { position });
        phase.position = position;
      }
    }
  }

  async taskCount(phaseId: string, manager?: EntityManager): Promise<number> {
    const rows = await this.manager(manager).query<Array<{ count: string }>>(
      'SELECT count(*) AS count FROM task WHERE phase_id = $1',
      [phaseId],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
