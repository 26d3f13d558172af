import type { Tx } from '../common/transactions.js';
import type { Verdict } from '../delivery/verdict.js';
import type { AgentRunEntity } from '../run/run.entity.js';
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

/** What the run queue tells the review loop when a run ends, inside the finishing transaction. */
export interface RunHooks {
  /**
   * The verdict a REVIEW run's output gives (its last verdict line); undefined when there is
   * none, and the run is recorded as failed instead.
   */
  verdictOf(tx: Tx, run: AgentRunEntity, summary: string | null): Promise<Verdict | undefined>;
  /** A run succeeded or failed: the work that follows is queued here. */
  runFinished(tx: Tx, run: AgentRunEntity, verdict: Verdict | undefined): Promise<void>;
}
