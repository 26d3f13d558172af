import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { TaskPriority, TaskType } from '../task/task-lifecycle.js';
import { type ParseResult, type Proposal, type ProposalError } from './proposal.js';
import { parseProposal, UNKNOWN_FORMAT_MESSAGE } from './proposal-parser.js';

const knownSkills = new Set(['typescript', 'sql', 'svelte']);
const parse = (text: string): ParseResult => parseProposal(text, { knownSkills });
/** Lines joined: the n-th argument is line n. */
const lines = (...all: string[]): string => all.join('\n');
const json = (value: unknown): string => JSON.stringify(value, null, 2);

function ok(text: string) {
  const result = parse(text);
  if (!result.ok) throw new Error(`expected a proposal, got ${JSON.stringify(result.errors)}`);
  return result;
}

function failed(text: string): { format: string; errors: ProposalError[] } {
  const result = parse(text);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.proposal)}`);
  return result;
}

/** A JSON proposal of one phase holding these tasks. */
const onePhase = (...tasks: unknown[]): string => json({ phases: [{ name: 'Build', tasks }] });

const defaults = {
  description: '',
  skills: [],
  dependsOn: [],
  canRunParallel: true,
  splittable: false,
};

const FULL_JSON = lines(
  'Here is the plan you asked for:', //                                    1
  '',
  '```json',
  json({
    title: 'Checkout v2',
    summary: 'Rebuild the checkout.',
    phases: [
      {
        key: 'be',
        name: 'Backend',
        description: 'Server side.',
        tasks: [
          {
            key: 'api',
            title: 'Build the API',
            description: 'REST endpoints.',
            type: 'feature',
            skills: ['TypeScript:advanced', { slug: 'sql', proficiency: '60%' }, 'redis'],
            requiredProficiency: 4,
            estimateMinutes: '2h',
            dependsOn: [],
            canRunParallel: false,
            splittable: true,
            priority: 'high',
          },
          { key: 'db', title: 'Migrate the schema', estimateMinutes: 45, priority: null },
        ],
      },
      {
        name: 'Frontend',
        tasks: [
          {
            title: 'Cart page',
            skills: [{ slug: 'svelte' }, 'kafka:5'],
            dependsOn: ['api', 'Migrate the schema.'],
            requiredProficiency: 'expert',
            type: 'TEST',
          },
        ],
      },
    ],
  }),
  '```',
  'Let me know if you want changes!',
);

const FULL_PROPOSAL: Proposal = {
  title: 'Checkout v2',
  summary: 'Rebuild the checkout.',
  phases: [
    {
      key: 'be',
      name: 'Backend',
      description: 'Server side.',
      tasks: [
        {
          key: 'api',
          title: 'Build the API',
          description: 'REST endpoints.',
          type: TaskType.FEATURE,
          skills: [
            { slug: 'typescript', proficiency: 4 },
            { slug: 'sql', proficiency: 3 },
            { slug: 'redis' },
          ],
          requiredProficiency: 4,
          estimateMinutes: 120,
          dependsOn: [],
          canRunParallel: false,
          splittable: true,
          priority: TaskPriority.HIGH,
        },
        { ...defaults, key: 'db', title: 'Migrate the schema', estimateMinutes: 45 },
      ],
    },
    {
      key: 'frontend',
      name: 'Frontend',
      tasks: [
        {
          ...defaults,
          key: 'cart-page',
          title: 'Cart page',
          type: TaskType.TEST,
          skills: [{ slug: 'svelte' }, { slug: 'kafka', proficiency: 5 }],
          requiredProficiency: 5,
          dependsOn: ['api', 'db'],
        },
      ],
    },
  ],
};

