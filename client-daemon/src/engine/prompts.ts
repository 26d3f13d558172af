import type { DaemonRunFieldsFragment } from '../generated/graphql.js';

/** The run as the daemon receives it (claimRun, acceptTask). */
export type DaemonRun = DaemonRunFieldsFragment;

/** A comment on the task, for a revision's context. */
export interface PromptComment {
  readonly authorKind: string;
  readonly body: string;
}

/** A field of the run's instructions as text ('' when absent or not a scalar). */
function field(instructions: Record<string, unknown>, key: string, fallback = ''): string {
  const value = instructions[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

/** Existing code the knowledge search found near the task (DaemonKnowledgeHints). */
export interface PromptArtifact {
  readonly type: string;
  readonly name: string;
  readonly language?: string | null;
  readonly framework?: string | null;
  readonly summary: string;
  readonly fileRefs: ReadonlyArray<Record<string, unknown>>;
}

/** A knowledge hit's summary is cut to this many characters in the prompt. */
const ARTIFACT_SUMMARY_CHARS = 300;
/** A pattern's summary is cut to this many characters (its what and when, not its code). */
const PATTERN_SUMMARY_CHARS = 500;

/** A summary on one line, cut at `chars` with an ellipsis. */
function oneLine(text: string, chars: number): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > chars ? `${line.slice(0, chars - 1)}…` : line;
}

/** Where an artifact lives: `path:start-end` for each file reference that names a path. */
function placesOf(artifact: PromptArtifact): string {
  const places = artifact.fileRefs.flatMap((ref) => {
    if (typeof ref.path !== 'string' || ref.path === '') return [];
    const start = typeof ref.startLine === 'number' ? ref.startLine : undefined;
    const end = typeof ref.endLine === 'number' ? ref.endLine : undefined;
    if (start === undefined) return [ref.path];
    return [`${ref.path}:${start}${end !== undefined && end !== start ? `-${end}` : ''}`];
  });
  return places.join(', ');
}

/**
 * "Reuse before writing": the artifacts of the project's knowledge that match the task best,
 * each as one line — what it is, where it lives, what it does.
 */
export function reuseSection(artifacts: readonly PromptArtifact[]): string[] {
  if (artifacts.length === 0) return [];
  return [
    '',
    '# Reuse before writing',
    '',
    "Maestro's knowledge search found existing code in this repository that may already do part",
    'of the task. Read it first; call or extend it rather than writing the same thing again.',
    '',
    ...artifacts.map((artifact) => {
      const stack = [artifact.language, artifact.framework].filter(Boolean).join(', ');
      const where = placesOf(artifact);
      const summary = oneLine(artifact.summary, ARTIFACT_SUMMARY_CHARS);
      return (
        `- ${artifact.type.toLowerCase()} ${artifact.name}` +
        (stack ? ` (${stack})` : '') +
        (where ? ` in ${where}` : '') +
        (summary ? `: ${summary}` : '')
      );
    }),
  ];
}

/**
 * "Conventions of this code base": the project's patterns (PATTERN artifacts, which repository
 * analysis has an AI name), listed whatever the task's words, since a convention applies to
 * any work that touches what it covers.
 */
export function conventionsSection(patterns: readonly PromptArtifact[]): string[] {
  if (patterns.length === 0) return [];
  return [
    '',
    '# Conventions of this code base',
    '',
    'Repository analysis found these patterns in this repository. Where the work touches what',
    'one covers, it follows it; the files it names show how.',
    '',
    ...patterns.map((pattern) => {
      const where = placesOf(pattern);
      return `- ${pattern.name}${where ? ` (${where})` : ''}: ${oneLine(pattern.summary, PATTERN_SUMMARY_CHARS)}`;
    }),
  ];
}

/** Diffs longer than this are cut (the reviewer is told so). */
const DIFF_CHARS = 120_000;

const SUBTASK_HELP = [
  'If part of the work belongs in a separate task, print a line of its own:',
  'MAESTRO:SUBTASK{"title": "…", "description": "…", "skills": ["slug"]}',
  'and do not do that part here.',
].join('\n');

function taskSection(run: DaemonRun): string[] {
  const task = run.task;
  if (!task) return [];
  const skills = task.skills.map((skill) => skill.slug).join(', ');
  return [
    `# Task: ${task.title}`,
    '',
    task.description.trim() || '(no description)',
    ...(skills ? ['', `Skills: ${skills}`] : []),
  ];
}

function planLine(run: DaemonRun): string[] {
  return run.plan
    ? [`This is part of the plan "${run.plan.name}": ${run.plan.description.trim()}`.trim(), '']
    : [];
}

/**
 * What a developer agent is asked for an EXECUTION run: the task, what the run was handed
 * (a revision's review, conflicts to resolve, a lead's delegation) and the house rules.
 */
export function executionPrompt(
  run: DaemonRun,
  context: {
    comments: readonly PromptComment[];
    conflicts: readonly string[];
    /** The knowledge nearest the task ("Reuse before writing"). */
    reuse?: readonly PromptArtifact[];
    /** The project's patterns ("Conventions of this code base"). */
    patterns?: readonly PromptArtifact[];
  },
): string {
  const instructions = run.instructions ?? {};
  const lines: string[] = [
    `You are a software engineer working in the git worktree of branch ${run.git?.taskBranch ?? '(none)'}.`,
    ...planLine(run),
    ...taskSection(run),
  ];
  if (instructions.kind === 'delegation') {
    lines.push(
      '',
      `# Delegated by your lead: ${field(instructions, 'title')}`,
      '',
      field(instructions, 'instructions'),
    );
  }
  if (instructions.kind === 'REVISION') {
    lines.push(
      '',
      `# Revision ${field(instructions, 'revision')}`,
      '',
      'The review rejected the previous attempt, which is already on this branch:',
      field(instructions, 'review'),
      '',
      'Change the work so that it answers the review.',
    );
  }
  if (context.conflicts.length > 0) {
    lines.push(
      '',
      '# Merge conflicts',
      '',
      `Merging ${field(instructions, 'mergeFrom', 'the epic')} into this branch conflicts in:`,
      ...context.conflicts.map((file) => `- ${file}`),
      '',
      'Resolve every conflict: keep what both sides meant, and leave no conflict markers.',
    );
  }
  const comments = context.comments.filter((comment) => comment.body.trim() !== '');
  if (comments.length > 0) {
    lines.push(
      '',
      '# Recent comments on the task',
      '',
      ...comments.map(
        (comment) => `- (${comment.authorKind.toLowerCase()}) ${comment.body.trim()}`,
      ),
    );
  }
  const patterns = context.patterns ?? [];
  lines.push(...conventionsSection(patterns));
  // a pattern the search also found is listed once, with the conventions
  const listed = new Set(patterns.map((one) => `${one.type}\0${one.name}`));
  lines.push(
    ...reuseSection((context.reuse ?? []).filter((one) => !listed.has(`${one.type}\0${one.name}`))),
  );
  lines.push(
    '',
    '# How to work',
    '',
    '- Work only inside this directory.',
    '- Do not commit or push: Maestro commits what you leave and pushes the branch.',
    '- End with a short summary of what you changed.',
    `- ${SUBTASK_HELP.replace(/\n/g, '\n  ')}`,
  );
  return lines.join('\n');
}

/** What the reviewer is asked: the task, the change, and the verdict line it must end with. */
export function reviewPrompt(
  run: DaemonRun,
  diff: string,
  patterns: readonly PromptArtifact[] = [],
): string {
  const cut = diff.length > DIFF_CHARS;
  const conventions = conventionsSection(patterns);
  return [
    'You are reviewing a change made for the task below. Read the change and the code around',
    'it in this directory; do not edit anything.',
    '',
    ...planLine(run),
    ...taskSection(run),
    '',
    `# The change (${run.git?.epicBranch ?? 'epic'}...${run.git?.taskBranch ?? 'task'})`,
    '',
    '```diff',
    cut ? diff.slice(0, DIFF_CHARS) : diff || '(no changes)',
    '```',
    ...(cut
      ? [`(the diff is cut at ${DIFF_CHARS} characters; read the rest in the repository)`]
      : []),
    ...conventions,
    '',
    '# Your verdict',
    '',
    'Approve only a change that does what the task asks, correctly and completely' +
      (conventions.length
        ? ', and that follows the conventions above where it touches them.'
        : '.'),
    'End your answer with exactly one line of its own, either',
    '',
    'VERDICT: APPROVED',
    '',
    'or',
    '',
    'VERDICT: REJECTED — <what is wrong and what must change>',
  ].join('\n');
}

/** A text run without a special prompt (planning, re-planning, analysis, comment evaluation). */
export function textPrompt(run: DaemonRun): string {
  return [
    `Purpose: ${run.purpose}.`,
    ...planLine(run),
    ...taskSection(run),
    '',
    '# What you were handed',
    '',
    '```json',
    JSON.stringify(run.instructions ?? {}, null, 2),
    '```',
    '',
    'Answer in text; do not edit files.',
  ].join('\n');
}
