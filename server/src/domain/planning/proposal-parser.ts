/**
 * ProposalParser: turns a planner's answer into a Proposal, or into errors that name the line
 * (and, for JSON, the field path). docs/planning.md ("Proposal format") is the same contract
 * with full examples; the planner's prompt asks for it.
 *
 * FINDING THE PROPOSAL. The text is JSON when its first non-blank line starts with `{` (the
 * object runs to the end of the text), or when a fence tagged ```json opens at column 0 (the
 * first such block); a Markdown outline when the first non-blank line is a `#` or `##`
 * heading. Otherwise, the first fenced block (```) tagged `json`, or untagged and starting
 * with `{`, is the JSON; else the first block tagged `markdown` or `md` is the outline; else a
 * line starting with `{` begins the JSON when the text ends with `}` (a leading sentence is
 * skipped); else a text with a `#`/`##` heading is an outline (text before the first heading
 * is ignored, with a warning). Anything else is `format: 'unknown'`. Line numbers always count
 * in the whole text.
 *
 * JSON. Strict RFC 8259 JSON (no comments, no trailing commas, a field at most once):
 *   { "title"?, "summary"?, "phases": [ { "key"?, "name", "description"?, "tasks": [ {
 *     "key"?, "title", "description"?, "type"?, "skills"?, "requiredProficiency"?,
 *     "estimateMinutes"?, "dependsOn"?, "canRunParallel"?, "splittable"?, "priority"? } ] } ] }
 * `null` is the same as leaving a field out; unknown fields are ignored with a warning.
 *
 * MARKDOWN OUTLINE (line by line; leading tabs count 4 columns):
 *   outline  = [preamble] [title] [summary] phase*
 *   title    = "# " text                       at most one, before the first phase
 *   summary  = text lines between the title and the first phase
 *   phase    = "## " ["[" key "] "] name       then text lines (the phase description) until
 *              its first task; "###" and deeper headings are errors
 *   task     = bullet ["[" key "] "] title [sep description]
 *              bullet = "-", "*", "+" or "1." / "1)" at the start of a line (after indentation);
 *              sep = " — ", " – " or " -- "; a title wrapped in ** or __ is unwrapped
 *   body     = the lines below a task indented deeper than its bullet (blank lines included)
 *              up to the next line that is not; the body's smallest indentation is the
 *              field column. A body line at the field column of the form `name: value`
 *              (name: one or two words of letters) is a field:
 *                skills: typescript:4, sql       slugs, each optionally ":<proficiency>"
 *                depends on: api, Set up CI      keys or titles ("depends", "dependencies";
 *                                                "none" or "-" for none; [key] is allowed)
 *                estimate: 2h                    see readEstimate
 *                parallel: no                    canRunParallel (yes/no, true/false)
 *                splittable: yes
 *                type: FEATURE                   a TaskType, any case
 *                priority: HIGH                  a TaskPriority, any case
 *                proficiency: advanced           requiredProficiency
 *                description: text               appended to the description
 *              Any other name there is an error ("unknown field"); a field twice is an error.
 *              Every other body line (deeper indented, not field-shaped, or in a ``` fence)
 *              is description, with its common indentation removed. The description is the
 *              text after `sep`, then the `description:` values, then those lines.
 *   A task before the first "## " is an error; so is unindented text after a phase's first
 *   task. "---" rules are ignored.
 *
 * VALUES (both formats). Titles and names are trimmed, spaces collapsed: plan title and phase
 * names ≤ 120 characters, task titles ≤ 200; summary and descriptions ≤ 20,000. At most 50
 * phases, 500 tasks, 20 skills and 100 dependencies per task. Proficiency: 1–5, a level name,
 * or a percentage with `%` (a bare number must be 1–5). Estimates: positive whole minutes, or
 * "30m", "2h", "1.5d" (8-hour days), "1w" (5 days), "1h 30m". Skill slugs are lower-cased;
 * slugs the workspace lacks are reported in `unknownSkills`, never as errors.
 *
 * KEYS AND DEPENDENCIES. Keys are 1–64 letters, digits, ".", "_", "-" and unique among the
 * proposal's tasks (phases have their own keys). A task without a key gets the slug of its
 * title (`Set up CI` → `set-up-ci`), then `-2`, `-3`, … if taken; explicit keys are never
 * taken by a derived one. A dependency names a task by key; failing that, by title when
 * exactly one task has that title (case, spacing and a trailing full stop ignored). A task may
 * not depend on itself, and cycles are refused with their path: `a → b → c → a`.
 */
import { buildProposal } from './proposal-validation.js';
import { looksLikeOutline, readOutline } from './proposal-markdown.js';
import {
  type ParseResult,
  PROPOSAL_LIMITS,
  type ProposalError,
  type ProposalFormat,
} from './proposal.js';
import { readJson, type SourceNode } from './source-tree.js';

