import { firstFreeSlug, slugify } from '../common/validation.js';
import { findCycle } from '../task/dependency-graph.js';
import { TaskPriority, TaskType } from '../task/task-lifecycle.js';
import {
  normalizeTitle,
  PROPOSAL_LIMITS,
  type Proposal,
  type ProposalError,
  type ProposedPhase,
  type ProposedSkill,
  type ProposedTask,
} from './proposal.js';
import {
  type Read,
  readBoolean,
  readEnum,
  readEstimate,
  readProficiency,
  readSkillSlug,
} from './proposal-fields.js';
import { type At, at, fieldAt, kindOf, SourceReader } from './source-reader.js';
import type { SourceNode } from './source-tree.js';

/** What buildProposal found: the proposal when nothing was wrong, and every problem. */
export interface BuildResult {
  proposal?: Proposal;
  errors: ProposalError[];
  warnings: string[];
  unknownSkills: string[];
}

interface DraftTask {
  task: ProposedTask;
  explicitKey: boolean;
  keyAt: At;
  dependsOnAt: At;
  refs: Array<{ ref: string; at: At }>;
}

interface DraftPhase {
  phase: ProposedPhase;
  explicitKey: boolean;
  keyAt: At;
}

const PROPOSAL_FIELDS = ['title', 'summary', 'phases'];
const PHASE_FIELDS = ['key', 'name', 'description', 'tasks'];
const TASK_FIELDS = [
  'key',
  'title',
  'description',
  'type',
  'skills',
  'requiredProficiency',
  'estimateMinutes',
  'dependsOn',
  'canRunParallel',
  'splittable',
  'priority',
];
const SKILL_FIELDS = ['slug', 'proficiency'];

/**
 * Turns a SourceNode tree (from the JSON or the Markdown reader) into a Proposal: checks types,
 * required fields and bounds, settles keys, resolves dependencies and refuses cycles. It
 * reports every problem it finds rather than the first.
 */
export function buildProposal(root: SourceNode, knownSkills: ReadonlySet<string>): BuildResult {
  return new ProposalBuilder(knownSkills).build(root);
}

class ProposalBuilder extends SourceReader {
  private readonly unknownSkills = new Set<string>();

  constructor(private readonly knownSkills: ReadonlySet<string>) {
    super();
  }

  build(root: SourceNode): BuildResult {
    const proposal = this.proposal(root);
    return {
      ...(proposal && !this.errors.length ? { proposal } : {}),
      errors: this.errors,
      warnings: this.warnings,
      unknownSkills: [...this.unknownSkills].sort(),
    };
  }

  private proposal(root: SourceNode): Proposal | undefined {
    const rootAt = at(root, '', 'the proposal');
    if (root.kind !== 'object') {
      this.error(rootAt, `must be a JSON object with "phases"; got ${kindOf(root)}`);
      return undefined;
    }
    const fields = this.fields(root, '', PROPOSAL_FIELDS);
    const title = this.name(fields, root, '', 'title', PROPOSAL_LIMITS.planTitleChars, false);
    const summary = this.text(fields, '', 'summary');
    const phasesNode = this.array(fields, root, '', 'phases', true);
    if (!phasesNode) return undefined;
    const phasesAt = at(phasesNode, 'phases');
    if (!phasesNode.items.length) return void this.error(phasesAt, 'must list at least one phase');
    if (phasesNode.items.length > PROPOSAL_LIMITS.phases) {
      const count = phasesNode.items.length;
      return void this.error(
        phasesAt,
        `must list at most ${PROPOSAL_LIMITS.phases} phases (got ${count})`,
      );
    }
    const taskCount = phasesNode.items.reduce((sum, phase) => {
      const tasks = phase.kind === 'object' ? phase.entries.get('tasks') : undefined;
      return sum + (tasks?.kind === 'array' ? tasks.items.length : 0);
    }, 0);
    if (taskCount > PROPOSAL_LIMITS.tasks) {
      const limit = PROPOSAL_LIMITS.tasks;
      return void this.error(phasesAt, `must hold at most ${limit} tasks (got ${taskCount})`);
    }

    const phases: DraftPhase[] = [];
    const tasks: DraftTask[] = [];
    phasesNode.items.forEach((node, index) => {
      const phase = this.phase(node, `phases[${index}]`, tasks);
      if (phase) phases.push(phase);
    });
    if (!taskCount && !this.errors.length) {
      this.error(phasesAt, 'must hold at least one task');
    }

    this.settleKeys(
      phases.map((draft) => ({ item: draft.phase, explicit: draft.explicitKey, at: draft.keyAt })),
      (phase) => phase.name,
      'phase',
    );
    this.settleKeys(
      tasks.map((draft) => ({ item: draft.task, explicit: draft.explicitKey, at: draft.keyAt })),
      (task) => task.title,
      'task',
    );
    this.resolveDependencies(tasks);
    this.refuseCycles(tasks);
    return {
      ...(title !== undefined ? { title } : {}),
      ...(summary ? { summary } : {}),
      phases: phases.map((draft) => draft.phase),
    };
  }

