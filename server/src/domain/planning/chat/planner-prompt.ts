/**
 * The planner's prompt (docs/planning.md, "Plan chat"): what Studio knows about the project —
 * its repository context, context files, the knowledge artifacts nearest the conversation's
 * latest text and the workspace's skills — and the conversation so far, with a system prompt
 * asking for the proposal format of docs/planning.md. Pure: the caller gathers the facts.
 */

import type { CurrentPlan } from '../proposal-diff.js';

/** One message of a chat completion request. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface PromptRepoContext {
  readonly framework: string | null;
  readonly techStack: readonly string[];
  readonly architectureSummary: string;
  readonly directoryMap: Readonly<Record<string, string>>;
}

export interface PromptContextFile {
  readonly kind: string;
  readonly name: string;
  readonly content: string;
}

export interface PromptKnowledgeHit {
  readonly type: string;
  readonly name: string;
  readonly summary: string;
  readonly language: string | null;
  readonly framework: string | null;
  readonly paths: readonly string[];
}

export interface PromptMessage {
  readonly author: 'USER' | 'PLANNER' | 'SYSTEM';
  readonly body: string;
}

export interface PlannerPromptInput {
  readonly project: { readonly name: string };
  readonly plan: { readonly name: string; readonly description: string; readonly status: string };
  readonly repoContext: PromptRepoContext | null;
  readonly contextFiles: readonly PromptContextFile[];
  readonly knowledge: readonly PromptKnowledgeHit[];
  /** The project's patterns (PATTERN artifacts), listed whatever the message's words. */
  readonly patterns?: readonly PromptKnowledgeHit[];
  readonly skills: readonly { readonly slug: string; readonly name: string }[];
  /** The conversation in order, the user's latest message last. */
  readonly conversation: readonly PromptMessage[];
  /** The plan's phases and tasks as re-planning sees them (cancelled tasks left out). */
  readonly current?: CurrentPlan;
}

/** How much of each part the prompt carries, in characters (or entries). */
export const PROMPT_LIMITS = {
  planDescriptionChars: 4_000,
  architectureChars: 4_000,
  directoryEntries: 60,
  contextFileChars: 4_000,
  contextFilesChars: 12_000,
  knowledgeHits: 8,
  knowledgeSummaryChars: 500,
  patterns: 12,
  skills: 200,
  messageChars: 20_000,
  conversationChars: 40_000,
  currentPlanChars: 20_000,
} as const;

const INSTRUCTIONS = `You are the planner of Maestro, a platform that hands a software project's work to AI coding agents.
You help the user turn a goal into a plan: phases in order, and in each phase tasks an agent can finish on its own.

When the goal is clear enough, answer with a proposal in exactly this JSON format, in one \`\`\`json fenced block:

\`\`\`json
{
  "title": "Plan title (at most 120 characters)",
  "summary": "What the plan delivers and why.",
  "phases": [
    {
      "key": "backend",
      "name": "Phase name",
      "description": "Why this phase comes here.",
      "tasks": [
        {
          "key": "schema",
          "title": "Task title (at most 200 characters)",
          "description": "What to do, where, and how to know it is done.",
          "type": "FEATURE | BUGFIX | REFACTOR | TEST | DOCS | CHORE | RESEARCH",
          "priority": "LOW | MEDIUM | HIGH | URGENT",
          "skills": ["skill-slug:3"],
          "estimateMinutes": 90,
          "dependsOn": ["key of a task that must be merged first"],
          "canRunParallel": true,
          "splittable": false
        }
      ]
    }
  ]
}
\`\`\`

Rules for a proposal: strict JSON (no comments, no trailing commas); task keys unique; dependsOn names task keys and forms no cycle; skill levels are 1-5; use the workspace's skill slugs listed below where they fit.
You may write one or two sentences before the block, nothing after it.
When you need to know something before you can plan, do not propose: ask your questions plainly, each ending with a question mark.
Ground the plan in the project facts below; extend the existing code they name rather than rewriting it.`;

/** The chat completion messages for the planner. */
export function buildPlannerPrompt(input: PlannerPromptInput): ChatMessage[] {
  return [{ role: 'system', content: systemPrompt(input) }, ...conversationMessages(input)];
}

