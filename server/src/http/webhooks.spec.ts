import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { githubClosed, githubSignatureValid, gitlabClosed, gitlabTokenValid } from './webhooks.js';

describe('webhook verification', () => {
  const body = Buffer.from('{"action":"closed"}');
  const signature = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;

  test.each([
    ['the right signature', signature, true],
    ['another secret', `sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`, false],
    ['no prefix', signature.slice('sha256='.length), false],
    ['sha1', `sha1=${createHmac('sha1', 's3cret').update(body).digest('hex')}`, false],
    ['truncated', signature.slice(0, -2), false],
    ['none', undefined, false],
  ])('GitHub: %s', (_name, header, valid) => {
    expect(githubSignatureValid('s3cret', body, header)).toBe(valid);
  });

  test('GitLab compares the token', () => {
    expect(gitlabTokenValid('s3cret', 's3cret')).toBe(true);
    expect(gitlabTokenValid('s3cret', 's3cre')).toBe(false);
    expect(gitlabTokenValid('s3cret', undefined)).toBe(false);
  });
});

describe('merged pull requests in deliveries', () => {
  const pr = {
    action: 'closed',
    pull_request: {
      merged: true,
      html_url: 'https://github.com/a/b/pull/3',
      head: { ref: 'epic/x-abc123' },
      base: { ref: 'main' },
    },
    repository: { html_url: 'https://github.com/a/b' },
  };

  test('GitHub: a closed pull_request, merged or not', () => {
    expect(githubClosed('pull_request', pr)).toEqual({
      merged: true,
      repository: 'https://github.com/a/b',
      head: 'epic/x-abc123',
      base: 'main',
      url: 'https://github.com/a/b/pull/3',
    });
    expect(githubClosed('push', pr)).toBeUndefined();
    expect(githubClosed('pull_request', { ...pr, action: 'opened' })).toBeUndefined();
    expect(
      githubClosed('pull_request', { ...pr, pull_request: { ...pr.pull_request, merged: false } }),
    ).toMatchObject({ merged: false, head: 'epic/x-abc123' });
    expect(githubClosed('pull_request', { action: 'closed' })).toBeUndefined();
  });

  test('GitLab: a merge request merged or closed', () => {
    const hook = {
      object_kind: 'merge_request',
      project: { web_url: 'https://gitlab.com/g/s/r' },
      object_attributes: {
        action: 'merge',
        state: 'merged',
        url: 'https://gitlab.com/g/s/r/-/merge_requests/1',
        source_branch: 'epic/y',
        target_branch: 'develop',
      },
    };
    expect(gitlabClosed(hook)).toEqual({
      merged: true,
      repository: 'https://gitlab.com/g/s/r',
      head: 'epic/y',
      base: 'develop',
      url: 'https://gitlab.com/g/s/r/-/merge_requests/1',
    });
    expect(
      gitlabClosed({
        ...hook,
        object_attributes: { ...hook.object_attributes, action: 'open', state: 'opened' },
      }),
    ).toBeUndefined();
    expect(gitlabClosed({ ...hook, object_kind: 'push' })).toBeUndefined();
  });
});
