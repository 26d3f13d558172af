import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Page, PageRequest } from '../../db/pagination.js';
import { conflict, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import type { TransitionBy } from '../common/lifecycle.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import { requireInteger, requireName, requireText, slugify } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import {
  PhaseEntity,
  PlanEntity,
  type PlanMessageAuthor,
  PlanMessageEntity,
  type PlanMessageKind,
  type PlanConversationEntity,
} from './plan.entity.js';
import { PLAN_LIFECYCLE, PlanStatus } from './plan-lifecycle.js';
import type { WorkHooks } from '../dispatch/work-hooks.js';
import type { PlanLocks } from './plan-locks.js';
import type { PhaseRepository, PlanRepository } from './plan.repository.js';
import { insertItem, moveItem } from './ordering.js';

export interface PlanInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
}

export interface PhaseInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  /** The phase's proposal key (re-planning); null clears it. */
  readonly key?: string | null | undefined;
}

/** Statuses in which a plan may be deleted (nothing of it runs). */
const DELETABLE = new Set([PlanStatus.DRAFT, PlanStatus.CANCELLED, PlanStatus.ARCHIVED]);

/** Checks that ask about a plan's tasks, answered by the task service. */
export interface PlanTaskChecks {
  unfinishedTaskCount(manager: EntityManager, planId: string): Promise<number>;
  taskCount(manager: EntityManager, planId: string): Promise<number>;
}

export class PlanService {
  constructor(
    private readonly plans: PlanRepository,
    private readonly phases: PhaseRepository,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
    private readonly tasks: PlanTaskChecks,
    private readonly locks: PlanLocks,
    /** The dispatcher: the work that follows a change, in the change's transaction. */
    private readonly hooks: WorkHooks,
  ) {}

  get(id: string): Promise<PlanEntity | undefined> {
    return this.plans.findById(id);
  }

  getMany(ids: readonly string[]): Promise<PlanEntity[]> {
    return this.plans.findByIds(ids);
  }

  listInProject(
    projectId: string,
    statuses: readonly PlanStatus[] | undefined,
    request: PageRequest,
  ): Promise<Page<PlanEntity>> {
    return this.plans.pageInProject(projectId, statuses, request);
  }

  countInProject(projectId: string, statuses: readonly PlanStatus[] | undefined): Promise<number> {
    return this.plans.countInProject(projectId, statuses);
  }

  async create(projectId: string, input: PlanInput & { name: string }): Promise<PlanEntity> {
    const plan = this.newPlan(projectId, input);
    return this.transactions.run((tx) => this.insertPlan(tx, plan));
  }

  private newPlan(projectId: string, input: PlanInput & { name: string }): PlanEntity {
    return Object.assign(new PlanEntity(), {
      id: uuidv7(),
      projectId,
      name: requireName('name', input.name, 120),
      description: requireText('description', input.description ?? ''),
      status: PlanStatus.DRAFT,
      branch: null,
      epicBootstrappedAt: null,
      releasedAt: null,
      releaseSummary: null,
      releaseRequestedAt: null,
      releasePrUrl: null,
      releaseError: null,
      proposedPlan: null,
      statusChangedAt: new Date(),
    });
  }

  /** create() in the caller's transaction, keeping the proposal it came from. */
  async createIn(
    tx: Tx,
    projectId: string,
    input: PlanInput & { name: string; proposedPlan?: Record<string, unknown> | null },
  ): Promise<PlanEntity> {
    const plan = this.newPlan(projectId, input);
    plan.proposedPlan = input.proposedPlan ?? null;
    return this.insertPlan(tx, plan);
  }

  /** Locks a plan whose phases and tasks may still change, for the rest of the caller's transaction. */
  lockEditableIn(tx: Tx, planId: string): Promise<PlanEntity> {
    return this.lockEditable(tx, planId);
  }