const FULL_MARKDOWN = lines(
  'Sure! Here is the outline.', //                                          1
  '',
  '# Checkout v2',
  '',
  'Rebuild the checkout.', //                                               5
  '',
  'Keep the old one running.',
  '',
  '## [be] Backend',
  'Server side.', //                                                        10
  '',
  '- [api] Build the API — REST endpoints.',
  '  skills: TypeScript:advanced, sql:60%, redis',
  '  depends on: none',
  '  estimate: 2h', //                                                      15
  '  parallel: no',
  '  splittable: yes',
  '  type: feature',
  '  priority: high',
  '  proficiency: 4', //                                                    20
  '  description: Versioned under /v2.',
  '      Uses the cart service:',
  '      - GET /carts',
  '',
  '- [db] **Migrate the schema**', //                                       25
  '  estimate: 45',
  '',
  '---',
  '',
  '## Frontend', //                                                         30
  '1. Cart page',
  '   skills: svelte, kafka:5',
  '   depends on: [api], Migrate the schema.',
  '   proficiency: expert',
  '   type: TEST', //                                                       35
);

describe('parseProposal: good proposals', () => {
  test('minimal JSON: defaults filled, keys derived', () => {
    const result = ok('{"phases":[{"name":"Build","tasks":[{"title":"Do it"}]}]}');
    expect(result).toEqual({
      ok: true,
      format: 'json',
      proposal: {
        phases: [
          { key: 'build', name: 'Build', tasks: [{ ...defaults, key: 'do-it', title: 'Do it' }] },
        ],
      },
      unknownSkills: [],
      warnings: [],
    });
  });

  test('full JSON fenced in chatter: every field, all spellings', () => {
    const result = ok(FULL_JSON);
    expect(result.format).toBe('json');
    expect(result.proposal).toEqual(FULL_PROPOSAL);
    expect(result.unknownSkills).toEqual(['kafka', 'redis']);
    expect(result.warnings).toEqual([]);
  });

  test('Markdown outline with every field gives the same proposal', () => {
    const result = ok(FULL_MARKDOWN);
    expect(result.format).toBe('markdown');
    const [backend, frontend] = result.proposal.phases;
    expect(result.proposal.title).toBe('Checkout v2');
    expect(result.proposal.summary).toBe('Rebuild the checkout.\n\nKeep the old one running.');
    expect(backend?.description).toBe('Server side.');
    expect(backend?.tasks[0]).toEqual({
      ...FULL_PROPOSAL.phases[0]?.tasks[0],
      description: 'REST endpoints.\nVersioned under /v2.\nUses the cart service:\n- GET /carts',
    });
    expect(backend?.tasks[1]).toEqual(FULL_PROPOSAL.phases[0]?.tasks[1]);
    expect(frontend).toEqual(FULL_PROPOSAL.phases[1]);
    expect(result.unknownSkills).toEqual(['kafka', 'redis']);
    expect(result.warnings).toEqual([
      'line 1: text before the first heading is not part of the outline; ignored',
    ]);
  });

  test.each([
    ['JSON on its own', '{"phases":[{"name":"P","tasks":[{"title":"T"}]}]}', 'json'],
    [
      'JSON after a leading sentence',
      'Here you go:\n{"phases":[{"name":"P","tasks":[{"title":"T"}]}]}',
      'json',
    ],
    [
      'an untagged fence holding JSON',
      'Plan:\n```\n{"phases":[{"name":"P","tasks":[{"title":"T"}]}]}\n```',
      'json',
    ],
    [
      'a ```json fence under a heading',
      '## Proposed plan\n\n```json\n{"phases":[{"name":"P","tasks":[{"title":"T"}]}]}\n```',
      'json',
    ],
    ['a ```markdown fence', 'Outline:\n```markdown\n## P\n- T\n```\nDone.', 'markdown'],
    ['an outline without a plan title', '## P\n- T', 'markdown'],
    [
      'an outline with CRLF line ends',
      '# Plan\r\n\r\n## P\r\n- T\r\n  estimate: 1h\r\n',
      'markdown',
    ],
  ])('finds %s', (_name, text, format) => {
    const result = ok(text);
    expect(result.format).toBe(format);
    expect(result.proposal.phases[0]?.tasks[0]?.title).toBe('T');
  });

  test('keys derived from titles are unique and never take an explicit key', () => {
    const result = ok(
      onePhase(
        { title: 'Write tests' },
        { title: 'Write tests' },
        { key: 'setup', title: 'Something else' },
        { title: 'Setup' },
        { title: '日本語' },
      ),
    );
    expect(result.proposal.phases[0]?.tasks.map((task) => task.key)).toEqual([
      'write-tests',
      'write-tests-2',
      'setup',
      'setup-2',
      'task',
    ]);
  });

  test('dependencies may name titles: case, spacing and a final full stop do not matter', () => {
    const result = ok(
      onePhase(
        { title: 'Set up CI' },
        { title: 'Build the API' },
        { title: 'Ship', dependsOn: ['set  up ci.', 'build-the-api', 'Build the API'] },
      ),
    );
    expect(result.proposal.phases[0]?.tasks[2]?.dependsOn).toEqual(['set-up-ci', 'build-the-api']);
  });

  test('a key wins over another task whose title is the same text', () => {
    const result = ok(
      onePhase(
        { key: 'deploy', title: 'Ship' },
        { title: 'deploy' },
        { title: 'Go', dependsOn: ['deploy'] },
      ),
    );
    expect(result.proposal.phases[0]?.tasks[2]?.dependsOn).toEqual(['deploy']);
  });

  test('unknown skills are reported sorted and unique, never as errors', () => {
    const result = ok(
      onePhase(
        { title: 'A', skills: ['rust', 'SQL', 'go'] },
        { title: 'B', skills: ['rust:2', 'typescript'] },
      ),
    );
    expect(result.unknownSkills).toEqual(['go', 'rust']);
  });

  test('what is ignored or merged is a warning with its line', () => {
    const text = lines(
      '{',
      '  "phases": [',
      '    { "name": "Empty", "tasks": [] },',
      '    { "name": "P", "tasks": [',
      '      { "title": "T", "rationale": "because", "skills": ["sql:2", "sql:4"] }',
      '    ] }',
      '  ]',
      '}',
    );
    const result = ok(text);
    expect(result.warnings).toEqual([
      'line 3: phases[0].tasks has no tasks',
      'line 5: phases[1].tasks[0].rationale is not a proposal field; ignored',
      'line 5: phases[1].tasks[0].skills[1] repeats skill "sql"; kept the higher proficiency',
    ]);
    expect(result.proposal.phases[1]?.tasks[0]?.skills).toEqual([{ slug: 'sql', proficiency: 4 }]);
  });
});