  private phase(node: SourceNode, path: string, tasks: DraftTask[]): DraftPhase | undefined {
    if (!this.isObject(node, path)) return undefined;
    const fields = this.fields(node, path, PHASE_FIELDS);
    const key = this.key(fields, path);
    const name = this.name(fields, node, path, 'name', PROPOSAL_LIMITS.phaseNameChars, true);
    const description = this.text(fields, path, 'description');
    const phase: ProposedPhase = {
      key: key ?? '',
      name: name ?? '',
      ...(description ? { description } : {}),
      tasks: [],
    };
    const tasksNode = this.array(fields, node, path, 'tasks', false);
    if (!tasksNode?.items.length) {
      this.warn(fieldAt(tasksNode, node, `${path}.tasks`), 'has no tasks');
    }
    tasksNode?.items.forEach((taskNode, index) => {
      const draft = this.task(taskNode, `${path}.tasks[${index}]`);
      if (!draft) return;
      phase.tasks.push(draft.task);
      tasks.push(draft);
    });
    const keyAt = fieldAt(fields.get('key'), node, `${path}.key`);
    return { phase, explicitKey: key !== undefined, keyAt };
  }

  private task(node: SourceNode, path: string): DraftTask | undefined {
    if (!this.isObject(node, path)) return undefined;
    const fields = this.fields(node, path, TASK_FIELDS);
    const key = this.key(fields, path);
    const title = this.name(fields, node, path, 'title', PROPOSAL_LIMITS.taskTitleChars, true);
    const value = <T>(
      field: string,
      expected: string,
      read: (node: SourceNode) => Read<T> | undefined,
    ) => {
      const found = fields.get(field);
      if (!found || found.kind === 'null') return undefined;
      const result = read(found);
      const where = at(found, `${path}.${field}`);
      if (!result) return void this.error(where, `must be ${expected}; got ${kindOf(found)}`);
      if (!result.ok) return void this.error(where, result.problem);
      return result.value;
    };
    const type = value('type', 'a string', (n) =>
      n.kind === 'string' ? readEnum(n.value, TaskType) : undefined,
    );
    const priority = value('priority', 'a string', (n) =>
      n.kind === 'string' ? readEnum(n.value, TaskPriority) : undefined,
    );
    const requiredProficiency = value('requiredProficiency', 'a number or a string', (n) =>
      n.kind === 'string' || n.kind === 'number' ? readProficiency(n.value) : undefined,
    );
    const estimateMinutes = value('estimateMinutes', 'a number or a string', (n) =>
      n.kind === 'string' || n.kind === 'number' ? readEstimate(n.value) : undefined,
    );
    const flag = (n: SourceNode) =>
      n.kind === 'string' || n.kind === 'boolean' ? readBoolean(n.value) : undefined;
    const canRunParallel = value('canRunParallel', 'a boolean', flag);
    const splittable = value('splittable', 'a boolean', flag);
    const description = this.text(fields, path, 'description');
    const dependsOnNode = this.array(fields, node, path, 'dependsOn', false);
    const refs = (dependsOnNode?.items ?? []).flatMap((item, index) => {
      const itemAt = at(item, `${path}.dependsOn[${index}]`);
      if (item.kind !== 'string') {
        this.error(itemAt, `must be a task key or title (a string); got ${kindOf(item)}`);
        return [];
      }
      return item.value.trim() ? [{ ref: item.value.trim(), at: itemAt }] : [];
    });
    const dependsOnAt = fieldAt(dependsOnNode, node, `${path}.dependsOn`);
    if (refs.length > PROPOSAL_LIMITS.dependenciesPerTask) {
      const limit = PROPOSAL_LIMITS.dependenciesPerTask;
      this.error(dependsOnAt, `must name at most ${limit} tasks (got ${refs.length})`);
    }
    const task: ProposedTask = {
      key: key ?? '',
      title: title ?? '',
      description: description ?? '',
      ...(type !== undefined ? { type } : {}),
      skills: this.skills(fields, node, path),
      ...(requiredProficiency !== undefined ? { requiredProficiency } : {}),
      ...(estimateMinutes !== undefined ? { estimateMinutes } : {}),
      dependsOn: [],
      canRunParallel: canRunParallel ?? true,
      splittable: splittable ?? false,
      ...(priority !== undefined ? { priority } : {}),
    };
    const keyAt = fieldAt(fields.get('key'), node, `${path}.key`);
    return { task, explicitKey: key !== undefined, keyAt, dependsOnAt, refs };
  }

