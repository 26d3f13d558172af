import type { RunPurpose, RunStatus, TaskStatus } from '$lib/generated/graphql';

/**
 * The kanban's columns, in the order of the task lifecycle (server/src/domain/task/
 * task-lifecycle.ts): the main line Studio walks, then the side states people act on.
 */
export const STATUS_ORDER: readonly TaskStatus[] = [
  'DRAFT',
  'DISPATCHED',
  'IN_PROGRESS',
  'AWAITING_REVIEW',
  'MERGED',
  'COMPLETED',
  'WAITING_FOR_RESUME',
  'NEEDS_OPERATOR',
  'CANCELLED',
];

const STATUS_LABELS: Record<TaskStatus, string> = {
  DRAFT: 'Draft',
  DISPATCHED: 'Dispatched',
  IN_PROGRESS: 'In progress',
  AWAITING_REVIEW: 'Awaiting review',
  MERGED: 'Merged',
  COMPLETED: 'Completed',
  WAITING_FOR_RESUME: 'Paused',
  NEEDS_OPERATOR: 'Needs operator',
  CANCELLED: 'Cancelled',
};

export function statusLabel(status: TaskStatus): string {
  return STATUS_LABELS[status];
}

/** The verb on a button that moves a task to `status` by hand. */
export function moveLabel(status: TaskStatus): string {
  switch (status) {
    case 'WAITING_FOR_RESUME':
      return 'Pause';
    case 'DRAFT':
      return 'Re-open as draft';
    case 'AWAITING_REVIEW':
      return 'Send back to review';
    case 'CANCELLED':
      return 'Cancel task';
    default:
      return `Move to ${statusLabel(status)}`;
  }
}

/** Statuses a task can sit in when approveTask/rejectTask apply (docs/delivery.md). */
export const REVIEWABLE: ReadonlySet<TaskStatus> = new Set(['AWAITING_REVIEW', 'NEEDS_OPERATOR']);

export function purposeLabel(purpose: RunPurpose): string {
  return purpose
    .toLowerCase()
    .split('_')
    .map((word, index) => (index === 0 ? word[0]!.toUpperCase() + word.slice(1) : word))
    .join(' ');
}

export function runStatusLabel(status: RunStatus): string {
  return status[0] + status.slice(1).toLowerCase();
}

/** "45 min", "2 h 5 min". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes > 0 && minutes < 1) return '< 1 min';
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  const hours = Math.floor(rounded / 60);
  const rest = rounded % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
