import { preparedQuery } from '../../db/prepared.js';
import { returning } from '../../db/returning.js';
import type { DataSource, EntityManager } from 'typeorm';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import { appendEventSql, toRecord } from '../events/event.repository.js';
import type { Transactions, Tx } from '../common/transactions.js';
import { requireInteger } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import { AgentRunEntity } from '../run/run.entity.js';
import type { OutputChunk, RunService } from '../run/run.service.js';
import { FINISHED_RUN_STATUSES, RunPurpose, RunStatus } from '../run/run.types.js';
import type { AgentSessionEntity } from '../session/session.entity.js';
import { isAlive } from '../session/session.service.js';
import { TaskStatus } from '../task/task-lifecycle.js';
import type { Verdict } from '../delivery/verdict.js';
import { moveTaskWithRun } from './task-progress.js';
import type { RunHooks } from './work-hooks.js';

/** How long a claim holds a run without a heartbeat. */
export const LEASE_SECONDS = 90;

/** The longest a run may be paused (pauseRun's resumeAt). */
export const MAX_PAUSE_MS = 7 * 24 * 60 * 60 * 1000;

/** The SET clause that marks a run RUNNING (its start time is the first such update's). */
const RUNNING = `status = 'RUNNING', started_at = coalesce(started_at, now())`;

/** Purposes that go on while their plan is paused: talking about the plan is not doing it. */
export const PLANNING_PURPOSES: readonly RunPurpose[] = [
  RunPurpose.PLANNING,
  RunPurpose.REFINE,
  RunPurpose.REPO_ANALYSIS,
  RunPurpose.COMMENT_EVAL,
];

/**
 * The claim's guard for runs a paused plan holds. holdPlan parks them, but a run can still
 * reach QUEUED while its plan is paused (an expired lease, a session that ended), and this
 * keeps it from being claimed until the plan resumes.
 */
const NOT_HELD_BY_PLAN = `(c.plan_id IS NULL
  OR c.purpose IN (${PLANNING_PURPOSES.map((p) => `'${p}'`).join(', ')})
  OR NOT EXISTS (SELECT 1 FROM plan p WHERE p.id = c.plan_id AND p.status = 'PAUSED'))`;

/** Why a REVIEW run that reported success is recorded as failed. */
export const NO_VERDICT =
  'the review gave no verdict: no line "VERDICT: APPROVED" or "VERDICT: REJECTED — <reason>"';

/**
 * The claim, in one statement (DESIGN §5): the run targeted at the session first, else the
 * oldest untargeted run whose task skills it holds, each `FOR UPDATE SKIP LOCKED`; the lease,
 * the fencing token, and the RunClaimed event. `only` narrows it to one run (`$4`) or not.
 * Parameters: $1 session, $2 project, $3 lease seconds, $4 run or null, $5 event id, $6 the
 * session's public id.
 */
