import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { remoteHas } from './deterministic.js';
import type { Git } from './git.js';

/** Where one task's work happens, on its branch. */
export interface TaskWorktree {
  readonly dir: string;
  readonly branch: string;
  /** True when the branch already existed on origin (a revision, a conflict to resolve). */
  readonly reused: boolean;
}

/** Why a worktree was kept rather than removed. */
export type KeptBecause = 'UNCOMMITTED_CHANGES' | 'UNPUSHED_COMMITS';

/**
 * The daemon's clones and task worktrees under its home: one clone per project
 * (`repos/<project>`, no checkout of its own) and one worktree per task
 * (`worktrees/<project>/<task>`) on the task's branch — forked from the epic, or the task
 * branch from origin when it exists. A worktree is removed only once its branch is pushed.
 */
export class Worktrees {
  constructor(
    private readonly git: Git,
    private readonly home: string,
  ) {}

  /** The project's clone, made on first use and fetched every time. */
  async clone(projectId: string, remoteUrl: string): Promise<string> {
    const dir = path.join(this.home, 'repos', projectId);
    if (!existsSync(path.join(dir, '.git'))) {
      await mkdir(path.dirname(dir), { recursive: true });
      await this.git.run(path.dirname(dir), 'clone', '-q', '--no-checkout', remoteUrl, dir);
    }
    await this.git.run(dir, 'fetch', '-q', '--prune', 'origin');
    return dir;
  }

  /** The task's worktree on its branch, ready for a provider. */
  async prepare(
    projectId: string,
    taskId: string,
    branches: { remoteUrl: string; task: string; epic: string },
  ): Promise<TaskWorktree> {
    const repo = await this.clone(projectId, branches.remoteUrl);
    const dir = path.join(this.home, 'worktrees', projectId, taskId);
    const reused = await remoteHas(this.git, repo, branches.task);
    const start = reused ? `origin/${branches.task}` : `origin/${branches.epic}`;
    if (existsSync(dir)) {
      // left from an earlier run of this task: keep local commits, catch up with origin
      await this.git.run(dir, 'checkout', '-q', branches.task);
      if (reused) await this.git.run(dir, 'merge', '-q', '--ff-only', start);
      return { dir, branch: branches.task, reused };
    }
    await mkdir(path.dirname(dir), { recursive: true });
    await this.git.run(repo, 'worktree', 'prune');
    await this.git.run(repo, 'worktree', 'add', '-q', '-B', branches.task, dir, start);
    return { dir, branch: branches.task, reused };
  }

  /** Commits whatever the provider left uncommitted, then pushes the branch. */
  async commitAndPush(worktree: TaskWorktree, message: string): Promise<{ head: string }> {
    await this.git.run(worktree.dir, 'add', '-A');
    const staged = await this.git.attempt(worktree.dir, 'diff', '--cached', '--quiet');
    if (!staged.ok) await this.git.run(worktree.dir, 'commit', '-q', '-m', message);
    await this.git.run(worktree.dir, 'push', '-q', 'origin', `HEAD:refs/heads/${worktree.branch}`);
    return { head: await this.git.run(worktree.dir, 'rev-parse', 'HEAD') };
  }

  /** Removes the worktree when everything in it is pushed; otherwise keeps it and says why. */
  async remove(
    worktree: TaskWorktree,
  ): Promise<{ removed: true } | { removed: false; because: KeptBecause }> {
    const status = await this.git.run(worktree.dir, 'status', '--porcelain');
    if (status !== '') return { removed: false, because: 'UNCOMMITTED_CHANGES' };
    await this.git.run(worktree.dir, 'fetch', '-q', 'origin');
    const onOrigin = await this.git.attempt(
      worktree.dir,
      'rev-parse',
      '--verify',
      '-q',
      `origin/${worktree.branch}`,
    );
    const unpushed = onOrigin.ok
      ? await this.git.run(worktree.dir, 'rev-list', `origin/${worktree.branch}..HEAD`)
      : 'not on origin';
    if (unpushed !== '') return { removed: false, because: 'UNPUSHED_COMMITS' };
    const repo = (await this.git.run(worktree.dir, 'rev-parse', '--git-common-dir')).replace(
      /\/\.git$/,
      '',
    );
    await this.git.run(path.resolve(worktree.dir, repo), 'worktree', 'remove', worktree.dir);
    await rm(worktree.dir, { recursive: true, force: true });
    return { removed: true };
  }
}
