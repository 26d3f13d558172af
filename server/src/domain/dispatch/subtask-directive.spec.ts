import { describe, expect, test } from '@jest/globals';
import { parseSubtaskDirective } from './subtask-directive.js';

describe('parseSubtaskDirective', () => {
  test('reads the JSON of a MAESTRO:SUBTASK line, with or without the marker, in either spelling', () => {
    const camel = parseSubtaskDirective(
      'MAESTRO:SUBTASK{"title": " Split the lexer ", "skills": ["rust"], "requiredProficiency": "advanced", "estimateMinutes": 45, "dependsOn": ["tsk_1"], "canRunParallel": false, "priority": "high", "type": "refactor"}',
    );
    expect(camel).toEqual({
      ok: true,
      directive: {
        title: 'Split the lexer',
        description: undefined,
        skills: ['rust'],
        requiredProficiency: 4,
        estimateMinutes: 45,
        dependsOn: ['tsk_1'],
        canRunParallel: false,
        priority: 'HIGH',
        type: 'REFACTOR',
        replan: false,
      },
    });
    const snake = parseSubtaskDirective(
      '{"title": "x", "required_proficiency": 80, "estimated_minutes": 5, "depends_on": [], "replan": true}',
    );
    expect(snake).toMatchObject({
      ok: true,
      directive: { requiredProficiency: 4, estimateMinutes: 5, dependsOn: [], replan: true },
    });
  });

  test.each([
    ['', 'the directive is not valid JSON'],
    ['MAESTRO:SUBTASK', 'the directive is not valid JSON'],
    ['{"title": "x"', 'the directive is not valid JSON'],
    ['null', 'the directive must be a JSON object'],
    ['[1]', 'the directive must be a JSON object'],
    ['"title"', 'the directive must be a JSON object'],
    ['{}', '"title" is required: a non-empty string'],
    ['{"title": "   "}', '"title" is required: a non-empty string'],
    ['{"title": 7}', '"title" is required: a non-empty string'],
    [`{"title": "${'x'.repeat(201)}"}`, '"title" is longer than 200 characters'],
    ['{"title": "x", "owner": "me"}', 'unknown field(s) "owner"'],
    ['{"title": "x", "dependsOn": "a"}', '"dependsOn" must be a list of non-empty strings'],
    ['{"title": "x", "skills": [""]}', '"skills" must be a list of non-empty strings'],
    ['{"title": "x", "estimateMinutes": -1}', '"estimateMinutes" must be a whole number'],
    ['{"title": "x", "estimateMinutes": 1.5}', '"estimateMinutes" must be a whole number'],
    ['{"title": "x", "replan": "yes"}', '"replan" must be true or false'],
    ['{"title": "x", "priority": "now"}', '"priority" must be one of LOW, MEDIUM, HIGH, URGENT'],
    ['{"title": "x", "requiredProficiency": 0.5}', 'is not a proficiency'],
    ['{"title": "x", "estimateMinutes": 1, "estimate_minutes": 2}', 'is given twice'],
    [`{"title": "${'x'.repeat(20_001)}"}`, 'at most 20000'],
  ])('%j is refused: %s', (text, problem) => {
    const parsed = parseSubtaskDirective(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(problem);
  });
});