  private skills(fields: Map<string, SourceNode>, node: SourceNode, path: string): ProposedSkill[] {
    const list = this.array(fields, node, path, 'skills', false);
    if (!list) return [];
    if (list.items.length > PROPOSAL_LIMITS.skillsPerTask) {
      const limit = PROPOSAL_LIMITS.skillsPerTask;
      const count = list.items.length;
      this.error(at(list, `${path}.skills`), `must list at most ${limit} skills (got ${count})`);
      return [];
    }
    const bySlug = new Map<string, ProposedSkill>();
    list.items.forEach((item, index) => {
      const itemPath = `${path}.skills[${index}]`;
      const skill = this.skill(item, itemPath);
      if (!skill) return;
      const seen = bySlug.get(skill.slug);
      if (seen) {
        this.warn(at(item, itemPath), `repeats skill "${skill.slug}"; kept the higher proficiency`);
        const levels = [seen.proficiency, skill.proficiency].filter((l) => l !== undefined);
        if (levels.length) seen.proficiency = Math.max(...levels);
        return;
      }
      bySlug.set(skill.slug, skill);
      if (!this.knownSkills.has(skill.slug)) this.unknownSkills.add(skill.slug);
    });
    return [...bySlug.values()];
  }

  /** `"slug"`, `"slug:level"` or `{ "slug": …, "proficiency": … }`. */
  private skill(node: SourceNode, path: string): ProposedSkill | undefined {
    const nodeAt = at(node, path);
    let slugText: string;
    let level: string | number | undefined;
    if (node.kind === 'string') {
      const colon = node.value.indexOf(':');
      slugText = colon < 0 ? node.value : node.value.slice(0, colon);
      level = colon < 0 ? undefined : node.value.slice(colon + 1);
    } else if (node.kind === 'object') {
      const fields = this.fields(node, path, SKILL_FIELDS);
      const slugNode = fields.get('slug');
      if (slugNode?.kind !== 'string') {
        const problem = slugNode ? `must be a string; got ${kindOf(slugNode)}` : 'is required';
        return void this.error(fieldAt(slugNode, node, `${path}.slug`), problem);
      }
      slugText = slugNode.value;
      const levelNode = fields.get('proficiency');
      if (levelNode?.kind === 'string' || levelNode?.kind === 'number') level = levelNode.value;
      else if (levelNode && levelNode.kind !== 'null') {
        const levelAt = at(levelNode, `${path}.proficiency`);
        return void this.error(levelAt, `must be a number or a string; got ${kindOf(levelNode)}`);
      }
    } else {
      const problem = `must be a skill slug, "slug:level" or { "slug", "proficiency" }`;
      return void this.error(nodeAt, `${problem}; got ${kindOf(node)}`);
    }
    const slug = readSkillSlug(slugText);
    if (!slug.ok) return void this.error(nodeAt, slug.problem);
    if (level === undefined) return { slug: slug.value };
    const proficiency = readProficiency(level);
    if (!proficiency.ok) {
      return void this.error(nodeAt, `proficiency of "${slug.value}" ${proficiency.problem}`);
    }
    return { slug: slug.value, proficiency: proficiency.value };
  }

