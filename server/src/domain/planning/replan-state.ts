import { createHash } from 'node:crypto';
import { TaskStatus } from '../task/task-lifecycle.js';
import type { TaskInput } from '../task/task.service.js';
import { requiredProficiencyOf, type Proposal, type ProposedTask } from './proposal.js';
import type { AddedTask, CurrentPlan, CurrentTask, FieldChange } from './proposal-diff.js';

/**
 * The pure half of re-planning (ReplanService does the writing): what a plan looks like to the
 * diff, the fingerprint of that state and a proposal, and the order the changes are written in.
 */

/** A plan's rows as read inside the re-plan's transaction. */
export interface PlanSnapshot {
  readonly status: string;
  readonly phases: ReadonlyArray<{
    id: string;
    key: string | null;
    name: string;
    description: string;
  }>;
  /** Every task of the plan, each phase's in order. */
  readonly tasks: ReadonlyArray<{
    id: string;
    key: string | null;
    phaseId: string;
    title: string;
    description: string;
    status: string;
    type: string;
    priority: string;
    requiredProficiency: number;
    estimateMinutes: number | null;
    canRunParallel: boolean;
    splittable: boolean;
  }>;
  readonly skills: ReadonlyArray<{ taskId: string; skillId: string }>;
  readonly dependencies: ReadonlyArray<{ taskId: string; dependsOnTaskId: string }>;
}

/**
 * The plan as a proposal is compared with. Cancelled tasks are history, not plan: they are left
 * out, and so is a phase that holds only cancelled tasks (a phase without any task stays, so a
 * proposal that leaves it out removes it). A dependency on a cancelled task stays in the
 * dependent's `dependsOn`: it blocks the dependent, and a proposal that keeps the dependent
 * without it shows (and applies) the change.
 */
export function currentPlanOf(
  snapshot: PlanSnapshot,
  slugOf: (skillId: string) => string | undefined,
): CurrentPlan {
  const skills = groupBy(snapshot.skills, (row) => row.taskId);
  const dependencies = groupBy(snapshot.dependencies, (row) => row.taskId);
  const tasksOf = groupBy(snapshot.tasks, (task) => task.phaseId);
  return {
    phases: snapshot.phases.flatMap((phase) => {
      const all = tasksOf.get(phase.id) ?? [];
      const live = all.filter((task) => task.status !== (TaskStatus.CANCELLED as string));
      if (all.length > 0 && live.length === 0) return [];
      return [
        {
          id: phase.id,
          ...(phase.key === null ? {} : { key: phase.key }),
          name: phase.name,
          description: phase.description,
          tasks: live.map((task): CurrentTask => ({
            id: task.id,
            ...(task.key === null ? {} : { key: task.key }),
            title: task.title,
            description: task.description,
            skills: (skills.get(task.id) ?? [])
              .flatMap((row) => {
                const slug = slugOf(row.skillId);
                return slug === undefined ? [] : [{ slug }];
              })
              .sort((a, b) => a.slug.localeCompare(b.slug)),
            dependsOn: (dependencies.get(task.id) ?? []).map((row) => row.dependsOnTaskId).sort(),
            estimateMinutes: task.estimateMinutes,
            canRunParallel: task.canRunParallel,
            splittable: task.splittable,
            status: task.status,
            type: task.type,
            priority: task.priority,
            requiredProficiency: task.requiredProficiency,
          })),
        },
      ];
    }),
  };
}

/** How many tasks the plan has as the diff sees it (cancelled ones are not counted). */
export function taskCountOf(current: CurrentPlan): number {
  return current.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
}

/**
 * The fingerprint of a diff: a hash of the plan's status, its current state as the diff sees it
 * (ids, names, fields, skills, dependencies, statuses) and the proposal. Applying compares it
 * with the fingerprint of the diff the user saw: any change in between gives another one.
 */
export function fingerprintOf(
  planStatus: string,
  current: CurrentPlan,
  proposal: Proposal,
): string {
  const text = canonicalJson({ v: 1, planStatus, current, proposal });
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, member]) => [key, sortKeys(member)]),
    );
  }
  return value;
}

