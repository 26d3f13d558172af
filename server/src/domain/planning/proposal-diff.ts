import { RESOLVED_TASK_STATUSES, type TaskStatus } from '../task/task-lifecycle.js';
import {
  normalizeTitle,
  type Proposal,
  type ProposedPhase,
  type ProposedSkill,
  type ProposedTask,
} from './proposal.js';

/**
 * Re-planning: what applying a proposal to an existing plan would do, for the user to confirm
 * before anything changes. Pure and deterministic: the same plan and proposal give the same
 * diff, listed in the proposal's order (added, changed) or the plan's order (removed, blocked).
 *
 * Matching. A proposed task matches a current task that carries a key by that key only; a
 * current task without a key by its title, normalized (normalizeTitle), within the whole plan
 * — the first such task in plan order that is not matched yet. Phases match the same way (key,
 * else normalized name); a proposed phase left over then matches the left-over current phase
 * that most of its matched tasks come from (a rename; ties go to the earlier phase).
 *
 * Comparing. The proposal is the wanted state of a task's phase, title, description, skills,
 * dependencies, canRunParallel and splittable. type, priority, requiredProficiency and
 * estimateMinutes are compared only when the proposal gives them (left out = keep). Skills
 * compare by slug, and by proficiency where both sides give one. Dependencies compare by the
 * tasks they name; a change lists them as proposal keys, except a current dependency on a task
 * the proposal leaves out, which shows as that task's key if it has one, else its id.
 *
 * Removing. A current task the proposal leaves out is removed — unless it is done work
 * (MERGED or COMPLETED): that is `blocked` instead, and its phase is kept.
 */
export interface CurrentTask {
  id: string;
  key?: string;
  title: string;
  description: string;
  skills: ProposedSkill[];
  /** Ids of the tasks it depends on. */
  dependsOn: string[];
  estimateMinutes?: number | null;
  canRunParallel: boolean;
  splittable: boolean;
  status: string;
  type?: string;
  priority?: string;
  requiredProficiency?: number;
}

export interface CurrentPhase {
  id: string;
  key?: string;
  name: string;
  description?: string;
  tasks: CurrentTask[];
}

export interface CurrentPlan {
  phases: CurrentPhase[];
}

export type FieldValue = string | number | boolean | null | string[];

export interface FieldChange {
  field: TaskField;
  from: FieldValue;
  to: FieldValue;
}

export type TaskField =
  | 'phase'
  | 'title'
  | 'description'
  | 'type'
  | 'priority'
  | 'requiredProficiency'
  | 'skills'
  | 'estimateMinutes'
  | 'dependsOn'
  | 'canRunParallel'
  | 'splittable';

/** A proposed task that matches no current one, with the proposed phase it goes into. */
export type AddedTask = ProposedTask & { phaseKey: string; phaseName: string };

export interface PlanDiff {
  added: AddedTask[];
  changed: Array<{ taskId: string; key: string; title: string; fields: FieldChange[] }>;
  removed: Array<{ taskId: string; title: string; status: string }>;
  /** Tasks the proposal leaves out but that cannot be removed (done work); they stay. */
  blocked: Array<{ taskId: string; title: string; status: string; reason: string }>;
  /** Matched tasks with nothing to change. */
  unchanged: number;
  phases: {
    /** `position`: the phase's index in the proposal. */
    added: Array<{ key: string; name: string; position: number }>;
    renamed: Array<{ phaseId: string; key: string; from: string; to: string }>;
    /** Description changes of matched phases. */
    changed: Array<{ phaseId: string; key: string; from: string; to: string }>;
    removed: Array<{ phaseId: string; name: string }>;
  };
  /** Proposal task key → the current task it matched (to resolve dependencies when applying). */
  taskIds: Record<string, string>;
  /** Proposal phase key → the current phase it matched. */
  phaseIds: Record<string, string>;
}

interface Located<T> {
  item: T;
  phase: CurrentPhase;
}

