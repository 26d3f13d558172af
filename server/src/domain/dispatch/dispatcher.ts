import type { DataSource, EntityManager } from 'typeorm';
import { returning } from '../../db/returning.js';
import { conflict } from '../common/errors.js';
import { toPublicId } from '../common/public-id.js';
import { slugify } from '../common/validation.js';
import type { Tx } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import type { AgentRunEntity, DispatchReason } from '../run/run.entity.js';
import type { NewRun, RunService } from '../run/run.service.js';
import { RunPurpose } from '../run/run.types.js';
import { SESSION_TIMEOUT_MS } from '../session/session.service.js';
import { PlanStatus } from '../plan/plan-lifecycle.js';
import { RESOLVED_TASK_STATUSES, TASK_LIFECYCLE, TaskStatus } from '../task/task-lifecycle.js';
import type { RunQueue } from './run-queue.js';
import type { WorkHooks } from './work-hooks.js';

/** The rule every dispatchReason names (docs/dispatch.md, "Skill matching"). */
export const SCORING_RULE =
  'eligible: alive and holding every task skill at ≥ its required proficiency; ' +
  'score: the mean proficiency over the task skills (0 without skills); ' +
  'idle sessions first, then highest score, then the longest idle (the last change to a run it held furthest back), then the oldest session';

/** A session as the dispatcher weighs it. */
export interface Candidate {
  readonly id: string;
  readonly name: string;
  /** Runs it holds now (CLAIMED or RUNNING). */
  readonly inFlight: number;
  /**
   * When it last did something: for a session, the last change to a run it held (a claim,
   * heartbeat, output or its end); for a member, the last status change of a task assigned
   * to them. Null: never. The longest idle wins a tie.
   */
  readonly lastActiveAt: Date | null;
  readonly createdAt: Date;
  /** Its proficiency per skill id. */
  readonly skills: ReadonlyMap<string, number>;
}

export interface TaskNeeds {
  readonly skillIds: readonly string[];
  readonly requiredProficiency: number;
}

/** A candidate's eligibility and score for a task (null score: not eligible). */
interface Weighed<C extends Candidate> {
  readonly candidate: C;
  readonly missing: readonly string[];
  readonly score: number | null;
}

/** Eligibility (every task skill at ≥ the required proficiency) and score (the mean). */
function weigh<C extends Candidate>(candidates: readonly C[], needs: TaskNeeds): Weighed<C>[] {
  return candidates.map((candidate) => {
    const missing = needs.skillIds.filter(
      (skill) => (candidate.skills.get(skill) ?? 0) < needs.requiredProficiency,
    );
    const score =
      missing.length > 0
        ? null
        : needs.skillIds.length === 0
          ? 0
          : needs.skillIds.reduce((sum, skill) => sum + (candidate.skills.get(skill) ?? 0), 0) /
            needs.skillIds.length;
    return { candidate, missing, score };
  });
}

/** The tie-breaks after the score: the longest idle, then the oldest, then the id. */
function byScoreThenIdle<C extends Candidate>(a: Weighed<C>, b: Weighed<C>): number {
  return (
    (b.score ?? 0) - (a.score ?? 0) ||
    (a.candidate.lastActiveAt?.getTime() ?? 0) - (b.candidate.lastActiveAt?.getTime() ?? 0) ||
    a.candidate.createdAt.getTime() - b.candidate.createdAt.getTime() ||
    a.candidate.id.localeCompare(b.candidate.id)
  );
}

const lacks = (entry: Weighed<Candidate>, needs: TaskNeeds) =>
  `lacks ${entry.missing.length} skill(s) at proficiency ${needs.requiredProficiency}`;

/**
 * Weighs candidates for a task by SCORING_RULE. Returns the winner (an idle eligible session;
 * undefined when there is none, and the run stays open to any eligible session) and the
 * reason, with every candidate, its score and why it lost.
 */
