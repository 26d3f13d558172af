import { DEFAULT_PROFICIENCY } from '../skill/proficiency.js';
import type { TaskPriority, TaskType } from '../task/task-lifecycle.js';

/**
 * A planner's proposal: the phases and tasks a plan should have. It is what `parseProposal`
 * returns, what a draft plan keeps (`proposedPlan`) and what `diffProposal` compares with an
 * existing plan. Keys are local to one proposal: they name tasks for `dependsOn` before the
 * tasks have ids. The text formats are in docs/planning.md ("Proposal format").
 */
export interface Proposal {
  title?: string;
  summary?: string;
  phases: ProposedPhase[];
}

export interface ProposedPhase {
  /** Unique among the proposal's phases; derived from the name when the proposal gives none. */
  key: string;
  name: string;
  description?: string;
  tasks: ProposedTask[];
}

export interface ProposedSkill {
  /** A skill slug, lower case; it may not exist in the workspace yet (see `unknownSkills`). */
  slug: string;
  /** 1–5. */
  proficiency?: number;
}

export interface ProposedTask {
  /** Unique among all tasks of the proposal; derived from the title when the proposal gives none. */
  key: string;
  title: string;
  /** '' when the proposal gives none. */
  description: string;
  type?: TaskType;
  skills: ProposedSkill[];
  /** 1–5. */
  requiredProficiency?: number;
  /** A positive whole number of minutes. */
  estimateMinutes?: number;
  /** Keys of tasks in this proposal that must be merged before this one starts. */
  dependsOn: string[];
  /** Default true. */
  canRunParallel: boolean;
  /** Default false. */
  splittable: boolean;
  priority?: TaskPriority;
}

export type ProposalFormat = 'json' | 'markdown';

/**
 * One problem with a proposal. `line` is 1-based in the text given to `parseProposal` (for
 * JSON syntax errors, Markdown outlines, and JSON structure errors too); `path` names the JSON
 * field, e.g. `phases[1].tasks[0].dependsOn[2]` (JSON structure errors; Markdown errors about
 * a task's field carry the equivalent path).
 */
export interface ProposalError {
  message: string;
  line?: number;
  path?: string;
}

export type ParseResult =
  | {
      ok: true;
      proposal: Proposal;
      format: ProposalFormat;
      /** Skill slugs the workspace does not have, sorted and unique: the caller may offer to create them. */
      unknownSkills: string[];
      /** What was ignored or adjusted, e.g. unknown JSON fields. */
      warnings: string[];
    }
  | { ok: false; format: ProposalFormat | 'unknown'; errors: ProposalError[] };

/** The bounds a proposal must keep; plan and phase names follow the plan editor's limits. */
export const PROPOSAL_LIMITS = {
  /** Characters of the whole text given to the parser. */
  textChars: 5_000_000,
  planTitleChars: 120,
  phaseNameChars: 120,
  taskTitleChars: 200,
  /** Summary and every description. */
  descriptionChars: 20_000,
  keyChars: 64,
  phases: 50,
  tasks: 500,
  skillsPerTask: 20,
  dependenciesPerTask: 100,
  /** The largest estimate, as the task editor allows. */
  estimateMinutes: 1_000_000,
  /** Errors reported at most; the rest are summed up in one last error. */
  errors: 50,
} as const;

/** A key: 1–64 letters, digits, `.`, `_` or `-`, starting with a letter or digit (`api`, `1.2`). */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A title as matching sees it: Unicode-normalized, lower case, inner white space collapsed,
 * trailing full stops dropped. "Build the API." and "build  the api" are the same title.
 */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.+$/, '')
    .trimEnd();
}

/** The level a task needs: its own, else the highest of its skills', else the default (3). */
export function requiredProficiencyOf(task: ProposedTask): number {
  if (task.requiredProficiency !== undefined) return task.requiredProficiency;
  const levels = task.skills.flatMap((skill) =>
    skill.proficiency === undefined ? [] : [skill.proficiency],
  );
  return levels.length ? Math.max(...levels) : DEFAULT_PROFICIENCY;
}

/**
 * One line for people: `line 7: phases[0].name is required`, or the message alone when there
 * is no line (JSON messages already start with their path).
 */
export function formatProposalError(error: ProposalError): string {
  if (error.line !== undefined) return `line ${error.line}: ${error.message}`;
  return error.message;
}
