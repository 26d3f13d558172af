import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { KnowledgeArtifactInput } from '../generated/graphql.js';
import { languageOf } from './languages.js';
import { frameworkOf } from './post-analysis.js';
import type { RepoAnalysis } from './types.js';

/** At most this many patterns are taken from a provider's answer; the rest are dropped. */
export const MAX_PATTERNS = 12;
/** Files named per pattern, at most (more are dropped). */
export const MAX_PATTERN_FILES = 5;
const MAX_PATTERN_NAME = 200;
const MAX_PATTERN_SUMMARY = 2000;

/**
 * What the architecture prompt asks for after the summary: the recurring patterns of the code
 * base as one fenced `json` block (see splitWrittenAnalysis).
 */
export const PATTERNS_REQUEST = [
  'Then, at the very end, list the recurring patterns of this code base that a newcomer should',
  'follow or reuse (how errors are handled, how data is read and written, how components or',
  'endpoints are built, how tests are set up): one fenced code block tagged json holding an',
  `array of at most ${MAX_PATTERNS} objects, {"name": a short name, "summary": one or two`,
  'sentences on the pattern and when to use it, "files": up to five repository paths, relative',
  'to this directory, of files that show it}. Name only files that exist. Write [] when you',
  'find none.',
].join('\n');

/** A provider's answer, parted: the architecture summary, and its patterns block if any. */
export interface WrittenAnalysis {
  /** The Markdown without the patterns block. */
  readonly summary: string;
  /** The parsed block; undefined when the answer has none or it does not parse (`error`). */
  readonly patterns?: unknown;
  /** Why the block was not read, when there was one. */
  readonly error?: string;
}

const FENCE = /```json[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*```/gi;

/** Parts the answer at its last fenced `json` block, which is taken out of the summary. */
export function splitWrittenAnalysis(answer: string): WrittenAnalysis {
  const blocks = [...answer.matchAll(FENCE)];
  const last = blocks.at(-1);
  if (!last || last.index === undefined) return { summary: answer.trim() };
  const summary =
    `${answer.slice(0, last.index)}${answer.slice(last.index + last[0].length)}`.trim();
  try {
    return { summary, patterns: JSON.parse(last[1] as string) as unknown };
  } catch (error) {
    return {
      summary,
      error: `not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** The patterns taken, and a reason for each one that was not. */
export interface PatternArtifacts {
  readonly artifacts: KnowledgeArtifactInput[];
  readonly dropped: string[];
  /**
   * Whether they replace the project's analysed patterns (postRepoAnalysis' replacesPatterns):
   * the block is an array and either says there are none or gave at least one that held up.
   * A block whose every pattern was dropped says nothing trustworthy; earlier ones are kept.
   */
  readonly replaces: boolean;
}

/**
 * PATTERN artifacts from a provider's patterns block: each needs a name, a summary and at
 * least one file that is a file of the checkout (paths are the provider's word, so each is
 * checked; a pattern whose files are all invented is dropped). Its language and framework are
 * its first file's; its summary ends saying who wrote it.
 */
export async function patternArtifacts(
  block: unknown,
  options: { dir: string; analysis: RepoAnalysis; writer: string },
): Promise<PatternArtifacts> {
  if (!Array.isArray(block))
    return { artifacts: [], dropped: ['the block is not a JSON array'], replaces: false };
  const artifacts: KnowledgeArtifactInput[] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of block.entries()) {
    const label = `pattern ${index + 1}`;
    if (artifacts.length === MAX_PATTERNS) {
      dropped.push(`${block.length - index} patterns past the first ${MAX_PATTERNS}`);
      break;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      dropped.push(`${label}: not an object`);
      continue;
    }
    const { name, summary, files } = entry as Record<string, unknown>;
    const title = typeof name === 'string' ? name.trim().replace(/\s+/g, ' ') : '';
    if (!title || title.length > MAX_PATTERN_NAME) {
      dropped.push(`${label}: name must be text of 1-${MAX_PATTERN_NAME} characters`);
      continue;
    }
    const text = typeof summary === 'string' ? summary.trim() : '';
    if (!text || text.length > MAX_PATTERN_SUMMARY) {
      dropped.push(`"${title}": summary must be text of 1-${MAX_PATTERN_SUMMARY} characters`);
      continue;
    }
    const paths = Array.isArray(files) ? files.filter((one) => typeof one === 'string') : [];
    const existing: string[] = [];
    for (const one of paths.slice(0, MAX_PATTERN_FILES)) {
      const file = await checkoutFile(options.dir, one);
      if (file && !existing.includes(file)) existing.push(file);
    }
    const first = existing[0];
    if (!first) {
      dropped.push(`"${title}": names no file of the repository`);
      continue;
    }
    const identity = `${title}\0${first}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const language = languageOf(first)?.name ?? null;
    artifacts.push({
      type: 'PATTERN',
      name: title,
      language,
      framework: language ? frameworkOf({ language, file: first }, options.analysis) : null,
      summary: `${text} (Found by ${options.writer} reading the code.)`,
      files: existing.map((file) => ({ path: file })),
      structure: { kind: 'pattern', writtenBy: options.writer },
    });
  }
  return { artifacts, dropped, replaces: block.length === 0 || artifacts.length > 0 };
}

/**
 * A path the provider named, as a clean repository path if it is a file of the checkout in
 * `dir`: relative, inside it (no `..`), and there. Null otherwise.
 */
async function checkoutFile(dir: string, named: string): Promise<string | null> {
  const clean = path.posix.normalize(named.trim().replace(/\\/g, '/').replace(/^\.\//, ''));
  if (!clean || clean === '.' || clean.startsWith('../') || path.posix.isAbsolute(clean))
    return null;
  if (clean.split('/').includes('.git')) return null;
  const found = await stat(path.join(dir, clean)).catch(() => null);
  return found?.isFile() ? clean : null;
}