  /** Keeps the proposal a re-plan applied on the plan (`proposedPlan`), in the caller's transaction. */
  async recordProposalIn(
    tx: Tx,
    planId: string,
    proposal: Record<string, unknown>,
  ): Promise<PlanEntity> {
    const plan = await this.lockEditable(tx, planId);
    plan.proposedPlan = proposal;
    return this.plans.update(tx.manager, plan);
  }

  private async insertPlan(tx: Tx, plan: PlanEntity): Promise<PlanEntity> {
    const created = await this.plans.insert(tx.manager, plan);
    await this.plans.createConversation(tx.manager, created.id, uuidv7());
    await this.events.append(tx, plan.projectId, 'PlanCreated', {
      planId: toPublicId('Plan', created.id),
      name: created.name,
      status: created.status,
    });
    return created;
  }

  async update(planId: string, input: PlanInput): Promise<PlanEntity> {
    return this.transactions.run(async (tx) => {
      const plan = await this.lockEditable(tx, planId);
      const changed: string[] = [];
      if (input.name !== undefined) {
        plan.name = requireName('name', input.name, 120);
        changed.push('name');
      }
      if (input.description !== undefined) {
        plan.description = requireText('description', input.description);
        changed.push('description');
      }
      const saved = await this.plans.update(tx.manager, plan);
      await this.events.append(tx, plan.projectId, 'PlanUpdated', {
        planId: toPublicId('Plan', plan.id),
        changed,
      });
      return saved;
    });
  }

