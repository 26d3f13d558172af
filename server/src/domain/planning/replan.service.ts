import type { EntityManager } from 'typeorm';
import { badInput, conflict, DomainError, ErrorCode } from '../common/errors.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import type { WorkHooks } from '../dispatch/work-hooks.js';
import type { EventLog } from '../events/event-log.service.js';
import { EDITABLE_PLAN_STATUSES, PlanStatus } from '../plan/plan-lifecycle.js';
import type { PlanEntity } from '../plan/plan.entity.js';
import type { PlanService } from '../plan/plan.service.js';
import type { SkillService } from '../skill/skill.service.js';
import { TaskStatus } from '../task/task-lifecycle.js';
import type { TaskService } from '../task/task.service.js';
import type { Proposal } from './proposal.js';
import { ProposalRejected } from './proposal-builder.js';
import { diffProposal, isEmptyDiff, type CurrentPlan, type PlanDiff } from './proposal-diff.js';
import { parseProposal } from './proposal-parser.js';
import {
  addedInDependencyOrder,
  currentPlanOf,
  fingerprintOf,
  inDependencyOrder,
  newTaskInput,
  removalOrder,
  taskCountOf,
  taskInputOf,
  type PlanSnapshot,
} from './replan-state.js';

/** The message a stale fingerprint is refused with. */
export const STALE_DIFF_MESSAGE =
  'the plan changed since this diff was computed; review the new diff';

/** A proposal read and checked, ready to diff or apply. */
export interface ParsedProposal {
  readonly proposal: Proposal;
  /** Skills it names that the workspace lacks. */
  readonly unknownSkills: readonly string[];
  readonly warnings: readonly string[];
}

export interface Preview {
  readonly diff: PlanDiff;
  readonly fingerprint: string;
  /** True when applying needs no fingerprint: the plan has no tasks yet. */
  readonly empty: boolean;
}

export interface ApplyOptions {
  /** The fingerprint of the diff the user confirmed; required unless the plan has no tasks. */
  readonly fingerprint?: string | undefined;
  readonly createMissingSkills: boolean;
  /** The PROPOSAL message the proposal came from, for the event. */
  readonly messageId?: string | undefined;
  /** Writes the audit entry, in the apply's transaction. */
  readonly audit: (manager: EntityManager, summary: ReplanSummary) => Promise<void>;
}

/** What an apply did, counted. */
export interface ReplanSummary {
  added: number;
  changed: number;
  /** Removed tasks deleted (a draft plan). */
  deleted: number;
  /** Removed tasks cancelled, with their open runs (an active or paused plan). */
  cancelled: number;
  blocked: number;
  phasesAdded: number;
  phasesChanged: number;
  phasesDeleted: number;
  /** Phases the proposal leaves out that keep cancelled tasks (history), so they stay. */
  phasesKept: number;
}

export interface Applied {
  readonly plan: PlanEntity;
  readonly diff: PlanDiff;
  /** The diff as confirmed: its fingerprint, and whether the plan had no tasks. */
  readonly preview: Preview;
  /** False: the proposal matches the plan and nothing was written. */
  readonly applied: boolean;
  readonly summary: ReplanSummary;
  readonly createdSkills: readonly string[];
}

/**
 * Re-planning (docs/planning.md, "Re-planning"): the diff between a plan and a proposal, its
 * fingerprint, and applying it in one transaction under the plan's lock. A plan without tasks
 * is built at once; any other needs the fingerprint of the diff the user confirmed, and is
 * refused when the plan changed since.
 */
export class ReplanService {
  constructor(
    private readonly plans: PlanService,
    private readonly tasks: TaskService,
    private readonly skills: SkillService,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
    /** The dispatcher: hands out what became ready once the re-plan is written. */
    private readonly hooks: Pick<WorkHooks, 'graphChanged'>,
  ) {}

  /** The plan as a proposal is compared with (cancelled tasks left out): the planner's view. */
  async current(plan: PlanEntity, workspaceId: string): Promise<CurrentPlan> {
    return currentPlanOf(await this.snapshot(plan.id, plan.status), await this.slugs(workspaceId));
  }

