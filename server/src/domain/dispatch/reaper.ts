import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { returning } from '../../db/returning.js';
import type { Logger } from '../../logging/logger.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import { AgentRunEntity } from '../run/run.entity.js';
import { RUN_LIFECYCLE, RunPurpose, RunStatus } from '../run/run.types.js';
import { AgentSessionEntity } from '../session/session.entity.js';
import { SESSION_TIMEOUT_MS } from '../session/session.service.js';
import { TASK_LIFECYCLE, TaskStatus } from '../task/task-lifecycle.js';
import { TaskEntity } from '../task/task.entity.js';
import { PLANNING_PURPOSES } from './run-queue.js';
import type { WorkHooks } from './work-hooks.js';
import { moveTaskWithRun } from './task-progress.js';

/** How often a replica tries to reap. */
export const REAPER_INTERVAL_MS = 15_000;
/** Attempts a run gets before an expired lease fails it (and its task needs an operator). */
export const MAX_RUN_ATTEMPTS = 3;

/** Runs of a plan that deliver it rather than one task (DeliveryStalled when they run out). */
const PLAN_DELIVERY_PURPOSES: ReadonlySet<RunPurpose> = new Set([
  RunPurpose.BOOTSTRAP_EPIC,
  RunPurpose.RELEASE,
  RunPurpose.RELEASE_CLEANUP,
]);
/** Expired leases handled per pass; more wait for the next one. */
export const REAPER_BATCH_SIZE = 200;
/**
 * The transaction-level advisory lock that makes one replica the reaper of a pass. Any 64-bit
 * constant, the same on every replica, and not the migration lock's.
 */
export const REAPER_LOCK_KEY = '7305948262019351';

/** What one pass did; ids are row ids (uuids). */
export interface ReapResult {
  /** False when another replica held the reaper lock, so this one did nothing. */
  readonly ran: boolean;
  /** Runs whose lease expired, back in the queue with attempt + 1. */
  readonly requeued: string[];
  /** Runs whose lease expired on their last attempt: now FAILED. */
  readonly exhausted: string[];
  /** Exhausted runs left for the next pass because their plan or task was locked. */
  readonly deferred: string[];
  /** Sessions without a heartbeat for SESSION_TIMEOUT_MS, now ended. */
  readonly sessionsTimedOut: string[];
  /** Paused runs whose resume time came, queued again. */
  readonly resumed: string[];
}

export interface ReaperDeps {
  readonly transactions: Transactions;
  readonly events: EventLog;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly maxAttempts?: number;
  readonly batchSize?: number;
  /** The clock; by default the database's (the clock that wrote leases and heartbeats). */
  readonly now?: () => Date;
  /** More periodic work for the replica holding the lock (release pull requests still due). */
  readonly afterPass?: () => Promise<void>;
  /**
   * A task this pass sent to NEEDS_OPERATOR (its run out of attempts), in the same transaction:
   * Studio's WorkHooks.taskStatusChanged, as for any task that needs an operator — the
   * dispatcher cancels the task's other open runs (its delegated runs, say).
   */
  readonly taskStatusChanged?: WorkHooks['taskStatusChanged'];
  /**
   * A plan's PLANNING or REFINE run failed here (out of attempts), in the failing transaction:
   * plan chat says so in the conversation.
   */
  readonly planningFailed?: (
    tx: Tx,
    run: { readonly id: string; readonly planId: string; readonly reason: string },
  ) => Promise<void>;
}

interface ExpiredRun {
  id: string;
  project_id: string;
  plan_id: string | null;
  task_id: string | null;
  purpose: RunPurpose;
  status: RunStatus;
  attempt: number;
  lease_version: number;
  session_id: string | null;
  parent_run_id: string | null;
  tokens_in: number;
  tokens_out: number;
}

/**
 * Reclaims what dead daemons leave behind (DESIGN §5). Every pass, on exactly one replica (a
 * transaction-level advisory lock): runs whose lease expired go back to the queue with
 * attempt + 1, or fail after the last attempt, moving a task in flight to NEEDS_OPERATOR; and
 * sessions without a heartbeat for 90 s are ended. Each change writes its event in the pass's
 * transaction. Rows another transaction holds (a completion racing the reaper) are skipped,
 * never waited for; the next pass sees them again if they are still expired.
 */
