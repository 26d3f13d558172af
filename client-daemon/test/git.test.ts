import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  bootstrapEpic,
  cleanupBranches,
  mergeTask,
  releaseEpic,
} from '../src/git/deterministic.js';
import { Git } from '../src/git/git.js';
import { Worktrees } from '../src/git/worktrees.js';

const git = new Git({
  ...process.env,
  GIT_AUTHOR_NAME: 'Maestro Test',
  GIT_AUTHOR_EMAIL: 'test@maestro.test',
  GIT_COMMITTER_NAME: 'Maestro Test',
  GIT_COMMITTER_EMAIL: 'test@maestro.test',
  GIT_CONFIG_NOSYSTEM: '1',
});

/** The daemon's git work on a real bare repository: worktrees and the deterministic runs. */
describe('the daemon’s git', () => {
  let root: string;
  let origin: string;
  let worktrees: Worktrees;
  let scratch: string;
  const branches = { base: 'main', epic: 'epic/launch-a1b2c3' };
  const remoteBranches = async () =>
    (await git.run(origin, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'))
      .split('\n')
      .filter(Boolean)
      .sort();
  /** A fresh clone for one deterministic run, as the daemon makes. */
  const cloneFor = async (name: string) => {
    const dir = path.join(scratch, name);
    await git.run(scratch, 'clone', '-q', origin, dir);
    return dir;
  };
  const edit = async (dir: string, file: string, text: string) => {
    await writeFile(path.join(dir, file), text);
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-git-'));
    origin = path.join(root, 'origin.git');
    scratch = path.join(root, 'scratch');
    await git.run(root, 'init', '-q', '--bare', '--initial-branch=main', origin);
    const seed = path.join(root, 'seed');
    await git.run(root, 'clone', '-q', origin, seed);
    await git.run(seed, 'checkout', '-q', '-b', 'main');
    await edit(seed, 'app.txt', 'one\ntwo\nthree\n');
    await git.run(seed, 'add', '-A');
    await git.run(seed, 'commit', '-q', '-m', 'initial commit');
    await git.run(seed, 'push', '-q', 'origin', 'main');
    await git.run(root, 'init', '-q', scratch);
    worktrees = new Worktrees(git, path.join(root, 'home'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('an epic, two tasks in worktrees, a conflict found, resolved, merged, released and cleaned up', async () => {
    await bootstrapEpic(git, await cloneFor('bootstrap'), branches);
    await bootstrapEpic(git, await cloneFor('bootstrap-again'), branches); // idempotent
    expect(await remoteBranches()).toEqual(['epic/launch-a1b2c3', 'main']);
    expect(await git.run(origin, 'log', '--format=%s', branches.epic)).toBe(
      `Start ${branches.epic}\ninitial commit`,
    );

    const remoteUrl = origin;
    const a = await worktrees.prepare('prj_1', 'tsk_a', {
      remoteUrl,
      task: 'task/a-111111',
      epic: branches.epic,
    });
    const b = await worktrees.prepare('prj_1', 'tsk_b', {
      remoteUrl,
      task: 'task/b-222222',
      epic: branches.epic,
    });
    expect(a).toMatchObject({ branch: 'task/a-111111', reused: false });
    expect(a.dir).toBe(path.join(root, 'home', 'worktrees', 'prj_1', 'tsk_a'));
    await edit(a.dir, 'app.txt', 'one\ntwo by a\nthree\n');
    await edit(b.dir, 'app.txt', 'one\ntwo by b\nthree\n');
    await worktrees.commitAndPush(a, 'a: line two');
    await worktrees.commitAndPush(b, 'b: line two');

    expect(
      await mergeTask(git, await cloneFor('merge-a'), { ...branches, task: a.branch }),
    ).toEqual({ merged: true });
    expect(
      await mergeTask(git, await cloneFor('merge-b'), { ...branches, task: b.branch }),
    ).toEqual({
      merged: false,
      conflicts: ['app.txt'],
    });

    // The developer comes back to the same branch (reused) and settles it.
    const again = await worktrees.prepare('prj_1', 'tsk_b', {
      remoteUrl,
      task: b.branch,
      epic: branches.epic,
    });
    expect(again.reused).toBe(true);
    const merged = await git.attempt(
      again.dir,
      'merge',
      '--no-ff',
      '-m',
      'merge the epic',
      `origin/${branches.epic}`,
    );
    expect(merged.ok).toBe(false);
    await edit(again.dir, 'app.txt', 'one\ntwo by a\ntwo by b\nthree\n');
    await worktrees.commitAndPush(again, 'b: resolve the conflict');
    expect(
      await mergeTask(git, await cloneFor('merge-b2'), { ...branches, task: b.branch }),
    ).toEqual({ merged: true });

    expect(await worktrees.remove(a)).toEqual({ removed: true });
    await releaseEpic(git, await cloneFor('release'), branches);
    const check = await cloneFor('check');
    expect(await readFile(path.join(check, 'app.txt'), 'utf8')).toBe(
      'one\ntwo by a\ntwo by b\nthree\n',
    );
    expect(await git.run(check, 'log', '--first-parent', '--format=%s', 'origin/main')).toBe(
      `Release ${branches.epic}\ninitial commit`,
    );

    const cleaned = await cleanupBranches(git, await cloneFor('cleanup'), {
      ...branches,
      delete: [a.branch, b.branch, branches.epic],
    });
    expect(cleaned).toEqual({ deleted: [a.branch, b.branch, branches.epic], kept: [] });
    expect(await remoteBranches()).toEqual(['main']);
  });

  test('a worktree with unpushed or uncommitted work is kept; cleanup never deletes unreleased commits', async () => {
    await bootstrapEpic(git, await cloneFor('bootstrap-2'), {
      ...branches,
      epic: 'epic/two-d4e5f6',
    });
    const epic = 'epic/two-d4e5f6';
    const task = await worktrees.prepare('prj_2', 'tsk_c', {
      remoteUrl: origin,
      task: 'task/c-333333',
      epic,
    });
    await edit(task.dir, 'c.txt', 'c\n');
    expect(await worktrees.remove(task)).toEqual({
      removed: false,
      because: 'UNCOMMITTED_CHANGES',
    });
    await git.run(task.dir, 'add', '-A');
    await git.run(task.dir, 'commit', '-q', '-m', 'c: local only');
    expect(await worktrees.remove(task)).toEqual({ removed: false, because: 'UNPUSHED_COMMITS' });
    await worktrees.commitAndPush(task, 'c');
    // pushed but never merged or released: the cleanup keeps the task branch and the epic
    const cleaned = await cleanupBranches(git, await cloneFor('cleanup-2'), {
      base: 'main',
      epic,
      delete: [task.branch, epic],
    });
    expect(cleaned).toEqual({ deleted: [], kept: [task.branch, epic] });
    expect(await worktrees.remove(task)).toEqual({ removed: true });
  });
});
