import { badInput, DomainError } from '../common/errors.js';
import { parsePublicIdOf, toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import type { AgentRunEntity } from '../run/run.entity.js';
import type { RunService } from '../run/run.service.js';
import { RunPurpose } from '../run/run.types.js';
import type { CommentService } from '../task/comment.service.js';
import { CommentAuthor, type TaskCommentEntity, TaskEntity } from '../task/task.entity.js';
import type { TaskService } from '../task/task.service.js';
import type { RunQueue } from './run-queue.js';
import { parseSubtaskDirective, type SubtaskDirective } from './subtask-directive.js';

export enum SubtaskOutcome {
  /** A child task of the run's task was created. */
  CHILD_TASK = 'CHILD_TASK',
  /** A REFINE run was queued to re-plan the plan. */
  REPLAN = 'REPLAN',
  /** The directive could not be used; a comment on the task says why. */
  COMMENT = 'COMMENT',
}

export interface SubtaskResult {
  readonly outcome: SubtaskOutcome;
  readonly task?: TaskEntity;
  readonly run?: AgentRunEntity;
  readonly comment?: TaskCommentEntity;
  /** Why the directive was not used (outcome COMMENT). */
  readonly problem?: string;
}

/**
 * A running agent's `MAESTRO:SUBTASK{…}` line, posted under its run's lease (DESIGN §5,
 * "Subtask directives"): a child task of the run's task, or with `"replan": true` a REFINE run
 * for the plan. A directive that cannot be used — bad JSON, a missing title, an unknown skill
 * or dependency, a plan that can no longer change — becomes a comment on the task saying why;
 * it is never an error of the call, and nothing else is written.
 */
export class SubtaskDirectives {
  constructor(
    private readonly transactions: Transactions,
    private readonly queue: RunQueue,
    private readonly runs: RunService,
    private readonly tasks: TaskService,
    private readonly comments: CommentService,
  ) {}

  async post(run: AgentRunEntity, leaseVersion: number, text: string): Promise<SubtaskResult> {
    if (!run.taskId || !run.planId) {
      throw badInput('runId', 'only a run working on a task can post a subtask directive');
    }
    const taskId = run.taskId;
    return this.transactions.run(async (tx) => {
      const held = await this.queue.underLease(tx, run, leaseVersion);
      const task = await tx.manager.findOneBy(TaskEntity, { id: taskId });
      if (!task) throw badInput('runId', "the run's task is gone");
      const parsed = parseSubtaskDirective(text);
      if (!parsed.ok) return this.reject(tx, held, task, text, parsed.problem);
      const { directive } = parsed;
      if (directive.replan) return this.replan(tx, held, directive);
      await tx.manager.query('SAVEPOINT subtask_directive');
      try {
        const child = await this.createChild(tx, task, directive);
        await tx.manager.query('RELEASE SAVEPOINT subtask_directive');
        return { outcome: SubtaskOutcome.CHILD_TASK, task: child };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await tx.manager.query('ROLLBACK TO SAVEPOINT subtask_directive');
        return this.reject(tx, held, task, text, error.message);
      }
    });
  }

  /** The child: in the parent's phase, inheriting its skills and proficiency unless given. */
  private async createChild(
    tx: Tx,
    parent: TaskEntity,
    directive: SubtaskDirective,
  ): Promise<TaskEntity> {
    const inherited: Array<{ skill_id: string }> = directive.skills
      ? []
      : await tx.manager.query('SELECT skill_id FROM task_skill WHERE task_id = $1', [parent.id]);
    const skills = directive.skills ?? inherited.map((row) => toPublicId('Skill', row.skill_id));
    return this.tasks.createIn(tx, parent.phaseId, {
      title: directive.title,
      description: directive.description,
      skills,
      requiredProficiency: directive.requiredProficiency ?? parent.requiredProficiency,
      estimateMinutes: directive.estimateMinutes,
      dependsOn: directive.dependsOn
        ? await this.dependencies(tx, parent.planId, directive.dependsOn)
        : undefined,
      canRunParallel: directive.canRunParallel,
      priority: directive.priority,
      type: directive.type,
      parentTaskId: parent.id,
    });
  }

  /** Tasks of the plan named by public id or by exact title (case aside). */
  private async dependencies(tx: Tx, planId: string, names: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string; title: string }> = await tx.manager.query(
      'SELECT id, title FROM task WHERE plan_id = $1',
      [planId],
    );
    return names.map((name) => {
      const byId = parsePublicIdOf('Task', name);
      const found = byId
        ? rows.find((row) => row.id === byId)
        : rows.filter((row) => row.title.trim().toLowerCase() === name.toLowerCase());
      if (Array.isArray(found)) {
        if (found.length === 1 && found[0]) return found[0].id;
        throw badInput(
          'dependsOn',
          found.length === 0
            ? `dependsOn: no task titled "${name}" in this plan`
            : `dependsOn: ${found.length} tasks are titled "${name}"; use the task's id`,
        );
      }
      if (!found) throw badInput('dependsOn', `dependsOn: no task ${name} in this plan`);
      return found.id;
    });
  }

  private async replan(
    tx: Tx,
    held: AgentRunEntity,
    directive: SubtaskDirective,
  ): Promise<SubtaskResult> {
    const refine = await this.runs.enqueue(tx, {
      projectId: held.projectId,
      planId: held.planId,
      taskId: null,
      purpose: RunPurpose.REFINE,
      instructions: {
        kind: 'replan',
        fromRunId: toPublicId('Run', held.id),
        fromTaskId: held.taskId ? toPublicId('Task', held.taskId) : null,
        directive: { ...directive },
      },
      dispatchReason: {
        rule: 'replan: a running agent asked for the plan to be refined',
        candidates: [],
        winner: null,
        explanation: `run ${toPublicId('Run', held.id)} posted a subtask directive with "replan": true; any session may claim the REFINE run`,
      },
    });
    return { outcome: SubtaskOutcome.REPLAN, run: refine };
  }

  private async reject(
    tx: Tx,
    held: AgentRunEntity,
    task: TaskEntity,
    text: string,
    problem: string,
  ): Promise<SubtaskResult> {
    const shown = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
    const comment = await this.comments.addIn(
      tx,
      task,
      { kind: CommentAuthor.SYSTEM, memberId: null },
      `A subtask directive from run ${toPublicId('Run', held.id)} was not used: ${problem}\n\n` +
        `The directive was:\n\n    ${shown.replace(/\n/g, '\n    ')}`,
    );
    return { outcome: SubtaskOutcome.COMMENT, comment, problem };
  }
}