/**
 * The same prompt as one text, for a daemon's provider (a PLANNING run): the system prompt,
 * then the conversation as a transcript, ending with what the planner is to answer.
 */
export function renderPlannerPrompt(input: PlannerPromptInput): string {
  const transcript = conversationMessages(input).map(
    (message) => `### ${message.role === 'user' ? 'User' : 'Planner'}\n\n${message.content}`,
  );
  return [
    systemPrompt(input),
    '',
    '# The conversation so far',
    '',
    ...transcript.flatMap((part) => [part, '']),
    'Answer the user’s latest message as the planner, in text (do not edit files).',
  ].join('\n');
}

function systemPrompt(input: PlannerPromptInput): string {
  const sections = [
    INSTRUCTIONS,
    section('Project', [
      `Project: ${input.project.name}`,
      `Plan: ${input.plan.name} (${input.plan.status})`,
      ...(input.plan.description.trim()
        ? ['', trimTo(input.plan.description.trim(), PROMPT_LIMITS.planDescriptionChars)]
        : []),
    ]),
    currentPlanSection(input.current),
    repoSection(input.repoContext),
    contextFilesSection(input.contextFiles),
    patternsSection(input.patterns ?? []),
    knowledgeSection(input.knowledge, input.patterns ?? []),
    skillsSection(input.skills),
  ];
  return sections.filter((part): part is string => part !== undefined).join('\n\n');
}

/**
 * The plan as it is, in the proposal's own format (keys, skills, dependencies by key, each
 * task's status), so a revised proposal can repeat the keys of the tasks it keeps: applying it
 * then changes them instead of removing and re-adding them (planning.md, "Re-planning").
 */
export function currentPlanSection(current: CurrentPlan | undefined): string | undefined {
  const tasks = current?.phases.flatMap((phase) => phase.tasks) ?? [];
  if (!current || tasks.length === 0) return undefined;
  const keyOf = new Map(tasks.map((task) => [task.id, task.key ?? task.title]));
  const phases = current.phases.map((phase) => ({
    ...(phase.key ? { key: phase.key } : {}),
    name: phase.name,
    tasks: phase.tasks.map((task) => ({
      ...(task.key ? { key: task.key } : {}),
      title: task.title,
      status: task.status,
      ...(task.skills.length
        ? {
            skills: task.skills.map((skill) =>
              skill.proficiency ? `${skill.slug}:${skill.proficiency}` : skill.slug,
            ),
          }
        : {}),
      ...(task.estimateMinutes ? { estimateMinutes: task.estimateMinutes } : {}),
      ...(task.dependsOn.length
        ? { dependsOn: task.dependsOn.map((id) => keyOf.get(id) ?? id) }
        : {}),
    })),
  }));
  let json = JSON.stringify({ phases }, null, 1);
  let shown = phases.length;
  while (json.length > PROMPT_LIMITS.currentPlanChars && shown > 1) {
    shown--;
    json = JSON.stringify({ phases: phases.slice(0, shown) }, null, 1);
  }
  return section('The plan as it is', [
    `The plan already has ${tasks.length} task${tasks.length === 1 ? '' : 's'}. A proposal replaces the whole plan: repeat the key (or, for a task without one, the exact title) of every task you keep, leave out the tasks to remove (finished work stays regardless), and give new tasks new keys. The user sees the difference and confirms it before anything changes.`,
    '',
    '```json',
    json,
    '```',
    ...(shown < phases.length
      ? [`(${phases.length - shown} more phases left out for length)`]
      : []),
  ]);
}

function repoSection(repo: PromptRepoContext | null): string {
  if (!repo) return section('Repository context', ['Not analysed yet.']);
  const entries = Object.entries(repo.directoryMap).sort(([a], [b]) => a.localeCompare(b));
  const shown = entries.slice(0, PROMPT_LIMITS.directoryEntries);
  return section('Repository context', [
    `Framework: ${repo.framework ?? 'unknown'}`,
    `Tech stack: ${repo.techStack.length ? repo.techStack.join(', ') : 'unknown'}`,
    ...(repo.architectureSummary.trim()
      ? ['', trimTo(repo.architectureSummary.trim(), PROMPT_LIMITS.architectureChars)]
      : []),
    ...(shown.length
      ? [
          '',
          'Directories:',
          ...shown.map(([dir, what]) => `- ${dir}: ${oneLine(what)}`),
          ...(entries.length > shown.length
            ? [`- … and ${entries.length - shown.length} more`]
            : []),
        ]
      : []),
  ]);
}