  async delete(planId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const plan = await this.lockPlan(tx, planId);
      if (!DELETABLE.has(plan.status)) {
        throw conflict(`a ${plan.status} plan cannot be deleted; cancel it first`, 'planId');
      }
      await this.plans.delete(tx.manager, plan.id);
      await this.events.append(tx, plan.projectId, 'PlanDeleted', {
        planId: toPublicId('Plan', plan.id),
      });
    });
  }

  /**
   * Moves a plan through its lifecycle. Activation needs at least one task and pins the epic
   * branch `epic/<slug>-<6 random>` (kept across re-plans); completion needs every task merged,
   * completed or cancelled.
   */
  async setStatus(
    planId: string,
    to: PlanStatus,
    by: TransitionBy,
    reason?: string,
  ): Promise<PlanEntity> {
    return this.transactions.run((tx) => this.setStatusIn(tx, planId, to, by, reason));
  }

  /** setStatus in the caller's transaction; `patch` records a release with the move. */
  async setStatusIn(
    tx: Tx,
    planId: string,
    to: PlanStatus,
    by: TransitionBy,
    reason?: string,
    patch: Partial<Pick<PlanEntity, 'releasedAt' | 'releaseSummary'>> = {},
  ): Promise<PlanEntity> {
    const plan = await this.lockPlan(tx, planId);
    const from = plan.status;
    PLAN_LIFECYCLE.assert(from, to, by);
    if (to === PlanStatus.ACTIVE && from === PlanStatus.DRAFT) {
      if ((await this.tasks.taskCount(tx.manager, plan.id)) === 0) {
        throw conflict('a plan needs at least one task before it can be activated', 'status');
      }
      plan.branch ??= epicBranch(plan.name);
    }
    if (to === PlanStatus.COMPLETED) {
      const open = await this.tasks.unfinishedTaskCount(tx.manager, plan.id);
      if (open > 0)
        throw conflict(`${open} task(s) are not merged, completed or cancelled`, 'status');
    }
    plan.status = to;
    plan.statusChangedAt = new Date();
    Object.assign(plan, patch);
    const saved = await this.plans.update(tx.manager, plan);
    await this.events.append(tx, plan.projectId, 'PlanStatusChanged', {
      planId: toPublicId('Plan', plan.id),
      from,
      to,
      ...(reason ? { reason: requireText('reason', reason, 2000) } : {}),
      ...(plan.branch ? { branch: plan.branch } : {}),
    });
    await this.hooks.planStatusChanged(tx, plan, from, to);
    return saved;
  }

  conversationsOf(planIds: readonly string[]): Promise<PlanConversationEntity[]> {
    return this.plans.conversationsOf(planIds);
  }

  conversationsById(ids: readonly string[]): Promise<PlanConversationEntity[]> {
    return this.plans.conversationsById(ids);
  }

  async planOfConversation(conversationId: string): Promise<string | undefined> {
    return (await this.plans.findConversation(conversationId))?.planId;
  }

  messages(conversationId: string, request: PageRequest): Promise<Page<PlanMessageEntity>> {
    return this.plans.messagesPage(conversationId, request);
  }

  countMessages(conversationId: string): Promise<number> {
    return this.plans.countMessages(conversationId);
  }

  getMessages(ids: readonly string[]): Promise<PlanMessageEntity[]> {
    return this.plans.findMessagesByIds(ids);
  }

  /** Records a message in the plan's conversation and announces it (PlanMessagePosted). */
  async postMessage(
    planId: string,
    message: {
      kind: PlanMessageKind;
      author: PlanMessageAuthor;
      body: string;
      proposal?: Record<string, unknown>;
    },
  ): Promise<PlanMessageEntity> {
    return this.transactions.run(async (tx) => {
      const plan = await this.lockPlan(tx, planId);
      const [conversation] = await this.plans.conversationsOf([plan.id], tx.manager);
      if (!conversation) throw new Error(`plan ${plan.id} has no conversation`);
      const saved = await this.plans.insertMessage(
        tx.manager,
        Object.assign(new PlanMessageEntity(), {
          id: uuidv7(),
          conversationId: conversation.id,
          kind: message.kind,
          author: message.author,
          body: requireText('body', message.body, 100_000),
          proposal: message.proposal ?? null,
        }),
      );
      await this.events.append(tx, plan.projectId, 'PlanMessagePosted', {
        planId: toPublicId('Plan', plan.id),
        messageId: toPublicId('PlanMessage', saved.id),
        kind: saved.kind,
        author: saved.author,
      });
      return saved;
    });
  }

  // ---- phases ---------------------------------------------------------------------------

  getPhase(id: string): Promise<PhaseEntity | undefined> {
    return this.phases.findById(id);
  }

  getPhases(ids: readonly string[]): Promise<PhaseEntity[]> {
    return this.phases.findByIds(ids);
  }

  phasesOf(planIds: readonly string[], manager?: EntityManager): Promise<PhaseEntity[]> {
    return this.phases.ofPlans(planIds, manager);
  }

  async createPhase(
    planId: string,
    input: PhaseInput & { name: string; position?: number | undefined },
  ): Promise<PhaseEntity> {
    return this.transactions.run((tx) => this.createPhaseIn(tx, planId, input));
  }

  /** createPhase() in the caller's transaction. */
  async createPhaseIn(
    tx: Tx,
    planId: string,
    input: PhaseInput & { name: string; position?: number | undefined },
  ): Promise<PhaseEntity> {
    const plan = await this.lockEditable(tx, planId);
    const siblings = await this.phases.ofPlans([plan.id], tx.manager);
    const position =
      input.position === undefined
        ? undefined
        : requireInteger('position', input.position, 0, 10_000);
    const phase = Object.assign(new PhaseEntity(), {
      id: uuidv7(),
      planId: plan.id,
      name: requireName('name', input.name, 120),
      key: input.key ?? null,
      description: requireText('description', input.description ?? ''),
      position: siblings.length,
    });
    const created = await this.phases.insert(tx.manager, phase);
    await this.phases.renumber(tx.manager, insertItem(siblings, created, position));
    await this.events.append(tx, plan.projectId, 'PhaseCreated', {
      planId: toPublicId('Plan', plan.id),
      phaseId: toPublicId('Phase', created.id),
      name: created.name,
      position: created.position,
    });
    return created;
  }

  async updatePhase(phaseId: string, input: PhaseInput): Promise<PhaseEntity> {
    return this.transactions.run((tx) => this.updatePhaseIn(tx, phaseId, input));
  }

  /** updatePhase() in the caller's transaction. */
  async updatePhaseIn(tx: Tx, phaseId: string, input: PhaseInput): Promise<PhaseEntity> {
    const { plan, phase } = await this.lockPhase(tx, phaseId);
    const changed: string[] = [];
    if (input.name !== undefined) {
      phase.name = requireName('name', input.name, 120);
      changed.push('name');
    }
    if (input.description !== undefined) {
      phase.description = requireText('description', input.description);
      changed.push('description');
    }
    if (input.key !== undefined) {
      phase.key = input.key;
      changed.push('key');
    }
    const saved = await this.phases.update(tx.manager, phase);
    await this.events.append(tx, plan.projectId, 'PhaseUpdated', {
      phaseId: toPublicId('Phase', phase.id),
      changed,
    });
    return saved;
  }

  /** Moves a phase to `position` (0 = first; past the end = last) and renumbers the rest. */
  async movePhase(phaseId: string, position: number): Promise<PhaseEntity> {
    const to = requireInteger('position', position, 0, 10_000);
    return this.transactions.run(async (tx) => {
      const { plan, phase } = await this.lockPhase(tx, phaseId);
      const siblings = await this.phases.ofPlans([plan.id], tx.manager);
      const from = siblings.findIndex((sibling) => sibling.id === phase.id);
      const ordered = moveItem(siblings, from, to);
      await this.phases.renumber(tx.manager, ordered);
      const moved = ordered.find((sibling) => sibling.id === phase.id) as PhaseEntity;
      await this.events.append(tx, plan.projectId, 'PhaseMoved', {
        phaseId: toPublicId('Phase', phase.id),
        from,
        to: moved.position,
      });
      return moved;
    });
  }

  async deletePhase(phaseId: string): Promise<void> {
    await this.transactions.run((tx) => this.deletePhaseIn(tx, phaseId));
  }

  /** deletePhase() in the caller's transaction. */
  async deletePhaseIn(tx: Tx, phaseId: string): Promise<void> {
    const { plan, phase } = await this.lockPhase(tx, phaseId);
    const tasks = await this.phases.taskCount(phase.id, tx.manager);
    if (tasks > 0) {
      throw conflict(`the phase has ${tasks} task(s); move or delete them first`, 'phaseId');
    }
    await this.phases.delete(tx.manager, phase.id);
    const rest = (await this.phases.ofPlans([plan.id], tx.manager)).filter(
      (p) => p.id !== phase.id,
    );
    await this.phases.renumber(tx.manager, rest);
    await this.events.append(tx, plan.projectId, 'PhaseDeleted', {
      phaseId: toPublicId('Phase', phase.id),
      planId: toPublicId('Plan', plan.id),
    });
  }

  // ---- locking ----------------------------------------------------------------------------

  private lockPlan(tx: Tx, planId: string): Promise<PlanEntity> {
    return this.locks.lock(tx, planId);
  }

  private lockEditable(tx: Tx, planId: string): Promise<PlanEntity> {
    return this.locks.lockEditable(tx, planId);
  }

  private async lockPhase(
    tx: Tx,
    phaseId: string,
  ): Promise<{ plan: PlanEntity; phase: PhaseEntity }> {
    const found = await this.phases.findById(phaseId, tx.manager);
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, 'phaseId: no such phase', ['phaseId']);
    const plan = await this.lockEditable(tx, found.planId);
    const phase = await this.phases.findById(phaseId, tx.manager);
    if (!phase) throw new DomainError(ErrorCode.NOT_FOUND, 'phaseId: no such phase', ['phaseId']);
    return { plan, phase };
  }
}

/** `epic/<plan slug>-<6 random lower-case letters and digits>`. */
export function epicBranch(planName: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(6)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `epic/${(slugify(planName) || 'plan').slice(0, 40).replace(/-+$/, '')}-${suffix}`;
}