export function diffProposal(current: CurrentPlan, proposal: Proposal): PlanDiff {
  const currentTasks: Array<Located<CurrentTask>> = current.phases.flatMap((phase) =>
    phase.tasks.map((item) => ({ item, phase })),
  );
  const taskMatch = matchTasks(currentTasks, proposal);
  const phaseMatch = matchPhases(current.phases, proposal, taskMatch);
  const taskIds = Object.fromEntries(
    [...taskMatch].map(([key, found]) => [key, found.item.id] as const),
  );
  const phaseIds = Object.fromEntries(
    [...phaseMatch].map(([key, phase]) => [key, phase.id] as const),
  );
  const byId = new Map(currentTasks.map((found) => [found.item.id, found]));
  const keyOfId = new Map([...taskMatch].map(([key, found]) => [found.item.id, key] as const));

  const diff: PlanDiff = {
    added: [],
    changed: [],
    removed: [],
    blocked: [],
    unchanged: 0,
    phases: { added: [], renamed: [], changed: [], removed: [] },
    taskIds,
    phaseIds,
  };

  proposal.phases.forEach((phase, position) => {
    const matched = phaseMatch.get(phase.key);
    if (!matched) diff.phases.added.push({ key: phase.key, name: phase.name, position });
    else {
      if (matched.name !== phase.name) {
        diff.phases.renamed.push({
          phaseId: matched.id,
          key: phase.key,
          from: matched.name,
          to: phase.name,
        });
      }
      const [from, to] = [matched.description ?? '', phase.description ?? ''];
      if (from.trim() !== to.trim()) {
        diff.phases.changed.push({ phaseId: matched.id, key: phase.key, from, to });
      }
    }
    for (const task of phase.tasks) {
      const found = taskMatch.get(task.key);
      if (!found) {
        diff.added.push({ ...task, phaseKey: phase.key, phaseName: phase.name });
        continue;
      }
      const fields = compare(found, task, phase, matched, {
        taskIds,
        depName: (id) => keyOfId.get(id) ?? byId.get(id)?.item.key ?? id,
      });
      if (fields.length) {
        diff.changed.push({ taskId: found.item.id, key: task.key, title: task.title, fields });
      } else diff.unchanged++;
    }
  });

  const matchedIds = new Set(Object.values(taskIds));
  const keptPhases = new Set<string>();
  for (const { item, phase } of currentTasks) {
    if (matchedIds.has(item.id)) continue;
    if (RESOLVED_TASK_STATUSES.has(item.status as TaskStatus)) {
      keptPhases.add(phase.id);
      diff.blocked.push({
        taskId: item.id,
        title: item.title,
        status: item.status,
        reason: `done work (${item.status}) cannot be removed; it stays in the plan`,
      });
    } else diff.removed.push({ taskId: item.id, title: item.title, status: item.status });
  }
  const matchedPhases = new Set(Object.values(phaseIds));
  for (const phase of current.phases) {
    if (!matchedPhases.has(phase.id) && !keptPhases.has(phase.id)) {
      diff.phases.removed.push({ phaseId: phase.id, name: phase.name });
    }
  }
  return diff;
}

/** True when applying the proposal would change nothing. */
export function isEmptyDiff(diff: PlanDiff): boolean {
  const { phases } = diff;
  return (
    diff.added.length + diff.changed.length + diff.removed.length === 0 &&
    phases.added.length + phases.renamed.length + phases.changed.length === 0 &&
    phases.removed.length === 0
  );
}

/** Proposal task key → the current task it matches. */
function matchTasks(
  currentTasks: Array<Located<CurrentTask>>,
  proposal: Proposal,
): Map<string, Located<CurrentTask>> {
  const byKey = new Map<string, Located<CurrentTask>>();
  const byTitle = new Map<string, Array<Located<CurrentTask>>>();
  for (const found of currentTasks) {
    const { key, title } = found.item;
    if (key !== undefined) {
      if (!byKey.has(key)) byKey.set(key, found);
    } else {
      const normalized = normalizeTitle(title);
      byTitle.set(normalized, [...(byTitle.get(normalized) ?? []), found]);
    }
  }
  const matches = new Map<string, Located<CurrentTask>>();
  for (const task of proposal.phases.flatMap((phase) => phase.tasks)) {
    const keyed = byKey.get(task.key);
    if (keyed) byKey.delete(task.key);
    const found = keyed ?? byTitle.get(normalizeTitle(task.title))?.shift();
    if (found) matches.set(task.key, found);
  }
  return matches;
}

