import type { ProposalError } from './proposal.js';
import type { ArrayNode, ObjectNode, SourceNode } from './source-tree.js';

/**
 * Reads a Markdown outline (grammar: proposal-parser.ts and docs/planning.md) into the same
 * SourceNode tree the JSON reader makes, with the fields under their JSON names and labelled
 * as the author wrote them. Problems of the outline's shape (a task outside a phase, an
 * unknown field, …) are reported here with their line; the values are checked by the
 * validator like JSON values.
 */
export interface OutlineResult {
  root: ObjectNode;
  errors: ProposalError[];
  warnings: string[];
}

interface Line {
  number: number;
  /** Leading tabs expanded to 4 columns. */
  text: string;
  indent: number;
  /** Inside a fenced code block: never a field, heading or list item. */
  fenced: boolean;
}

interface TaskBlock {
  head: Line;
  content: string;
  body: Line[];
}

interface PhaseBlock {
  head: Line;
  content: string;
  text: Line[];
  tasks: TaskBlock[];
}

/** The field names of a task's sub-lines (lower case, single spaces) → the JSON field. */
const FIELDS: Readonly<Record<string, string>> = {
  skills: 'skills',
  'depends on': 'dependsOn',
  depends: 'dependsOn',
  dependencies: 'dependsOn',
  estimate: 'estimateMinutes',
  parallel: 'canRunParallel',
  splittable: 'splittable',
  type: 'type',
  priority: 'priority',
  proficiency: 'requiredProficiency',
  description: 'description',
};
const FIELD_LIST =
  'skills, depends on, estimate, parallel, splittable, type, priority, proficiency, description';
const LIST_FIELDS = new Set(['skills', 'dependsOn']);