  /** Parses a proposal's text (JSON or a Markdown outline); throws ProposalRejected. */
  async parse(workspaceId: string, text: string): Promise<ParsedProposal> {
    const known = await this.skills.inWorkspace(workspaceId);
    return parseAgainst(new Set(known.map((skill) => skill.slug)), text);
  }

  /**
   * Reads the plan and the workspace's skills once, then parses and diffs any number of
   * proposals against them (a conversation's PROPOSAL messages, each with its diff). The
   * function throws ProposalRejected for a proposal that does not read.
   */
  async previewer(
    plan: PlanEntity,
    workspaceId: string,
  ): Promise<(text: string) => { parsed: ParsedProposal; preview: Preview }> {
    const [known, snapshot] = await Promise.all([
      this.skills.inWorkspace(workspaceId),
      this.snapshot(plan.id, plan.status),
    ]);
    const bySkill = new Map(known.map((skill) => [skill.id, skill.slug]));
    const slugs = new Set(bySkill.values());
    const current = currentPlanOf(snapshot, (skillId) => bySkill.get(skillId));
    return (text) => {
      const parsed = parseAgainst(slugs, text);
      return { parsed, preview: this.previewOf(plan.status, current, parsed.proposal) };
    };
  }

  /** The diff the proposal gives against the plan as it is now, and its fingerprint. */
  async preview(plan: PlanEntity, workspaceId: string, proposal: Proposal): Promise<Preview> {
    const slugOf = await this.slugs(workspaceId);
    const current = currentPlanOf(await this.snapshot(plan.id, plan.status), slugOf);
    return this.previewOf(plan.status, current, proposal);
  }

