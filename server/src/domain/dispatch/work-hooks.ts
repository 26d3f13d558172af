import type { Tx } from '../common/transactions.js';
import type { PlanStatus } from '../plan/plan-lifecycle.js';
import type { TaskStatus } from '../task/task-lifecycle.js';

/**
 * What the plan and task services tell the dispatcher, inside the transaction that made the
 * change and under the plan's row lock: the work that follows (runs queued, held, released or
 * cancelled) commits or rolls back with the change itself.
 */
export interface WorkHooks {
  /** A task moved through its lifecycle. */
  taskStatusChanged(
    tx: Tx,
    task: { readonly id: string; readonly planId: string },
    from: TaskStatus,
    to: TaskStatus,
  ): Promise<void>;
  /** A plan moved through its lifecycle. */
  planStatusChanged(
    tx: Tx,
    plan: { readonly id: string; readonly projectId: string },
    from: PlanStatus,
    to: PlanStatus,
  ): Promise<void>;
  /** The plan's task graph changed (a task added, or its dependencies edited). */
  graphChanged(tx: Tx, planId: string): Promise<void>;
}
