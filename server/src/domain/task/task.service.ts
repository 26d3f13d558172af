import type { EntityManager } from 'typeorm';
import type { Page, PageRequest } from '../../db/pagination.js';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import type { TransitionBy } from '../common/lifecycle.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import { requireInteger, requireName, requireText } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import type { PlanEntity } from '../plan/plan.entity.js';
import type { PlanLocks } from '../plan/plan-locks.js';
import type { PlanTaskChecks } from '../plan/plan.service.js';
import { insertItem, moveItem } from '../plan/ordering.js';
import type { PhaseRepository } from '../plan/plan.repository.js';
import { DEFAULT_PROFICIENCY, parseProficiency } from '../skill/proficiency.js';
import type { SkillService } from '../skill/skill.service.js';
import type { MemberRepository } from '../user/member.repository.js';
import type { WorkHooks } from '../dispatch/work-hooks.js';
import { findCycle } from './dependency-graph.js';
import {
  IN_FLIGHT_TASK_STATUSES,
  TASK_LIFECYCLE,
  TaskPriority,
  TaskStatus,
  TaskType,
} from './task-lifecycle.js';
import { TaskEntity, type TaskDependencyEntity, type TaskSkillEntity } from './task.entity.js';
import type { TaskFilter, TaskRepository } from './task.repository.js';

export interface TaskInput {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly priority?: TaskPriority | undefined;
  readonly type?: TaskType | undefined;
  /** Any accepted spelling of a proficiency (see parseProficiency). */
  readonly requiredProficiency?: unknown;
  /** Skills by public id or slug; replaces the task's skills. */
  readonly skills?: readonly string[] | undefined;
  /** Row ids of tasks in the same plan; replaces the task's dependencies. */
  readonly dependsOn?: readonly string[] | undefined;
  /** Row id of the parent task (same plan), or null for none. */
  readonly parentTaskId?: string | null | undefined;
  readonly estimateMinutes?: number | null | undefined;
  readonly actualMinutes?: number | null | undefined;
  readonly canRunParallel?: boolean | undefined;
  readonly splittable?: boolean | undefined;
  /** The task's proposal key (re-planning); null clears it. */
  readonly key?: string | null | undefined;
  readonly branchName?: string | null | undefined;
  readonly prUrl?: string | null | undefined;
}

const MAX_MINUTES = 1_000_000;

