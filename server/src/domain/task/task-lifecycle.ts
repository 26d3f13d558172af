import { Lifecycle } from '../common/lifecycle.js';

export enum TaskStatus {
  DRAFT = 'DRAFT',
  DISPATCHED = 'DISPATCHED',
  IN_PROGRESS = 'IN_PROGRESS',
  AWAITING_REVIEW = 'AWAITING_REVIEW',
  MERGED = 'MERGED',
  COMPLETED = 'COMPLETED',
  WAITING_FOR_RESUME = 'WAITING_FOR_RESUME',
  NEEDS_OPERATOR = 'NEEDS_OPERATOR',
  CANCELLED = 'CANCELLED',
}

const {
  DRAFT,
  DISPATCHED,
  IN_PROGRESS,
  AWAITING_REVIEW,
  MERGED,
  COMPLETED,
  WAITING_FOR_RESUME,
  NEEDS_OPERATOR,
  CANCELLED,
} = TaskStatus;

/** Work handed to an agent and not yet reviewed. */
const IN_FLIGHT = [DISPATCHED, IN_PROGRESS, AWAITING_REVIEW];

/**
 * The main line DRAFT → DISPATCHED → IN_PROGRESS → AWAITING_REVIEW → MERGED → COMPLETED is
 * Studio's to walk. People pause work in flight (WAITING_FOR_RESUME), resume it (back to DRAFT
 * for a clean re-dispatch), re-open or approve what needs an operator, and cancel.
 */
export const TASK_LIFECYCLE = new Lifecycle<TaskStatus>('task', Object.values(TaskStatus), [
  { from: [DRAFT], to: DISPATCHED, by: ['system'] },
  { from: [DISPATCHED], to: IN_PROGRESS, by: ['system'] },
  // back to the queue: a run cancelled before it started, or a lease that expired
  { from: [DISPATCHED], to: DRAFT, by: ['system'] },
  { from: [IN_PROGRESS, AWAITING_REVIEW], to: DISPATCHED, by: ['system'] },
  { from: [IN_PROGRESS], to: AWAITING_REVIEW, by: ['system'] },
  { from: [AWAITING_REVIEW], to: MERGED, by: ['system'] },
  { from: [MERGED], to: COMPLETED, by: ['system'] },
  { from: IN_FLIGHT, to: WAITING_FOR_RESUME, by: ['user', 'system'] },
  { from: [WAITING_FOR_RESUME, NEEDS_OPERATOR], to: DRAFT, by: ['user'] },
  { from: IN_FLIGHT, to: NEEDS_OPERATOR, by: ['system'] },
  // an operator approves by hand (the merge follows) or retries its review or merge
  { from: [NEEDS_OPERATOR], to: AWAITING_REVIEW, by: ['user'] },
  // an operator rejects by hand: the developer revises on the same branch
  { from: [NEEDS_OPERATOR], to: DISPATCHED, by: ['system'] },
  {
    from: [DRAFT, ...IN_FLIGHT, WAITING_FOR_RESUME, NEEDS_OPERATOR],
    to: CANCELLED,
    by: ['user', 'system'],
  },
]);

/** Statuses that count as done for dependencies and for releasing a plan. */
export const RESOLVED_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set([MERGED, COMPLETED]);
export const FINISHED_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set([
  MERGED,
  COMPLETED,
  CANCELLED,
]);
export const IN_FLIGHT_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(IN_FLIGHT);

export enum TaskPriority {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}

export enum TaskType {
  FEATURE = 'FEATURE',
  BUGFIX = 'BUGFIX',
  REFACTOR = 'REFACTOR',
  TEST = 'TEST',
  DOCS = 'DOCS',
  CHORE = 'CHORE',
  RESEARCH = 'RESEARCH',
}