export class Reaper {
  private readonly intervalMs: number;
  private readonly maxAttempts: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  /** Passes run one after another; this settles when the last one queued has. */
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deps: ReaperDeps) {
    this.intervalMs = deps.intervalMs ?? REAPER_INTERVAL_MS;
    this.maxAttempts = deps.maxAttempts ?? MAX_RUN_ATTEMPTS;
    this.batchSize = deps.batchSize ?? REAPER_BATCH_SIZE;
  }

  /** Reaps every intervalMs until stop(); a pass still running makes the timer skip a beat. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.pending > 0) return;
      this.tick().catch((error: unknown) =>
        this.deps.logger.error({ err: error }, 'reaper pass failed; the next one retries'),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** One pass, after any pass in flight has finished. */
  tick(): Promise<ReapResult> {
    this.pending++;
    const pass = this.chain.then(() => this.pass()).finally(() => this.pending--);
    this.chain = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<ReapResult> {
    const startedAt = Date.now();
    const result = await this.deps.transactions.run(async (tx) => {
      const now = await this.lock(tx);
      if (!now) {
        return {
          ran: false,
          requeued: [],
          exhausted: [],
          deferred: [],
          sessionsTimedOut: [],
          resumed: [],
        };
      }
      const leases = await this.reapLeases(tx, now);
      const resumed = await this.resumePaused(tx, now);
      const sessionsTimedOut = await this.reapSessions(tx, now);
      return { ran: true, ...leases, sessionsTimedOut, resumed };
    });
    const { logger } = this.deps;
    if (result.ran && this.deps.afterPass) {
      await this.deps
        .afterPass()
        .catch((error: unknown) =>
          logger.error({ err: error }, 'the reaper’s follow-up work failed; the next pass retries'),
        );
    }
    const counts = {
      ran: result.ran,
      requeued: result.requeued.length,
      exhausted: result.exhausted.length,
      deferred: result.deferred.length,
      sessionsTimedOut: result.sessionsTimedOut.length,
      resumed: result.resumed.length,
      ms: Date.now() - startedAt,
    };
    logger.debug(counts, 'reaper pass');
    if (counts.requeued + counts.exhausted + counts.sessionsTimedOut + counts.resumed > 0) {
      logger.info(
        {
          requeued: result.requeued.map((id) => toPublicId('Run', id)),
          exhausted: result.exhausted.map((id) => toPublicId('Run', id)),
          sessionsTimedOut: result.sessionsTimedOut.map((id) => toPublicId('AgentSession', id)),
          resumed: result.resumed.map((id) => toPublicId('Run', id)),
        },
        'reaper reclaimed expired leases and dead sessions',
      );
    }
    return result;
  }

  /** Takes the reaper lock for this transaction; the pass's "now", or undefined if taken. */
  private async lock(tx: Tx): Promise<Date | undefined> {
    const rows: Array<{ locked: boolean; now: Date }> = await tx.manager.query(
      'SELECT pg_try_advisory_xact_lock($1) AS locked, now() AS now',
      [REAPER_LOCK_KEY],
    );
    const row = rows[0];
    if (!row?.locked) return undefined;
    return this.deps.now?.() ?? row.now;
  }

  private async reapLeases(
    tx: Tx,
    now: Date,
  ): Promise<Pick<ReapResult, 'requeued' | 'exhausted' | 'deferred'>> {
    const expired: ExpiredRun[] = await tx.manager.query(
      `SELECT id, project_id, plan_id, task_id, purpose, status, attempt, lease_version,
              session_id, parent_run_id, tokens_in, tokens_out
         FROM agent_run
        WHERE status IN ('CLAIMED', 'RUNNING') AND lease_expires_at < $1
        ORDER BY lease_expires_at, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [now, this.batchSize],
    );
    const retry = expired.filter((run) => run.attempt < this.maxAttempts);
    const last = expired.filter((run) => run.attempt >= this.maxAttempts);
    await this.requeue(tx, retry);
    const { failed, deferred } = await this.fail(tx, last, now);
    return {
      requeued: retry.map((run) => run.id),
      exhausted: failed.map((run) => run.id),
      deferred: deferred.map((run) => run.id),
    };
  }

  /** Back to the queue for any eligible session; the next claim's leaseVersion fences the old. */
  private async requeue(tx: Tx, runs: readonly ExpiredRun[]): Promise<void> {
    if (runs.length === 0) return;
    for (const run of runs) RUN_LIFECYCLE.assert(run.status, RunStatus.QUEUED, 'system');
    await updateRuns(tx.manager, runs, {
      status: RunStatus.QUEUED,
      attempt: () => 'attempt + 1',
      sessionId: null,
      leaseExpiresAt: null,
      targetSessionId: null,
    });
    for (const run of runs) {
      await this.deps.events.append(tx, run.project_id, 'RunLeaseExpired', {
        ...refs(run),
        attempt: run.attempt + 1,
        leaseVersion: run.lease_version,
        previousSessionId: run.session_id ? toPublicId('AgentSession', run.session_id) : null,
      });
      await moveTaskWithRun(
        tx,
        this.deps.events,
        { id: run.id, purpose: run.purpose, taskId: run.task_id, parentRunId: run.parent_run_id },
        TaskStatus.DISPATCHED,
        'its run lost its lease and is queued again',
      );
    }
  }

  /**
   * Fails runs out of attempts and sends their tasks in flight to an operator. A task is
   * changed under its plan's lock, as every task status change is; when another transaction
   * holds that plan (or task), the run waits for the next pass rather than for the lock.
   */
  private async fail(
    tx: Tx,
    runs: readonly ExpiredRun[],
    now: Date,
  ): Promise<{ failed: ExpiredRun[]; deferred: ExpiredRun[] }> {
    const failed: ExpiredRun[] = [];
    const deferred: ExpiredRun[] = [];
    for (const run of runs) {
      RUN_LIFECYCLE.assert(run.status, RunStatus.FAILED, 'system');
      if (!run.task_id || (await lockTask(tx.manager, run.task_id))) failed.push(run);
      else deferred.push(run);
    }
    if (failed.length === 0) return { failed, deferred };
    const reason = `lease expired after ${this.maxAttempts} attempts`;
    await updateRuns(tx.manager, failed, {
      status: RunStatus.FAILED,
      finishedAt: now,
      leaseExpiresAt: null,
      exitReason: reason,
    });
    for (const run of failed) {
      await this.deps.events.append(tx, run.project_id, 'RunFailed', {
        ...refs(run),
        leaseVersion: run.lease_version,
        exitCode: null,
        reason,
        tokensIn: run.tokens_in,
        tokensOut: run.tokens_out,
      });
      // A delegated run is its lead's business: RunFailed tells the lead, the task stays.
      if (run.task_id && !run.parent_run_id) await this.needsOperator(tx, run, run.task_id, now);
      if (run.plan_id && PLANNING_PURPOSES.includes(run.purpose)) {
        await this.deps.planningFailed?.(tx, { id: run.id, planId: run.plan_id, reason });
      }
      // A plan's own delivery run (its epic's bootstrap, release, cleanup) waits for retryRun.
      if (!run.task_id && run.plan_id && PLAN_DELIVERY_PURPOSES.has(run.purpose)) {
        await this.deps.events.append(tx, run.project_id, 'DeliveryStalled', {
          planId: toPublicId('Plan', run.plan_id),
          runId: toPublicId('Run', run.id),
          purpose: run.purpose,
          reason: `its ${run.purpose} run ${reason}`,
        });
      }
    }
    return { failed, deferred };
  }

  private async needsOperator(tx: Tx, run: ExpiredRun, taskId: string, now: Date): Promise<void> {
    // Read under the lock: another run of the task may have sent it already this pass.
    const task = await tx.manager.findOneByOrFail(TaskEntity, { id: taskId });
    if (!TASK_LIFECYCLE.can(task.status, TaskStatus.NEEDS_OPERATOR, 'system')) return;
    await tx.manager
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ status: TaskStatus.NEEDS_OPERATOR, statusChangedAt: now })
      .where('id = :id', { id: taskId })
      .execute();
    const session = run.session_id
      ? ` (last on session ${toPublicId('AgentSession', run.session_id)})`
      : '';
    await this.deps.events.append(tx, task.projectId, 'TaskStatusChanged', {
      taskId: toPublicId('Task', taskId),
      from: task.status,
      to: TaskStatus.NEEDS_OPERATOR,
      reason: `its ${run.purpose} run ${toPublicId('Run', run.id)} lost its lease ${this.maxAttempts} times${session}`,
    });
    await this.deps.taskStatusChanged?.(tx, task, task.status, TaskStatus.NEEDS_OPERATOR);
  }

  /** Queues paused runs whose resume time has come (attempts unchanged); RunResumed. */
  private async resumePaused(tx: Tx, now: Date): Promise<string[]> {
    RUN_LIFECYCLE.assert(RunStatus.PAUSED, RunStatus.QUEUED, 'system');
    const rows = await returning<{
      id: string;
      project_id: string;
      purpose: string;
      task_id: string | null;
      plan_id: string | null;
    }>(
      tx.manager,
      `UPDATE agent_run SET status = 'QUEUED', resume_at = NULL, updated_at = now()
        WHERE id IN (
          SELECT r.id FROM agent_run r
           WHERE r.status = 'PAUSED' AND r.resume_at <= $1
             -- a paused plan's work waits for the plan (RunQueue.releasePlan)
             AND (r.purpose = ANY($3::run_purpose[])
                  OR NOT EXISTS (SELECT 1 FROM plan p WHERE p.id = r.plan_id AND p.status = 'PAUSED'))
           ORDER BY r.resume_at, r.id LIMIT $2
           FOR UPDATE OF r SKIP LOCKED)
        RETURNING id, project_id, purpose, task_id, plan_id`,
      [now, this.batchSize, PLANNING_PURPOSES],
    );
    for (const row of rows) {
      await this.deps.events.append(tx, row.project_id, 'RunResumed', {
        runId: toPublicId('Run', row.id),
        purpose: row.purpose,
        ...(row.task_id ? { taskId: toPublicId('Task', row.task_id) } : {}),
        ...(row.plan_id ? { planId: toPublicId('Plan', row.plan_id) } : {}),
      });
    }
    return rows.map((row) => row.id);
  }

  /** Ends sessions without a heartbeat for SESSION_TIMEOUT_MS; their leases expire on their own. */
  private async reapSessions(tx: Tx, now: Date): Promise<string[]> {
    const cutoff = new Date(now.getTime() - SESSION_TIMEOUT_MS);
    const result = await tx.manager
      .createQueryBuilder()
      .update(AgentSessionEntity)
      .set({ endedAt: now })
      .where('ended_at IS NULL AND last_heartbeat_at < :cutoff', { cutoff })
      .returning(['id', 'projectId', 'lastHeartbeatAt'])
      .execute();
    const rows = result.raw as Array<{ id: string; project_id: string; last_heartbeat_at: Date }>;
    if (rows.length > 0)
      await untargetRuns(
        tx,
        rows.map((row) => row.id),
      );
    for (const row of rows) {
      await this.deps.events.append(tx, row.project_id, 'SessionTimedOut', {
        sessionId: toPublicId('AgentSession', row.id),
        lastHeartbeatAt: row.last_heartbeat_at.toISOString(),
      });
    }
    return rows.map((row) => row.id);
  }
}

/**
 * Locks a task and its plan (task status changes hold the plan's lock) without waiting: false
 * when another transaction holds either.
 */
async function lockTask(manager: EntityManager, taskId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `SELECT t.id FROM plan p JOIN task t ON t.plan_id = p.id
      WHERE t.id = $1
      FOR UPDATE OF p, t SKIP LOCKED`,
    [taskId],
  );
  return rows.length > 0;
}

async function updateRuns(
  manager: EntityManager,
  runs: readonly ExpiredRun[],
  set: QueryDeepPartialEntity<AgentRunEntity>,
): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(AgentRunEntity)
    .set(set)
    .where('id IN (:...ids)', { ids: runs.map((run) => run.id) })
    .execute();
}

/** The ids every run event carries, as RunQueue's events do. */
function refs(run: ExpiredRun): Record<string, unknown> {
  return {
    runId: toPublicId('Run', run.id),
    purpose: run.purpose,
    ...(run.task_id ? { taskId: toPublicId('Task', run.task_id) } : {}),
    ...(run.plan_id ? { planId: toPublicId('Plan', run.plan_id) } : {}),
  };
}

/**
 * Opens the queued runs targeted at sessions that are gone to every eligible session: a
 * target that can never claim would hold them forever.
 */
export async function untargetRuns(tx: Tx, sessionIds: readonly string[]): Promise<void> {
  await tx.manager.query(
    `UPDATE agent_run SET target_session_id = NULL, updated_at = now()
      WHERE target_session_id = ANY($1::uuid[]) AND status = 'QUEUED'`,
    [sessionIds],
  );
}