/** [name, text, format, an error the result must hold] */
const BAD: Array<[string, string, string, Record<string, unknown>]> = [
  // ---- JSON syntax: the line of the parse position
  [
    'invalid JSON (a missing comma)',
    lines('{', '  "phases": [', '    { "name": "P" "tasks": [] }', '  ]', '}'),
    'json',
    { line: 3, message: `invalid JSON: unexpected '"'; expected "," or "}" (line 3, column 19)` },
  ],
  [
    'invalid JSON inside a fence, counted in the whole text',
    lines('Here it is:', '', '```json', '{', '  "phases": [', '  ],', '}', '```'),
    'json',
    {
      line: 6,
      message: 'invalid JSON: a comma before "}" (trailing commas are not JSON) (line 6, column 4)',
    },
  ],
  ['an unterminated string', lines('{', '  "phases": "abc', '}'), 'json', { line: 2 }],
  [
    'JSON cut short',
    lines('{', '  "phases": [', ''),
    'json',
    {
      line: 3,
      message: 'invalid JSON: unexpected end of the JSON text; expected a value (line 3, column 1)',
    },
  ],
  [
    'a field twice',
    lines('{', '  "phases": [],', '  "phases": []', '}'),
    'json',
    { line: 3, message: 'invalid JSON: field "phases" is given twice (line 3, column 3)' },
  ],
  // ---- JSON structure: the field path (and the line)
  [
    'a title of the wrong type',
    lines('{"phases": [{"name": "P", "tasks": [', '  {"title": 42}', ']}]}'),
    'json',
    {
      path: 'phases[0].tasks[0].title',
      line: 2,
      message: 'phases[0].tasks[0].title must be a string; got number',
    },
  ],
  [
    'dependsOn not an array',
    onePhase({ title: 'T', dependsOn: 'a' }),
    'json',
    {
      path: 'phases[0].tasks[0].dependsOn',
      message: 'phases[0].tasks[0].dependsOn must be an array; got string',
    },
  ],
  [
    'a dependency not a string',
    onePhase({ title: 'T', dependsOn: [1] }),
    'json',
    { path: 'phases[0].tasks[0].dependsOn[0]' },
  ],
  [
    'canRunParallel not a boolean',
    onePhase({ title: 'T', canRunParallel: 'maybe' }),
    'json',
    {
      path: 'phases[0].tasks[0].canRunParallel',
      message: 'phases[0].tasks[0].canRunParallel must be yes or no (true or false); got "maybe"',
    },
  ],
  [
    'splittable a number',
    onePhase({ title: 'T', splittable: 1 }),
    'json',
    {
      path: 'phases[0].tasks[0].splittable',
      message: 'phases[0].tasks[0].splittable must be a boolean; got number',
    },
  ],
  [
    'phases not an array',
    '{"phases": {"name": "P"}}',
    'json',
    { path: 'phases', message: 'phases must be an array; got an object' },
  ],
  [
    'a task not an object',
    onePhase('Do it'),
    'json',
    { path: 'phases[0].tasks[0]', message: 'phases[0].tasks[0] must be an object; got string' },
  ],
  [
    'a skill of the wrong type',
    onePhase({ title: 'T', skills: [7] }),
    'json',
    { path: 'phases[0].tasks[0].skills[0]' },
  ],
  [
    'a type that is no TaskType',
    onePhase({ title: 'T', type: 'EPIC' }),
    'json',
    {
      path: 'phases[0].tasks[0].type',
      message:
        'phases[0].tasks[0].type must be one of FEATURE, BUGFIX, REFACTOR, TEST, DOCS, CHORE, RESEARCH; got "EPIC"',
    },
  ],
  [
    'a priority that is no TaskPriority',
    onePhase({ title: 'T', priority: 'asap' }),
    'json',
    { path: 'phases[0].tasks[0].priority' },
  ],
  [
    'a missing task title',
    lines('{"phases": [{"name": "P", "tasks": [', '  {"description": "no title"}', ']}]}'),
    'json',
    { path: 'phases[0].tasks[0].title', line: 2, message: 'phases[0].tasks[0].title is required' },
  ],
  [
    'an empty task title',
    onePhase({ title: '   ' }),
    'json',
    { path: 'phases[0].tasks[0].title', message: 'phases[0].tasks[0].title must not be empty' },
  ],
  [
    'a missing phase name',
    '{"phases": [{"tasks": [{"title": "T"}]}]}',
    'json',
    { path: 'phases[0].name', message: 'phases[0].name is required' },
  ],
  [
    'no phases field',
    '{"title": "Plan"}',
    'json',
    { path: 'phases', message: 'phases is required' },
  ],
  [
    'an empty phases list',
    '{"phases": []}',
    'json',
    { path: 'phases', message: 'phases must list at least one phase' },
  ],
  [
    'phases without a single task',
    '{"phases": [{"name": "P", "tasks": []}]}',
    'json',
    { path: 'phases', message: 'phases must hold at least one task' },
  ],
  [
    'too many tasks',
    json({
      phases: [
        { name: 'A', tasks: Array.from({ length: 300 }, (_, i) => ({ title: `a${i}` })) },
        { name: 'B', tasks: Array.from({ length: 201 }, (_, i) => ({ title: `b${i}` })) },
      ],
    }),
    'json',
    { path: 'phases', message: 'phases must hold at most 500 tasks (got 501)' },
  ],
  [
    'too many phases',
    json({
      phases: Array.from({ length: 51 }, (_, i) => ({ name: `P${i}`, tasks: [{ title: 'T' }] })),
    }),
    'json',
    { path: 'phases', message: 'phases must list at most 50 phases (got 51)' },
  ],
  [
    'a task title over 200 characters',
    onePhase({ title: 'x'.repeat(201) }),
    'json',
    {
      path: 'phases[0].tasks[0].title',
      message: 'phases[0].tasks[0].title must be at most 200 characters; got 201',
    },
  ],
  [
    'a plan title over 120 characters',
    json({ title: 'x'.repeat(121), phases: [{ name: 'P', tasks: [{ title: 'T' }] }] }),
    'json',
    { path: 'title' },
  ],
  [
    'a description over 20,000 characters',
    onePhase({ title: 'T', description: 'x'.repeat(20_001) }),
    'json',
    {
      path: 'phases[0].tasks[0].description',
      message: 'phases[0].tasks[0].description must be at most 20000 characters; got 20001',
    },
  ],
  [
    'a key that is not a key',
    onePhase({ key: 'a b', title: 'T' }),
    'json',
    { path: 'phases[0].tasks[0].key' },
  ],
  [
    'duplicate task keys',
    lines(
      '{"phases": [',
      '  {"name": "A", "tasks": [{"key": "x", "title": "One"}]},',
      '  {"name": "B", "tasks": [{"key": "x", "title": "Two"}]}',
      ']}',
    ),
    'json',
    {
      path: 'phases[1].tasks[0].key',
      line: 3,
      message: 'phases[1].tasks[0].key "x" is used twice (first on line 2)',
    },
  ],
  [
    'duplicate phase keys',
    json({
      phases: [
        { key: 'p', name: 'A', tasks: [{ title: 'T' }] },
        { key: 'p', name: 'B', tasks: [] },
      ],
    }),
    'json',
    { path: 'phases[1].key' },
  ],
  [
    'a dependency on an unknown key',
    json({
      phases: [
        {
          name: 'A',
          tasks: [
            { key: 'a', title: 'A' },
            { key: 'b', title: 'B' },
          ],
        },
        { name: 'B', tasks: [{ key: 'c', title: 'C', dependsOn: ['a', 'b', 'nope'] }] },
      ],
    }),
    'json',
    {
      path: 'phases[1].tasks[0].dependsOn[2]',
      message:
        'phases[1].tasks[0].dependsOn[2] names no task of the proposal: "nope" is neither a key nor a title',
    },
  ],
  [
    'a dependency on a title two tasks share',
    onePhase(
      { key: 'a', title: 'Same' },
      { key: 'b', title: 'Same' },
      { title: 'C', dependsOn: ['same'] },
    ),
    'json',
    {
      path: 'phases[0].tasks[2].dependsOn[0]',
      message:
        'phases[0].tasks[2].dependsOn[0] "same" is the title of 2 tasks; name one by its key',
    },
  ],
  [
    'a self-dependency',
    onePhase({ key: 'a', title: 'A', dependsOn: ['a'] }),
    'json',
    {
      path: 'phases[0].tasks[0].dependsOn[0]',
      message: 'phases[0].tasks[0].dependsOn[0] makes task "a" depend on itself',
    },
  ],
  [
    'a self-dependency by title',
    onePhase({ title: 'Alone', dependsOn: ['alone'] }),
    'json',
    { message: 'phases[0].tasks[0].dependsOn[0] makes task "alone" depend on itself' },
  ],
  [
    'a 2-cycle',
    lines(
      '{"phases": [{"name": "P", "tasks": [',
      '  {"key": "a", "title": "A", "dependsOn": ["b"]},',
      '  {"key": "b", "title": "B", "dependsOn": ["a"]}',
      ']}]}',
    ),
    'json',
    {
      path: 'phases[0].tasks[0].dependsOn',
      line: 2,
      message: 'phases[0].tasks[0].dependsOn forms a dependency cycle: a → b → a',
    },
  ],
  [
    'a 3-cycle, found across phases and by title',
    json({
      phases: [
        {
          name: 'P',
          tasks: [
            { key: 'a', title: 'A', dependsOn: ['b'] },
            { key: 'b', title: 'B', dependsOn: ['C'] },
          ],
        },
        { name: 'Q', tasks: [{ key: 'c', title: 'C', dependsOn: ['a'] }] },
      ],
    }),
    'json',
    {
      path: 'phases[0].tasks[0].dependsOn',
      message: 'phases[0].tasks[0].dependsOn forms a dependency cycle: a → b → c → a',
    },
  ],
  [
    'proficiency 0',
    onePhase({ title: 'T', requiredProficiency: 0 }),
    'json',
    {
      path: 'phases[0].tasks[0].requiredProficiency',
      message:
        'phases[0].tasks[0].requiredProficiency must be a level 1-5, a name (beginner, basic, intermediate, advanced, expert) or a percentage such as "75%"; got 0',
    },
  ],
  [
    'proficiency 6',
    onePhase({ title: 'T', requiredProficiency: 6 }),
    'json',
    { path: 'phases[0].tasks[0].requiredProficiency' },
  ],
  [
    'proficiency "guru"',
    onePhase({ title: 'T', requiredProficiency: 'guru' }),
    'json',
    { path: 'phases[0].tasks[0].requiredProficiency' },
  ],
  [
    'a skill proficiency of 6',
    onePhase({ title: 'T', skills: ['sql:6'] }),
    'json',
    {
      path: 'phases[0].tasks[0].skills[0]',
      message: expect.stringContaining('proficiency of "sql" must be a level 1-5'),
    },
  ],
  [
    'a skill that is no slug',
    onePhase({ title: 'T', skills: ['C++'] }),
    'json',
    {
      path: 'phases[0].tasks[0].skills[0]',
      message: expect.stringContaining('must be a skill slug'),
    },
  ],
  [
    'a negative estimate',
    onePhase({ title: 'T', estimateMinutes: -30 }),
    'json',
    {
      path: 'phases[0].tasks[0].estimateMinutes',
      message: expect.stringContaining('must be a positive whole number of minutes'),
    },
  ],
  [
    'an estimate that is no duration',
    onePhase({ title: 'T', estimateMinutes: '2 fortnights' }),
    'json',
    { path: 'phases[0].tasks[0].estimateMinutes' },
  ],
  // ---- Markdown: the line
  [
    'a Markdown task outside a phase',
    lines('# Plan', '', '- Lost task', '', '## P', '- T'),
    'markdown',
    { line: 3, message: 'a task outside a phase: put it under a "## Phase name" heading' },
  ],
  [
    'a Markdown unknown field',
    lines('## P', '- T', '  estimate: 1h', '  owner: alice'),
    'markdown',
    { line: 4, message: expect.stringContaining('unknown field "owner"') },
  ],
  [
    'a Markdown field twice',
    lines('## P', '- T', '  estimate: 1h', '  estimate: 2h'),
    'markdown',
    { line: 4, message: 'the field "estimate" is given twice (first on line 3)' },
  ],
  [
    'a Markdown ### heading',
    lines('## P', '### Task one', '- T'),
    'markdown',
    { line: 2, message: expect.stringContaining('a level-3 heading is not part of the outline') },
  ],
  [
    'Markdown text between tasks',
    lines('## P', '- A', 'stray words', '- B'),
    'markdown',
    { line: 3, message: 'text between tasks belongs to no task: indent it under the task above' },
  ],
  ['a second Markdown plan title', lines('# One', '# Two', '## P', '- T'), 'markdown', { line: 2 }],
  [
    'a Markdown outline without phases',
    lines('# Plan', '', 'Just words.'),
    'markdown',
    { path: 'phases', message: 'the outline must list at least one phase' },
  ],
  [
    'a Markdown task without a title',
    lines('## P', '- [a]'),
    'markdown',
    { line: 2, message: 'the task title must not be empty' },
  ],
  [
    'a Markdown estimate that is no duration',
    lines('## P', '- T', '  estimate: soon'),
    'markdown',
    { line: 3, message: expect.stringContaining('estimate must be a positive whole number') },
  ],
  [
    'a Markdown proficiency "guru"',
    lines('## P', '- T', '  skills: sql:guru'),
    'markdown',
    { line: 3, message: expect.stringContaining('proficiency of "sql" must be') },
  ],
  [
    'a Markdown dependency on an unknown key',
    lines('## P', '- [a] A', '- [b] B', '  depends on: a, zz'),
    'markdown',
    {
      line: 4,
      path: 'phases[0].tasks[1].dependsOn[1]',
      message: 'depends on names no task of the proposal: "zz" is neither a key nor a title',
    },
  ],
  [
    'a Markdown 3-cycle',
    lines(
      '## P',
      '- [a] A',
      '  depends on: c',
      '- [b] B',
      '  depends on: a',
      '- [c] C',
      '  depends on: b',
    ),
    'markdown',
    { line: 3, message: 'depends on forms a dependency cycle: a → c → b → a' },
  ],
  [
    'Markdown duplicate keys',
    lines('## P', '- [x] One', '', '## Q', '- [x] Two'),
    'markdown',
    { line: 5, message: 'the key "x" is used twice (first on line 2)' },
  ],
  // ---- neither
  [
    'plain prose',
    'I think you should build a checkout first, then tests.',
    'unknown',
    { message: UNKNOWN_FORMAT_MESSAGE },
  ],
  ['an empty answer', '  \n ', 'unknown', { message: UNKNOWN_FORMAT_MESSAGE }],
  ['a bare list without headings', '- one\n- two', 'unknown', { message: UNKNOWN_FORMAT_MESSAGE }],
  ['a JSON array', '[{"name": "P"}]', 'unknown', { message: UNKNOWN_FORMAT_MESSAGE }],
];

