import { conflict, DomainError, ErrorCode } from '../common/errors.js';
import type { Tx } from '../common/transactions.js';
import type { PlanEntity } from './plan.entity.js';
import { EDITABLE_PLAN_STATUSES } from './plan-lifecycle.js';
import type { PlanRepository } from './plan.repository.js';

/**
 * Locks a plan's row for the rest of a transaction. Structural edits of one plan (phases,
 * tasks, dependencies, status) take it first, so they serialize and checks such as cycle
 * detection see a stable graph.
 */
export class PlanLocks {
  constructor(private readonly plans: PlanRepository) {}

  async lock(tx: Tx, planId: string): Promise<PlanEntity> {
    const plan = await this.plans.lock(tx.manager, planId);
    if (!plan) throw new DomainError(ErrorCode.NOT_FOUND, 'planId: no such plan', ['planId']);
    return plan;
  }

  /** Locks a plan whose structure may still change (draft, active or paused). */
  async lockEditable(tx: Tx, planId: string): Promise<PlanEntity> {
    const plan = await this.lock(tx, planId);
    if (!EDITABLE_PLAN_STATUSES.has(plan.status)) {
      throw conflict(
        `the plan is ${plan.status}; its phases and tasks can no longer change`,
        'planId',
      );
    }
    return plan;
  }
}
