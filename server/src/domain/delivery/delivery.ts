import type { EntityManager } from 'typeorm';
import { returning } from '../../db/returning.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import { requireText } from '../common/validation.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { MAX_RUN_ATTEMPTS } from '../dispatch/reaper.js';
import { PLANNING_PURPOSES, type RunQueue } from '../dispatch/run-queue.js';
import type { RunHooks, WorkHooks } from '../dispatch/work-hooks.js';
import type { EventLog } from '../events/event-log.service.js';
import { PlanStatus } from '../plan/plan-lifecycle.js';
import { ReleaseMode } from '../project/project.entity.js';
import type { PlanService } from '../plan/plan.service.js';
import { AgentRunEntity } from '../run/run.entity.js';
import type { NewRun } from '../run/run.service.js';
import { RunPurpose, RunStatus } from '../run/run.types.js';
import type { CommentService } from '../task/comment.service.js';
import { CommentAuthor } from '../task/task.entity.js';
import { TaskStatus } from '../task/task-lifecycle.js';
import type { TaskService } from '../task/task.service.js';
import type { PullRequests } from './pull-requests.js';
import { parseVerdict, type Verdict } from './verdict.js';

/** A review that rejects the work this many times sends the task to an operator. */
export const REVISION_CAP = 3;
/** A task whose merge conflicts this many times needs an operator to untangle it. */
export const CONFLICT_CAP = 3;

/** Run statuses that are still going to do something. */
const OPEN = `('QUEUED', 'PAUSED', 'CLAIMED', 'RUNNING')`;

/** Who acts by hand: the member, for the comment and the audit entry. */
export interface Operator {
  readonly memberId: string;
  readonly userId: string;
  readonly workspaceId: string;
  readonly address: string | null;
}

interface PlanRow {
  id: string;
  project_id: string;
  status: PlanStatus;
  branch: string | null;
  bootstrapped: boolean;
  name: string;
  base_branch: string;
  release_mode: ReleaseMode;
  pull_request_per_task: boolean;
  release_requested_at: Date | null;
  reviewer_provider: string | null;
  reviewer_model: string | null;
}

interface TaskRow {
  id: string;
  project_id: string;
  plan_id: string;
  status: TaskStatus;
  title: string;
  branch_name: string | null;
  review_sent_at: Date | null;
  review_approved_at: Date | null;
  revision_count: number;
}

/**
 * Everything between "the work is done" and "the plan is released" (DESIGN §5, review loop),
 * as deterministic server logic; the AI only renders verdicts. It follows each run's end
 * (RunHooks) and each change to a plan or task (WorkHooks, after the dispatcher's own part),
 * always inside the transaction that made the change, under the plan's row lock:
 *
 * - activation queues BOOTSTRAP_EPIC; tasks are dispatched once it has made the epic branch;
 * - an unattended EXECUTION completion moves the task to AWAITING_REVIEW and queues a REVIEW;
 * - APPROVED records reviewApprovedAt and queues a MERGE into the epic; REJECTED comments,
 *   counts a revision and sends the developer back to the same branch (to an operator at
 *   REVISION_CAP);
 * - a MERGE that conflicts sends the developer to resolve it, keeping the approval, and the
 *   retry goes straight to merge;
 * - when every task is merged, completed or cancelled, RELEASE (epic into base), then the plan
 *   is COMPLETED with its summary and RELEASE_CLEANUP removes the branches;
 * - a failed run is retried up to MAX_RUN_ATTEMPTS attempts, then waits for an operator.
 */