export class TaskService implements PlanTaskChecks {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly phases: PhaseRepository,
    private readonly members: MemberRepository,
    private readonly skills: SkillService,
    private readonly locks: PlanLocks,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
    private readonly workspaceOf: (
      projectId: string,
      manager?: EntityManager,
    ) => Promise<string | undefined>,
    /** The dispatcher: the work that follows a change, in the change's transaction. */
    private readonly hooks: WorkHooks,
  ) {}

  // ---- reads ----------------------------------------------------------------------------

  get(id: string): Promise<TaskEntity | undefined> {
    return this.tasks.findById(id);
  }

  getMany(ids: readonly string[]): Promise<TaskEntity[]> {
    return this.tasks.findByIds(ids);
  }

  ofPhases(phaseIds: readonly string[], manager?: EntityManager): Promise<TaskEntity[]> {
    return this.tasks.ofPhases(phaseIds, manager);
  }

  childrenOf(parentIds: readonly string[]): Promise<TaskEntity[]> {
    return this.tasks.childrenOf(parentIds);
  }

  skillsOf(taskIds: readonly string[], manager?: EntityManager): Promise<TaskSkillEntity[]> {
    return this.tasks.skillsOf(taskIds, manager);
  }

  dependenciesOf(
    taskIds: readonly string[],
    manager?: EntityManager,
  ): Promise<TaskDependencyEntity[]> {
    return this.tasks.dependenciesOf(taskIds, manager);
  }

  dependentsOf(taskIds: readonly string[]): Promise<TaskDependencyEntity[]> {
    return this.tasks.dependentsOf(taskIds);
  }

  list(projectId: string, filter: TaskFilter, request: PageRequest): Promise<Page<TaskEntity>> {
    return this.tasks.page(projectId, filter, request);
  }

  count(projectId: string, filter: TaskFilter): Promise<number> {
    return this.tasks.count(projectId, filter);
  }

  assignedTo(memberIds: readonly string[], includeArchived: boolean, request: PageRequest) {
    return this.tasks.pageAssigned(memberIds, includeArchived, request);
  }

  countAssignedTo(memberIds: readonly string[], includeArchived: boolean): Promise<number> {
    return this.tasks.countAssigned(memberIds, includeArchived);
  }

  /** The tasks `taskId` waits for: dependencies not yet merged or completed. */
  blockers(taskId: string): Promise<TaskEntity[]> {
    return this.tasks.blockersOf(taskId);
  }

  taskCount(manager: EntityManager, planId: string): Promise<number> {
    return this.tasks.countInPlan(manager, planId, false);
  }

  unfinishedTaskCount(manager: EntityManager, planId: string): Promise<number> {
    return this.tasks.countInPlan(manager, planId, true);
  }

  // ---- writes ---------------------------------------------------------------------------

  /** Creates a task at the end of `phaseId` (or at `position`). Emits TaskCreated. */
  async create(
    phaseId: string,
    input: TaskInput & { title: string; position?: number | undefined },
  ): Promise<TaskEntity> {
    return this.transactions.run((tx) => this.createIn(tx, phaseId, input));
  }

  /** create() in the caller's transaction (a subtask directive creates its child with others). */
  async createIn(
    tx: Tx,
    phaseId: string,
    input: TaskInput & { title: string; position?: number | undefined },
  ): Promise<TaskEntity> {
    const { plan } = await this.lockPhase(tx, phaseId);
    const siblings = await this.tasks.ofPhases([phaseId], tx.manager);
    const position =
      input.position === undefined
        ? undefined
        : requireInteger('position', input.position, 0, 100_000);
    const task = Object.assign(new TaskEntity(), {
      id: uuidv7(),
      projectId: plan.projectId,
      planId: plan.id,
      phaseId,
      parentTaskId: null,
      title: '',
      key: null,
      description: '',
      status: TaskStatus.DRAFT,
      priority: TaskPriority.MEDIUM,
      type: TaskType.FEATURE,
      requiredProficiency: DEFAULT_PROFICIENCY,
      estimateMinutes: null,
      actualMinutes: null,
      canRunParallel: true,
      splittable: false,
      branchName: null,
      prUrl: null,
      assigneeMemberId: null,
      position: siblings.length,
      acceptedAt: null,
      completedAt: null,
      reviewSentAt: null,
      reviewApprovedAt: null,
      revisionCount: 0,
      statusChangedAt: new Date(),
    });
    this.applyFields(task, input);
    if (!task.title) throw badInput('title', 'title must not be empty');
    const skillIds = await this.skillIds(tx, plan, input.skills);
    await this.checkParent(tx, plan, task, input.parentTaskId);
    const created = await this.tasks.insert(tx.manager, task);
    if (skillIds) await this.tasks.setSkills(tx.manager, created.id, skillIds);
    if (input.dependsOn) await this.replaceDependencies(tx, plan, created, input.dependsOn);
    await this.tasks.renumber(tx.manager, insertItem(siblings, created, position));
    await this.events.append(tx, plan.projectId, 'TaskCreated', {
      taskId: toPublicId('Task', created.id),
      planId: toPublicId('Plan', plan.id),
      phaseId: toPublicId('Phase', phaseId),
      title: created.title,
      status: created.status,
    });
    // On an active plan the new task enters the graph: it is dispatched if it is ready.
    await this.hooks.graphChanged(tx, plan.id);
    return (await this.tasks.findById(created.id, tx.manager)) as TaskEntity;
  }

  /** Changes any of a task's fields, skills, dependencies or parent. Emits TaskUpdated. */
  async update(taskId: string, input: TaskInput): Promise<TaskEntity> {
    return this.transactions.run((tx) => this.updateIn(tx, taskId, input));
  }

  /** update() in the caller's transaction (a re-plan changes many tasks in one). */
  async updateIn(tx: Tx, taskId: string, input: TaskInput): Promise<TaskEntity> {
    const { plan, task } = await this.lockTask(tx, taskId);
    const changed = this.applyFields(task, input);
    const skillIds = await this.skillIds(tx, plan, input.skills);
    if (input.parentTaskId !== undefined) {
      await this.checkParent(tx, plan, task, input.parentTaskId);
      changed.push('parentTaskId');
    }
    const saved = await this.tasks.update(tx.manager, task);
    if (skillIds) {
      await this.tasks.setSkills(tx.manager, task.id, skillIds);
      changed.push('skills');
    }
    if (input.dependsOn) {
      await this.replaceDependencies(tx, plan, task, input.dependsOn);
      changed.push('dependsOn');
    }
    await this.events.append(tx, plan.projectId, 'TaskUpdated', {
      taskId: toPublicId('Task', task.id),
      changed,
    });
    if (input.dependsOn) await this.hooks.graphChanged(tx, plan.id);
    return saved;
  }

  /** Moves a task to `position` in `phaseId` (default: its own phase). Emits TaskMoved. */
  async move(
    taskId: string,
    target: { phaseId?: string | undefined; position: number },
  ): Promise<TaskEntity> {
    return this.transactions.run((tx) => this.moveIn(tx, taskId, target));
  }

  /** move() in the caller's transaction. */
  async moveIn(
    tx: Tx,
    taskId: string,
    target: { phaseId?: string | undefined; position: number },
  ): Promise<TaskEntity> {
    const to = requireInteger('position', target.position, 0, 100_000);
    const { plan, task } = await this.lockTask(tx, taskId);
    const fromPhase = task.phaseId;
    const toPhase = target.phaseId ?? task.phaseId;
    if (toPhase !== fromPhase) {
      const phase = await this.phases.findById(toPhase, tx.manager);
      if (!phase || phase.planId !== plan.id) {
        throw new DomainError(ErrorCode.NOT_FOUND, "phaseId: no such phase in the task's plan", [
          'phaseId',
        ]);
      }
    }
    const from = (await this.tasks.ofPhases([fromPhase], tx.manager)).findIndex(
      (t) => t.id === task.id,
    );
    if (toPhase === fromPhase) {
      const siblings = await this.tasks.ofPhases([fromPhase], tx.manager);
      await this.tasks.renumber(tx.manager, moveItem(siblings, from, to));
    } else {
      const left = (await this.tasks.ofPhases([fromPhase], tx.manager)).filter(
        (t) => t.id !== task.id,
      );
      await this.tasks.renumber(tx.manager, left);
      task.phaseId = toPhase;
      task.position = 1_000_000;
      await this.tasks.update(tx.manager, task);
      const target = (await this.tasks.ofPhases([toPhase], tx.manager)).filter(
        (t) => t.id !== task.id,
      );
      await this.tasks.renumber(tx.manager, insertItem(target, task, to));
    }
    const moved = (await this.tasks.findById(task.id, tx.manager)) as TaskEntity;
    await this.events.append(tx, plan.projectId, 'TaskMoved', {
      taskId: toPublicId('Task', task.id),
      fromPhaseId: toPublicId('Phase', fromPhase),
      toPhaseId: toPublicId('Phase', moved.phaseId),
      from,
      to: moved.position,
    });
    return moved;
  }

  /** Deletes a task nothing depends on and no agent is working on. Emits TaskDeleted. */
  async delete(taskId: string): Promise<void> {
    await this.transactions.run((tx) => this.deleteIn(tx, taskId));
  }

  /** delete() in the caller's transaction. */
  async deleteIn(tx: Tx, taskId: string): Promise<void> {
    const { plan, task } = await this.lockTask(tx, taskId);
    if (IN_FLIGHT_TASK_STATUSES.has(task.status)) {
      throw conflict(`the task is ${task.status}; cancel it before deleting it`, 'taskId');
    }
    const dependents = await this.tasks.dependentsOf([task.id], tx.manager);
    if (dependents.length) {
      const ids = dependents.map((d) => toPublicId('Task', d.taskId)).join(', ');
      throw conflict(
        `other tasks depend on this one (${ids}); remove those dependencies first`,
        'taskId',
      );
    }
    await this.tasks.delete(tx.manager, task.id);
    const rest = (await this.tasks.ofPhases([task.phaseId], tx.manager)).filter(
      (t) => t.id !== task.id,
    );
    await this.tasks.renumber(tx.manager, rest);
    await this.events.append(tx, plan.projectId, 'TaskDeleted', {
      taskId: toPublicId('Task', task.id),
      planId: toPublicId('Plan', plan.id),
    });
  }

  /** Assigns a task to a member of its workspace, or unassigns it (null). Emits TaskAssigned. */
  async assign(taskId: string, memberId: string | null): Promise<TaskEntity> {
    return this.transactions.run(async (tx) => {
      const { plan, task } = await this.lockTask(tx, taskId, { anyPlanStatus: false });
      if (memberId !== null) {
        const member = await this.members.findById(memberId, tx.manager);
        const workspaceId = await this.workspaceOf(plan.projectId, tx.manager);
        if (!member || member.workspaceId !== workspaceId) {
          throw new DomainError(ErrorCode.NOT_FOUND, 'memberId: no such member in this workspace', [
            'memberId',
          ]);
        }
      }
      const from = task.assigneeMemberId;
      task.assigneeMemberId = memberId;
      const saved = await this.tasks.update(tx.manager, task);
      await this.events.append(tx, plan.projectId, 'TaskAssigned', {
        taskId: toPublicId('Task', task.id),
        from: from ? toPublicId('Member', from) : null,
        to: memberId ? toPublicId('Member', memberId) : null,
      });
      return saved;
    });
  }

  /**
   * Moves a task through its lifecycle (the task table decides what `by` may do). Emits
   * TaskStatusChanged.
   */
  async setStatus(
    taskId: string,
    to: TaskStatus,
    by: TransitionBy,
    reason?: string,
  ): Promise<TaskEntity> {
    return this.transactions.run((tx) => this.setStatusIn(tx, taskId, to, by, reason));
  }

  /**
   * setStatus in the caller's transaction, which may already hold the plan's lock. `patch`
   * changes review fields with the move (a rejection's revision count, an approval).
   */
  async setStatusIn(
    tx: Tx,
    taskId: string,
    to: TaskStatus,
    by: TransitionBy,
    reason?: string,
    patch: Partial<Pick<TaskEntity, 'reviewSentAt' | 'reviewApprovedAt' | 'revisionCount'>> = {},
  ): Promise<TaskEntity> {
    const { plan, task } = await this.lockTask(tx, taskId, { anyPlanStatus: true });
    const from = task.status;
    TASK_LIFECYCLE.assert(from, to, by);
    task.status = to;
    task.statusChangedAt = new Date();
    if (to === TaskStatus.COMPLETED || to === TaskStatus.MERGED) task.completedAt ??= new Date();
    if (to === TaskStatus.DRAFT) {
      // a clean re-dispatch (resumed or re-opened): the review starts over
      task.reviewSentAt = null;
      task.reviewApprovedAt = null;
      task.revisionCount = 0;
    }
    Object.assign(task, patch);
    const saved = await this.tasks.update(tx.manager, task);
    await this.events.append(tx, plan.projectId, 'TaskStatusChanged', {
      taskId: toPublicId('Task', task.id),
      from,
      to,
      ...(reason ? { reason: requireText('reason', reason, 2000) } : {}),
    });
    await this.hooks.taskStatusChanged(tx, task, from, to);
    return saved;
  }

  // ---- helpers --------------------------------------------------------------------------

  /** Applies plain fields from `input`; returns the names of those given. */
  private applyFields(task: TaskEntity, input: TaskInput): string[] {
    const changed: string[] = [];
    const set = <K extends keyof TaskEntity>(key: K, value: TaskEntity[K]) => {
      task[key] = value;
      changed.push(key);
    };
    if (input.title !== undefined) set('title', requireName('title', input.title, 200));
    if (input.description !== undefined)
      set('description', requireText('description', input.description));
    if (input.priority !== undefined) set('priority', input.priority);
    if (input.type !== undefined) set('type', input.type);
    if (input.requiredProficiency !== undefined) {
      set(
        'requiredProficiency',
        parseProficiency('requiredProficiency', input.requiredProficiency),
      );
    }
    if (input.estimateMinutes !== undefined) {
      set('estimateMinutes', minutes('estimateMinutes', input.estimateMinutes));
    }
    if (input.actualMinutes !== undefined)
      set('actualMinutes', minutes('actualMinutes', input.actualMinutes));
    if (input.canRunParallel !== undefined) set('canRunParallel', input.canRunParallel);
    if (input.splittable !== undefined) set('splittable', input.splittable);
    if (input.key !== undefined) set('key', input.key);
    if (input.branchName !== undefined) {
      set(
        'branchName',
        input.branchName === null ? null : requireName('branchName', input.branchName, 200),
      );
    }
    if (input.prUrl !== undefined)
      set('prUrl', input.prUrl === null ? null : requireUrl('prUrl', input.prUrl));
    return changed;
  }

  private async skillIds(tx: Tx, plan: PlanEntity, keys: readonly string[] | undefined) {
    if (keys === undefined) return undefined;
    const workspaceId = await this.workspaceOf(plan.projectId, tx.manager);
    if (!workspaceId) throw new Error(`project ${plan.projectId} has no workspace`);
    const skills = await this.skills.resolve(workspaceId, 'skills', keys, tx.manager);
    return skills.map((skill) => skill.id);
  }

  private async checkParent(
    tx: Tx,
    plan: PlanEntity,
    task: TaskEntity,
    parentTaskId: string | null | undefined,
  ): Promise<void> {
    if (parentTaskId === undefined) return;
    if (parentTaskId !== null) {
      const parent = await this.tasks.findById(parentTaskId, tx.manager);
      if (!parent || parent.planId !== plan.id) {
        throw new DomainError(ErrorCode.NOT_FOUND, 'parentTaskId: no such task in this plan', [
          'parentTaskId',
        ]);
      }
      // The new parent must not be the task itself or one of its descendants.
      for (let ancestor: TaskEntity | undefined = parent; ancestor;) {
        if (ancestor.id === task.id) {
          throw badInput('parentTaskId', 'parentTaskId would make the task its own ancestor');
        }
        ancestor = ancestor.parentTaskId
          ? await this.tasks.findById(ancestor.parentTaskId, tx.manager)
          : undefined;
      }
    }
    task.parentTaskId = parentTaskId;
  }

  /** Replaces a task's dependencies, refusing unknown tasks, other plans and cycles. */
  private async replaceDependencies(
    tx: Tx,
    plan: PlanEntity,
    task: TaskEntity,
    dependsOn: readonly string[],
  ): Promise<void> {
    const wanted = [...new Set(dependsOn)];
    const planTasks = await this.tasks.ofPlan(plan.id, tx.manager);
    const byId = new Map(planTasks.map((t) => [t.id, t]));
    const unknown = wanted.filter((id) => !byId.has(id));
    if (unknown.length) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `dependsOn: no task ${unknown.map((id) => toPublicId('Task', id)).join(', ')} in this plan`,
        ['dependsOn'],
      );
    }
    const graph = new Map<string, string[]>();
    for (const edge of await this.tasks.edgesOfPlan(tx.manager, plan.id)) {
      if (edge.taskId === task.id) continue;
      graph.set(edge.taskId, [...(graph.get(edge.taskId) ?? []), edge.dependsOnTaskId]);
    }
    graph.set(task.id, wanted);
    const cycle = findCycle(graph, task.id);
    if (cycle) {
      const names = cycle.map((id) => `"${byId.get(id)?.title ?? id}" (${toPublicId('Task', id)})`);
      throw badInput('dependsOn', `dependsOn would create a cycle: ${names.join(' → ')}`);
    }
    await this.tasks.setDependencies(tx.manager, task.id, wanted);
  }

  private async lockPhase(tx: Tx, phaseId: string): Promise<{ plan: PlanEntity }> {
    const phase = await this.phases.findById(phaseId, tx.manager);
    if (!phase) throw new DomainError(ErrorCode.NOT_FOUND, 'phaseId: no such phase', ['phaseId']);
    return { plan: await this.locks.lockEditable(tx, phase.planId) };
  }

  /**
   * Locks the task's plan (structural edits need it editable; status changes and assignments
   * do not) and loads the task inside the lock.
   */
  private async lockTask(
    tx: Tx,
    taskId: string,
    options: { anyPlanStatus: boolean } = { anyPlanStatus: false },
  ): Promise<{ plan: PlanEntity; task: TaskEntity }> {
    const found = await this.tasks.findById(taskId, tx.manager);
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, 'taskId: no such task', ['taskId']);
    const plan = options.anyPlanStatus
      ? await this.locks.lock(tx, found.planId)
      : await this.locks.lockEditable(tx, found.planId);
    const task = await this.tasks.findById(taskId, tx.manager);
    if (!task) throw new DomainError(ErrorCode.NOT_FOUND, 'taskId: no such task', ['taskId']);
    return { plan, task };
  }
}

function minutes(field: string, value: number | null): number | null {
  return value === null ? null : requireInteger(field, value, 0, MAX_MINUTES);
}

function requireUrl(field: string, value: string): string {
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.toString();
  } catch {
    // reported below
  }
  throw badInput(field, `${field} must be an http(s) URL`);
}
