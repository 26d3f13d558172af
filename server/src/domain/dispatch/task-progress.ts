import { returning } from '../../db/returning.js';
import { toPublicId } from '../common/public-id.js';
import type { Tx } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import { RunPurpose } from '../run/run.types.js';
import { TASK_LIFECYCLE, TaskStatus } from '../task/task-lifecycle.js';

/** The run whose progress a task follows. */
export interface RunOfTask {
  readonly id: string;
  readonly purpose: RunPurpose;
  readonly taskId: string | null;
  /** Set on runs a lead delegated: they are part of its run, and move nothing themselves. */
  readonly parentRunId: string | null;
}

/**
 * Moves the task of an EXECUTION run (not a delegated one) along with the run: DISPATCHED → IN_PROGRESS when the run
 * starts, IN_PROGRESS → DISPATCHED when it goes back to the queue. Other purposes (review,
 * merge) leave the task alone.
 *
 * The caller holds the run's row lock, so the task row is taken with SKIP LOCKED: a transaction
 * that holds the task (pausing or cancelling it) may be waiting for this run, and waiting for
 * it in turn would deadlock. A skipped move is retried by the run's next heartbeat or output
 * (RunQueue passes the task's status back), and these two statuses are both "in flight", so no
 * dispatch decision depends on which one the task shows meanwhile.
 */
export async function moveTaskWithRun(
  tx: Tx,
  events: EventLog,
  run: RunOfTask,
  to: TaskStatus.IN_PROGRESS | TaskStatus.DISPATCHED,
  reason: string,
): Promise<boolean> {
  if (run.purpose !== RunPurpose.EXECUTION || !run.taskId || run.parentRunId) return false;
  const from = to === TaskStatus.IN_PROGRESS ? TaskStatus.DISPATCHED : TaskStatus.IN_PROGRESS;
  TASK_LIFECYCLE.assert(from, to, 'system');
  const rows = await returning<{ project_id: string }>(
    tx.manager,
    `WITH target AS (
       SELECT id FROM task WHERE id = $1 AND status = $2 FOR UPDATE SKIP LOCKED)
     UPDATE task t SET status = $3, status_changed_at = now(), updated_at = now()
       FROM target WHERE t.id = target.id
     RETURNING t.project_id`,
    [run.taskId, from, to],
  );
  const row = rows[0];
  if (!row) return false;
  await events.append(tx, row.project_id, 'TaskStatusChanged', {
    taskId: toPublicId('Task', run.taskId),
    from,
    to,
    reason,
    runId: toPublicId('Run', run.id),
  });
  return true;
}
