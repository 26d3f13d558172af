import { parseProficiency } from '../skill/proficiency.js';
import { TaskPriority, TaskType } from '../task/task-lifecycle.js';

/** The marker an agent writes before the directive's JSON on one line of its output. */
export const SUBTASK_MARKER = 'MAESTRO:SUBTASK';

/** A directive's longest accepted text. */
export const MAX_DIRECTIVE_LENGTH = 20_000;

/** What a `MAESTRO:SUBTASK{…}` line asks for, validated (docs/dispatch.md, "Subtask directives"). */
export interface SubtaskDirective {
  readonly title: string;
  readonly description: string | undefined;
  /** Skill slugs (or public ids), resolved in the workspace by the caller. */
  readonly skills: readonly string[] | undefined;
  readonly requiredProficiency: number | undefined;
  readonly estimateMinutes: number | undefined;
  /** Tasks of the same plan, by public id or by exact title, resolved by the caller. */
  readonly dependsOn: readonly string[] | undefined;
  readonly canRunParallel: boolean | undefined;
  readonly priority: TaskPriority | undefined;
  readonly type: TaskType | undefined;
  /** True: the plan is re-planned (a REFINE run) instead of a child task being created. */
  readonly replan: boolean;
}

export type DirectiveParse =
  | { readonly ok: true; readonly directive: SubtaskDirective }
  | { readonly ok: false; readonly problem: string };

/** Each accepted key, in camelCase, and the snake_case spelling agents also write. */
const KEYS: Record<string, string> = {
  title: 'title',
  description: 'description',
  skills: 'skills',
  requiredProficiency: 'requiredProficiency',
  required_proficiency: 'requiredProficiency',
  estimateMinutes: 'estimateMinutes',
  estimate_minutes: 'estimateMinutes',
  estimatedMinutes: 'estimateMinutes',
  estimated_minutes: 'estimateMinutes',
  dependsOn: 'dependsOn',
  depends_on: 'dependsOn',
  canRunParallel: 'canRunParallel',
  can_run_parallel: 'canRunParallel',
  priority: 'priority',
  type: 'type',
  replan: 'replan',
};

/**
 * Parses a subtask directive: the JSON object of a `MAESTRO:SUBTASK{…}` line, with or without
 * the marker. Never throws: anything unusable is a `problem` that names what is wrong, which
 * the caller posts as a comment on the task.
 */
export function parseSubtaskDirective(text: string): DirectiveParse {
  const fail = (problem: string): DirectiveParse => ({ ok: false, problem });
  if (typeof text !== 'string') return fail('the directive must be text');
  let body = text.trim();
  if (body.length > MAX_DIRECTIVE_LENGTH) {
    return fail(`the directive is ${body.length} characters; at most ${MAX_DIRECTIVE_LENGTH}`);
  }
  if (body.startsWith(SUBTASK_MARKER)) body = body.slice(SUBTASK_MARKER.length).trim();
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    return fail(`the directive is not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('the directive must be a JSON object such as {"title": "…"}');
  }
  const fields = new Map<string, unknown>();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const name = KEYS[key];
    if (!name) unknown.push(key);
    else if (fields.has(name)) return fail(`"${key}" is given twice (in two spellings)`);
    else fields.set(name, value);
  }
  if (unknown.length > 0) {
    return fail(
      `unknown field(s) ${unknown.map((key) => `"${key}"`).join(', ')}; accepted: ` +
        'title, description, skills, requiredProficiency, estimateMinutes, dependsOn, ' +
        'canRunParallel, priority, type, replan',
    );
  }
  try {
    const title = fields.get('title');
    if (typeof title !== 'string' || title.trim() === '') {
      return fail('"title" is required: a non-empty string');
    }
    if (title.trim().length > 200) return fail('"title" is longer than 200 characters');
    return {
      ok: true,
      directive: {
        title: title.trim(),
        description: optionalString(fields.get('description'), 'description'),
        skills: optionalStrings(fields.get('skills'), 'skills'),
        requiredProficiency:
          fields.get('requiredProficiency') === undefined
            ? undefined
            : parseProficiency('requiredProficiency', fields.get('requiredProficiency')),
        estimateMinutes: optionalMinutes(fields.get('estimateMinutes')),
        dependsOn: optionalStrings(fields.get('dependsOn'), 'dependsOn'),
        canRunParallel: optionalBoolean(fields.get('canRunParallel'), 'canRunParallel'),
        priority: optionalEnum(fields.get('priority'), 'priority', TaskPriority),
        type: optionalEnum(fields.get('type'), 'type', TaskType),
        replan: optionalBoolean(fields.get('replan'), 'replan') ?? false,
      },
    };
  } catch (error) {
    return fail((error as Error).message);
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`"${field}" must be a string`);
  return value;
}

function optionalStrings(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !item.trim())) {
    throw new Error(`"${field}" must be a list of non-empty strings`);
  }
  if (value.length > 50) throw new Error(`"${field}" has more than 50 entries`);
  return value.map((item: string) => item.trim());
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new Error(`"${field}" must be true or false`);
  return value;
}

function optionalMinutes(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) {
    throw new Error('"estimateMinutes" must be a whole number of minutes from 0 to 1000000');
  }
  return value;
}

function optionalEnum<T extends string>(
  value: unknown,
  field: string,
  values: Record<string, T>,
): T | undefined {
  if (value === undefined || value === null) return undefined;
  const match = Object.values(values).find(
    (candidate) => typeof value === 'string' && candidate === value.trim().toUpperCase(),
  );
  if (!match) {
    throw new Error(`"${field}" must be one of ${Object.values(values).join(', ')}`);
  }
  return match;
}