/** `name: value` where the name is one or two words of letters (a field or a mistyped one). */
const FIELD_LINE = /^([A-Za-z]+(?: [A-Za-z]+)?)\s*:(?:\s+(.*))?$/;
const HEADING = /^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const BULLET = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const FENCE = /^(`{3,}|~{3,})/;
const SEPARATORS = [' — ', ' – ', ' -- '];

/** True when the text has a line that is a `#` or `##` heading (the sign of an outline). */
export function looksLikeOutline(text: string): boolean {
  return /^ {0,3}#{1,2}[ \t]+\S/m.test(text);
}

export function readOutline(source: string, firstLine = 1): OutlineResult {
  const errors: ProposalError[] = [];
  const warnings: string[] = [];
  const fail = (line: Line, message: string) => errors.push({ message, line: line.number });

  let title: Line | undefined;
  let titleText = '';
  const preamble: Line[] = [];
  const summary: Line[] = [];
  const phases: PhaseBlock[] = [];
  let task: TaskBlock | undefined;
  let fence: string | undefined;
  const stray: Line[] = [];

  /** Where text that is neither a heading nor a task goes at this point. */
  const textLines = (line: Line): Line[] => {
    const phase = phases.at(-1);
    if (!title && !phase) return preamble;
    if (!phase) return summary;
    if (!phase.tasks.length) return phase.text;
    if (!line.fenced || fence === undefined) {
      fail(line, 'text between tasks belongs to no task: indent it under the task above');
    }
    return stray;
  };

  source.split(/\r?\n/).forEach((raw, index) => {
    const text = raw.replace(/^[ \t]+/, (lead) => lead.replace(/\t/g, '    '));
    const trimmed = text.trim();
    const line: Line = {
      number: firstLine + index,
      text,
      indent: text.length - text.trimStart().length,
      fenced: fence !== undefined,
    };
    if (fence !== undefined) {
      (task ? task.body : textLines(line)).push(line);
      if (trimmed.startsWith(fence)) fence = undefined;
      return;
    }
    const opens = FENCE.exec(trimmed)?.[1]?.slice(0, 3);
    if (task && (trimmed === '' || line.indent > task.head.indent)) {
      task.body.push(line);
      fence = opens;
      return;
    }
    task = undefined;
    if (trimmed === '') {
      // a blank line between tasks separates them; elsewhere it separates paragraphs
      if (!phases.at(-1)?.tasks.length) textLines(line).push(line);
      return;
    }
    const heading = line.indent <= 3 ? HEADING.exec(trimmed) : null;
    if (heading) {
      const level = heading[1]?.length ?? 0;
      const content = heading[2]?.trim() ?? '';
      if (level === 1) {
        if (title) fail(line, `a second plan title ("# …"); the first is on line ${title.number}`);
        else if (phases.length) fail(line, 'the plan title ("# …") must come before the phases');
        else [title, titleText] = [line, content];
      } else if (level === 2) {
        phases.push({ head: line, content, text: [], tasks: [] });
      } else {
        fail(
          line,
          `a level-${level} heading is not part of the outline: phases are "## " headings ` +
            'and tasks are list items ("- Title") under them',
        );
      }
      return;
    }
    if (THEMATIC_BREAK.test(trimmed)) return;
    const bullet = BULLET.exec(trimmed);
    if (bullet) {
      task = { head: line, content: bullet[1]?.trim() ?? '', body: [] };
      const phase = phases.at(-1);
      if (phase) phase.tasks.push(task);
      else fail(line, 'a task outside a phase: put it under a "## Phase name" heading');
      return;
    }
    textLines(line).push(line);
    fence = opens;
  });

  if (preamble.some((line) => line.text.trim())) {
    const lines = preamble.filter((line) => line.text.trim()).map((line) => line.number);
    const span = lines.length > 1 ? `lines ${lines[0]}–${lines.at(-1)}` : `line ${lines[0]}`;
    warnings.push(`${span}: text before the first heading is not part of the outline; ignored`);
  }

  const root: ObjectNode = {
    kind: 'object',
    entries: new Map(),
    line: firstLine,
    label: 'the outline',
  };
  if (title) root.entries.set('title', str(titleText, title.number, 'the plan title'));
  const summaryText = paragraph(summary);
  const summaryLine = summary.find((line) => line.text.trim())?.number ?? firstLine;
  if (summaryText) root.entries.set('summary', str(summaryText, summaryLine, 'the summary'));
  const phaseList: ArrayNode = {
    kind: 'array',
    items: phases.map((phase) => phaseNode(phase, fail)),
    line: phases[0]?.head.number ?? firstLine,
    label: 'the outline',
  };
  root.entries.set('phases', phaseList);
  return { root, errors, warnings };
}

function phaseNode(phase: PhaseBlock, fail: (line: Line, message: string) => void): ObjectNode {
  const { key, rest } = splitKey(phase.content);
  const line = phase.head.number;
  const node: ObjectNode = { kind: 'object', entries: new Map(), line, label: `phase "${rest}"` };
  if (key !== undefined) node.entries.set('key', str(key, line, 'the phase key'));
  node.entries.set('name', str(rest, line, 'the phase name'));
  const description = paragraph(phase.text);
  if (description) {
    const first = phase.text.find((text) => text.text.trim())?.number ?? line;
    node.entries.set('description', str(description, first, 'the phase description'));
  }
  const tasks: ArrayNode = {
    kind: 'array',
    items: phase.tasks.map((task) => taskNode(task, fail)),
    line,
    label: `phase "${rest}"`,
  };
  node.entries.set('tasks', tasks);
  return node;
}

function taskNode(task: TaskBlock, fail: (line: Line, message: string) => void): ObjectNode {
  const line = task.head.number;
  const { key, rest } = splitKey(task.content);
  const cut = SEPARATORS.map((sep) => ({ at: rest.indexOf(sep), sep }))
    .filter((found) => found.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  const title = unbold((cut ? rest.slice(0, cut.at) : rest).trim());
  const inline = cut ? rest.slice(cut.at + cut.sep.length).trim() : '';
  const node: ObjectNode = { kind: 'object', entries: new Map(), line, label: `task "${title}"` };
  if (key !== undefined) node.entries.set('key', str(key, line, 'the key'));
  node.entries.set('title', str(title, line, 'the task title'));

  // the description: the inline text, then `description:` values, then the other body lines
  const description: Array<{ text: string; line: number }> = inline ? [{ text: inline, line }] : [];
  const prose: Line[] = [];
  const seen = new Map<string, number>();
  const written = task.body.filter((body) => body.text.trim());
  const unfenced = written.filter((body) => !body.fenced);
  const fieldIndent = Math.min(
    ...(unfenced.length ? unfenced : written).map((body) => body.indent),
  );
  for (const body of task.body) {
    const field =
      !body.fenced && body.indent === fieldIndent ? FIELD_LINE.exec(body.text.trim()) : null;
    if (!field) {
      prose.push(body);
      continue;
    }
    const name = (field[1] ?? '').toLowerCase();
    const value = (field[2] ?? '').trim();
    const json = FIELDS[name];
    if (json === undefined) {
      fail(
        body,
        `unknown field "${name}" (the fields are: ${FIELD_LIST}); to write it as description, ` +
          'indent it further than the fields',
      );
    } else if (json === 'description') {
      if (value) description.push({ text: value, line: body.number });
    } else if (seen.has(json)) {
      fail(body, `the field "${name}" is given twice (first on line ${seen.get(json)})`);
    } else {
      seen.set(json, body.number);
      node.entries.set(json, fieldValue(json, name, value, body.number));
    }
  }
  const proseText = paragraph(prose);
  const proseLine = prose.find((body) => body.text.trim())?.number;
  if (proseText && proseLine !== undefined) description.push({ text: proseText, line: proseLine });
  if (description.length) {
    const text = description.map((part) => part.text).join('\n');
    node.entries.set('description', str(text, description[0]?.line ?? line, 'the description'));
  }
  return node;
}

function fieldValue(json: string, name: string, value: string, line: number): SourceNode {
  if (!LIST_FIELDS.has(json)) return str(value, line, name);
  const none = /^(none|-|—|–)?$/i.test(value);
  const items = none
    ? []
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
  return {
    kind: 'array',
    items: items.map((item) => str(json === 'dependsOn' ? unbracket(item) : item, line, name)),
    line,
    label: name,
  };
}

/** `[key] rest` → the key and the rest; no brackets → no key. */
function splitKey(content: string): { key?: string; rest: string } {
  const match = /^\[([^\]]*)\]\s*(.*)$/.exec(content);
  return match ? { key: match[1] ?? '', rest: (match[2] ?? '').trim() } : { rest: content.trim() };
}

function unbold(title: string): string {
  return /^(\*\*|__)(.+)\1$/.exec(title)?.[2]?.trim() ?? title;
}

function unbracket(item: string): string {
  return /^\[(.+)\]$/.exec(item)?.[1]?.trim() ?? item;
}

/** Lines of text as one block: common indentation removed, blank lines at the ends dropped. */
function paragraph(lines: Line[]): string {
  const written = lines.filter((line) => line.text.trim());
  const indent = Math.min(...written.map((line) => line.indent));
  return lines
    .map((line) => line.text.slice(Math.min(indent, line.indent)).trimEnd())
    .join('\n')
    .trim();
}

function str(value: string, line: number, label: string): SourceNode {
  return { kind: 'string', value, line, label };
}
