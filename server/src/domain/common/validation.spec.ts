import { describe, expect, test } from '@jest/globals';
import { DomainError, ErrorCode } from './errors.js';
import {
  firstFreeSlug,
  requireBranchName,
  requireName,
  requireSlug,
  slugify,
} from './validation.js';

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('validation', () => {
  test('names are trimmed and bounded', () => {
    expect(requireName('name', '  Acme  ')).toBe('Acme');
    expect(failure(() => requireName('name', '   '))).toMatchObject({
      code: ErrorCode.BAD_USER_INPUT,
      field: ['name'],
      message: 'name must not be empty',
    });
    expect(failure(() => requireName('name', 'x'.repeat(101))).message).toContain('at most 100');
    expect(failure(() => requireName('name', 'a\u0007b')).message).toContain('control characters');
  });

  test.each([
    ['Acme Corp', 'acme-corp'],
    ['Café Ops!', 'cafe-ops'],
    ['  --Hello__World--  ', 'hello-world'],
    ['日本語', ''],
    ['x'.repeat(60), 'x'.repeat(48)],
  ])('slugify(%j) = %j', (input, slug) => {
    expect(slugify(input)).toBe(slug);
  });

  test('slugs follow the documented pattern', () => {
    expect(requireSlug('slug', 'team-1')).toBe('team-1');
    for (const bad of ['', '-x', 'x-', 'Upper', 'a_b', 'a'.repeat(49)]) {
      expect(failure(() => requireSlug('slug', bad)).field).toEqual(['slug']);
    }
  });

  test('firstFreeSlug appends the first free number', () => {
    expect(firstFreeSlug('acme', new Set())).toBe('acme');
    expect(firstFreeSlug('acme', new Set(['acme', 'acme-2']))).toBe('acme-3');
    const long = 'x'.repeat(48);
    expect(firstFreeSlug(long, new Set([long]))).toBe(`${'x'.repeat(46)}-2`);
  });

  test.each(['main', 'release/2026.11', 'feature/a-b_c', 'epic/plan-abc123'])(
    'branch %j is accepted',
    (name) => {
      expect(requireBranchName('baseBranch', name)).toBe(name);
    },
  );

  test.each([
    ['', 'must not be empty'],
    ['has space', 'must not contain spaces'],
    ['a..b', '".."'],
    ['-x', 'must not start with "-"'],
    ['x/', 'end with "/"'],
    ['x.lock', '".lock"'],
    ['a/.hidden', 'starting with "."'],
    ['a@{b', '"@{"'],
    ['what?', 'must not contain'],
    ['@', '"@{"'],
  ])('branch %j is refused (%s)', (name, message) => {
    const error = failure(() => requireBranchName('baseBranch', name));
    expect(error.field).toEqual(['baseBranch']);
    expect(error.message).toContain(message);
  });
});
