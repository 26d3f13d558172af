import { describe, expect, test } from '@jest/globals';
import { checkWorkdir, staysInside } from './workdir.js';

const repos = new Set([
  '/work/app',
  '/home/ada/.maestro/worktrees/prj_1/tsk_1',
  '/srv/stale-parent',
  '/Users/ada',
  '/home/ada',
]);
const context = { home: '/home/ada', hasGit: (dir: string) => repos.has(dir) };

describe('checkWorkdir', () => {
  test.each([
    ['/', 'SYSTEM_DIRECTORY'],
    ['/tmp', 'SYSTEM_DIRECTORY'],
    ['/tmp/', 'SYSTEM_DIRECTORY'],
    ['/var', 'SYSTEM_DIRECTORY'],
    ['/home', 'SYSTEM_DIRECTORY'],
    ['/Users', 'SYSTEM_DIRECTORY'],
    ['/home/ada', 'HOME_DIRECTORY'],
    ['/home/ada/', 'HOME_DIRECTORY'],
    ['/home/ada/projects/../', 'HOME_DIRECTORY'],
    ['relative/dir', 'NOT_ABSOLUTE'],
    ['/opt/no-repo', 'NO_GIT_BOUNDARY'],
    ['/tmp/scratch', 'NO_GIT_BOUNDARY'],
    // a directory whose only repository is the home (a dotfiles repo): too wide
    ['/home/ada/notes', 'GIT_BOUNDARY_TOO_WIDE'],
  ])('%s is refused: %s', (dir, refusal) => {
    expect(checkWorkdir(dir, context)).toMatchObject({ ok: false, refusal });
  });

  test.each([
    ['/work/app', '/work/app'],
    ['/work/app/src/deep', '/work/app'],
    ['/home/ada/.maestro/worktrees/prj_1/tsk_1', '/home/ada/.maestro/worktrees/prj_1/tsk_1'],
    ['/srv/stale-parent/child', '/srv/stale-parent'],
  ])('%s runs, with its git root at %s', (dir, gitRoot) => {
    expect(checkWorkdir(dir, context)).toEqual({ ok: true, dir, gitRoot });
  });

  test('the message names the directory and what to do', () => {
    const verdict = checkWorkdir('/home/ada', context);
    expect(verdict.ok ? '' : verdict.message).toBe(
      "/home/ada is the home directory; providers run in a task's worktree",
    );
  });
});

describe('staysInside', () => {
  test.each([
    ['src/a.ts', true],
    ['/w/t/src/a.ts', true],
    ['.', true],
    ['../other/a.ts', false],
    ['/etc/passwd', false],
    ['src/../../escape', false],
    ['/w/tother', false],
  ])('%s: %s', (target, inside) => {
    expect(staysInside('/w/t', target)).toBe(inside);
  });
});
