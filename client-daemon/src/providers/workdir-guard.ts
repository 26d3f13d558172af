import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkWorkdir, type WorkdirRefusal } from '../sandbox/workdir.js';

/** A working directory the sandbox rule refuses (checkWorkdir): nothing was run. */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly refusal?: WorkdirRefusal,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/**
 * A provider cannot start on this machine as configured: its executable is not on PATH, the
 * command template or API key is missing. The message says what to install or set.
 */
export class ProviderSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderSetupError';
  }
}

/** The repository a provider runs in: its root, its git dir, and the common dir of worktrees. */
export interface WorkdirRepo {
  readonly dir: string;
  readonly gitRoot: string;
  /** `git rev-parse --git-dir`: `<root>/.git`, or for a worktree `<main>/.git/worktrees/<name>`. */
  readonly gitDir: string;
  /** `git rev-parse --git-common-dir`: where `info/exclude` lives. */
  readonly commonDir: string;
}

/**
 * The sandbox rule before a run: `workdir` must pass checkWorkdir (else SandboxError) and exist
 * as a directory. `env` is the child's environment; its HOME is the home the rule protects.
 */
export async function guardWorkdir(workdir: string, env: NodeJS.ProcessEnv): Promise<WorkdirRepo> {
  const verdict = checkWorkdir(workdir, {
    home: env.HOME || os.homedir(),
    hasGit: (dir) => existsSync(path.join(dir, '.git')),
  });
  if (!verdict.ok) throw new SandboxError(verdict.message, verdict.refusal);
  const info = await stat(verdict.dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new SandboxError(`${verdict.dir} does not exist or is not a directory`);
  }
  return { dir: verdict.dir, gitRoot: verdict.gitRoot, ...(await gitDirsOf(verdict.gitRoot)) };
}

/** The git dir of the repository around `dir` (found upwards), as `git rev-parse --git-dir`. */
export async function gitDirAround(dir: string): Promise<string> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return (await gitDirsOf(at)).gitDir;
    if (at === path.dirname(at)) throw new Error(`${dir} is not inside a git repository`);
  }
}

/** Reads `<root>/.git`: a directory, or a worktree's file `gitdir: <path>` (and its commondir). */
async function gitDirsOf(gitRoot: string): Promise<{ gitDir: string; commonDir: string }> {
  const dotGit = path.join(gitRoot, '.git');
  let gitDir = dotGit;
  if ((await stat(dotGit)).isFile()) {
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
    if (!pointer) throw new Error(`${dotGit} is neither a git directory nor a gitdir: pointer`);
    gitDir = path.resolve(gitRoot, pointer[1] as string);
  }
  let commonDir = gitDir;
  try {
    commonDir = path.resolve(
      gitDir,
      (await readFile(path.join(gitDir, 'commondir'), 'utf8')).trim(),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { gitDir, commonDir };
}

/**
 * Adds `pattern` to the repository's `info/exclude` (local, never committed) unless it is there,
 * so files a provider leaves for itself (aider's `.aider*`) are not staged by `git add -A`.
 */
export async function excludeLocally(commonDir: string, pattern: string): Promise<void> {
  const exclude = path.join(commonDir, 'info', 'exclude');
  const text = await readFile(exclude, 'utf8').catch(() => '');
  if (text.split(/\r?\n/).includes(pattern)) return;
  await mkdir(path.dirname(exclude), { recursive: true });
  await appendFile(exclude, `${text && !text.endsWith('\n') ? '\n' : ''}${pattern}\n`);
}