export class Delivery implements WorkHooks, RunHooks {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: EventLog,
    private readonly dispatcher: Dispatcher,
    private readonly queue: RunQueue,
    private readonly plans: PlanService,
    private readonly tasks: TaskService,
    private readonly comments: CommentService,
    private readonly audit: AuditService,
    private readonly releases: PullRequests,
  ) {}

  // ---- WorkHooks: the dispatcher's part, then whatever the change makes due --------------

  async taskStatusChanged(
    tx: Tx,
    task: { readonly id: string; readonly planId: string },
    from: TaskStatus,
    to: TaskStatus,
  ): Promise<void> {
    await this.dispatcher.taskStatusChanged(tx, task, from, to);
    await this.advance(tx, task.planId);
  }

  async planStatusChanged(
    tx: Tx,
    plan: { readonly id: string; readonly projectId: string },
    from: PlanStatus,
    to: PlanStatus,
  ): Promise<void> {
    await this.dispatcher.planStatusChanged(tx, plan, from, to);
    if (to === PlanStatus.ACTIVE) await this.advance(tx, plan.id);
  }

  async graphChanged(tx: Tx, planId: string): Promise<void> {
    await this.dispatcher.graphChanged(tx, planId);
    await this.advance(tx, planId);
  }

  // ---- RunHooks ---------------------------------------------------------------------------

  async verdictOf(
    tx: Tx,
    run: AgentRunEntity,
    summary: string | null,
  ): Promise<Verdict | undefined> {
    const [row] = await tx.manager.query<{ text: string | null }[]>(
      `SELECT string_agg(chunk, '' ORDER BY seq) AS text
         FROM run_output WHERE run_id = $1 AND stream = 'STDOUT'`,
      [run.id],
    );
    return parseVerdict(`${row?.text ?? ''}\n${summary ?? ''}`);
  }

  async runFinished(tx: Tx, run: AgentRunEntity, verdict: Verdict | undefined): Promise<void> {
    if (!run.planId || run.parentRunId || PLANNING_PURPOSES.includes(run.purpose)) return;
    if (run.status === RunStatus.SUCCEEDED) await this.succeeded(tx, run, verdict);
    else if (run.status === RunStatus.FAILED) await this.failed(tx, run);
    await this.advance(tx, run.planId);
  }

  // ---- operator actions (each audited) ------------------------------------------------

  /**
   * Approves a task's work by hand (it is awaiting review, or waits for an operator): open
   * review runs are cancelled and the merge follows.
   */
  async approve(taskId: string, operator: Operator, reason: string): Promise<void> {
    const why = reasonOf(reason);
    await this.transactions.run(async (tx) => {
      const task = await this.operatorTask(tx, taskId, 'approved');
      if (task.status === TaskStatus.AWAITING_REVIEW && task.review_approved_at) {
        throw conflict('the task is already approved; its merge is on the way', 'taskId');
      }
      await this.queue.cancelOpen(tx, { taskId: task.id }, 'the task was approved by hand');
      await this.comments.addIn(
        tx,
        { id: task.id, projectId: task.project_id },
        { kind: CommentAuthor.MEMBER, memberId: operator.memberId },
        `Approved by hand: ${why}`,
      );
      const patch = { reviewApprovedAt: new Date(), reviewSentAt: null };
      if (task.status === TaskStatus.NEEDS_OPERATOR) {
        await this.tasks.setStatusIn(
          tx,
          task.id,
          TaskStatus.AWAITING_REVIEW,
          'user',
          `approved by hand: ${why}`,
          patch,
        );
      } else {
        await tx.manager.query(
          'UPDATE task SET review_approved_at = now(), review_sent_at = NULL, updated_at = now() WHERE id = $1',
          [task.id],
        );
      }
      await this.events.append(tx, task.project_id, 'ReviewApproved', {
        taskId: toPublicId('Task', task.id),
        by: toPublicId('Member', operator.memberId),
        reason: why,
      });
      await this.record(tx, operator, 'task.approved', task.id, { reason: why });
      await this.advance(tx, task.plan_id);
    });
  }

  /**
   * Rejects a task's work by hand: open review and merge runs are cancelled, and the developer
   * revises on the same branch with the reason (no revision cap: an operator asked for it).
   */
  async reject(taskId: string, operator: Operator, reason: string): Promise<void> {
    const why = reasonOf(reason);
    await this.transactions.run(async (tx) => {
      const task = await this.operatorTask(tx, taskId, 'rejected');
      await this.queue.cancelOpen(tx, { taskId: task.id }, 'the task was rejected by hand');
      await this.comments.addIn(
        tx,
        { id: task.id, projectId: task.project_id },
        { kind: CommentAuthor.MEMBER, memberId: operator.memberId },
        `Rejected by hand: ${why}`,
      );
      const revision = task.revision_count + 1;
      await this.events.append(tx, task.project_id, 'ReviewRejected', {
        taskId: toPublicId('Task', task.id),
        by: toPublicId('Member', operator.memberId),
        reason: why,
        revision,
      });
      await this.revise(tx, task, `rejected by hand: ${why}`, revision, {
        kind: 'REVISION',
        revision,
        review: why,
      });
      await this.record(tx, operator, 'task.rejected', task.id, { reason: why, revision });
    });
  }

  /**
   * Queues a finished (failed or cancelled) run again, from its first attempt: the epic's
   * bootstrap, a review, a merge, the release or its cleanup. A task waiting for an operator
   * goes back to review. An EXECUTION run is retried by re-opening its task instead.
   */
  async retry(runId: string, operator: Operator): Promise<AgentRunEntity> {
    return this.transactions.run(async (tx) => {
      const [found] = await tx.manager.query<{ plan_id: string | null }[]>(
        'SELECT plan_id FROM agent_run WHERE id = $1',
        [runId],
      );
      if (!found) throw new DomainError(ErrorCode.NOT_FOUND, 'runId: no such run', ['runId']);
      const plan = found.plan_id ? await this.lockPlan(tx.manager, found.plan_id) : undefined;
      const run = await tx.manager.findOneByOrFail(AgentRunEntity, { id: runId });
      if (run.status !== RunStatus.FAILED && run.status !== RunStatus.CANCELLED) {
        throw conflict(
          `the run is ${run.status.toLowerCase()}; only a failed or cancelled run is retried`,
          'runId',
        );
      }
      if (
        run.purpose === RunPurpose.EXECUTION ||
        PLANNING_PURPOSES.includes(run.purpose) ||
        run.parentRunId
      ) {
        throw conflict(
          run.purpose === RunPurpose.EXECUTION
            ? 'an EXECUTION run is retried by re-opening its task (setTaskStatus DRAFT)'
            : `a ${run.purpose} run is not retried by hand`,
          'runId',
        );
      }
      // The cleanup follows the release, so it is retried once the plan is completed.
      const due =
        run.purpose === RunPurpose.RELEASE_CLEANUP ? PlanStatus.COMPLETED : PlanStatus.ACTIVE;
      if (!plan || plan.status !== due) {
        throw conflict(
          `the plan is ${plan?.status.toLowerCase() ?? 'gone'}; its ${run.purpose} runs are retried while it is ${due.toLowerCase()}`,
          'runId',
        );
      }
      const [done] = await tx.manager.query<{ count: string }[]>(
        `SELECT count(*) FROM agent_run
          WHERE plan_id = $1 AND purpose = $2 AND task_id IS NOT DISTINCT FROM $3
            AND status = 'SUCCEEDED' AND queued_at > $4`,
        [plan.id, run.purpose, run.taskId, run.queuedAt],
      );
      if (Number(done?.count) > 0) {
        throw conflict(`a later ${run.purpose} run succeeded; there is nothing to retry`, 'runId');
      }
      const [open] = await tx.manager.query<{ count: string }[]>(
        `SELECT count(*) FROM agent_run
          WHERE plan_id = $1 AND purpose = $2 AND task_id IS NOT DISTINCT FROM $3 AND status IN ${OPEN}`,
        [plan.id, run.purpose, run.taskId],
      );
      if (Number(open?.count) > 0) {
        throw conflict(`a ${run.purpose} run is already queued or running for it`, 'runId');
      }
      if (run.taskId) {
        const task = await this.lockTask(tx.manager, run.taskId);
        if (task.status === TaskStatus.NEEDS_OPERATOR) {
          await this.tasks.setStatusIn(
            tx,
            task.id,
            TaskStatus.AWAITING_REVIEW,
            'user',
            `${run.purpose} retried by hand`,
          );
        } else if (task.status !== TaskStatus.AWAITING_REVIEW) {
          throw conflict(
            `the task is ${task.status.toLowerCase()}; its ${run.purpose} run is not due`,
            'runId',
          );
        }
        if (run.purpose === RunPurpose.REVIEW) {
          await tx.manager.query('UPDATE task SET review_sent_at = now() WHERE id = $1', [task.id]);
        }
      }
      const queued = await this.enqueue(tx, plan, {
        purpose: run.purpose,
        taskId: run.taskId,
        instructions: run.instructions,
        model: run.model,
      });
      await this.events.append(tx, plan.project_id, 'RunRetried', {
        runId: toPublicId('Run', queued.id),
        retryOf: toPublicId('Run', run.id),
        purpose: run.purpose,
        by: toPublicId('Member', operator.memberId),
      });
      await this.record(tx, operator, 'run.retried', run.id, {
        retry: toPublicId('Run', queued.id),
      });
      return queued;
    });
  }

  // ---- what a finished run leads to --------------------------------------------------

  private async succeeded(tx: Tx, run: AgentRunEntity, verdict: Verdict | undefined) {
    const planId = run.planId as string;
    switch (run.purpose) {
      case RunPurpose.BOOTSTRAP_EPIC: {
        const [plan] = await returning<{ branch: string | null }>(
          tx.manager,
          `UPDATE plan SET epic_bootstrapped_at = coalesce(epic_bootstrapped_at, now()), updated_at = now()
            WHERE id = $1 RETURNING branch`,
          [planId],
        );
        await this.events.append(tx, run.projectId, 'EpicBootstrapped', {
          planId: toPublicId('Plan', planId),
          runId: toPublicId('Run', run.id),
          branch: plan?.branch ?? null,
        });
        await this.dispatcher.dispatchReady(tx, planId);
        return;
      }
      case RunPurpose.EXECUTION:
        return this.workDone(tx, run);
      case RunPurpose.REVIEW:
        if (verdict) await this.reviewed(tx, run, verdict);
        return;
      case RunPurpose.MERGE: {
        const task = run.taskId ? await this.lockTask(tx.manager, run.taskId) : undefined;
        if (task?.status !== TaskStatus.AWAITING_REVIEW) return;
        const plan = await this.lockPlan(tx.manager, planId);
        await this.tasks.setStatusIn(
          tx,
          task.id,
          TaskStatus.MERGED,
          'system',
          `merged into ${plan?.branch ?? 'the epic'}`,
        );
        return;
      }
      case RunPurpose.RELEASE:
        return this.released(tx, run);
      case RunPurpose.RELEASE_CLEANUP:
        await this.events.append(tx, run.projectId, 'ReleaseCleanedUp', {
          planId: toPublicId('Plan', planId),
          runId: toPublicId('Run', run.id),
        });
        return;
      default:
        return;
    }
  }

  /** An EXECUTION run completed: the task waits for its review (queued by advance). */
  private async workDone(tx: Tx, run: AgentRunEntity) {
    if (!run.taskId) return;
    const task = await this.lockTask(tx.manager, run.taskId);
    if (task.status === TaskStatus.DISPATCHED) {
      await this.tasks.setStatusIn(
        tx,
        task.id,
        TaskStatus.IN_PROGRESS,
        'system',
        'its run started',
      );
    } else if (task.status !== TaskStatus.IN_PROGRESS) {
      return; // moved on meanwhile (paused, cancelled): nothing to review
    }
    await this.tasks.setStatusIn(
      tx,
      task.id,
      TaskStatus.AWAITING_REVIEW,
      'system',
      run.attended
        ? 'a person completed the work; it waits for a review by hand'
        : task.review_approved_at
          ? 'the conflict is resolved; the merge follows'
          : 'its run completed',
      { reviewSentAt: null },
    );
  }

  private async reviewed(tx: Tx, run: AgentRunEntity, verdict: Verdict) {
    if (!run.taskId) return;
    const task = await this.lockTask(tx.manager, run.taskId);
    if (task.status !== TaskStatus.AWAITING_REVIEW) return;
    if (verdict.approved) {
      await tx.manager.query(
        'UPDATE task SET review_approved_at = now(), updated_at = now() WHERE id = $1',
        [task.id],
      );
      await this.events.append(tx, task.project_id, 'ReviewApproved', {
        taskId: toPublicId('Task', task.id),
        runId: toPublicId('Run', run.id),
      });
      return;
    }
    const revision = task.revision_count + 1;
    await this.comments.addIn(
      tx,
      { id: task.id, projectId: task.project_id },
      { kind: CommentAuthor.SYSTEM, memberId: null },
      `Review rejected (revision ${revision} of ${REVISION_CAP}): ${verdict.reason}`,
    );
    await this.events.append(tx, task.project_id, 'ReviewRejected', {
      taskId: toPublicId('Task', task.id),
      runId: toPublicId('Run', run.id),
      reason: verdict.reason,
      revision,
    });
    if (revision >= REVISION_CAP) {
      await this.tasks.setStatusIn(
        tx,
        task.id,
        TaskStatus.NEEDS_OPERATOR,
        'system',
        `the review rejected it ${revision} times; last: ${verdict.reason}`.slice(0, 2000),
        { revisionCount: revision, reviewSentAt: null },
      );
      return;
    }
    await this.revise(tx, task, `the review rejected it: ${verdict.reason}`, revision, {
      kind: 'REVISION',
      revision,
      review: verdict.reason,
    });
  }

  /** Back to the developer, on the same branch, with what to do (a revision, a conflict). */
  private async revise(
    tx: Tx,
    task: TaskRow,
    reason: string,
    revision: number,
    instructions: Record<string, unknown>,
  ) {
    await this.tasks.setStatusIn(
      tx,
      task.id,
      TaskStatus.DISPATCHED,
      'system',
      reason.slice(0, 2000),
      {
        revisionCount: revision,
        reviewSentAt: null,
        ...(instructions.kind === 'REVISION' ? { reviewApprovedAt: null } : {}),
      },
    );
    const plan = await this.lockPlan(tx.manager, task.plan_id);
    if (!plan) return;
    await this.enqueue(tx, plan, { purpose: RunPurpose.EXECUTION, taskId: task.id, instructions });
  }

  /**
   * The host closed a plan's release pull request without merging it: the plan stays active
   * and says so in `releaseError` (ReleasePullRequestClosed); reopening it on the host and
   * merging it still completes the plan, or the plan can be cancelled.
   */
  async pullRequestClosed(projectId: string, closed: { url: string }): Promise<void> {
    await this.transactions.run(async (tx) => {
      const rows = await returning<{ id: string }>(
        tx.manager,
        `UPDATE plan SET release_error = $3, updated_at = now()
          WHERE project_id = $1 AND status = 'ACTIVE' AND release_pr_url = $2
          RETURNING id`,
        [
          projectId,
          closed.url,
          'the release pull request was closed without merging: reopen and merge it on the host, or cancel the plan',
        ],
      );
      for (const row of rows) {
        await this.events.append(tx, projectId, 'ReleasePullRequestClosed', {
          planId: toPublicId('Plan', row.id),
          url: closed.url,
        });
      }
    });
  }

  /** The RELEASE run merged the epic into the base. */
  private async released(tx: Tx, run: AgentRunEntity) {
    const plan = await this.lockPlan(tx.manager, run.planId as string);
    if (!plan || plan.status !== PlanStatus.ACTIVE) return;
    await this.complete(tx, plan, { runId: toPublicId('Run', run.id) });
  }

  /** The release landed on the base branch: the plan is COMPLETED, then the cleanup. */
  private async complete(tx: Tx, plan: PlanRow, how: Record<string, unknown>) {
    const merged = await tx.manager.query<{ id: string }[]>(
      `SELECT id FROM task WHERE plan_id = $1 AND status = 'MERGED' ORDER BY position, id`,
      [plan.id],
    );
    for (const task of merged) {
      await this.tasks.setStatusIn(
        tx,
        task.id,
        TaskStatus.COMPLETED,
        'system',
        `released into ${plan.base_branch}`,
      );
    }
    const summary = await releaseSummary(tx.manager, plan.id);
    await this.plans.setStatusIn(
      tx,
      plan.id,
      PlanStatus.COMPLETED,
      'system',
      `released into ${plan.base_branch}`,
      { releasedAt: new Date(), releaseSummary: summary },
    );
    await this.events.append(tx, plan.project_id, 'PlanReleased', {
      planId: toPublicId('Plan', plan.id),
      ...how,
      baseBranch: plan.base_branch,
      summary,
    });
    const branches = await tx.manager.query<{ branch_name: string }[]>(
      `SELECT DISTINCT branch_name FROM task WHERE plan_id = $1 AND branch_name IS NOT NULL ORDER BY branch_name`,
      [plan.id],
    );
    await this.enqueue(tx, plan, {
      purpose: RunPurpose.RELEASE_CLEANUP,
      instructions: {
        branches: [
          ...branches.map((row) => row.branch_name),
          ...(plan.branch ? [plan.branch] : []),
        ],
      },
    });
  }

  private async failed(tx: Tx, run: AgentRunEntity) {
    const planId = run.planId as string;
    if (run.purpose === RunPurpose.MERGE && run.conflictFiles && run.taskId) {
      return this.conflicted(tx, run, run.conflictFiles);
    }
    const reason = run.exitReason ?? 'the run failed';
    const task = run.taskId ? await this.lockTask(tx.manager, run.taskId) : undefined;
    if (
      task &&
      ![TaskStatus.DISPATCHED, TaskStatus.IN_PROGRESS, TaskStatus.AWAITING_REVIEW].includes(
        task.status,
      )
    ) {
      return; // the task moved on (paused, cancelled, taken by an operator)
    }
    if (run.attempt < MAX_RUN_ATTEMPTS) {
      if (task?.status === TaskStatus.IN_PROGRESS && run.purpose === RunPurpose.EXECUTION) {
        await this.tasks.setStatusIn(
          tx,
          task.id,
          TaskStatus.DISPATCHED,
          'system',
          `its run failed (attempt ${run.attempt} of ${MAX_RUN_ATTEMPTS}); retrying`,
        );
      }
      const plan = await this.lockPlan(tx.manager, planId);
      if (!plan) return;
      await this.enqueue(tx, plan, {
        purpose: run.purpose,
        taskId: run.taskId,
        instructions: run.instructions,
        model: run.model,
        attempt: run.attempt + 1,
      });
      return;
    }
    const why = `its ${run.purpose} run failed ${run.attempt} times; last: ${reason}`.slice(
      0,
      2000,
    );
    if (task) {
      await this.tasks.setStatusIn(tx, task.id, TaskStatus.NEEDS_OPERATOR, 'system', why, {
        reviewSentAt: null,
      });
      return;
    }
    await this.events.append(tx, run.projectId, 'DeliveryStalled', {
      planId: toPublicId('Plan', planId),
      runId: toPublicId('Run', run.id),
      purpose: run.purpose,
      reason: why,
    });
  }

  /** The merge stopped on conflicts: the developer resolves them on the same branch. */
  private async conflicted(tx: Tx, run: AgentRunEntity, files: readonly string[]) {
    const task = await this.lockTask(tx.manager, run.taskId as string);
    if (task.status !== TaskStatus.AWAITING_REVIEW) return;
    const plan = await this.lockPlan(tx.manager, task.plan_id);
    const [counted] = await tx.manager.query<{ count: string }[]>(
      `SELECT count(*) FROM agent_run WHERE task_id = $1 AND purpose = 'MERGE' AND conflict_files IS NOT NULL`,
      [task.id],
    );
    const conflicts = Number(counted?.count ?? 1);
    await this.events.append(tx, task.project_id, 'MergeConflicted', {
      taskId: toPublicId('Task', task.id),
      runId: toPublicId('Run', run.id),
      files,
      branch: task.branch_name,
      into: plan?.branch ?? null,
      conflicts,
    });
    const shown =
      files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length} files)` : '');
    if (conflicts >= CONFLICT_CAP) {
      await this.tasks.setStatusIn(
        tx,
        task.id,
        TaskStatus.NEEDS_OPERATOR,
        'system',
        `its merge conflicted ${conflicts} times; last in ${shown}`,
        { reviewSentAt: null },
      );
      return;
    }
    await this.revise(
      tx,
      task,
      `its merge into ${plan?.branch ?? 'the epic'} conflicts in ${shown}`,
      task.revision_count,
      {
        kind: 'RESOLVE_CONFLICT',
        files,
        mergeFrom: plan?.branch ?? null,
      },
    );
  }

  // ---- what is due --------------------------------------------------------------------

  /**
   * Queues what the plan's state makes due and is not already under way, so it can be called
   * after any change: the epic's bootstrap; for each task awaiting review, its merge (approved)
   * or its review (unattended work, no review sent); the release once every task is merged,
   * completed or cancelled. Nothing while the plan is not active (a pause stops review, merge
   * and release; resuming calls this again).
   */
  async advance(tx: Tx, planId: string): Promise<void> {
    const plan = await this.lockPlan(tx.manager, planId);
    if (!plan || plan.status !== PlanStatus.ACTIVE) return;
    if (!plan.bootstrapped) {
      if (!(await this.hasRun(tx.manager, planId, RunPurpose.BOOTSTRAP_EPIC))) {
        await this.enqueue(tx, plan, { purpose: RunPurpose.BOOTSTRAP_EPIC });
      }
      return;
    }
    const awaiting = await tx.manager.query<
      {
        id: string;
        review_sent_at: Date | null;
        review_approved_at: Date | null;
        merging: boolean;
        attended: boolean | null;
      }[]
    >(
      `SELECT t.id, t.review_sent_at, t.review_approved_at,
              EXISTS (SELECT 1 FROM agent_run r WHERE r.task_id = t.id AND r.purpose = 'MERGE'
                         AND r.status IN ${OPEN}) AS merging,
              (SELECT r.attended FROM agent_run r
                WHERE r.task_id = t.id AND r.purpose = 'EXECUTION' AND r.parent_run_id IS NULL
                  AND r.status = 'SUCCEEDED'
                ORDER BY r.finished_at DESC, r.id DESC LIMIT 1) AS attended
         FROM task t WHERE t.plan_id = $1 AND t.status = 'AWAITING_REVIEW'
        ORDER BY t.position, t.id`,
      [planId],
    );
    if (plan.pull_request_per_task && awaiting.length > 0) {
      tx.afterCommit(() => this.releases.kick(plan.id));
    }
    for (const task of awaiting) {
      if (task.review_approved_at) {
        if (!task.merging)
          await this.enqueue(tx, plan, { purpose: RunPurpose.MERGE, taskId: task.id });
      } else if (!task.review_sent_at && task.attended === false) {
        await tx.manager.query(
          'UPDATE task SET review_sent_at = now(), updated_at = now() WHERE id = $1',
          [task.id],
        );
        await this.enqueue(
          tx,
          plan,
          {
            purpose: RunPurpose.REVIEW,
            taskId: task.id,
            model: plan.reviewer_model,
            instructions: plan.reviewer_provider ? { provider: plan.reviewer_provider } : null,
          },
          plan.reviewer_provider,
        );
      }
    }
    const [counts] = await tx.manager.query<{ total: string; finished: string; merged: string }[]>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE status IN ('MERGED', 'COMPLETED', 'CANCELLED')) AS finished,
              count(*) FILTER (WHERE status IN ('MERGED', 'COMPLETED')) AS merged
         FROM task WHERE plan_id = $1`,
      [planId],
    );
    const total = Number(counts?.total ?? 0);
    if (total > 0 && Number(counts?.finished) === total && Number(counts?.merged) > 0) {
      await this.release(tx, plan);
    }
  }

  /**
   * Every task is resolved: a RELEASE run merges the epic into the base, or — for a project
   * that releases through pull requests — the request is asked for and opened right after
   * commit (PullRequests; merging it on the host completes the plan).
   */
  private async release(tx: Tx, plan: PlanRow): Promise<void> {
    if (plan.release_mode === ReleaseMode.PULL_REQUEST) {
      if (plan.release_requested_at) return;
      await tx.manager.query(
        'UPDATE plan SET release_requested_at = now(), updated_at = now() WHERE id = $1',
        [plan.id],
      );
      await this.events.append(tx, plan.project_id, 'ReleaseRequested', {
        planId: toPublicId('Plan', plan.id),
        head: plan.branch,
        base: plan.base_branch,
      });
      tx.afterCommit(() => this.releases.kick(plan.id));
      return;
    }
    if (!(await this.hasRun(tx.manager, plan.id, RunPurpose.RELEASE))) {
      await this.enqueue(tx, plan, { purpose: RunPurpose.RELEASE });
    }
  }

  /**
   * The host merged a plan's release pull request (its webhook): the plan is released as if
   * its RELEASE run had merged it. Returns the plan's id, or undefined when no active plan of
   * the project releases from `head` into `base`.
   */
  async pullRequestMerged(
    projectId: string,
    merged: { head: string; base: string; url: string },
  ): Promise<string | undefined> {
    return this.transactions.run(async (tx) => {
      const [found] = await tx.manager.query<{ id: string }[]>(
        `SELECT p.id FROM plan p JOIN project pr ON pr.id = p.project_id
          WHERE p.project_id = $1 AND p.status = 'ACTIVE' AND p.branch = $2
            AND pr.base_branch = $3 AND p.release_requested_at IS NOT NULL`,
        [projectId, merged.head, merged.base],
      );
      if (!found) return undefined;
      const plan = await this.lockPlan(tx.manager, found.id);
      if (!plan || plan.status !== PlanStatus.ACTIVE) return undefined;
      await this.complete(tx, plan, { pullRequestUrl: merged.url });
      return plan.id;
    });
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Whether the plan has a run of this purpose that was not cancelled (one is enough). */
  private async hasRun(
    manager: EntityManager,
    planId: string,
    purpose: RunPurpose,
  ): Promise<boolean> {
    const [row] = await manager.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM agent_run WHERE plan_id = $1 AND purpose = $2 AND status <> 'CANCELLED') AS found`,
      [planId, purpose],
    );
    return row?.found === true;
  }

  private enqueue(
    tx: Tx,
    plan: PlanRow,
    run: Omit<NewRun, 'projectId' | 'planId'>,
    provider?: string | null,
  ): Promise<AgentRunEntity> {
    return this.dispatcher.enqueueFor(
      tx,
      { ...run, projectId: plan.project_id, planId: plan.id },
      provider,
    );
  }

  private async lockPlan(manager: EntityManager, planId: string): Promise<PlanRow | undefined> {
    const [row] = await manager.query<PlanRow[]>(
      `SELECT p.id, p.project_id, p.status, p.branch, p.name, p.release_requested_at,
              p.epic_bootstrapped_at IS NOT NULL AS bootstrapped,
              pr.base_branch, pr.release_mode, pr.pull_request_per_task, pr.reviewer_provider, pr.reviewer_model
         FROM plan p JOIN project pr ON pr.id = p.project_id
        WHERE p.id = $1 FOR UPDATE OF p`,
      [planId],
    );
    return row;
  }

  private async lockTask(manager: EntityManager, taskId: string): Promise<TaskRow> {
    const [row] = await manager.query<TaskRow[]>(
      `SELECT id, project_id, plan_id, status, title, branch_name, review_sent_at, review_approved_at,
              revision_count
         FROM task WHERE id = $1 FOR UPDATE`,
      [taskId],
    );
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, 'taskId: no such task', ['taskId']);
    return row;
  }

  /** A task an operator acts on: awaiting review, or waiting for an operator. */
  private async operatorTask(tx: Tx, taskId: string, verb: string): Promise<TaskRow> {
    const [found] = await tx.manager.query<{ plan_id: string }[]>(
      'SELECT plan_id FROM task WHERE id = $1',
      [taskId],
    );
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, 'taskId: no such task', ['taskId']);
    const plan = await this.lockPlan(tx.manager, found.plan_id);
    if (!plan || (plan.status !== PlanStatus.ACTIVE && plan.status !== PlanStatus.PAUSED)) {
      throw conflict(
        `the plan is ${plan?.status.toLowerCase() ?? 'gone'}; its tasks are not ${verb} now`,
        'taskId',
      );
    }
    const task = await this.lockTask(tx.manager, taskId);
    if (task.status !== TaskStatus.AWAITING_REVIEW && task.status !== TaskStatus.NEEDS_OPERATOR) {
      throw conflict(
        `the task is ${task.status.toLowerCase()}; only a task awaiting review or waiting for an operator is ${verb} by hand`,
        'taskId',
      );
    }
    return task;
  }

  private record(
    tx: Tx,
    operator: Operator,
    action: string,
    target: string,
    details: Record<string, unknown>,
  ) {
    return this.audit.record(
      {
        workspaceId: operator.workspaceId,
        actorKind: 'user',
        actorUserId: operator.userId,
        action,
        target: toPublicId(action.startsWith('run.') ? 'Run' : 'Task', target),
        details,
        address: operator.address,
      },
      tx.manager,
    );
  }
}

/** An operator's reason: required, at most 2,000 characters. */
function reasonOf(reason: string): string {
  const why = requireText('reason', reason, 2000).trim();
  if (why === '')
    throw badInput('reason', 'reason must say why (it becomes a comment on the task)');
  return why;
}

/** What a release delivered, kept on the plan (ReleaseSummary in the API). */
async function releaseSummary(
  manager: EntityManager,
  planId: string,
): Promise<Record<string, unknown>> {
  const [row] = await manager.query<Record<string, string | null>[]>(
    `SELECT
       (SELECT count(*) FROM task WHERE plan_id = $1) AS tasks,
       (SELECT count(*) FROM task WHERE plan_id = $1 AND status IN ('MERGED', 'COMPLETED')) AS merged,
       (SELECT count(*) FROM task WHERE plan_id = $1 AND status = 'CANCELLED') AS cancelled,
       (SELECT coalesce(sum(revision_count), 0) FROM task WHERE plan_id = $1) AS revisions,
       (SELECT count(*) FROM event e WHERE e.project_id = p.project_id AND e.type = 'ReviewApproved'
           AND e.payload->>'taskId' IN (SELECT maestro_public_id('tsk', id) FROM task WHERE plan_id = $1)) AS approvals,
       (SELECT count(*) FROM event e WHERE e.project_id = p.project_id AND e.type = 'ReviewRejected'
           AND e.payload->>'taskId' IN (SELECT maestro_public_id('tsk', id) FROM task WHERE plan_id = $1)) AS rejections,
       (SELECT count(*) FROM agent_run WHERE plan_id = $1) AS runs,
       (SELECT coalesce(sum(tokens_in), 0) FROM agent_run WHERE plan_id = $1) AS tokens_in,
       (SELECT coalesce(sum(tokens_out), 0) FROM agent_run WHERE plan_id = $1) AS tokens_out,
       (SELECT coalesce(sum(cost_usd), 0) FROM agent_run WHERE plan_id = $1) AS cost_usd,
       (SELECT min(queued_at) FROM agent_run WHERE plan_id = $1) AS started_at
     FROM plan p WHERE p.id = $1`,
    [planId],
  );
  const startedAt = row?.started_at ? new Date(row.started_at) : new Date();
  const n = (key: string) => Number(row?.[key] ?? 0);
  return {
    tasks: n('tasks'),
    merged: n('merged'),
    cancelled: n('cancelled'),
    approvals: n('approvals'),
    rejections: n('rejections'),
    revisions: n('revisions'),
    runs: n('runs'),
    tokensIn: n('tokens_in'),
    tokensOut: n('tokens_out'),
    costUsd: n('cost_usd'),
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.max(0, Math.round((Date.now() - startedAt.getTime()) / 1000)),
  };
}
