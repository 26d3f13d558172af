import type { Git } from './git.js';

/**
 * The deterministic runs (no model): each works in a clone whose `origin` is the project's
 * remote, and pushes what it made. The epic is a branch of the base; tasks fork from the epic
 * and merge back into it with --no-ff; the release merges the epic into the base with --no-ff.
 */
export interface Branches {
  readonly base: string;
  readonly epic: string;
}

/** BOOTSTRAP_EPIC: the epic from the base, with an empty commit, pushed. Idempotent. */
export async function bootstrapEpic(git: Git, clone: string, branches: Branches): Promise<void> {
  await git.run(clone, 'fetch', '-q', 'origin');
  if (await remoteHas(git, clone, branches.epic)) return;
  await git.run(clone, 'checkout', '-q', '-B', branches.epic, `origin/${branches.base}`);
  await git.run(clone, 'commit', '-q', '--allow-empty', '-m', `Start ${branches.epic}`);
  await git.run(clone, 'push', '-q', 'origin', branches.epic);
}

/** What a MERGE run found: merged and pushed, or the files in conflict (nothing pushed). */
export type MergeOutcome =
  { readonly merged: true } | { readonly merged: false; readonly conflicts: readonly string[] };

/** MERGE: the task branch into the epic with --no-ff, pushed; conflicts are reported, not kept. */
export async function mergeTask(
  git: Git,
  clone: string,
  branches: Branches & { readonly task: string },
): Promise<MergeOutcome> {
  await git.run(clone, 'fetch', '-q', 'origin');
  await git.run(clone, 'checkout', '-q', '-B', branches.epic, `origin/${branches.epic}`);
  const merged = await git.attempt(
    clone,
    'merge',
    '--no-ff',
    '-m',
    `Merge ${branches.task} into ${branches.epic}`,
    `origin/${branches.task}`,
  );
  if (!merged.ok) {
    const conflicts = (await git.run(clone, 'diff', '--name-only', '--diff-filter=U'))
      .split('\n')
      .filter(Boolean);
    await git.attempt(clone, 'merge', '--abort');
    if (conflicts.length === 0)
      throw new Error(`merging ${branches.task} failed: ${merged.stderr.trim()}`);
    return { merged: false, conflicts };
  }
  await git.run(clone, 'push', '-q', 'origin', branches.epic);
  return { merged: true };
}

/** RELEASE: the epic into the base with --no-ff, pushed. */
export async function releaseEpic(git: Git, clone: string, branches: Branches): Promise<void> {
  await git.run(clone, 'fetch', '-q', 'origin');
  await git.run(clone, 'checkout', '-q', '-B', branches.base, `origin/${branches.base}`);
  await git.run(
    clone,
    'merge',
    '--no-ff',
    '-m',
    `Release ${branches.epic}`,
    `origin/${branches.epic}`,
  );
  await git.run(clone, 'push', '-q', 'origin', branches.base);
}

/** What RELEASE_CLEANUP did with each branch. */
export interface CleanupOutcome {
  readonly deleted: readonly string[];
  /** Branches holding commits in neither the base nor the epic: never deleted. */
  readonly kept: readonly string[];
}

/**
 * RELEASE_CLEANUP: deletes the task branches and the epic on origin — but never a branch that
 * holds commits in neither the base nor the epic (the epic itself: not in the base).
 */
export async function cleanupBranches(
  git: Git,
  clone: string,
  branches: Branches & { readonly delete: readonly string[] },
): Promise<CleanupOutcome> {
  await git.run(clone, 'fetch', '-q', '--prune', 'origin');
  const epicExists = await remoteHas(git, clone, branches.epic);
  const deleted: string[] = [];
  const kept: string[] = [];
  // tasks first: the epic is what they are checked against
  const ordered = [
    ...branches.delete.filter((b) => b !== branches.epic),
    ...branches.delete.filter((b) => b === branches.epic),
  ];
  for (const name of ordered) {
    if (!(await remoteHas(git, clone, name))) continue;
    const against = name === branches.epic || !epicExists ? [] : [`origin/${branches.epic}`];
    const unmerged = await git.run(
      clone,
      'rev-list',
      `origin/${name}`,
      '--not',
      `origin/${branches.base}`,
      ...against,
    );
    if (unmerged !== '') {
      kept.push(name);
      continue;
    }
    await git.run(clone, 'push', '-q', 'origin', '--delete', name);
    deleted.push(name);
  }
  return { deleted, kept };
}

/** Whether origin has the branch (asked of the remote itself, not the clone's refs). */
export async function remoteHas(git: Git, clone: string, branch: string): Promise<boolean> {
  return (await git.run(clone, 'ls-remote', '--heads', 'origin', branch)) !== '';
}
