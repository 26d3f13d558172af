import { describe, expect, test } from '@jest/globals';
import { parseSkillFlags, SkillFlagError } from './skill-flags.js';

describe('--with-skill', () => {
  test.each([
    [['typescript'], [{ skill: 'typescript', proficiency: 3 }]],
    [['typescript:5'], [{ skill: 'typescript', proficiency: 5 }]],
    [
      ['go:expert,rust:2'],
      [
        { skill: 'go', proficiency: 'expert' },
        { skill: 'rust', proficiency: 2 },
      ],
    ],
    [
      ['go', 'sql:75%'],
      [
        { skill: 'go', proficiency: 3 },
        { skill: 'sql', proficiency: '75%' },
      ],
    ],
    [
      ['a, b'],
      [
        { skill: 'a', proficiency: 3 },
        { skill: 'b', proficiency: 3 },
      ],
    ],
    [[], []],
  ])('%j', (values, expected) => {
    expect(parseSkillFlags(values)).toEqual(expected);
  });

  test.each([['go:'], [':3'], ['go:3:4'], ['has space'], ['go,go:2']])('refuses %s', (value) => {
    expect(() => parseSkillFlags([value])).toThrow(SkillFlagError);
  });
});
