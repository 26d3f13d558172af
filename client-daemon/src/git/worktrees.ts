import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Git } from './git.js';

/** Where one task's work happens, on its branch. */
export interface TaskWorktree {
  readonly dir: string;
  readonly branch: string;
  /** True when the branch already existed on origin (a revision, a conflict to resolve). */
  readonly reused: boolean;
}

/** What recovering an abandoned worktree did before removing it. */
export interface RecoveryOutcome {
  /** Uncommitted changes were committed. */
  readonly committed: boolean;
  /** The branch on origin the commits it lacked were pushed to. */
  readonly pushedTo?: string;
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
    // the clone's own HEAD names no real branch, so every branch stays free for worktrees
    await this.git.run(dir, 'symbolic-ref', 'HEAD', 'refs/heads/maestro/clone-head');
    await this.git.run(dir, 'fetch', '-q', '--prune', 'origin');
    return dir;
  }

  /** The directory of a task's worktree (whether or not it exists). */
  taskDir(projectId: string, taskId: string): string {
    return path.join(this.home, 'worktrees', projectId, taskId);
  }

  /**
   * A throwaway worktree for one run that is not a task's own work (a review, a merge, a
   * release): detached at `origin/<ref>`, under `worktrees/<project>/.runs/<run>`.
   */
  async scratch(projectId: string, runId: string, remoteUrl: string, ref: string): Promise<string> {
    const repo = await this.clone(projectId, remoteUrl);
    const dir = path.join(this.home, 'worktrees', projectId, '.runs', runId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.dirname(dir), { recursive: true });
    await this.git.run(repo, 'worktree', 'prune');
    await this.git.run(repo, 'worktree', 'add', '-q', '--detach', dir, `origin/${ref}`);
    return dir;
  }

  /** Removes a scratch worktree, whatever is in it (nothing there is anyone's work). */
  async dropScratch(projectId: string, dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    const repo = path.join(this.home, 'repos', projectId);
    if (existsSync(repo)) await this.git.attempt(repo, 'worktree', 'prune');
  }

  /**
   * After a release: removes the worktrees of the released task branches (their commits are
   * in the base: nothing is lost) and their local branches. One with uncommitted changes is kept.
   */
  async removeReleased(
    projectId: string,
    branches: readonly string[],
    base: string,
  ): Promise<{ removed: string[]; kept: string[] }> {
    const removed: string[] = [];
    const kept: string[] = [];
    const repo = path.join(this.home, 'repos', projectId);
    for (const worktree of await this.taskWorktrees(projectId)) {
      if (!branches.includes(worktree.branch)) continue;
      const status = await this.git.run(worktree.dir, 'status', '--porcelain');
      const released = await this.git.attempt(
        worktree.dir,
        'merge-base',
        '--is-ancestor',
        'HEAD',
        `origin/${base}`,
      );
      if (status !== '' || !released.ok) {
        kept.push(worktree.dir);
        continue;
      }
      await this.git.run(repo, 'worktree', 'remove', '--force', worktree.dir);
      await rm(worktree.dir, { recursive: true, force: true });
      removed.push(worktree.dir);
    }
    for (const branch of branches) await this.git.attempt(repo, 'branch', '-D', branch);
    return { removed, kept };
  }

  /** The task worktrees of a project on this machine, with the branch each is on. */
  async taskWorktrees(projectId: string): Promise<TaskWorktree[]> {
    const root = path.join(this.home, 'worktrees', projectId);
    if (!existsSync(root)) return [];
    const found: TaskWorktree[] = [];
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const dir = path.join(root, entry.name);
      const branch = await this.git.attempt(dir, 'symbolic-ref', '--short', 'HEAD');
      if (branch.ok) found.push({ dir, branch: branch.stdout, reused: true });
    }
    return found;
  }

  /**
   * What a daemon stopped mid-run (killed, crashed) left in a task worktree, made safe: changes
   * are committed, and commits origin's task branch lacks are pushed to
   * `maestro/recovered/<branch>/<machine>` (the run itself went back to the queue and may be
   * under way elsewhere, so the task branch is not touched). Then the worktree is removed.
   */
  async recover(
    projectId: string,
    machineId: string,
  ): Promise<Array<{ dir: string; branch: string; outcome: RecoveryOutcome }>> {
    const results: Array<{ dir: string; branch: string; outcome: RecoveryOutcome }> = [];
    for (const worktree of await this.taskWorktrees(projectId)) {
      results.push({ ...worktree, outcome: await this.recoverOne(worktree, machineId) });
    }
    await rm(path.join(this.home, 'worktrees', projectId, '.runs'), {
      recursive: true,
      force: true,
    });
    const repo = path.join(this.home, 'repos', projectId);
    if (existsSync(repo)) await this.git.attempt(repo, 'worktree', 'prune');
    return results;
  }

  private async recoverOne(worktree: TaskWorktree, machineId: string): Promise<RecoveryOutcome> {
    const { dir, branch } = worktree;
    // a merge the run was resolving and never finished: nothing of it is the run's own work
    await this.git.attempt(dir, 'merge', '--abort');
    await this.git.run(dir, 'add', '-A');
    const staged = await this.git.attempt(dir, 'diff', '--cached', '--quiet');
    let committed = false;
    if (!staged.ok) {
      await this.git.run(dir, 'commit', '-q', '-m', 'Work left by an interrupted maestro run');
      committed = true;
    }
    await this.git.run(dir, 'fetch', '-q', 'origin');
    const onOrigin = await this.git.attempt(dir, 'rev-parse', '--verify', '-q', `origin/${branch}`);
    const unpushed = onOrigin.ok
      ? await this.git.run(dir, 'rev-list', `origin/${branch}..HEAD`)
      : 'not on origin';
    let pushedTo: string | undefined;
    if (unpushed !== '') {
      // never onto the task branch: the run was handed to another session, which may be
      // pushing there now
      pushedTo = `maestro/recovered/${branch}/${machineId}`;
      await this.git.run(dir, 'push', '-q', '-f', 'origin', `HEAD:refs/heads/${pushedTo}`);
    }
    const repo = (await this.git.run(dir, 'rev-parse', '--git-common-dir')).replace(/\/\.git$/, '');
    await this.git.run(path.resolve(dir, repo), 'worktree', 'remove', '--force', dir);
    await rm(dir, { recursive: true, force: true });
    return { committed, ...(pushedTo ? { pushedTo } : {}) };
  }

  /** The task's worktree on its branch, ready for a provider. */
  async prepare(
    projectId: string,
    taskId: string,
    branches: { remoteUrl: string; task: string; epic: string },
  ): Promise<TaskWorktree> {
    const repo = await this.clone(projectId, branches.remoteUrl);
    const dir = path.join(this.home, 'worktrees', projectId, taskId);
    // clone() has just fetched with --prune: origin's branches are the remote-tracking refs
    const reused = (
      await this.git.attempt(
        repo,
        'rev-parse',
        '--verify',
        '-q',
        `refs/remotes/origin/${branches.task}`,
      )
    ).ok;
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