function claimStatement(only: string): string {
  return `WITH claimed AS (
         UPDATE agent_run r
            SET status = 'CLAIMED', session_id = $1, lease_version = r.lease_version + 1,
                lease_expires_at = now() + make_interval(secs => $3), resume_at = NULL,
                updated_at = now()
          WHERE r.id = coalesce(
            -- a run targeted at this session first …
            (SELECT c.id FROM agent_run c
              WHERE c.project_id = $2 AND c.status = 'QUEUED' AND c.target_session_id = $1
                AND (c.resume_at IS NULL OR c.resume_at <= now())
                ${only}
                AND ${NOT_HELD_BY_PLAN}
              ORDER BY c.queued_at, c.id
              LIMIT 1
              FOR UPDATE SKIP LOCKED),
            -- … else the oldest open run whose task skills it holds
            (SELECT c.id FROM agent_run c
              WHERE c.project_id = $2 AND c.status = 'QUEUED' AND c.target_session_id IS NULL
                AND (c.resume_at IS NULL OR c.resume_at <= now())
                ${only}
                AND ${NOT_HELD_BY_PLAN}
                AND NOT EXISTS (
                  SELECT 1 FROM task_skill ts JOIN task t ON t.id = ts.task_id
                   WHERE ts.task_id = c.task_id AND NOT EXISTS (
                     SELECT 1 FROM session_skill ss
                      WHERE ss.session_id = $1 AND ss.skill_id = ts.skill_id
                        AND ss.proficiency >= t.required_proficiency))
              ORDER BY c.queued_at, c.id
              LIMIT 1
              FOR UPDATE SKIP LOCKED))
          -- the payload is built here, before the event stream is locked
          RETURNING r.*, jsonb_strip_nulls(jsonb_build_object(
            'runId', maestro_public_id('run', r.id), 'purpose', r.purpose,
            'taskId', maestro_public_id('tsk', r.task_id),
            'planId', maestro_public_id('pln', r.plan_id),
            'sessionId', $6::text, 'leaseVersion', r.lease_version,
            'attempt', r.attempt)) AS payload
       ), ${appendEventSql('claimed', 'RunClaimed', 'claimed.payload', '$5::uuid')}
       SELECT claimed.*, a.id AS event_id, a.seq AS event_seq, a.type AS event_type,
              a.payload AS event_payload, a.occurred_at AS event_occurred_at
         FROM claimed JOIN appended a ON a.project_id = claimed.project_id`;
}

const CLAIM_NEXT = claimStatement('AND $4::uuid IS NULL');
const CLAIM_RUN = claimStatement('AND c.id = $4::uuid');

/** What a daemon reports when a run ends. */
export interface RunResult {
  readonly exitCode?: number | null | undefined;
  readonly summary?: string | null | undefined;
  readonly model?: string | null | undefined;
  readonly tokensIn?: number | undefined;
  readonly tokensOut?: number | undefined;
  readonly costUsd?: number | undefined;
  /** A person did the work (the manual provider): no automatic review follows. */
  readonly attended?: boolean | undefined;
  /** A MERGE that stopped on conflicts: the files (relative paths) in conflict. */
  readonly conflictFiles?: readonly string[] | undefined;
}

/** The most files a conflicting merge reports; the rest are counted. */
const MAX_CONFLICT_FILES = 500;

/** Paths a daemon reports for a conflicting merge: relative, non-empty, without NUL. */
function conflictFilesOf(files: readonly string[] | undefined): string[] | null {
  if (!files || files.length === 0) return null;
  const cleaned = files.map((file, index) => {
    const path = file.trim();
    if (path === '' || path.length > 1000 || path.includes('\0') || path.startsWith('/')) {
      throw badInput(
        'conflictFiles',
        `conflictFiles[${index}] must be a path relative to the repository (1–1000 characters)`,
      );
    }
    return path;
  });
  return [...new Set(cleaned)].slice(0, MAX_CONFLICT_FILES);
}

const stale = (run: AgentRunEntity, leaseVersion: number) =>
  new DomainError(
    ErrorCode.STALE_LEASE,
    `leaseVersion ${leaseVersion} is stale: run ${toPublicId('Run', run.id)} is at lease ${run.leaseVersion} (${run.status.toLowerCase()})`,
    ['leaseVersion'],
  );

/** Locks the run's plan (if it has one) for the rest of the caller's transaction. */
async function lockPlanOf(tx: Tx, run: AgentRunEntity): Promise<void> {
  if (run.planId) {
    await tx.manager.query('SELECT id FROM plan WHERE id = $1 FOR UPDATE', [run.planId]);
  }
}

/** Raw rows of agent_run as RETURNING gives them, mapped onto the entity. */
function toEntity(row: Record<string, unknown>): AgentRunEntity {
  const camel = Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
      value,
    ]),
  );
  return Object.assign(new AgentRunEntity(), camel, { costUsd: Number(camel.costUsd ?? 0) });
}

/**
 * The leased, fenced run queue (DESIGN §5). A session claims with one statement (FOR UPDATE
 * SKIP LOCKED), which sets a 90 s lease and increments `leaseVersion`, the fencing token.
 * Every later call carries that leaseVersion; a stale one is STALE_LEASE and changes nothing.
 * Completion is idempotent per (run, leaseVersion).
 */