  /**
   * Explicit keys must be unique. An item without a key gets the slug of its name (`task` or
   * `phase` when nothing is left), made unique with `-2`, `-3`, … in document order; derived
   * keys never take an explicit one.
   */
  private settleKeys<T extends { key: string }>(
    items: Array<{ item: T; explicit: boolean; at: At }>,
    nameOf: (item: T) => string,
    fallback: string,
  ): void {
    const first = new Map<string, At>();
    for (const { item, explicit, at: keyAt } of items) {
      if (!explicit) continue;
      const earlier = first.get(item.key);
      if (earlier) {
        this.error(keyAt, `"${item.key}" is used twice (first on line ${earlier.line})`);
      } else first.set(item.key, keyAt);
    }
    const taken = new Set(first.keys());
    for (const entry of items) {
      if (entry.explicit) continue;
      entry.item.key = firstFreeSlug(slugify(nameOf(entry.item)) || fallback, taken);
      taken.add(entry.item.key);
    }
  }

  /**
   * A reference names a task by key; failing that, by title (normalized: case, spacing and a
   * trailing full stop do not matter) when exactly one task has that title.
   */
  private resolveDependencies(tasks: DraftTask[]): void {
    const byKey = new Map(tasks.map((draft) => [draft.task.key, draft]));
    const byTitle = new Map<string, DraftTask[]>();
    for (const draft of tasks) {
      const title = normalizeTitle(draft.task.title);
      byTitle.set(title, [...(byTitle.get(title) ?? []), draft]);
    }
    for (const draft of tasks) {
      const keys = new Set<string>();
      for (const { ref, at: refAt } of draft.refs) {
        const titled = byTitle.get(normalizeTitle(ref)) ?? [];
        const target = byKey.get(ref) ?? (titled.length === 1 ? titled[0] : undefined);
        if (titled.length > 1 && !target) {
          this.error(refAt, `"${ref}" is the title of ${titled.length} tasks; name one by its key`);
        } else if (!target) {
          this.error(refAt, `names no task of the proposal: "${ref}" is neither a key nor a title`);
        } else if (target === draft) {
          this.error(refAt, `makes task "${draft.task.key}" depend on itself`);
        } else keys.add(target.task.key);
      }
      draft.task.dependsOn = [...keys];
    }
  }

  /** Every cycle is reported once, as the path of keys from its first task in document order. */
  private refuseCycles(tasks: DraftTask[]): void {
    const graph = new Map(tasks.map((draft) => [draft.task.key, draft.task.dependsOn]));
    const reported = new Set<string>();
    for (const draft of tasks) {
      if (reported.has(draft.task.key)) continue;
      const cycle = findCycle(graph, draft.task.key);
      if (!cycle) continue;
      cycle.forEach((key) => reported.add(key));
      this.error(draft.dependsOnAt, `forms a dependency cycle: ${cycle.join(' → ')}`);
    }
  }
}
