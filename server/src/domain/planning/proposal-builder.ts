import type { Tx } from '../common/transactions.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { PlanEntity } from '../plan/plan.entity.js';
import type { PlanService } from '../plan/plan.service.js';
import type { SkillService } from '../skill/skill.service.js';
import type { TaskService } from '../task/task.service.js';
import { formatProposalError, type Proposal, type ProposalError } from './proposal.js';
import { parseProposal } from './proposal-parser.js';
import { inDependencyOrder, newTaskInput } from './replan-state.js';

/** A proposal that cannot be built: every error, each naming its line or field. */
export class ProposalRejected extends DomainError {
  constructor(readonly errors: readonly ProposalError[]) {
    super(
      ErrorCode.BAD_USER_INPUT,
      `the proposal has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors
        .slice(0, 3)
        .map(formatProposalError)
        .join('; ')}`,
      ['proposal'],
    );
  }
}

export interface BuiltPlan {
  readonly plan: PlanEntity;
  /** Skills the proposal named that the workspace did not have (created when asked to). */
  readonly unknownSkills: readonly string[];
  readonly createdSkills: readonly string[];
  readonly warnings: readonly string[];
}

export interface BuildOptions {
  /** Create the skills the workspace lacks (by slug) instead of refusing the proposal. */
  readonly createMissingSkills: boolean;
}

/**
 * Builds a draft plan from a proposal's text (JSON or a Markdown outline, docs/planning.md):
 * parsed first — nothing is written when it has errors — then the plan, its phases and its
 * tasks in one transaction, tasks in dependency order so each one's dependencies exist. The
 * parsed proposal is kept on the plan (`proposedPlan`).
 */
export class ProposalBuilder {
  constructor(
    private readonly plans: PlanService,
    private readonly tasks: TaskService,
    private readonly skills: SkillService,
  ) {}

  /** Parses and checks the skills; throws ProposalRejected or a BAD_USER_INPUT naming them. */
  async prepare(
    workspaceId: string,
    text: string,
    options: BuildOptions,
  ): Promise<{
    proposal: Proposal;
    unknownSkills: string[];
    created: string[];
    warnings: string[];
  }> {
    if (text.trim() === '') throw new ProposalRejected([{ message: 'the proposal is empty' }]);
    if (text.length > 200_000) {
      throw new ProposalRejected([{ message: 'the proposal is longer than 200,000 characters' }]);
    }
    const known = await this.skills.inWorkspace(workspaceId);
    const parsed = parseProposal(text, { knownSkills: new Set(known.map((skill) => skill.slug)) });
    if (!parsed.ok) throw new ProposalRejected(parsed.errors);
    const created: string[] = [];
    if (parsed.unknownSkills.length > 0) {
      if (!options.createMissingSkills) {
        throw new DomainError(
          ErrorCode.BAD_USER_INPUT,
          `the proposal needs skills this workspace does not have: ${parsed.unknownSkills.join(', ')} (create them, or pass createMissingSkills: true)`,
          ['proposal'],
        );
      }
      for (const slug of parsed.unknownSkills) {
        await this.skills.create(workspaceId, { name: slug, slug });
        created.push(slug);
      }
    }
    return {
      proposal: parsed.proposal,
      unknownSkills: [...parsed.unknownSkills],
      created,
      warnings: [...parsed.warnings],
    };
  }

  /** The plan, its phases and tasks, in the caller's transaction. */
  async build(tx: Tx, projectId: string, proposal: Proposal, name?: string): Promise<PlanEntity> {
    const plan = await this.plans.createIn(tx, projectId, {
      name: (name ?? proposal.title ?? 'Proposed plan').slice(0, 120),
      description: proposal.summary ?? '',
      proposedPlan: proposal as unknown as Record<string, unknown>,
    });
    const phaseOf = new Map<string, string>();
    for (const phase of proposal.phases) {
      const created = await this.plans.createPhaseIn(tx, plan.id, {
        name: phase.name,
        key: phase.key,
        description: phase.description ?? '',
      });
      for (const task of phase.tasks) phaseOf.set(task.key, created.id);
    }
    const ids = new Map<string, string>();
    for (const task of inDependencyOrder(proposal)) {
      const created = await this.tasks.createIn(
        tx,
        phaseOf.get(task.key) as string,
        newTaskInput(
          task,
          task.dependsOn.map((key) => ids.get(key) as string),
        ),
      );
      ids.set(task.key, created.id);
    }
    return plan;
  }
}
