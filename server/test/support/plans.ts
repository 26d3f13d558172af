import { parsePublicIdOf } from '../../src/domain/common/public-id.js';
import { PlanEntity } from '../../src/domain/plan/plan.entity.js';
import type { PlanStatus } from '../../src/domain/plan/plan-lifecycle.js';
import { TaskEntity } from '../../src/domain/task/task.entity.js';
import type { TaskStatus } from '../../src/domain/task/task-lifecycle.js';
import { ok } from './mutations.js';
import type { TestServer } from './test-server.js';

export interface PlanRef {
  readonly planId: string;
  readonly phaseId: string;
  readonly taskIds: string[];
}

/** A draft plan in `projectId` with one phase and `tasks` tasks, made through the API. */
export async function planWithTasks(
  server: TestServer,
  projectId: string,
  tasks = 1,
): Promise<PlanRef> {
  const { plan } = await ok<{ plan: { id: string } }>(
    server,
    'createPlan',
    { projectId, name: 'Plan' },
    'plan { id }',
  );
  const { phase } = await ok<{ phase: { id: string } }>(
    server,
    'createPhase',
    { planId: plan.id, name: 'Build' },
    'phase { id }',
  );
  const taskIds: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const { task } = await ok<{ task: { id: string } }>(
      server,
      'createTask',
      { phaseId: phase.id, title: `Task ${i + 1}` },
      'task { id }',
    );
    taskIds.push(task.id);
  }
  return { planId: plan.id, phaseId: phase.id, taskIds };
}

/**
 * Puts a plan or task straight into a status, as Studio's own machinery would (the dispatcher
 * and review loop arrive with later issues); for testing what people may do from there.
 */
export async function forcePlanStatus(
  server: TestServer,
  planId: string,
  status: PlanStatus,
): Promise<void> {
  await server.studio.database.dataSource.manager.update(
    PlanEntity,
    { id: parsePublicIdOf('Plan', planId) },
    { status },
  );
}

export async function forceTaskStatus(
  server: TestServer,
  taskId: string,
  status: TaskStatus,
): Promise<void> {
  await server.studio.database.dataSource.manager.update(
    TaskEntity,
    { id: parsePublicIdOf('Task', taskId) },
    { status },
  );
}