/**
 * The proposal's tasks so that each comes after those it depends on (the parser refuses
 * cycles). Writing changed tasks' dependencies in this order never makes a cycle on the way:
 * each task gets its final dependencies after all of those it will depend on got theirs.
 */
export function inDependencyOrder(proposal: Proposal): ProposedTask[] {
  const all = proposal.phases.flatMap((phase) => phase.tasks);
  const byKey = new Map(all.map((task) => [task.key, task]));
  const done = new Set<string>();
  const ordered: ProposedTask[] = [];
  const visit = (task: ProposedTask) => {
    if (done.has(task.key)) return;
    done.add(task.key);
    for (const key of task.dependsOn) {
      const dependency = byKey.get(key);
      if (dependency) visit(dependency);
    }
    ordered.push(task);
  };
  for (const task of all) visit(task);
  return ordered;
}

/** Added tasks so that each comes after the added tasks it depends on. */
export function addedInDependencyOrder(proposal: Proposal, added: readonly AddedTask[]) {
  const keys = new Map(added.map((task) => [task.key, task]));
  return inDependencyOrder(proposal).flatMap((task) => {
    const found = keys.get(task.key);
    return found ? [found] : [];
  });
}

/**
 * The order removed tasks are deleted in (a draft plan): a task before the removed tasks it
 * depends on, since a task another one depends on cannot be deleted.
 */
export function removalOrder(
  removed: readonly string[],
  dependencies: ReadonlyArray<{ taskId: string; dependsOnTaskId: string }>,
): string[] {
  const set = new Set(removed);
  const dependents = groupBy(
    dependencies.filter((edge) => set.has(edge.taskId) && set.has(edge.dependsOnTaskId)),
    (edge) => edge.dependsOnTaskId,
  );
  const done = new Set<string>();
  const ordered: string[] = [];
  const visit = (id: string) => {
    if (done.has(id)) return;
    done.add(id);
    for (const edge of dependents.get(id) ?? []) visit(edge.taskId);
    ordered.push(id);
  };
  for (const id of removed) visit(id);
  return ordered;
}

/** A new task's input from its proposal: every field, dependencies as the ids given. */
export function newTaskInput(
  task: ProposedTask,
  dependsOn: string[],
): TaskInput & { title: string } {
  return {
    title: task.title,
    key: task.key,
    description: task.description,
    ...(task.type ? { type: task.type } : {}),
    ...(task.priority ? { priority: task.priority } : {}),
    requiredProficiency: requiredProficiencyOf(task),
    skills: task.skills.map((skill) => skill.slug),
    dependsOn,
    ...(task.estimateMinutes !== undefined ? { estimateMinutes: task.estimateMinutes } : {}),
    canRunParallel: task.canRunParallel,
    splittable: task.splittable,
  };
}

/**
 * The task editor's input for a changed task: only the fields the diff lists. `phase` (a move)
 * and `dependsOn` (ids, known only while applying) are the caller's.
 */
export function taskInputOf(fields: readonly FieldChange[], task: ProposedTask): TaskInput {
  const input: { -readonly [K in keyof TaskInput]: TaskInput[K] } = {};
  for (const { field } of fields) {
    switch (field) {
      case 'title':
        input.title = task.title;
        break;
      case 'description':
        input.description = task.description;
        break;
      case 'type':
        input.type = task.type;
        break;
      case 'priority':
        input.priority = task.priority;
        break;
      case 'requiredProficiency':
        input.requiredProficiency = task.requiredProficiency;
        break;
      case 'skills':
        input.skills = task.skills.map((skill) => skill.slug);
        break;
      case 'estimateMinutes':
        input.estimateMinutes = task.estimateMinutes ?? null;
        break;
      case 'canRunParallel':
        input.canRunParallel = task.canRunParallel;
        break;
      case 'splittable':
        input.splittable = task.splittable;
        break;
      case 'phase':
      case 'dependsOn':
        break;
    }
  }
  return input;
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
