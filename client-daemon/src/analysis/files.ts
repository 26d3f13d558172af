import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The one git call the analyzer makes; the daemon's `Git` class fits. */
export interface GitRunner {
  attempt(cwd: string, ...args: string[]): Promise<{ ok: boolean; stdout: string }>;
}

/** Directories a walk never enters (dependencies, build output, caches, VCS data). */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'target',
  'vendor',
  '.venv',
  '__pycache__',
]);

export interface FileList {
  /** Relative, `/`-separated, sorted. */
  readonly files: string[];
  readonly source: 'git' | 'walk';
  /** More files than the limit were found; `files` holds the first ones. */
  readonly truncated: boolean;
}

/**
 * The files to analyze under `root`: the tracked regular files when `root` is in a git work tree
 * (`git ls-files`, which leaves out symlinks and submodules), else a walk that skips
 * SKIPPED_DIRECTORIES and symbolic links. A work tree with nothing tracked here is walked.
 */
export async function listFiles(root: string, git: GitRunner, maxFiles: number): Promise<FileList> {
  const tracked = await git.attempt(root, 'ls-files', '-z', '--stage');
  if (tracked.ok) {
    const files: string[] = [];
    for (const entry of tracked.stdout.split('\0')) {
      // <mode> <object> <stage>\t<path>; 100644 and 100755 are regular files
      const tab = entry.indexOf('\t');
      if (tab === -1 || !/^100(644|755) /.test(entry)) continue;
      files.push(entry.slice(tab + 1));
    }
    const unique = [...new Set(files)].sort(byPath);
    if (unique.length > 0) {
      return {
        files: unique.slice(0, maxFiles),
        source: 'git',
        truncated: unique.length > maxFiles,
      };
    }
  }
  return walk(root, maxFiles);
}

/** Code-point order, so the listing is the same on every machine and locale. */
export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function walk(root: string, maxFiles: number): Promise<FileList> {
  const files: string[] = [];
  let truncated = false;
  const visit = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(
      () => [],
    );
    entries.sort((a, b) => byPath(a.name, b.name));
    for (const entry of entries) {
      if (truncated) return;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await visit(child);
      } else if (entry.isFile()) {
        if (files.length === maxFiles) truncated = true;
        else files.push(child);
      }
    }
  };
  await visit('');
  return { files: files.sort(byPath), source: 'walk', truncated };
}

export type FileText =
  | { readonly status: 'text'; readonly text: string }
  | { readonly status: 'large' }
  | { readonly status: 'unreadable' };

/** A file's text, unless it is over `maxBytes`, binary (holds a NUL), or gone. */
export async function readText(file: string, maxBytes: number): Promise<FileText> {
  try {
    const stat = await lstat(file);
    if (!stat.isFile()) return { status: 'unreadable' };
    if (stat.size > maxBytes) return { status: 'large' };
    const text = await readFile(file, 'utf8');
    if (text.includes('\0')) return { status: 'unreadable' };
    return { status: 'text', text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { status: 'unreadable' };
  }
}

/** Runs `task` over `items` with at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const TEST_DIRECTORY = /(^|\/)(tests?|__tests__|specs?|e2e|testing)\//;
const TEST_FILE =
  /(\.(test|spec)\.[cm]?[jt]sx?$|_test\.go$|(^|\/)test_[^/]*\.py$|_test\.py$|Tests?\.(java|kt|cs)$|_spec\.rb$|_test\.rb$)/;

/** Whether a file looks like a test, by its name or a directory it is in. */
export function isTestFile(file: string): boolean {
  return TEST_FILE.test(file) || TEST_DIRECTORY.test(file);
}

/** Whether a file looks generated or vendored (its symbols are listed last). */
export function isGeneratedFile(file: string): boolean {
  return (
    /(^|\/)(generated|__generated__|gen|third_party|vendor)\//.test(file) ||
    /\.(min\.js|d\.ts|pb\.go)$/.test(file)
  );
}
