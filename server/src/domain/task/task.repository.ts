import { In, type DataSource, type EntityManager } from 'typeorm';
import { BaseRepository } from '../../db/base.repository.js';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import {
  FINISHED_TASK_STATUSES,
  RESOLVED_TASK_STATUSES,
  type TaskStatus,
} from './task-lifecycle.js';
import {
  TaskCommentEntity,
  TaskDependencyEntity,
  TaskEntity,
  TaskSkillEntity,
} from './task.entity.js';

/** Filters of the task connections; every one is optional, and they combine with AND. */
export interface TaskFilter {
  readonly planId?: string | undefined;
  readonly phaseId?: string | undefined;
  readonly statuses?: readonly TaskStatus[] | undefined;
  readonly assigneeMemberId?: string | undefined;
  readonly skillId?: string | undefined;
}

export class TaskRepository extends BaseRepository<TaskEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, TaskEntity);
  }

  /** Tasks of several phases, each phase's in order. */
  ofPhases(phaseIds: readonly string[], manager?: EntityManager): Promise<TaskEntity[]> {
    return this.manager(manager).find(TaskEntity, {
      where: { phaseId: In([...phaseIds]) },
      order: { position: 'ASC', id: 'ASC' },
    });
  }

  ofPlan(planId: string, manager?: EntityManager): Promise<TaskEntity[]> {
    return this.manager(manager).find(TaskEntity, { where: { planId }, order: { id: 'ASC' } });
  }

  childrenOf(parentIds: readonly string[]): Promise<TaskEntity[]> {
    return this.dataSource.manager.find(TaskEntity, {
      where: { parentTaskId: In([...parentIds]) },
      order: { id: 'ASC' },
    });
  }

  private filtered(projectId: string, filter: TaskFilter) {
    const query = this.dataSource.manager
      .createQueryBuilder(TaskEntity, 't')
      .where('t.project_id = :projectId', { projectId });
    if (filter.planId) query.andWhere('t.plan_id = :planId', { planId: filter.planId });
    if (filter.phaseId) query.andWhere('t.phase_id = :phaseId', { phaseId: filter.phaseId });
    if (filter.statuses?.length) {
      query.andWhere('t.status IN (:...statuses)', { statuses: [...filter.statuses] });
    }
    if (filter.assigneeMemberId) {
      query.andWhere('t.assignee_member_id = :assignee', { assignee: filter.assigneeMemberId });
    }
    if (filter.skillId) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM task_skill ts WHERE ts.task_id = t.id AND ts.skill_id = :skillId)',
        { skillId: filter.skillId },
      );
    }
    return query;
  }

  page(projectId: string, filter: TaskFilter, request: PageRequest): Promise<Page<TaskEntity>> {
    return fetchPage(this.filtered(projectId, filter), 't', request);
  }

  count(projectId: string, filter: TaskFilter): Promise<number> {
    return this.filtered(projectId, filter).getCount();
  }

  /** Tasks assigned to any of `memberIds`; archived plans only when asked. */
  pageAssigned(
    memberIds: readonly string[],
    includeArchived: boolean,
    request: PageRequest,
  ): Promise<Page<TaskEntity>> {
    return fetchPage(this.assignedQuery(memberIds, includeArchived), 't', request);
  }

  countAssigned(memberIds: readonly string[], includeArchived: boolean): Promise<number> {
    return this.assignedQuery(memberIds, includeArchived).getCount();
  }

  private assignedQuery(memberIds: readonly string[], includeArchived: boolean) {
    const query = this.dataSource.manager
      .createQueryBuilder(TaskEntity, 't')
      .where('t.assignee_member_id = ANY(CAST(:memberIds AS uuid[]))', {
        memberIds: [...memberIds],
      });
    if (!includeArchived) {
      query.andWhere(
        `NOT EXISTS (SELECT 1 FROM plan p WHERE p.id = t.plan_id AND p.status = 'ARCHIVED')`,
      );
    }
    return query;
  }

  skillsOf(taskIds: readonly string[], manager?: EntityManager): Promise<TaskSkillEntity[]> {
    return this.manager(manager).find(TaskSkillEntity, { where: { taskId: In([...taskIds]) } });
  }

  async setSkills(
    manager: EntityManager,
    taskId: string,
    skillIds: readonly string[],
  ): Promise<void> {
    await manager.delete(TaskSkillEntity, { taskId });
    if (skillIds.length) {
      await manager.insert(
        TaskSkillEntity,
        skillIds.map((skillId) => ({ taskId, skillId })),
      );
    }
  }

  /** Dependency edges whose dependent task is one of `taskIds`. */
  dependenciesOf(
    taskIds: readonly string[],
    manager?: EntityManager,
  ): Promise<TaskDependencyEntity[]> {
    return this.manager(manager).find(TaskDependencyEntity, {
      where: { taskId: In([...taskIds]) },
    });
  }

  /** Dependency edges pointing at one of `taskIds` (who waits for them). */
  dependentsOf(
    taskIds: readonly string[],
    manager?: EntityManager,
  ): Promise<TaskDependencyEntity[]> {
    return this.manager(manager).find(TaskDependencyEntity, {
      where: { dependsOnTaskId: In([...taskIds]) },
    });
  }

  /** Every dependency edge between tasks of one plan. */
  async edgesOfPlan(manager: EntityManager, planId: string): Promise<TaskDependencyEntity[]> {
    return manager
      .createQueryBuilder(TaskDependencyEntity, 'd')
      .innerJoin(TaskEntity, 't', 't.id = d.task_id')
      .where('t.plan_id = :planId', { planId })
      .getMany();
  }

  async setDependencies(
    manager: EntityManager,
    taskId: string,
    dependsOn: readonly string[],
  ): Promise<void> {
    await manager.delete(TaskDependencyEntity, { taskId });
    if (dependsOn.length) {
      await manager.insert(
        TaskDependencyEntity,
        dependsOn.map((dependsOnTaskId) => ({ taskId, dependsOnTaskId })),
      );
    }
  }

  /** Dependencies of `taskId` that are not yet merged or completed. */
  async blockersOf(taskId: string): Promise<TaskEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(TaskEntity, 't')
      .innerJoin(TaskDependencyEntity, 'd', 'd.depends_on_task_id = t.id')
      .where('d.task_id = :taskId', { taskId })
      .andWhere('t.status NOT IN (:...resolved)', { resolved: [...RESOLVED_TASK_STATUSES] })
      .orderBy('t.id')
      .getMany();
  }

  async countInPlan(
    manager: EntityManager,
    planId: string,
    unfinishedOnly: boolean,
  ): Promise<number> {
    const query = manager
      .createQueryBuilder(TaskEntity, 't')
      .where('t.plan_id = :planId', { planId });
    if (unfinishedOnly) {
      query.andWhere('t.status NOT IN (:...finished)', { finished: [...FINISHED_TASK_STATUSES] });
    }
    return query.getCount();
  }

  async renumber(manager: EntityManager, ordered: readonly TaskEntity[]): Promise<void> {
    for (const [position, task] of ordered.entries()) {
      if (task.position !== position) {
        await manager.update(TaskEntity, { id: task.id }, { position });
        task.position = position;
      }
    }
  }
}

export class TaskCommentRepository extends BaseRepository<TaskCommentEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, TaskCommentEntity);
  }

  page(taskId: string, request: PageRequest): Promise<Page<TaskCommentEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(TaskCommentEntity, 'c')
      .where('c.task_id = :taskId', { taskId });
    return fetchPage(query, 'c', request);
  }

  count(taskId: string): Promise<number> {
    return this.dataSource.manager.countBy(TaskCommentEntity, { taskId });
  }
}
