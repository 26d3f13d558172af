import { describe, expect, test } from '@jest/globals';
import { normalizeRemote, RemoteError, RemoteHost } from './git-remote.js';

describe('normalizeRemote', () => {
  test.each([
    ['https://github.com/Acme/API.git', 'github.com:acme/api', RemoteHost.GITHUB],
    ['https://github.com/acme/api', 'github.com:acme/api', RemoteHost.GITHUB],
    ['https://github.com/acme/api/', 'github.com:acme/api', RemoteHost.GITHUB],
    ['https://github.com/acme/api.git/', 'github.com:acme/api', RemoteHost.GITHUB],
    ['http://github.com/acme/api', 'github.com:acme/api', RemoteHost.GITHUB],
    [
      'https://x-access-token:ghp_secret@github.com/acme/api.git',
      'github.com:acme/api',
      RemoteHost.GITHUB,
    ],
    ['git@github.com:acme/api.git', 'github.com:acme/api', RemoteHost.GITHUB],
    ['github.com:acme/api', 'github.com:acme/api', RemoteHost.GITHUB],
    ['ssh://git@github.com/acme/api.git', 'github.com:acme/api', RemoteHost.GITHUB],
    ['ssh://git@github.com:22/acme/api.git', 'github.com:acme/api', RemoteHost.GITHUB],
    ['git+ssh://git@github.com/acme/api.git', 'github.com:acme/api', RemoteHost.GITHUB],
    ['git://github.com/acme/api.git', 'github.com:acme/api', RemoteHost.GITHUB],
    ['GIT@GitHub.COM:Acme/Api.GIT', 'github.com:acme/api', RemoteHost.GITHUB],
    [
      'https://gitlab.com/group/sub/deeper/repo.git',
      'gitlab.com:group/sub/deeper/repo',
      RemoteHost.GITLAB,
    ],
    ['git@gitlab.com:group/sub/repo.git', 'gitlab.com:group/sub/repo', RemoteHost.GITLAB],
    [
      'ssh://git@gitlab.example.com:2222/team/app.git',
      'gitlab.example.com:team/app',
      RemoteHost.GITLAB,
    ],
    ['https://gitlab.example.com:8443/team/app', 'gitlab.example.com:team/app', RemoteHost.GITLAB],
    ['https://git.example.org/team/app.git', 'git.example.org:team/app', RemoteHost.GENERIC],
    ['https://bitbucket.org/team/app.git', 'bitbucket.org:team/app', RemoteHost.GENERIC],
    ['/srv/git/app.git', 'local:/srv/git/app', RemoteHost.LOCAL],
    ['/srv/git/app/', 'local:/srv/git/app', RemoteHost.LOCAL],
    ['file:///srv/git/app.git', 'local:/srv/git/app', RemoteHost.LOCAL],
    ['/srv/git/../git/App.git', 'local:/srv/git/App', RemoteHost.LOCAL],
  ])('%s → %s', (input, normalized, host) => {
    const remote = normalizeRemote(input);
    expect(remote.normalized).toBe(normalized);
    expect(remote.host).toBe(host);
  });

  test('every spelling of one repository compares equal', () => {
    const spellings = [
      'https://github.com/acme/api.git',
      'git@github.com:acme/api.git',
      'ssh://git@github.com:22/acme/api',
      'https://token@github.com/ACME/api/',
    ];
    expect(new Set(spellings.map((s) => normalizeRemote(s).normalized)).size).toBe(1);
  });

  test('splits owner and repository, keeping subgroups in the owner', () => {
    expect(normalizeRemote('git@gitlab.com:group/sub/repo.git')).toMatchObject({
      hostname: 'gitlab.com',
      owner: 'group/sub',
      repo: 'repo',
    });
  });

  test('removes http credentials but keeps the ssh user', () => {
    expect(normalizeRemote('https://user:secret@github.com/acme/api.git').sanitized).toBe(
      'https://github.com/acme/api.git',
    );
    expect(normalizeRemote('ssh://git:pw@github.com/acme/api.git').sanitized).toBe(
      'ssh://git@github.com/acme/api.git',
    );
    expect(normalizeRemote('git@github.com:acme/api.git').sanitized).toBe(
      'git@github.com:acme/api.git',
    );
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['not a remote', 'must not contain spaces'],
    ['https://github.com/acme', 'must name an owner and a repository'],
    ['https://github.com/', 'must name an owner and a repository'],
    ['ftp://github.com/acme/api', 'unsupported scheme "ftp://"'],
    ['./relative/repo', 'is a relative path'],
    ['~/repo', 'is a relative path'],
    ['git@github.com:acme/../api.git', 'must not contain "." or ".."'],
    ['https://github.com/acme/../api', 'must name an owner and a repository'],
    ['justaword', 'is not a git remote'],
    ['/', 'must name a repository directory'],
  ])('%j is refused: %s', (input, message) => {
    expect(() => normalizeRemote(input)).toThrow(RemoteError);
    expect(() => normalizeRemote(input)).toThrow(message);
  });
});