export function chooseSession(
  candidates: readonly Candidate[],
  needs: TaskNeeds,
): { winner: Candidate | undefined; reason: DispatchReason } {
  const weighed = weigh(candidates, needs);
  const ranked = weighed
    .filter((entry) => entry.score !== null && entry.candidate.inFlight === 0)
    .sort(byScoreThenIdle);
  const winner = ranked[0]?.candidate;
  const noteOf = (entry: (typeof weighed)[number]): string => {
    if (entry.score === null) return lacks(entry, needs);
    if (entry.candidate.inFlight > 0) return `busy with ${entry.candidate.inFlight} run(s)`;
    if (entry.candidate === winner) return 'chosen';
    return `ranked ${ranked.findIndex((r) => r.candidate === entry.candidate) + 1} of ${ranked.length}`;
  };
  const eligible = weighed.filter((entry) => entry.score !== null).length;
  return {
    winner,
    reason: {
      rule: SCORING_RULE,
      candidates: weighed.map((entry) => ({
        sessionId: toPublicId('AgentSession', entry.candidate.id),
        name: entry.candidate.name,
        eligible: entry.score !== null,
        score: entry.score,
        note: noteOf(entry),
      })),
      winner: winner ? toPublicId('AgentSession', winner.id) : null,
      explanation: winner
        ? `${winner.name} is idle and ranks first of ${ranked.length} idle eligible session(s)`
        : eligible > 0
          ? `all ${eligible} eligible session(s) are busy: the run is open to the first to claim it`
          : `no connected session holds the task's skills: the run waits for one that does`,
    },
  };
}

/** The rule members are ranked by for a manual assignment (docs/dispatch.md). */
export const MEMBER_RANKING_RULE =
  "eligible: may run tasks in the task's project and holds every task skill at ≥ its required " +
  'proficiency; score: the mean proficiency over the task skills (0 without skills); ' +
  'fewest tasks in flight first, then highest score, then the longest since their last task, ' +
  'then the oldest membership';

/** One member as a candidate for assigning a task, ranked. */
export interface RankedMember {
  readonly memberId: string;
  readonly name: string;
  readonly eligible: boolean;
  readonly score: number | null;
  readonly inFlight: number;
  /** 1 for the best; null when not eligible. */
  readonly rank: number | null;
  readonly note: string;
}

/**
 * Ranks members for assigning a task by the sessions' rule: eligibility and score are the
 * same; a member busy with work in flight is ranked after the idle ones rather than left out,
 * since a person can take a task on next.
 */
export function rankMembers(candidates: readonly Candidate[], needs: TaskNeeds): RankedMember[] {
  const weighed = weigh(candidates, needs);
  const ranked = weighed
    .filter((entry) => entry.score !== null)
    .sort((a, b) => a.candidate.inFlight - b.candidate.inFlight || byScoreThenIdle(a, b));
  const order = (entry: Weighed<Candidate>) => ranked.indexOf(entry);
  return [...ranked, ...weighed.filter((entry) => entry.score === null)].map((entry) => {
    const rank = entry.score === null ? null : order(entry) + 1;
    const busy =
      entry.candidate.inFlight > 0 ? `, ${entry.candidate.inFlight} task(s) in flight` : '';
    return {
      memberId: entry.candidate.id,
      name: entry.candidate.name,
      eligible: entry.score !== null,
      score: entry.score,
      inFlight: entry.candidate.inFlight,
      rank,
      note:
        rank === null
          ? lacks(entry, needs)
          : rank === 1
            ? `best of ${ranked.length} eligible${busy}`
            : `ranked ${rank} of ${ranked.length}${busy}`,
    };
  });
}

interface ReadyRow {
  id: string;
  title: string;
  required_proficiency: number;
  skill_ids: string[];
  /** Siblings share it: the phase and the parent task. */
  sibling_group: string;
  can_run_parallel: boolean;
}

/**
 * A task's branch: `task/<slug of its title>-<6 hex of its id>`, forked from the plan's epic
 * and merged back into it.
 */
export function taskBranch(title: string, taskId: string): string {
  const slug = (slugify(title) || 'task').slice(0, 40).replace(/-+$/, '');
  return `task/${slug}-${taskId.replace(/-/g, '').slice(-6)}`;
}

/** Locks a plan's row for the rest of the transaction: dispatch decisions are serialized. */
async function lockPlan(
  manager: EntityManager,
  planId: string,
): Promise<{ project_id: string; status: string; bootstrapped: boolean } | undefined> {
  const rows: { project_id: string; status: string; bootstrapped: boolean }[] = await manager.query(
    'SELECT project_id, status, epic_bootstrapped_at IS NOT NULL AS bootstrapped FROM plan WHERE id = $1 FOR UPDATE',
    [planId],
  );
  return rows[0];
}

