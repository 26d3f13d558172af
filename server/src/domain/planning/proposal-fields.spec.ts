import { describe, expect, test } from '@jest/globals';
import { TaskType } from '../task/task-lifecycle.js';
import {
  readBoolean,
  readEnum,
  readEstimate,
  readProficiency,
  readSkillSlug,
} from './proposal-fields.js';

describe('proposal values', () => {
  test.each([
    [90, 90],
    ['90', 90],
    ['30m', 30],
    ['45 min', 45],
    ['2h', 120],
    ['1.5h', 90],
    ['1h 30m', 90],
    ['1h30m', 90],
    ['2 hours', 120],
    ['1d', 480],
    ['1.5d', 720],
    ['1w', 2400],
  ])('estimate %j = %i minutes', (input, minutes) => {
    expect(readEstimate(input)).toEqual({ ok: true, value: minutes });
  });

  test.each([[0], [-30], [1.5], ['0m'], ['-2h'], ['2x'], ['h'], ['1h 30'], [1_000_001], ['']])(
    'estimate %j is refused',
    (input) => {
      expect(readEstimate(input).ok).toBe(false);
    },
  );

  test.each([
    [1, 1],
    [5, 5],
    ['3', 3],
    ['beginner', 1],
    ['Expert', 5],
    ['75%', 4],
    ['10 %', 1],
    ['orta', 3],
  ])('proficiency %j = %i', (input, level) => {
    expect(readProficiency(input)).toEqual({ ok: true, value: level });
  });

  test.each([[0], [6], [75], ['6'], ['2.5'], ['guru'], ['101%'], ['']])(
    'proficiency %j is refused',
    (input) => {
      expect(readProficiency(input).ok).toBe(false);
    },
  );
});

describe('other proposal values', () => {
  test.each([
    [true, true],
    ['yes', true],
    ['Y', true],
    ['on', true],
    [false, false],
    ['No', false],
    ['off', false],
  ])('flag %j = %j', (input, value) => {
    expect(readBoolean(input)).toEqual({ ok: true, value });
  });

  test('a flag that is neither yes nor no is refused', () => {
    expect(readBoolean('maybe')).toEqual({
      ok: false,
      problem: 'must be yes or no (true or false); got "maybe"',
    });
  });

  test('enum values are matched in any case', () => {
    expect(readEnum('bugfix', TaskType)).toEqual({ ok: true, value: TaskType.BUGFIX });
    expect(readEnum(' Research ', TaskType)).toEqual({ ok: true, value: TaskType.RESEARCH });
    expect(readEnum('bug', TaskType).ok).toBe(false);
  });

  test('skill slugs are lower-cased; a name that is no slug gets a hint', () => {
    expect(readSkillSlug(' TypeScript ')).toEqual({ ok: true, value: 'typescript' });
    expect(readSkillSlug('Node.js')).toEqual({
      ok: false,
      problem:
        'must be a skill slug (1-48 lower-case letters, digits or hyphens); got "Node.js" ' +
        '(did you mean "node-js"?)',
    });
  });
});