/** Proposal phase key → the current phase it matches (key, name, then where its tasks are). */
function matchPhases(
  phases: CurrentPhase[],
  proposal: Proposal,
  taskMatch: Map<string, Located<CurrentTask>>,
): Map<string, CurrentPhase> {
  const matches = new Map<string, CurrentPhase>();
  const taken = new Set<string>();
  const take = (proposed: ProposedPhase, phase: CurrentPhase | undefined) => {
    if (!phase) return;
    matches.set(proposed.key, phase);
    taken.add(phase.id);
  };
  for (const proposed of proposal.phases) {
    const keyed = phases.find((phase) => phase.key !== undefined && phase.key === proposed.key);
    take(proposed, keyed && !taken.has(keyed.id) ? keyed : undefined);
  }
  for (const proposed of proposal.phases) {
    if (matches.has(proposed.key)) continue;
    const name = normalizeTitle(proposed.name);
    take(
      proposed,
      phases.find(
        (phase) =>
          phase.key === undefined && !taken.has(phase.id) && normalizeTitle(phase.name) === name,
      ),
    );
  }
  for (const proposed of proposal.phases) {
    if (matches.has(proposed.key)) continue;
    const counts = new Map<string, number>();
    for (const task of proposed.tasks) {
      const from = taskMatch.get(task.key)?.phase;
      if (from && !taken.has(from.id)) counts.set(from.id, (counts.get(from.id) ?? 0) + 1);
    }
    let best: CurrentPhase | undefined;
    for (const phase of phases) {
      const count = counts.get(phase.id) ?? 0;
      if (count > 0 && count > (best ? (counts.get(best.id) ?? 0) : 0)) best = phase;
    }
    take(proposed, best);
  }
  return matches;
}

function compare(
  found: Located<CurrentTask>,
  task: ProposedTask,
  phase: ProposedPhase,
  matchedPhase: CurrentPhase | undefined,
  refs: { taskIds: Record<string, string>; depName: (id: string) => string },
): FieldChange[] {
  const { item: current } = found;
  const fields: FieldChange[] = [];
  const note = (field: TaskField, from: FieldValue, to: FieldValue, differs = from !== to) => {
    if (differs) fields.push({ field, from, to });
  };
  note('phase', found.phase.name, phase.name, matchedPhase?.id !== found.phase.id);
  note('title', current.title, task.title);
  note(
    'description',
    current.description,
    task.description,
    current.description.trim() !== task.description.trim(),
  );
  if (task.type !== undefined) note('type', current.type ?? null, task.type);
  if (task.priority !== undefined) note('priority', current.priority ?? null, task.priority);
  if (task.requiredProficiency !== undefined) {
    note('requiredProficiency', current.requiredProficiency ?? null, task.requiredProficiency);
  }
  note(
    'skills',
    skillList(current.skills),
    skillList(task.skills),
    skillsDiffer(current.skills, task.skills),
  );
  if (task.estimateMinutes !== undefined) {
    note('estimateMinutes', current.estimateMinutes ?? null, task.estimateMinutes);
  }
  const wanted = task.dependsOn.map((key) => refs.taskIds[key] ?? `new:${key}`);
  note(
    'dependsOn',
    current.dependsOn.map(refs.depName).sort(),
    [...task.dependsOn].sort(),
    !sameSet(current.dependsOn, wanted),
  );
  note('canRunParallel', current.canRunParallel, task.canRunParallel);
  note('splittable', current.splittable, task.splittable);
  return fields;
}

function skillsDiffer(current: ProposedSkill[], proposed: ProposedSkill[]): boolean {
  if (
    !sameSet(
      current.map((skill) => skill.slug),
      proposed.map((skill) => skill.slug),
    )
  )
    return true;
  const levels = new Map(current.map((skill) => [skill.slug, skill.proficiency]));
  return proposed.some((skill) => {
    const level = levels.get(skill.slug);
    return level !== undefined && skill.proficiency !== undefined && level !== skill.proficiency;
  });
}

/** `["sql", "typescript:4"]`: sorted by slug. */
function skillList(skills: ProposedSkill[]): string[] {
  return skills
    .map((skill) =>
      skill.proficiency === undefined ? skill.slug : `${skill.slug}:${skill.proficiency}`,
    )
    .sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}