/** Why a task's open runs are cancelled, by the status it moved to. */
const CANCELS_RUNS: ReadonlyMap<TaskStatus, string> = new Map([
  [TaskStatus.WAITING_FOR_RESUME, 'the task was paused'],
  [TaskStatus.CANCELLED, 'the task was cancelled'],
  [TaskStatus.NEEDS_OPERATOR, 'the task needs an operator'],
]);

/**
 * Turns ready tasks into runs (DESIGN §4: a task is ready when its plan is active, it is DRAFT,
 * and every dependency is MERGED or COMPLETED). Called in the transaction that made tasks
 * ready — a plan's activation or resumption, a task's resolution — under the plan's row lock,
 * so two resolutions committing together cannot both miss a dependent. A task that may not
 * run in parallel waits while a sibling (same phase and parent) is in flight, and its siblings
 * wait while it is. A task assigned to a member is left for them to accept (acceptTask). It
 * is also the WorkHooks the plan and task services call, and ranks members for assignment.
 */
export class Dispatcher implements WorkHooks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventLog,
    private readonly runs: RunService,
    private readonly queue: RunQueue,
  ) {}

  /**
   * Pausing, cancelling or escalating a task cancels its open runs (a session holding one is
   * fenced out); a task back in DRAFT (resumed, re-opened) or resolved (its dependents may be
   * ready) makes the plan hand out its ready tasks.
   */
  async taskStatusChanged(
    tx: Tx,
    task: { readonly id: string; readonly planId: string },
    _from: TaskStatus,
    to: TaskStatus,
  ): Promise<void> {
    const reason = CANCELS_RUNS.get(to);
    if (reason) await this.queue.cancelOpen(tx, { taskId: task.id }, reason);
    if (to === TaskStatus.DRAFT || RESOLVED_TASK_STATUSES.has(to)) {
      await this.dispatchReady(tx, task.planId);
    }
  }

  /**
   * Pause holds the plan's queued work (dispatch, review and merge stop; runs in flight
   * finish); resumption releases it and hands out what became ready; activation hands out the
   * ready tasks; cancellation cancels every open run and unfinished task.
   */
  async planStatusChanged(
    tx: Tx,
    plan: { readonly id: string; readonly projectId: string },
    from: PlanStatus,
    to: PlanStatus,
  ): Promise<void> {
    if (to === PlanStatus.PAUSED) await this.queue.holdPlan(tx, plan.id, 'the plan is paused');
    if (to === PlanStatus.ACTIVE) {
      if (from === PlanStatus.PAUSED) await this.queue.releasePlan(tx, plan.id);
      await this.dispatchReady(tx, plan.id);
    }
    if (to === PlanStatus.CANCELLED) {
      await this.queue.cancelOpen(tx, { planId: plan.id }, 'the plan was cancelled');
      await this.cancelTasks(tx, plan);
    }
  }

  async graphChanged(tx: Tx, planId: string): Promise<void> {
    await this.dispatchReady(tx, planId);
  }

  /** Every unfinished task of a cancelled plan becomes CANCELLED, each with its event. */
  private async cancelTasks(
    tx: Tx,
    plan: { readonly id: string; readonly projectId: string },
  ): Promise<void> {
    const rows = await returning<{ id: string; previous: TaskStatus }>(
      tx.manager,
      `WITH open AS (
         SELECT id, status FROM task
          WHERE plan_id = $1 AND status NOT IN ('MERGED', 'COMPLETED', 'CANCELLED')
          ORDER BY id FOR UPDATE)
       UPDATE task t SET status = 'CANCELLED', status_changed_at = now(), updated_at = now()
         FROM open WHERE t.id = open.id
       RETURNING t.id, open.status AS previous`,
      [plan.id],
    );
    for (const row of rows) {
      TASK_LIFECYCLE.assert(row.previous, TaskStatus.CANCELLED, 'system');
      await this.events.append(tx, plan.projectId, 'TaskStatusChanged', {
        taskId: toPublicId('Task', row.id),
        from: row.previous,
        to: TaskStatus.CANCELLED,
        reason: 'the plan was cancelled',
      });
    }
  }

  async dispatchReady(tx: Tx, planId: string): Promise<number> {
    const manager = tx.manager;
    const plan = await lockPlan(manager, planId);
    // Tasks fork from the epic branch: none runs before the BOOTSTRAP_EPIC run made it.
    if (!plan || plan.status !== 'ACTIVE' || !plan.bootstrapped) return 0;
    const ready = await this.readyTasks(manager, planId);
    if (ready.length === 0) return 0;
    const candidates = await this.candidates(manager, plan.project_id);
    let dispatched = 0;
    for (const task of ready) {
      const { winner, reason } = chooseSession(candidates, {
        skillIds: task.skill_ids,
        requiredProficiency: task.required_proficiency,
      });
      await this.markDispatched(tx, plan.project_id, task);
      await this.runs.enqueue(tx, {
        projectId: plan.project_id,
        planId,
        taskId: task.id,
        purpose: RunPurpose.EXECUTION,
        targetSessionId: winner?.id ?? null,
        dispatchReason: reason,
      });
      if (winner) {
        // The winner is no longer idle for the next task of this pass.
        const index = candidates.findIndex((candidate) => candidate.id === winner.id);
        const chosen = candidates[index];
        if (chosen) candidates[index] = { ...chosen, inFlight: chosen.inFlight + 1 };
      }
      dispatched++;
    }
    return dispatched;
  }

  /**
   * The assignee accepts a task: it must be ready (an active plan, DRAFT, its dependencies
   * resolved); it becomes DISPATCHED with an EXECUTION run targeted at the assignee's
   * session, which the caller then claims. Returns the run's id.
   */
  async accept(
    tx: Tx,
    task: { id: string; planId: string; title: string },
    sessionId: string,
    memberName: string,
  ): Promise<string> {
    const manager = tx.manager;
    const plan = await lockPlan(manager, task.planId);
    if (!plan || plan.status !== 'ACTIVE') {
      throw conflict(
        `the plan is ${plan?.status.toLowerCase() ?? 'gone'}; tasks are accepted while it is active`,
        'taskId',
      );
    }
    if (!plan.bootstrapped) {
      throw conflict(
        'the plan’s epic branch is not bootstrapped yet; accept the task once it is',
        'taskId',
      );
    }
    const rows: { status: TaskStatus; open: string }[] = await manager.query(
      `SELECT t.status,
              (SELECT count(*) FROM task_dependency d JOIN task dep ON dep.id = d.depends_on_task_id
                WHERE d.task_id = t.id AND dep.status NOT IN ('MERGED', 'COMPLETED')) AS open
         FROM task t WHERE t.id = $1 FOR UPDATE`,
      [task.id],
    );
    const row = rows[0];
    if (!row || row.status !== TaskStatus.DRAFT) {
      throw conflict(
        `the task is ${row?.status.toLowerCase() ?? 'gone'}; only a draft task can be accepted`,
        'taskId',
      );
    }
    if (Number(row.open) > 0) {
      throw conflict(
        `the task waits for ${row.open} unfinished dependenc${row.open === '1' ? 'y' : 'ies'}`,
        'taskId',
      );
    }
    await this.markDispatched(tx, plan.project_id, task, `accepted by ${memberName}`);
    const run = await this.runs.enqueue(tx, {
      projectId: plan.project_id,
      planId: task.planId,
      taskId: task.id,
      purpose: RunPurpose.EXECUTION,
      targetSessionId: sessionId,
      dispatchReason: {
        rule: 'manual: the assignee accepted the task',
        candidates: [],
        winner: toPublicId('AgentSession', sessionId),
        explanation: `${memberName} accepted "${task.title}" on this session`,
      },
    });
    return run.id;
  }

  /**
   * Queues a run the review loop or a retry needs (a review, a merge, a revision, the epic's
   * bootstrap, the release), targeted like a task's first run: at the best idle session
   * holding the task's skills (any session for plan-level runs), among those running
   * `provider` when one is asked for (a project's reviewer) and any of them runs it.
   */
  async enqueueFor(tx: Tx, run: NewRun, provider?: string | null): Promise<AgentRunEntity> {
    const needs = run.taskId
      ? await this.needsOf(tx.manager, run.taskId)
      : { skillIds: [], requiredProficiency: 1 };
    const all = await this.candidates(tx.manager, run.projectId);
    const matching = provider ? all.filter((candidate) => candidate.provider === provider) : all;
    const { winner, reason } = chooseSession(matching.length > 0 ? matching : all, needs);
    return this.runs.enqueue(tx, {
      ...run,
      targetSessionId: winner?.id ?? null,
      dispatchReason: provider
        ? {
            ...reason,
            explanation: `${reason.explanation} (${matching.length > 0 ? `among sessions running ${provider}` : `no session runs ${provider}; any may take it`})`,
          }
        : reason,
    });
  }

  private async needsOf(manager: EntityManager, taskId: string): Promise<TaskNeeds> {
    const rows: { required_proficiency: number; skill_ids: string[] }[] = await manager.query(
      `SELECT t.required_proficiency,
              coalesce(array_agg(ts.skill_id) FILTER (WHERE ts.skill_id IS NOT NULL), '{}') AS skill_ids
         FROM task t LEFT JOIN task_skill ts ON ts.task_id = t.id
        WHERE t.id = $1 GROUP BY t.id`,
      [taskId],
    );
    const row = rows[0];
    return { skillIds: row?.skill_ids ?? [], requiredProficiency: row?.required_proficiency ?? 1 };
  }

  /**
   * DRAFT → DISPATCHED (a system transition), with its TaskStatusChanged event. The task gets
   * its branch here, once: revisions and conflict resolutions go on the same branch.
   */
  private async markDispatched(
    tx: Tx,
    projectId: string,
    task: { readonly id: string; readonly title: string },
    reason?: string,
  ): Promise<void> {
    TASK_LIFECYCLE.assert(TaskStatus.DRAFT, TaskStatus.DISPATCHED, 'system');
    await tx.manager.query(
      `UPDATE task SET status = 'DISPATCHED', branch_name = coalesce(branch_name, $2),
              status_changed_at = now(), updated_at = now()
        WHERE id = $1`,
      [task.id, taskBranch(task.title, task.id)],
    );
    await this.events.append(tx, projectId, 'TaskStatusChanged', {
      taskId: toPublicId('Task', task.id),
      from: TaskStatus.DRAFT,
      to: TaskStatus.DISPATCHED,
      ...(reason ? { reason } : {}),
    });
  }

  /** Ready tasks in plan order, minus those held back by a sequential sibling. */
  private async readyTasks(manager: EntityManager, planId: string): Promise<ReadyRow[]> {
    const rows: ReadyRow[] = await manager.query(
      `SELECT t.id, t.title, t.required_proficiency, t.can_run_parallel,
              t.phase_id || ':' || coalesce(t.parent_task_id::text, '') AS sibling_group,
              coalesce(array_agg(ts.skill_id) FILTER (WHERE ts.skill_id IS NOT NULL), '{}') AS skill_ids
         FROM task t
         JOIN phase ph ON ph.id = t.phase_id
         LEFT JOIN task_skill ts ON ts.task_id = t.id
        WHERE t.plan_id = $1 AND t.status = 'DRAFT' AND t.assignee_member_id IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM task_dependency d JOIN task dep ON dep.id = d.depends_on_task_id
             WHERE d.task_id = t.id AND dep.status NOT IN ('MERGED', 'COMPLETED'))
          AND NOT EXISTS (
            SELECT 1 FROM task s
             WHERE s.phase_id = t.phase_id AND s.id <> t.id
               AND s.parent_task_id IS NOT DISTINCT FROM t.parent_task_id
               AND s.status IN ('DISPATCHED', 'IN_PROGRESS', 'AWAITING_REVIEW')
               AND (NOT s.can_run_parallel OR NOT t.can_run_parallel))
        GROUP BY t.id, ph.position
        ORDER BY ph.position, t.position, t.id`,
      [planId],
    );
    // Of several ready siblings, a sequential one goes alone: it is kept only when no sibling
    // before it in this pass was kept, and nothing after a kept sequential sibling is.
    const kept = new Map<string, { sequential: boolean }>();
    return rows.filter((row) => {
      const group = kept.get(row.sibling_group);
      if (group && (group.sequential || !row.can_run_parallel)) return false;
      kept.set(row.sibling_group, { sequential: !row.can_run_parallel });
      return true;
    });
  }

  /**
   * The workspace's members who may run tasks in the task's project (DEVELOPER and up there),
   * ranked for assigning it (rankMembers).
   */
  async memberCandidates(
    task: { readonly id: string; readonly projectId: string; readonly requiredProficiency: number },
    workspaceId: string,
  ): Promise<RankedMember[]> {
    const rows: {
      id: string;
      name: string;
      created_at: Date;
      role: string;
      in_flight: string;
      last_work: Date | null;
      skills: Array<{ skill: string; proficiency: number }> | null;
    }[] = await this.dataSource.query(
      `SELECT m.id, u.name, m.created_at,
              CASE WHEN m.role IN ('OWNER', 'ADMIN') THEN m.role ELSE coalesce(pm.role, m.role) END AS role,
              (SELECT count(*) FROM task t
                WHERE t.assignee_member_id = m.id
                  AND t.status IN ('DISPATCHED', 'IN_PROGRESS', 'AWAITING_REVIEW')) AS in_flight,
              (SELECT max(t.status_changed_at) FROM task t WHERE t.assignee_member_id = m.id) AS last_work,
              (SELECT json_agg(json_build_object('skill', ms.skill_id, 'proficiency', ms.proficiency))
                 FROM member_skill ms WHERE ms.member_id = m.id) AS skills
         FROM member m
         JOIN "user" u ON u.id = m.user_id
         LEFT JOIN project_member pm ON pm.member_id = m.id AND pm.project_id = $2
        WHERE m.workspace_id = $1 AND (m.scope = 'WORKSPACE' OR pm.member_id IS NOT NULL)
        ORDER BY m.created_at, m.id`,
      [workspaceId, task.projectId],
    );
    const skillRows: Array<{ skill_id: string }> = await this.dataSource.query(
      'SELECT skill_id FROM task_skill WHERE task_id = $1',
      [task.id],
    );
    const candidates = rows
      .filter((row) => row.role !== 'VIEWER')
      .map((row) => ({
        id: row.id,
        name: row.name,
        createdAt: row.created_at,
        inFlight: Number(row.in_flight),
        lastActiveAt: row.last_work,
        skills: new Map((row.skills ?? []).map((entry) => [entry.skill, entry.proficiency])),
      }));
    return rankMembers(candidates, {
      skillIds: skillRows.map((row) => row.skill_id),
      requiredProficiency: task.requiredProficiency,
    });
  }

  /** The project's live sessions with their skills, in-flight runs and last claim. */
  private async candidates(
    manager: EntityManager,
    projectId: string,
  ): Promise<Array<Candidate & { provider: string | null }>> {
    const rows: {
      id: string;
      name: string;
      provider: string | null;
      created_at: Date;
      in_flight: string;
      last_active: Date | null;
      skills: Array<{ skill: string; proficiency: number }> | null;
    }[] = await manager.query(
      `SELECT s.id, s.name, s.provider, s.created_at,
              (SELECT count(*) FROM agent_run r WHERE r.session_id = s.id AND r.status IN ('CLAIMED', 'RUNNING')) AS in_flight,
              (SELECT max(r.updated_at) FROM agent_run r WHERE r.session_id = s.id) AS last_active,
              (SELECT json_agg(json_build_object('skill', ss.skill_id, 'proficiency', ss.proficiency))
                 FROM session_skill ss WHERE ss.session_id = s.id) AS skills
         FROM agent_session s
        WHERE s.project_id = $1 AND s.ended_at IS NULL
          AND s.last_heartbeat_at > now() - make_interval(secs => $2)
        ORDER BY s.created_at, s.id`,
      [projectId, SESSION_TIMEOUT_MS / 1000],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      provider: row.provider,
      createdAt: row.created_at,
      inFlight: Number(row.in_flight),
      lastActiveAt: row.last_active,
      skills: new Map((row.skills ?? []).map((entry) => [entry.skill, entry.proficiency])),
    }));
  }
}
