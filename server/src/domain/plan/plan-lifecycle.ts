import { Lifecycle } from '../common/lifecycle.js';

export enum PlanStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  COMPLETED = 'COMPLETED',
  ARCHIVED = 'ARCHIVED',
  CANCELLED = 'CANCELLED',
}

const { DRAFT, ACTIVE, PAUSED, COMPLETED, ARCHIVED, CANCELLED } = PlanStatus;

/**
 * DRAFT → ACTIVE ⇄ PAUSED; ACTIVE → COMPLETED (the release does it) → ARCHIVED; any state
 * before COMPLETED → CANCELLED → ARCHIVED.
 */
export const PLAN_LIFECYCLE = new Lifecycle<PlanStatus>('plan', Object.values(PlanStatus), [
  { from: [DRAFT], to: ACTIVE, by: ['user'] },
  { from: [ACTIVE], to: PAUSED, by: ['user', 'system'] },
  { from: [PAUSED], to: ACTIVE, by: ['user'] },
  { from: [ACTIVE], to: COMPLETED, by: ['system'] },
  { from: [COMPLETED, CANCELLED], to: ARCHIVED, by: ['user'] },
  { from: [DRAFT, ACTIVE, PAUSED], to: CANCELLED, by: ['user'] },
]);

/** Plans whose phases and tasks may still change. */
export const EDITABLE_PLAN_STATUSES: ReadonlySet<PlanStatus> = new Set([DRAFT, ACTIVE, PAUSED]);
