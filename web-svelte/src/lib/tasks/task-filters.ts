import type { TaskStatus } from '$lib/generated/graphql';
import { STATUS_ORDER } from './labels';
import type { BoardTask } from './task-board.svelte';

export type SortKey = 'title' | 'status' | 'phase' | 'assignee' | 'estimate' | 'updated';
export type SortDirection = 'ascending' | 'descending';

export interface TaskFilters {
  status: TaskStatus | '';
  /** A member id, 'none' for unassigned, '' for anyone. */
  assignee: string;
  /** A skill slug. */
  skill: string;
  phase: string;
  text: string;
}

export function noFilters(): TaskFilters {
  return { status: '', assignee: '', skill: '', phase: '', text: '' };
}

export function filterTasks(tasks: readonly BoardTask[], filters: TaskFilters): BoardTask[] {
  const text = filters.text.trim().toLowerCase();
  return tasks.filter(
    (task) =>
      (filters.status === '' || task.status === filters.status) &&
      (filters.assignee === '' ||
        (filters.assignee === 'none' ? !task.assignee : task.assignee?.id === filters.assignee)) &&
      (filters.skill === '' || task.skills.some((skill) => skill.slug === filters.skill)) &&
      (filters.phase === '' || task.phase.id === filters.phase) &&
      (text === '' || task.title.toLowerCase().includes(text)),
  );
}

function compareBy(key: SortKey): (a: BoardTask, b: BoardTask) => number {
  switch (key) {
    case 'title':
      return (a, b) => a.title.localeCompare(b.title);
    case 'status':
      return (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
    case 'phase':
      return (a, b) => a.phase.position - b.phase.position || a.position - b.position;
    case 'assignee':
      // the unassigned last
      return (a, b) =>
        (a.assignee?.user.name ?? '\uffff').localeCompare(b.assignee?.user.name ?? '\uffff');
    case 'estimate':
      return (a, b) => (a.estimateMinutes ?? Infinity) - (b.estimateMinutes ?? Infinity);
    case 'updated':
      return (a, b) => a.updatedAt.localeCompare(b.updatedAt);
  }
}

export function sortTasks(
  tasks: readonly BoardTask[],
  key: SortKey,
  direction: SortDirection,
): BoardTask[] {
  const compare = compareBy(key);
  const sign = direction === 'ascending' ? 1 : -1;
  // ties keep the plan's order
  return [...tasks].sort(
    (a, b) =>
      sign * compare(a, b) || a.phase.position - b.phase.position || a.position - b.position,
  );
}