export class RunQueue {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly events: EventLog,
    private readonly runs: RunService,
    private readonly hooks: RunHooks,
  ) {}

  /**
   * Claims the next run for a session: one targeted at it first, else the oldest untargeted
   * run of its project whose task skills it holds at the task's required proficiency, and
   * whose resume time (if paused) has come. Undefined when there is none.
   */
  async claim(session: AgentSessionEntity, runId?: string): Promise<AgentRunEntity | undefined> {
    if (!isAlive(session)) {
      throw conflict('the session has ended or timed out; register a new one', 'sessionId');
    }
    // One statement, committed on its own: the claim and its RunClaimed event. The project's
    // event-stream row stays locked only while the statement runs, not across round trips.
    // Two statements, not one with `($4 IS NULL OR c.id = $4)`: that disjunction keeps the
    // planner from walking the queue's partial index in order (bench/dispatch measured 2 ×).
    const rows = await preparedQuery<Record<string, unknown>>(
      this.dataSource,
      runId ? 'maestro_claim_run' : 'maestro_claim_next',
      runId ? CLAIM_RUN : CLAIM_NEXT,
      [
        session.id,
        session.projectId,
        LEASE_SECONDS,
        runId ?? null,
        uuidv7(),
        toPublicId('AgentSession', session.id),
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    const {
      event_id,
      event_seq,
      event_type,
      event_payload,
      event_occurred_at,
      payload: _payload,
      ...fields
    } = row;
    const run = toEntity(fields);
    await this.events.publish(
      toRecord({
        id: event_id as string,
        project_id: run.projectId,
        seq: String(event_seq),
        type: event_type as string,
        payload: event_payload as Record<string, unknown>,
        occurred_at: event_occurred_at as Date,
      }),
    );
    return run;
  }

  /** Extends the lease (and marks the run RUNNING on its first heartbeat). */
  async heartbeat(run: AgentRunEntity, leaseVersion: number): Promise<AgentRunEntity> {
    return this.transactions.run(async (tx) => {
      return this.fenced(
        tx,
        run,
        leaseVersion,
        `${RUNNING}, lease_expires_at = now() + make_interval(secs => ${LEASE_SECONDS})`,
      );
    });
  }

  /** Appends output under the lease; the first output also marks the run RUNNING. */
  async appendOutput(
    run: AgentRunEntity,
    leaseVersion: number,
    chunks: readonly OutputChunk[],
  ): Promise<{ run: AgentRunEntity; lastSeq: number }> {
    return this.transactions.run(async (tx) => {
      const updated = await this.fenced(tx, run, leaseVersion, RUNNING);
      const saved = await this.runs.appendOutput(tx, run.id, chunks);
      return { run: updated, lastSeq: saved.at(-1)?.seq ?? updated.outputSeq };
    });
  }

  async complete(
    run: AgentRunEntity,
    leaseVersion: number,
    result: RunResult,
  ): Promise<AgentRunEntity> {
    return this.finish(run, leaseVersion, RunStatus.SUCCEEDED, result, null);
  }

  async fail(
    run: AgentRunEntity,
    leaseVersion: number,
    reason: string,
    result: RunResult,
  ): Promise<AgentRunEntity> {
    const text = reason.trim();
    if (text === '') throw badInput('reason', 'reason must say why the run failed');
    return this.finish(run, leaseVersion, RunStatus.FAILED, result, text.slice(0, 2000));
  }

  /**
   * Pauses a run under its lease until `resumeAt` (a provider's rate limit): it leaves its
   * session, and the reaper queues it again at that time. No attempt is counted.
   */
  async pause(
    run: AgentRunEntity,
    leaseVersion: number,
    resumeAt: Date,
    reason: string | undefined,
  ): Promise<AgentRunEntity> {
    const wait = resumeAt.getTime() - Date.now();
    if (Number.isNaN(wait) || wait < 0 || wait > MAX_PAUSE_MS) {
      throw badInput('resumeAt', 'resumeAt must be a time from now to 7 days ahead');
    }
    const why = reason?.trim().slice(0, 2000) || null;
    return this.transactions.run(async (tx) => {
      const paused = await this.fenced(
        tx,
        run,
        leaseVersion,
        `status = 'PAUSED', resume_at = $3, session_id = NULL, lease_expires_at = NULL,
         exit_reason = $4`,
        [resumeAt, why],
      );
      await this.events.append(tx, paused.projectId, 'RunPaused', {
        ...this.refs(paused),
        leaseVersion,
        resumeAt: resumeAt.toISOString(),
        ...(why ? { reason: why } : {}),
      });
      return paused;
    });
  }

  /**
   * Checks that `leaseVersion` holds the run's lease and keeps the run locked for the rest of
   * the caller's transaction, for calls that add work to the run's plan under the lease without
   * changing the run (postSubtask, delegateRun). The plan's row is locked first, the order every
   * change to a plan's work takes, so a pause or cancellation cannot miss what the caller
   * creates. STALE_LEASE otherwise.
   */
  async underLease(tx: Tx, run: AgentRunEntity, leaseVersion: number): Promise<AgentRunEntity> {
    await lockPlanOf(tx, run);
    return this.fenced(tx, run, leaseVersion, 'status = r.status');
  }

  /**
   * Gives the session's claimed and running runs back to the queue (the session ended): the
   * attempt does not count, and the next claim fences this session out.
   */
  async releaseAll(tx: Tx, session: AgentSessionEntity): Promise<number> {
    const rows: Record<string, unknown>[] = await returning(
      tx.manager,
      `UPDATE agent_run SET status = 'QUEUED', session_id = NULL, lease_expires_at = NULL,
              target_session_id = NULL, updated_at = now()
        WHERE session_id = $1 AND status IN ('CLAIMED', 'RUNNING')
        RETURNING *`,
      [session.id],
    );
    for (const row of rows) {
      const run = toEntity(row);
      await this.events.append(tx, run.projectId, 'RunReleased', {
        ...this.refs(run),
        sessionId: toPublicId('AgentSession', session.id),
        reason: 'the session ended',
      });
      await moveTaskWithRun(tx, this.events, run, TaskStatus.DISPATCHED, 'its session ended');
    }
    return rows.length;
  }

  /**
   * Cancels the open runs (queued, paused, claimed or running) of a task or of a plan, in the
   * caller's transaction, which holds the task's or plan's lock. A session holding one learns
   * it from RunCancelled (which names it) and from STALE_LEASE on its next call.
   */
  async cancelOpen(
    tx: Tx,
    scope: { readonly taskId: string } | { readonly planId: string },
    reason: string,
  ): Promise<AgentRunEntity[]> {
    const [column, id] = 'taskId' in scope ? ['task_id', scope.taskId] : ['plan_id', scope.planId];
    const rows: Record<string, unknown>[] = await returning(
      tx.manager,
      `UPDATE agent_run r
          SET status = 'CANCELLED', finished_at = now(), lease_expires_at = NULL,
              resume_at = NULL, exit_reason = $2, updated_at = now()
        WHERE r.${column} = $1 AND r.status IN ('QUEUED', 'PAUSED', 'CLAIMED', 'RUNNING')
        RETURNING r.*`,
      [id, reason],
    );
    const cancelled = rows.map(toEntity);
    for (const run of cancelled) {
      await this.events.append(tx, run.projectId, 'RunCancelled', {
        ...this.refs(run),
        ...(run.sessionId ? { sessionId: toPublicId('AgentSession', run.sessionId) } : {}),
        leaseVersion: run.leaseVersion,
        reason,
      });
    }
    return cancelled;
  }

  /**
   * Holds a paused plan's queued work (every purpose but the planning ones, which go on while
   * a plan is paused): queued and rate-limited runs become PAUSED without a resume time, and
   * wait for releasePlan. Runs already held by a session finish; what they lead to waits.
   */
  async holdPlan(tx: Tx, planId: string, reason: string): Promise<number> {
    const rows: Record<string, unknown>[] = await returning(
      tx.manager,
      `WITH held AS (
         SELECT id, status FROM agent_run
          WHERE plan_id = $1 AND status IN ('QUEUED', 'PAUSED')
            AND purpose <> ALL($2::run_purpose[])
          FOR UPDATE)
       UPDATE agent_run r SET status = 'PAUSED', resume_at = NULL, updated_at = now()
         FROM held WHERE r.id = held.id
       RETURNING r.*, held.status AS previous_status`,
      [planId, PLANNING_PURPOSES],
    );
    for (const { previous_status: previous, ...fields } of rows) {
      if (previous !== RunStatus.QUEUED) continue;
      const run = toEntity(fields);
      await this.events.append(tx, run.projectId, 'RunPaused', {
        ...this.refs(run),
        resumeAt: null,
        reason,
      });
    }
    return rows.length;
  }

  /** Queues again what holdPlan (or a rate limit that ran out meanwhile) held. RunResumed. */
  async releasePlan(tx: Tx, planId: string): Promise<number> {
    const rows: Record<string, unknown>[] = await returning(
      tx.manager,
      `UPDATE agent_run SET status = 'QUEUED', resume_at = NULL, updated_at = now()
        WHERE plan_id = $1 AND status = 'PAUSED' AND (resume_at IS NULL OR resume_at <= now())
        RETURNING *`,
      [planId],
    );
    for (const run of rows.map(toEntity)) {
      await this.events.append(tx, run.projectId, 'RunResumed', this.refs(run));
    }
    return rows.length;
  }

  private async finish(
    run: AgentRunEntity,
    leaseVersion: number,
    reported: RunStatus.SUCCEEDED | RunStatus.FAILED,
    result: RunResult,
    failure: string | null,
  ): Promise<AgentRunEntity> {
    const tokensIn = requireInteger('tokensIn', result.tokensIn ?? 0, 0, 2_000_000_000);
    const tokensOut = requireInteger('tokensOut', result.tokensOut ?? 0, 0, 2_000_000_000);
    const costUsd = result.costUsd ?? 0;
    if (!Number.isFinite(costUsd) || costUsd < 0 || costUsd > 1_000_000) {
      throw badInput('costUsd', 'costUsd must be a number from 0 to 1000000');
    }
    const exitCode =
      result.exitCode === null || result.exitCode === undefined
        ? null
        : requireInteger('exitCode', result.exitCode, -1024, 1024);
    const conflictFiles = conflictFilesOf(result.conflictFiles);
    if (conflictFiles && (run.purpose !== RunPurpose.MERGE || reported !== RunStatus.FAILED)) {
      throw badInput('conflictFiles', 'only a failed MERGE run reports conflictFiles');
    }
    const summary = result.summary?.slice(0, 2000) ?? null;
    return this.transactions.run(async (tx) => {
      // The plan first, the order every change to a plan's work takes (the review loop below
      // moves its tasks and queues its runs).
      await lockPlanOf(tx, run);
      let status = reported;
      let reason = failure;
      let verdict: Verdict | undefined;
      if (run.purpose === RunPurpose.REVIEW && status === RunStatus.SUCCEEDED && !run.parentRunId) {
        verdict = await this.hooks.verdictOf(tx, run, summary);
        if (!verdict) {
          status = RunStatus.FAILED;
          reason = NO_VERDICT;
        }
      }
      const rows: Record<string, unknown>[] = await returning(
        tx.manager,
        `UPDATE agent_run
            SET status = $3, finished_at = now(), lease_expires_at = NULL, exit_code = $4,
                exit_reason = $5, model = coalesce($6, model), tokens_in = $7,
                tokens_out = $8, cost_usd = $9, attended = $10, conflict_files = $11,
                updated_at = now()
          WHERE id = $1 AND lease_version = $2 AND status IN ('CLAIMED', 'RUNNING')
          RETURNING *`,
        [
          run.id,
          leaseVersion,
          status,
          exitCode,
          reason ?? summary,
          result.model ?? null,
          tokensIn,
          tokensOut,
          costUsd,
          result.attended ?? false,
          conflictFiles ? JSON.stringify(conflictFiles) : null,
        ],
      );
      const row = rows[0];
      if (!row) return this.alreadyFinished(tx.manager, run, leaseVersion, reported);
      const finished = toEntity(row);
      await this.events.append(
        tx,
        finished.projectId,
        status === RunStatus.SUCCEEDED ? 'RunSucceeded' : 'RunFailed',
        {
          ...this.refs(finished),
          leaseVersion,
          exitCode,
          ...(reason ? { reason } : {}),
          ...(conflictFiles ? { conflictFiles } : {}),
          tokensIn,
          tokensOut,
        },
      );
      await this.hooks.runFinished(tx, finished, verdict);
      return finished;
    });
  }

  /**
   * A finish that changed nothing: the same outcome reported again under the same lease is
   * answered with the run as it is (idempotent); anything else is stale or a conflict.
   */
  private async alreadyFinished(
    manager: EntityManager,
    run: AgentRunEntity,
    leaseVersion: number,
    status: RunStatus,
  ): Promise<AgentRunEntity> {
    const current = await manager.findOneBy(AgentRunEntity, { id: run.id });
    if (!current) throw new DomainError(ErrorCode.NOT_FOUND, 'runId: no such run', ['runId']);
    if (current.leaseVersion !== leaseVersion) throw stale(current, leaseVersion);
    if (current.status === status) return current;
    // Cancelled under the session (its task or plan was paused or cancelled): the lease is gone.
    if (current.status === RunStatus.CANCELLED) throw stale(current, leaseVersion);
    if (FINISHED_RUN_STATUSES.has(current.status)) {
      throw conflict(
        `the run already ended as ${current.status.toLowerCase()} under this lease`,
        'runId',
      );
    }
    throw stale(current, leaseVersion);
  }

  /**
   * Updates a run only while `leaseVersion` holds its lease; STALE_LEASE otherwise. `set` may
   * use $3, $4, … for `parameters`. Emits
   * RunStarted when this update is the one that took the run from CLAIMED to RUNNING.
   */
  private async fenced(
    tx: Tx,
    run: AgentRunEntity,
    leaseVersion: number,
    set: string,
    parameters: readonly unknown[] = [],
  ): Promise<AgentRunEntity> {
    const rows: Record<string, unknown>[] = await returning(
      tx.manager,
      `WITH previous AS (
         SELECT id, status FROM agent_run
          WHERE id = $1 AND lease_version = $2 AND status IN ('CLAIMED', 'RUNNING')
          FOR UPDATE)
       UPDATE agent_run r SET ${set}, updated_at = now()
         FROM previous
        WHERE r.id = previous.id
        RETURNING r.*, previous.status AS previous_status,
                  (SELECT t.status FROM task t WHERE t.id = r.task_id) AS task_status`,
      [run.id, leaseVersion, ...parameters],
    );
    const row = rows[0];
    if (!row) {
      const current = await tx.manager.findOneBy(AgentRunEntity, { id: run.id });
      throw stale(current ?? run, leaseVersion);
    }
    const { previous_status: previous, task_status: taskStatus, ...fields } = row;
    const updated = toEntity(fields);
    if (previous === RunStatus.CLAIMED && updated.status === RunStatus.RUNNING) {
      await this.events.append(tx, updated.projectId, 'RunStarted', this.refs(updated));
    }
    // The task follows its EXECUTION run into IN_PROGRESS (retried until it has).
    if (updated.status === RunStatus.RUNNING && taskStatus === TaskStatus.DISPATCHED) {
      await moveTaskWithRun(tx, this.events, updated, TaskStatus.IN_PROGRESS, 'its run started');
    }
    return updated;
  }

  private refs(run: AgentRunEntity): Record<string, unknown> {
    return {
      runId: toPublicId('Run', run.id),
      purpose: run.purpose,
      ...(run.taskId ? { taskId: toPublicId('Task', run.taskId) } : {}),
      ...(run.planId ? { planId: toPublicId('Plan', run.planId) } : {}),
    };
  }
}
