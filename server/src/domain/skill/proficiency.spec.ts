import { describe, expect, test } from '@jest/globals';
import { DomainError, ErrorCode } from '../common/errors.js';
import { parseProficiency, proficiencyLabel } from './proficiency.js';

describe('parseProficiency', () => {
  test.each([
    [1, 1],
    [5, 5],
    ['3', 3],
    [' 4 ', 4],
    ['beginner', 1],
    ['Basic', 2],
    ['INTERMEDIATE', 3],
    ['advanced', 4],
    ['Expert', 5],
    [0, 1],
    [20, 1],
    [21, 2],
    [40, 2],
    [60, 3],
    [75, 4],
    [80, 4],
    [81, 5],
    [100, 5],
    ['75%', 4],
    ['75 %', 4],
    ['20%', 1],
    ['3%', 1],
    ['100%', 5],
    ['12.5%', 1],
    ['başlangıç', 1],
    ['Temel', 2],
    ['orta', 3],
    ['İleri', 4],
    ['ileri', 4],
    ['UZMAN', 5],
    ['Anfänger', 1],
    ['grundkenntnisse', 2],
    ['Mittel', 3],
    ['fortgeschritten', 4],
    ['EXPERTE', 5],
  ])('%j → %i', (input, level) => {
    expect(parseProficiency('requiredProficiency', input)).toBe(level);
  });

  test.each([
    ['guru'],
    [''],
    ['101%'],
    [101],
    [-1],
    ['-5'],
    [2.5],
    ['1.5'],
    [null],
    [true],
    ['5 stars'],
  ])('%j is refused, listing the accepted forms', (input) => {
    let error: unknown;
    try {
      parseProficiency('requiredProficiency', input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, field: ['requiredProficiency'] });
    const message = (error as Error).message;
    expect(message).toContain(`requiredProficiency ${JSON.stringify(input)} is not a proficiency`);
    for (const form of ['1-5', 'beginner', 'expert', '"75%"', 'başlangıç', 'Experte']) {
      expect(message).toContain(form);
    }
  });

  test('stored levels have English labels', () => {
    expect([1, 2, 3, 4, 5].map(proficiencyLabel)).toEqual([
      'beginner',
      'basic',
      'intermediate',
      'advanced',
      'expert',
    ]);
  });
});
