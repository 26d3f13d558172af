import type {
  PlanMessageAuthor,
  PlanMessageKind,
  PlanStatus,
  TaskPriority,
  TaskStatus,
  TaskType,
} from '$lib/generated/graphql';

export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  DRAFT: 'Draft',
  ACTIVE: 'Active',
  PAUSED: 'Paused',
  COMPLETED: 'Completed',
  ARCHIVED: 'Archived',
  CANCELLED: 'Cancelled',
};

/** The button that moves a plan to a status, from where it is. */
export function transitionLabel(from: PlanStatus, to: PlanStatus): string {
  switch (to) {
    case 'ACTIVE':
      return from === 'PAUSED' ? 'Resume' : 'Activate';
    case 'PAUSED':
      return 'Pause';
    case 'CANCELLED':
      return 'Cancel plan';
    case 'ARCHIVED':
      return 'Archive';
    case 'COMPLETED':
      return 'Mark completed';
    case 'DRAFT':
      return 'Back to draft';
  }
}

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  DRAFT: 'Draft',
  DISPATCHED: 'Dispatched',
  IN_PROGRESS: 'In progress',
  AWAITING_REVIEW: 'Awaiting review',
  WAITING_FOR_RESUME: 'Waiting for resume',
  NEEDS_OPERATOR: 'Needs operator',
  COMPLETED: 'Completed',
  MERGED: 'Merged',
  CANCELLED: 'Cancelled',
};

export const TASK_TYPES: readonly TaskType[] = [
  'FEATURE',
  'BUGFIX',
  'REFACTOR',
  'TEST',
  'DOCS',
  'CHORE',
  'RESEARCH',
];

export const TASK_PRIORITIES: readonly TaskPriority[] = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];

export const PROFICIENCY_LABELS: Record<number, string> = {
  1: '1 · beginner',
  2: '2 · basic',
  3: '3 · intermediate',
  4: '4 · advanced',
  5: '5 · expert',
};

export const MESSAGE_KIND_LABELS: Record<PlanMessageKind, string> = {
  PROPOSAL: 'Proposal',
  QUESTION: 'Question',
  FOLLOW_UP: 'Follow-up',
  CLARIFICATION: 'Clarification',
};

export const MESSAGE_AUTHOR_LABELS: Record<PlanMessageAuthor, string> = {
  USER: 'You',
  PLANNER: 'Planner',
  SYSTEM: 'Studio',
};

/** "45 min", "2 h", "1 h 30 min". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
