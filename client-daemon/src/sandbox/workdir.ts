import path from 'node:path';

/** Why a directory is refused as a provider's working directory. */
export type WorkdirRefusal =
  | 'NOT_ABSOLUTE'
  | 'SYSTEM_DIRECTORY'
  | 'HOME_DIRECTORY'
  | 'NO_GIT_BOUNDARY'
  | 'GIT_BOUNDARY_TOO_WIDE';

/** The verdict on a working directory: where its git boundary is, or why it is refused. */
export type WorkdirVerdict =
  | { readonly ok: true; readonly dir: string; readonly gitRoot: string }
  | { readonly ok: false; readonly refusal: WorkdirRefusal; readonly message: string };

/** Directories no provider may run in, nor treat as its repository. */
export const SYSTEM_DIRECTORIES: readonly string[] = ['/', '/tmp', '/var', '/home', '/Users'];

export interface WorkdirContext {
  /** The user's home directory ($HOME). */
  readonly home: string;
  /** Whether `<dir>/.git` exists (a directory, or a worktree's `.git` file). */
  readonly hasGit: (dir: string) => boolean;
}

/**
 * The sandbox rule (DESIGN §9): a provider runs only in a directory inside a git repository
 * whose root is not a system directory or the home itself, and never in /, /tmp, /var, /home,
 * /Users or $HOME. Pure: the file system is asked only through `hasGit`.
 */
export function checkWorkdir(dir: string, context: WorkdirContext): WorkdirVerdict {
  if (!path.isAbsolute(dir)) {
    return refuse('NOT_ABSOLUTE', `${dir} is not an absolute path`);
  }
  const resolved = path.resolve(dir);
  const home = path.resolve(context.home);
  const wide = (candidate: string) =>
    SYSTEM_DIRECTORIES.includes(candidate)
      ? 'SYSTEM_DIRECTORY'
      : candidate === home
        ? 'HOME_DIRECTORY'
        : undefined;
  const direct = wide(resolved);
  if (direct) {
    return refuse(
      direct,
      direct === 'HOME_DIRECTORY'
        ? `${resolved} is the home directory; providers run in a task's worktree`
        : `${resolved} is a system directory; providers run in a task's worktree`,
    );
  }
  for (let at = resolved; ; at = path.dirname(at)) {
    if (context.hasGit(at)) {
      if (wide(at)) {
        return refuse(
          'GIT_BOUNDARY_TOO_WIDE',
          `the git repository around ${resolved} is rooted at ${at}; a provider would stage unrelated files`,
        );
      }
      return { ok: true, dir: resolved, gitRoot: at };
    }
    if (at === path.dirname(at)) break;
  }
  return refuse('NO_GIT_BOUNDARY', `${resolved} is not inside a git repository`);
}

/** Whether `target` (absolute, or relative to `root`) stays inside `root`. */
export function staysInside(root: string, target: string): boolean {
  const resolved = path.resolve(root, target);
  const relative = path.relative(path.resolve(root), resolved);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function refuse(refusal: WorkdirRefusal, message: string): WorkdirVerdict {
  return { ok: false, refusal, message };
}