function contextFilesSection(files: readonly PromptContextFile[]): string | undefined {
  if (files.length === 0) return undefined;
  let left: number = PROMPT_LIMITS.contextFilesChars;
  const parts: string[] = [];
  let omitted = 0;
  for (const file of files) {
    const budget = Math.min(PROMPT_LIMITS.contextFileChars, left);
    if (budget < 200) {
      omitted++;
      continue;
    }
    const content = trimTo(file.content.trim(), budget);
    left -= content.length;
    parts.push(`## ${file.kind}: ${file.name}\n\n${content}`);
  }
  if (omitted) parts.push(`(${omitted} more context files left out for length)`);
  return section('Context files', parts);
}

/** One artifact on one line: type, name, stack, files, summary. */
function artifactLine(hit: PromptKnowledgeHit): string {
  const where = hit.paths.length ? ` in ${hit.paths.slice(0, 3).join(', ')}` : '';
  const tech = [hit.language, hit.framework].filter(Boolean).join('/');
  const summary = oneLine(trimTo(hit.summary, PROMPT_LIMITS.knowledgeSummaryChars));
  return `- ${hit.type} ${hit.name}${tech ? ` (${tech})` : ''}${where}${summary ? `: ${summary}` : ''}`;
}

/** A pattern the search also found is listed once, with the conventions. */
const sameArtifact = (a: PromptKnowledgeHit, b: PromptKnowledgeHit) =>
  a.type === b.type && a.name === b.name;

function knowledgeSection(
  hits: readonly PromptKnowledgeHit[],
  patterns: readonly PromptKnowledgeHit[],
): string | undefined {
  const rest = hits.filter((hit) => !patterns.some((pattern) => sameArtifact(hit, pattern)));
  if (rest.length === 0) return undefined;
  return section(
    'Existing code to reuse (knowledge artifacts nearest the request)',
    rest.slice(0, PROMPT_LIMITS.knowledgeHits).map(artifactLine),
  );
}

/**
 * The project's patterns (PATTERN artifacts repository analysis had an AI name): conventions
 * tasks should follow, whatever the request's words, so they are listed whole.
 */
function patternsSection(patterns: readonly PromptKnowledgeHit[]): string | undefined {
  if (patterns.length === 0) return undefined;
  return section(
    'Conventions of this code base (patterns found by repository analysis; plan tasks that follow them)',
    patterns.slice(0, PROMPT_LIMITS.patterns).map(artifactLine),
  );
}

function skillsSection(skills: PlannerPromptInput['skills']): string {
  if (skills.length === 0) {
    return section('Workspace skills', ['None defined yet; name the skills tasks need as slugs.']);
  }
  const shown = skills.slice(0, PROMPT_LIMITS.skills);
  return section('Workspace skills (slug: name)', [
    ...shown.map((skill) => `- ${skill.slug}: ${oneLine(skill.name)}`),
    ...(skills.length > shown.length ? [`- … and ${skills.length - shown.length} more`] : []),
  ]);
}

/**
 * The conversation as chat messages: the user's and the planner's (Studio's own notices are
 * left out), each trimmed, the oldest dropped first when the whole is too long — the latest
 * message is always kept.
 */
function conversationMessages(input: PlannerPromptInput): ChatMessage[] {
  const messages = input.conversation
    .filter((message) => message.author !== 'SYSTEM' && message.body.trim())
    .map((message): ChatMessage => ({
      role: message.author === 'USER' ? 'user' : 'assistant',
      content: trimTo(message.body, PROMPT_LIMITS.messageChars),
    }));
  const kept: ChatMessage[] = [];
  let total = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (!message) continue;
    if (kept.length > 0 && total + message.content.length > PROMPT_LIMITS.conversationChars) break;
    kept.unshift(message);
    total += message.content.length;
  }
  return kept;
}

function section(title: string, lines: readonly string[]): string {
  return `# ${title}\n\n${lines.join('\n')}`;
}

/** At most `max` characters, marked where it was cut. */
export function trimTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '\n… (trimmed)';
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