describe('parseProposal: bad proposals', () => {
  test.each(BAD)('%s', (_name, text, format, error) => {
    const result = failed(text);
    expect(result.format).toBe(format);
    expect(result.errors).toContainEqual(expect.objectContaining(error));
    for (const each of result.errors) {
      if (format !== 'unknown') expect(each.line ?? each.path).toBeDefined();
    }
  });

  test('every problem is reported, in line order', () => {
    const text = lines(
      '## P', //                        1
      '- [a] A',
      '  estimate: never',
      '  type: EPIC',
      '- [a] B', //                     5
      '  owner: bob',
    );
    expect(failed(text).errors.map((error) => error.line)).toEqual([3, 4, 5, 6]);
  });

  test('a flood of errors is capped', () => {
    const tasks = Array.from({ length: 80 }, () => ({ title: 'T', estimateMinutes: -1 }));
    const { errors } = failed(onePhase(...tasks));
    expect(errors).toHaveLength(51);
    expect(errors.at(-1)).toEqual({ message: 'and 30 more errors' });
  });

  test('an oversized text is refused before it is read', () => {
    expect(failed(' '.repeat(5_000_001)).errors[0]?.message).toContain('at most 5000000');
  });
});

describe('docs/planning.md', () => {
  const doc = readFileSync(new URL('../../../../docs/planning.md', import.meta.url), 'utf8');
  const example = (tag: string): string => {
    const match = new RegExp('```' + tag + '\\n([\\s\\S]*?)\\n```').exec(doc);
    if (!match?.[1]) throw new Error(`docs/planning.md has no ${tag} example`);
    return match[1];
  };
  const withoutDescriptions = (proposal: Proposal): Proposal => ({
    ...proposal,
    phases: proposal.phases.map((phase) => ({
      ...phase,
      tasks: phase.tasks.map((task) => ({ ...task, description: '' })),
    })),
  });

  test('the JSON and the Markdown examples parse, to the same plan', () => {
    const fromJson = ok(example('json'));
    const fromMarkdown = ok(example('markdown'));
    expect(fromJson.warnings).toEqual([]);
    expect(fromMarkdown.warnings).toEqual([]);
    expect(fromMarkdown.unknownSkills).toEqual(['playwright']);
    expect(withoutDescriptions(fromMarkdown.proposal)).toEqual(
      withoutDescriptions(fromJson.proposal),
    );
    expect(fromMarkdown.proposal.phases[0]?.tasks[1]?.description).toBe(
      'REST endpoints for carts.\nVersioned under /v2.\nEndpoints:\n- GET /v2/carts/:id\n' +
        '- POST /v2/carts/:id/items',
    );
  });
});