  async apply(
    plan: PlanEntity,
    workspaceId: string,
    parsed: ParsedProposal,
    options: ApplyOptions,
  ): Promise<Applied> {
    if (!EDITABLE_PLAN_STATUSES.has(plan.status)) {
      throw conflict(
        `the plan is ${plan.status}; its phases and tasks can no longer change`,
        'planId',
      );
    }
    if (parsed.unknownSkills.length > 0 && !options.createMissingSkills) {
      throw new DomainError(
        ErrorCode.BAD_USER_INPUT,
        `the proposal needs skills this workspace does not have: ${parsed.unknownSkills.join(', ')} (create them, or pass createMissingSkills: true)`,
        ['proposal'],
      );
    }
    // Checked before any skill is created, and again under the lock.
    await this.preview(plan, workspaceId, parsed.proposal).then((seen) =>
      this.checkFingerprint(seen, options.fingerprint),
    );
    const createdSkills: string[] = [];
    for (const slug of parsed.unknownSkills) {
      await this.skills.create(workspaceId, { name: slug, slug });
      createdSkills.push(slug);
    }
    const slugOf = await this.slugs(workspaceId);
    return this.transactions.run(async (tx) => {
      const locked = await this.plans.lockEditableIn(tx, plan.id);
      const snapshot = await this.snapshot(plan.id, locked.status, tx.manager);
      const current = currentPlanOf(snapshot, slugOf);
      const seen = this.previewOf(locked.status, current, parsed.proposal);
      this.checkFingerprint(seen, options.fingerprint);
      const { diff } = seen;
      const summary = emptySummary(diff);
      if (isEmptyDiff(diff)) {
        return { plan: locked, diff, preview: seen, applied: false, summary, createdSkills };
      }
      await this.write(tx, locked, parsed.proposal, diff, snapshot, summary);
      const saved = await this.plans.recordProposalIn(
        tx,
        plan.id,
        parsed.proposal as unknown as Record<string, unknown>,
      );
      await this.events.append(tx, plan.projectId, 'PlanReplanned', {
        planId: toPublicId('Plan', plan.id),
        ...(options.messageId ? { messageId: toPublicId('PlanMessage', options.messageId) } : {}),
        ...summary,
      });
      await options.audit(tx.manager, summary);
      // What the re-plan made ready (a cancelled sibling, a new task) enters the DAG.
      await this.hooks.graphChanged(tx, plan.id);
      return { plan: saved, diff, preview: seen, applied: true, summary, createdSkills };
    });
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * The diff, written: phases first (new ones placed after the phase the proposal puts before
   * them), then added tasks and changed tasks in dependency order, moves, removals (deleted in
   * a draft, cancelled with their runs otherwise), and last the phases left empty.
   */
  private async write(
    tx: Tx,
    plan: PlanEntity,
    proposal: Proposal,
    diff: PlanDiff,
    snapshot: PlanSnapshot,
    summary: ReplanSummary,
  ): Promise<void> {
    const phaseIds = new Map(Object.entries(diff.phaseIds));
    for (const added of diff.phases.added) {
      const before = proposal.phases[added.position - 1];
      const ordered = await this.plans.phasesOf([plan.id], tx.manager);
      const after = before
        ? ordered.findIndex((phase) => phase.id === phaseIds.get(before.key))
        : -1;
      const phase = proposal.phases[added.position];
      const created = await this.plans.createPhaseIn(tx, plan.id, {
        name: added.name,
        key: added.key,
        description: phase?.description ?? '',
        position: after + 1,
      });
      phaseIds.set(added.key, created.id);
    }
    const phaseEdits = new Map<string, { name?: string; description?: string; key?: string }>();
    // a phase matched by name or by its tasks takes the proposal's key, to be matched by it next time
    const phaseKeys = new Map(snapshot.phases.map((phase) => [phase.id, phase.key]));
    for (const [key, phaseId] of Object.entries(diff.phaseIds)) {
      if (phaseKeys.get(phaseId) !== key) phaseEdits.set(phaseId, { key });
    }
    for (const renamed of diff.phases.renamed) {
      phaseEdits.set(renamed.phaseId, { ...phaseEdits.get(renamed.phaseId), name: renamed.to });
    }
    for (const changed of diff.phases.changed) {
      phaseEdits.set(changed.phaseId, {
        ...phaseEdits.get(changed.phaseId),
        description: changed.to,
      });
    }
    for (const [phaseId, input] of phaseEdits) await this.plans.updatePhaseIn(tx, phaseId, input);

    const taskIds = new Map(Object.entries(diff.taskIds));
    const idOf = (key: string) => {
      const id = taskIds.get(key);
      if (!id) throw new Error(`re-plan: task "${key}" has no id yet`);
      return id;
    };
    for (const task of addedInDependencyOrder(proposal, diff.added)) {
      const created = await this.tasks.createIn(
        tx,
        phaseIds.get(task.phaseKey) as string,
        newTaskInput(task, task.dependsOn.map(idOf)),
      );
      taskIds.set(task.key, created.id);
    }

    const changes = new Map(diff.changed.map((change) => [change.key, change]));
    const phaseKeyOf = new Map(
      proposal.phases.flatMap((phase) => phase.tasks.map((task) => [task.key, phase.key] as const)),
    );
    const taskKeys = new Map(snapshot.tasks.map((task) => [task.id, task.key]));
    const moves: Array<{ taskId: string; phaseId: string }> = [];
    for (const task of inDependencyOrder(proposal)) {
      const change = changes.get(task.key);
      const matched = diff.taskIds[task.key];
      // a task matched by title takes the proposal's key, to be matched by it next time
      const key = matched && taskKeys.get(matched) !== task.key ? { key: task.key } : {};
      if (!change) {
        if (matched && 'key' in key) await this.tasks.updateIn(tx, matched, key);
        continue;
      }
      const fields = new Set(change.fields.map((field) => field.field));
      await this.tasks.updateIn(tx, change.taskId, {
        ...taskInputOf(change.fields, task),
        ...key,
        ...(fields.has('dependsOn') ? { dependsOn: task.dependsOn.map(idOf) } : {}),
      });
      if (fields.has('phase')) {
        moves.push({
          taskId: change.taskId,
          phaseId: phaseIds.get(phaseKeyOf.get(task.key) as string) as string,
        });
      }
    }
    for (const move of moves) {
      // to the end of its new phase
      await this.tasks.moveIn(tx, move.taskId, { phaseId: move.phaseId, position: 100_000 });
    }

    const removed = diff.removed.map((task) => task.taskId);
    if (plan.status === PlanStatus.DRAFT) {
      for (const taskId of removalOrder(removed, snapshot.dependencies)) {
        await this.tasks.deleteIn(tx, taskId);
        summary.deleted++;
      }
    } else {
      for (const taskId of removed) {
        // the task's queued and claimed runs are cancelled with it (the dispatcher's hook)
        await this.tasks.setStatusIn(
          tx,
          taskId,
          TaskStatus.CANCELLED,
          'user',
          'removed by a re-plan',
        );
        summary.cancelled++;
      }
    }
    for (const phase of diff.phases.removed) {
      if ((await this.tasks.ofPhases([phase.phaseId], tx.manager)).length === 0) {
        await this.plans.deletePhaseIn(tx, phase.phaseId);
        summary.phasesDeleted++;
      } else summary.phasesKept++;
    }
  }

  // ---- reading ----------------------------------------------------------------------------

  private previewOf(planStatus: string, current: CurrentPlan, proposal: Proposal): Preview {
    return {
      diff: diffProposal(current, proposal),
      fingerprint: fingerprintOf(planStatus, current, proposal),
      empty: taskCountOf(current) === 0,
    };
  }

  private checkFingerprint(seen: Preview, fingerprint: string | undefined): void {
    if (fingerprint === undefined || fingerprint === '') {
      if (seen.empty) return;
      throw badInput(
        'fingerprint',
        'fingerprint is required: the plan has tasks; show the diff (proposalDiff) and pass its fingerprint to confirm it',
      );
    }
    if (fingerprint !== seen.fingerprint) throw conflict(STALE_DIFF_MESSAGE, 'fingerprint');
  }

  private async snapshot(
    planId: string,
    status: string,
    manager?: EntityManager,
  ): Promise<PlanSnapshot> {
    const phases = await this.plans.phasesOf([planId], manager);
    const tasks = await this.tasks.ofPhases(
      phases.map((phase) => phase.id),
      manager,
    );
    const ids = tasks.map((task) => task.id);
    return {
      status,
      phases,
      tasks,
      skills: ids.length ? await this.tasks.skillsOf(ids, manager) : [],
      dependencies: ids.length ? await this.tasks.dependenciesOf(ids, manager) : [],
    };
  }

  /** Skill id → slug in the workspace, read before a transaction (skills are workspace-wide). */
  private async slugs(workspaceId: string): Promise<(skillId: string) => string | undefined> {
    const skills = await this.skills.inWorkspace(workspaceId);
    const bySkill = new Map(skills.map((skill) => [skill.id, skill.slug]));
    return (skillId) => bySkill.get(skillId);
  }
}

function checkLength(text: string): void {
  if (text.trim() === '') throw new ProposalRejected([{ message: 'the proposal is empty' }]);
  if (text.length > 200_000) {
    throw new ProposalRejected([{ message: 'the proposal is longer than 200,000 characters' }]);
  }
}

function parseAgainst(knownSkills: ReadonlySet<string>, text: string): ParsedProposal {
  checkLength(text);
  const parsed = parseProposal(text, { knownSkills });
  if (!parsed.ok) throw new ProposalRejected(parsed.errors);
  return {
    proposal: parsed.proposal,
    unknownSkills: parsed.unknownSkills,
    warnings: parsed.warnings,
  };
}

function emptySummary(diff: PlanDiff): ReplanSummary {
  return {
    added: diff.added.length,
    changed: diff.changed.length,
    deleted: 0,
    cancelled: 0,
    blocked: diff.blocked.length,
    phasesAdded: diff.phases.added.length,
    phasesChanged: new Set([
      ...diff.phases.renamed.map((phase) => phase.phaseId),
      ...diff.phases.changed.map((phase) => phase.phaseId),
    ]).size,
    phasesDeleted: 0,
    phasesKept: 0,
  };
}
