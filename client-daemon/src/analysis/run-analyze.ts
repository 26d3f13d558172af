import { stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzeRepository } from './analyze.js';
import type { GitRunner } from './files.js';
import { formatReport } from './report.js';
import { counted } from './summary.js';

export interface AnalyzeCommandOptions {
  /** The directory to analyze, as given; undefined for the current repository. */
  readonly path: string | undefined;
  readonly cwd: string;
  readonly git: GitRunner;
  readonly json: boolean;
  readonly maxSymbols: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly now?: () => number;
}

export type AnalyzeErrorCode = 'PATH_NOT_FOUND' | 'NOT_A_DIRECTORY';

/** A path `maestro analyze` cannot analyze; the message names it. */
export class AnalyzeError extends Error {
  constructor(
    readonly code: AnalyzeErrorCode,
    readonly path: string,
  ) {
    super(AnalyzeError.describe(code, path));
    this.name = 'AnalyzeError';
  }

  static describe(code: AnalyzeErrorCode, where: string): string {
    switch (code) {
      case 'PATH_NOT_FOUND':
        return `no such directory: ${where}`;
      case 'NOT_A_DIRECTORY':
        return `not a directory: ${where}`;
    }
  }
}

/**
 * The directory to analyze: PATH resolved against `cwd` when given (it must be a directory),
 * else the top level of the git work tree `cwd` is in, else `cwd` itself.
 */
export async function resolveRoot(
  given: string | undefined,
  cwd: string,
  git: GitRunner,
): Promise<string> {
  if (given === undefined) {
    const top = await git.attempt(cwd, 'rev-parse', '--show-toplevel');
    return top.ok && top.stdout.trim() ? path.resolve(top.stdout.trim()) : path.resolve(cwd);
  }
  const root = path.resolve(cwd, given);
  const stats = await stat(root).catch(() => null);
  if (!stats) throw new AnalyzeError('PATH_NOT_FOUND', root);
  if (!stats.isDirectory()) throw new AnalyzeError('NOT_A_DIRECTORY', root);
  return root;
}

/**
 * `maestro analyze [PATH]`: analyzes a repository with the static analyzer (no AI provider) and
 * prints the RepoAnalysis, as one JSON object with --json. Exit 1 for a path that is not a
 * directory.
 */
export async function runAnalyze(options: AnalyzeCommandOptions): Promise<0 | 1> {
  const now = options.now ?? (() => performance.now());
  let root: string;
  try {
    root = await resolveRoot(options.path, options.cwd, options.git);
  } catch (error) {
    if (!(error instanceof AnalyzeError)) throw error;
    options.err(`maestro analyze: ${error.message}`);
    return 1;
  }
  const started = now();
  const analysis = await analyzeRepository(root, {
    git: options.git,
    maxSymbols: options.maxSymbols,
  });
  options.err(
    `analyzed ${counted(analysis.counts.files, 'file')} in ${root} in ${Math.round(now() - started)} ms`,
  );
  if (options.json) options.out(JSON.stringify(analysis));
  else for (const line of formatReport(analysis)) options.out(line);
  return 0;
}
