import type { EntityManager } from 'typeorm';
import { conflict } from '../common/errors.js';
import { toPublicId } from '../common/public-id.js';
import type { Tx } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import type { DispatchReason } from '../run/run.entity.js';
import type { RunService } from '../run/run.service.js';
import { RunPurpose } from '../run/run.types.js';
import { SESSION_TIMEOUT_MS } from '../session/session.service.js';
import { TASK_LIFECYCLE, TaskStatus } from '../task/task-lifecycle.js';

/** The rule every dispatchReason names (docs/dispatch.md, "Skill matching"). */
export const SCORING_RULE =
  'eligible: alive and holding every task skill at ≥ its required proficiency; ' +
  'score: the mean proficiency over the task skills (0 without skills); ' +
  'idle sessions first, then highest score, then the longest idle, then the oldest session';

/** A session as the dispatcher weighs it. */
export interface Candidate {
  readonly id: string;
  readonly name: string;
  /** Runs it holds now (CLAIMED or RUNNING). */
  readonly inFlight: number;
  /** When it last claimed a run (null: never). */
  readonly lastClaimAt: Date | null;
  readonly createdAt: Date;
  /** Its proficiency per skill id. */
  readonly skills: ReadonlyMap<string, number>;
}

export interface TaskNeeds {
  readonly skillIds: readonly string[];
  readonly requiredProficiency: number;
}

/**
 * Weighs candidates for a task by SCORING_RULE. Returns the winner (an idle eligible session;
 * undefined when there is none, and the run stays open to any eligible session) and the
 * reason, with every candidate, its score and why it lost.
 */
export function chooseSession(
  candidates: readonly Candidate[],
  needs: TaskNeeds,
): { winner: Candidate | undefined; reason: DispatchReason } {
  const weighed = candidates.map((candidate) => {
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
  const ranked = weighed
    .filter((entry) => entry.score !== null && entry.candidate.inFlight === 0)
    .sort(
      (a, b) =>
        (b.score ?? 0) - (a.score ?? 0) ||
        (a.candidate.lastClaimAt?.getTime() ?? 0) - (b.candidate.lastClaimAt?.getTime() ?? 0) ||
        a.candidate.createdAt.getTime() - b.candidate.createdAt.getTime() ||
        a.candidate.id.localeCompare(b.candidate.id),
    );
  const winner = ranked[0]?.candidate;
  const noteOf = (entry: (typeof weighed)[number]): string => {
    if (entry.score === null) {
      return `lacks ${entry.missing.length} skill(s) at proficiency ${needs.requiredProficiency}`;
    }
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
 * Turns ready tasks into runs (DESIGN §4: a task is ready when its plan is active, it is DRAFT,
 * and every dependency is MERGED or COMPLETED). Called in the transaction that made tasks
 * ready — a plan's activation or resumption, a task's resolution — under the plan's row lock,
 * so two resolutions committing together cannot both miss a dependent. A task that may not
 * run in parallel waits while a sibling (same phase and parent) is in flight, and its siblings
 * wait while it is. A task assigned to a member is left for them to accept (acceptTask).
 */
/** Locks a plan's row for the rest of the transaction: dispatch decisions are serialized. */
async function lockPlan(
  manager: EntityManager,
  planId: string,
): Promise<{ project_id: string; status: string } | undefined> {
  const rows: { project_id: string; status: string }[] = await manager.query(
    'SELECT project_id, status FROM plan WHERE id = $1 FOR UPDATE',
    [planId],
  );
  return rows[0];
}

export class Dispatcher {
  constructor(
    private readonly events: EventLog,
    private readonly runs: RunService,
  ) {}

  async dispatchReady(tx: Tx, planId: string): Promise<number> {
    const manager = tx.manager;
    const plan = await lockPlan(manager, planId);
    if (!plan || plan.status !== 'ACTIVE') return 0;
    const ready = await this.readyTasks(manager, planId);
    if (ready.length === 0) return 0;
    const candidates = await this.candidates(manager, plan.project_id);
    let dispatched = 0;
    for (const task of ready) {
      const { winner, reason } = chooseSession(candidates, {
        skillIds: task.skill_ids,
        requiredProficiency: task.required_proficiency,
      });
      await this.markDispatched(tx, plan.project_id, task.id);
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
        const index = candidates.indexOf(winner);
        candidates[index] = { ...winner, inFlight: winner.inFlight + 1 };
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
    await this.markDispatched(tx, plan.project_id, task.id, `accepted by ${memberName}`);
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

  /** Ready tasks in plan order, minus those held back by a sequential sibling. */
  /** DRAFT → DISPATCHED (a system transition), with its TaskStatusChanged event. */
  private async markDispatched(
    tx: Tx,
    projectId: string,
    taskId: string,
    reason?: string,
  ): Promise<void> {
    TASK_LIFECYCLE.assert(TaskStatus.DRAFT, TaskStatus.DISPATCHED, 'system');
    await tx.manager.query(
      `UPDATE task SET status = 'DISPATCHED', status_changed_at = now(), updated_at = now() WHERE id = $1`,
      [taskId],
    );
    await this.events.append(tx, projectId, 'TaskStatusChanged', {
      taskId: toPublicId('Task', taskId),
      from: TaskStatus.DRAFT,
      to: TaskStatus.DISPATCHED,
      ...(reason ? { reason } : {}),
    });
  }

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

  /** The project's live sessions with their skills, in-flight runs and last claim. */
  private async candidates(manager: EntityManager, projectId: string): Promise<Candidate[]> {
    const rows: {
      id: string;
      name: string;
      created_at: Date;
      in_flight: string;
      last_claim: Date | null;
      skills: Array<{ skill: string; proficiency: number }> | null;
    }[] = await manager.query(
      `SELECT s.id, s.name, s.created_at,
              (SELECT count(*) FROM agent_run r WHERE r.session_id = s.id AND r.status IN ('CLAIMED', 'RUNNING')) AS in_flight,
              (SELECT max(r.updated_at) FROM agent_run r WHERE r.session_id = s.id) AS last_claim,
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
      createdAt: row.created_at,
      inFlight: Number(row.in_flight),
      lastClaimAt: row.last_claim,
      skills: new Map((row.skills ?? []).map((entry) => [entry.skill, entry.proficiency])),
    }));
  }
}
