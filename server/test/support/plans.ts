import { parsePublicIdOf, toPublicId } from '../../src/domain/common/public-id.js';
import { AgentSessionEntity } from '../../src/domain/session/session.entity.js';
import { addSession } from './agents.js';
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

/**
 * Completes a plan's queued BOOTSTRAP_EPIC run the way a daemon does (claimed by the session
 * it is targeted at, or by a short-lived session of its own, then completed), so its ready
 * tasks are dispatched. Does nothing when no bootstrap is queued (the plan was bootstrapped).
 */
export async function bootstrapEpic(server: TestServer, planId: string): Promise<void> {
  const { dataSource } = server.studio.database;
  const { queue } = server.studio.services;
  const [run] = await dataSource.query<{ id: string; project_id: string; target: string | null }[]>(
    `SELECT id, project_id, target_session_id AS target FROM agent_run
      WHERE plan_id = $1 AND purpose = 'BOOTSTRAP_EPIC' AND status = 'QUEUED'`,
    [parsePublicIdOf('Plan', planId)],
  );
  if (!run) return;
  const own = run.target === null;
  const sessionId =
    run.target ??
    parsePublicIdOf(
      'AgentSession',
      await addSession(server, toPublicId('Project', run.project_id), {
        name: 'epic-bootstrapper',
      }),
    );
  const session = await dataSource.manager.findOneByOrFail(AgentSessionEntity, {
    id: sessionId as string,
  });
  const claimed = await queue.claim(session, run.id);
  if (!claimed) throw new Error(`the BOOTSTRAP_EPIC run of ${planId} could not be claimed`);
  await queue.complete(claimed, claimed.leaseVersion, { summary: 'epic branch pushed' });
  if (own) {
    // ended as a daemon ends it: runs targeted at it meanwhile are opened to every session
    await server.studio.services.registry.end(session);
  }
}

/** Activates a draft plan through the API and bootstraps its epic (bootstrapEpic). */
export async function activatePlan(server: TestServer, planId: string): Promise<void> {
  await ok(server, 'setPlanStatus', { planId, status: 'ACTIVE' }, 'plan { status }');
  await bootstrapEpic(server, planId);
}
