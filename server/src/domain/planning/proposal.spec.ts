import { describe, expect, test } from '@jest/globals';
import {
  formatProposalError,
  normalizeTitle,
  type ProposedTask,
  requiredProficiencyOf,
} from './proposal.js';

const task = (extra: Partial<ProposedTask>): ProposedTask => ({
  key: 't',
  title: 'T',
  description: '',
  skills: [],
  dependsOn: [],
  canRunParallel: true,
  splittable: false,
  ...extra,
});

describe('proposal helpers', () => {
  test.each([
    ['Build the API.', 'build the api'],
    ['  build\tthe   API ', 'build the api'],
    ['Ｆｕｌｌ width', 'full width'],
    ['Done...', 'done'],
  ])('normalizeTitle(%j) = %j', (title, normalized) => {
    expect(normalizeTitle(title)).toBe(normalized);
  });

  test('a task needs its own level, else the highest of its skills, else 3', () => {
    expect(
      requiredProficiencyOf(
        task({ requiredProficiency: 2, skills: [{ slug: 'a', proficiency: 5 }] }),
      ),
    ).toBe(2);
    expect(
      requiredProficiencyOf(
        task({
          skills: [{ slug: 'a', proficiency: 2 }, { slug: 'b', proficiency: 4 }, { slug: 'c' }],
        }),
      ),
    ).toBe(4);
    expect(requiredProficiencyOf(task({ skills: [{ slug: 'c' }] }))).toBe(3);
  });

  test('an error reads as one line', () => {
    expect(formatProposalError({ message: 'phases is required', line: 1, path: 'phases' })).toBe(
      'line 1: phases is required',
    );
    expect(formatProposalError({ message: 'expected a JSON proposal' })).toBe(
      'expected a JSON proposal',
    );
  });
});