export interface ParseOptions {
  /** The workspace's skill slugs. */
  knownSkills: ReadonlySet<string>;
}

export const UNKNOWN_FORMAT_MESSAGE =
  'expected a JSON proposal (an object with "phases", on its own or in a ```json block) or a ' +
  'Markdown outline ("# Plan title", "## Phase" headings, "- Task" list items); ' +
  'see docs/planning.md, "Proposal format"';

export function parseProposal(text: string, options: ParseOptions): ParseResult {
  if (text.length > PROPOSAL_LIMITS.textChars) {
    const message = `the proposal is ${text.length} characters long; at most ${PROPOSAL_LIMITS.textChars}`;
    return { ok: false, format: 'unknown', errors: [{ message }] };
  }
  const found = locate(text);
  if (!found)
    return { ok: false, format: 'unknown', errors: [{ message: UNKNOWN_FORMAT_MESSAGE }] };

  let root: SourceNode;
  const errors: ProposalError[] = [];
  const warnings: string[] = [];
  if (found.format === 'json') {
    const read = readJson(found.body, found.firstLine);
    if (!read.ok) {
      const message = `invalid JSON: ${read.message} (line ${read.line}, column ${read.column})`;
      return { ok: false, format: 'json', errors: [{ message, line: read.line }] };
    }
    root = read.node;
  } else {
    const outline = readOutline(found.body, found.firstLine);
    root = outline.root;
    errors.push(...outline.errors);
    warnings.push(...outline.warnings);
  }

  const built = buildProposal(root, options.knownSkills);
  errors.push(...built.errors);
  if (errors.length || !built.proposal) {
    return { ok: false, format: found.format, errors: capped(errors) };
  }
  return {
    ok: true,
    proposal: built.proposal,
    format: found.format,
    unknownSkills: built.unknownSkills,
    warnings: [...warnings, ...built.warnings],
  };
}

interface Located {
  format: ProposalFormat;
  body: string;
  /** The line of `body`'s first line in the whole text. */
  firstLine: number;
}

/** Finds the proposal in the text (see "Finding the proposal" above). */
function locate(text: string): Located | undefined {
  const lines = text.split(/\r?\n/);
  const from = (index: number, format: ProposalFormat): Located => ({
    format,
    body: lines.slice(index).join('\n'),
    firstLine: index + 1,
  });
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return undefined;
  if (lines[first]?.trimStart().startsWith('{')) return from(first, 'json');
  const blocks = fencedBlocks(lines);
  const tagged = blocks.find((block) => block.info === 'json' && block.indent === 0);
  if (tagged) return { format: 'json', body: tagged.body, firstLine: tagged.firstLine };
  if (/^ {0,3}#{1,2}[ \t]+\S/.test(lines[first] ?? '')) return from(0, 'markdown');

  const json = blocks.find(
    (block) =>
      block.info === 'json' || (block.info === '' && block.body.trimStart().startsWith('{')),
  );
  if (json) return { format: 'json', body: json.body, firstLine: json.firstLine };
  const outline = blocks.find((block) => block.info === 'markdown' || block.info === 'md');
  if (outline) return { format: 'markdown', body: outline.body, firstLine: outline.firstLine };

  const brace = lines.findIndex((line) => line.trimStart().startsWith('{'));
  if (brace >= 0 && text.trimEnd().endsWith('}')) return from(brace, 'json');
  if (looksLikeOutline(text)) return from(0, 'markdown');
  return undefined;
}

interface FencedBlock {
  /** Columns before the opening fence (0–3). */
  indent: number;
  /** The info word, lower case: `json`, `markdown`, … or ''. */
  info: string;
  body: string;
  /** The line of the body's first line in the whole text. */
  firstLine: number;
}

/** Fenced code blocks at the top level (opened at most 3 columns in), in order. */
function fencedBlocks(lines: string[]): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)/.exec(lines[index] ?? '');
    if (!open) continue;
    const marker = open[2] ?? '```';
    let end = index + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(marker)) end++;
    blocks.push({
      indent: open[1]?.length ?? 0,
      info: (open[3] ?? '').toLowerCase(),
      body: lines.slice(index + 1, end).join('\n'),
      firstLine: index + 2,
    });
    index = end;
  }
  return blocks;
}

/** Errors in line order (those without a line last), at most PROPOSAL_LIMITS.errors of them. */
function capped(errors: ProposalError[]): ProposalError[] {
  const sorted = errors
    .map((error, order) => ({ error, order }))
    .sort((a, b) => (a.error.line ?? Infinity) - (b.error.line ?? Infinity) || a.order - b.order)
    .map(({ error }) => error);
  const max = PROPOSAL_LIMITS.errors;
  if (sorted.length <= max) return sorted;
  return [...sorted.slice(0, max), { message: `and ${sorted.length - max} more errors` }];
}
