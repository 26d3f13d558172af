import { describe, expect, test } from '@jest/globals';
import type { Proposal, ProposedTask } from './proposal.js';
import { diffProposal } from './proposal-diff.js';
import { parseProposal } from './proposal-parser.js';
import {
  addedInDependencyOrder,
  canonicalJson,
  currentPlanOf,
  fingerprintOf,
  inDependencyOrder,
  removalOrder,
  taskCountOf,
  taskInputOf,
  type PlanSnapshot,
} from './replan-state.js';

const task = (
  id: string,
  phaseId: string,
  title: string,
  status = 'DRAFT',
): PlanSnapshot['tasks'][number] => ({
  id,
  key: null,
  phaseId,
  title,
  description: '',
  status,
  type: 'FEATURE',
  priority: 'MEDIUM',
  requiredProficiency: 3,
  estimateMinutes: null,
  canRunParallel: true,
  splittable: false,
});

const snapshot: PlanSnapshot = {
  status: 'ACTIVE',
  phases: [
    { id: 'p1', key: null, name: 'Build', description: '' },
    { id: 'p2', key: null, name: 'Old', description: '' },
    { id: 'p3', key: null, name: 'Empty', description: '' },
  ],
  tasks: [
    task('t1', 'p1', 'Schema', 'MERGED'),
    task('t2', 'p1', 'API'),
    task('t3', 'p2', 'Dropped', 'CANCELLED'),
  ],
  skills: [
    { taskId: 't2', skillId: 's-ts' },
    { taskId: 't2', skillId: 's-gone' },
    { taskId: 't2', skillId: 's-api' },
  ],
  dependencies: [
    { taskId: 't2', dependsOnTaskId: 't3' },
    { taskId: 't2', dependsOnTaskId: 't1' },
  ],
};
const slugs = new Map([
  ['s-ts', 'typescript'],
  ['s-api', 'api'],
]);

const proposed = (key: string, dependsOn: string[] = []): ProposedTask => ({
  key,
  title: key,
  description: '',
  skills: [],
  dependsOn,
  canRunParallel: true,
  splittable: false,
});

describe('currentPlanOf: the plan as a proposal is compared with', () => {
  const current = currentPlanOf(snapshot, (id) => slugs.get(id));

  test('cancelled tasks are left out, and so is a phase holding only cancelled tasks', () => {
    expect(current.phases.map((phase) => phase.name)).toEqual(['Build', 'Empty']);
    expect(current.phases[0]?.tasks.map((t) => t.title)).toEqual(['Schema', 'API']);
    expect(taskCountOf(current)).toBe(2);
  });

  test('a phase without tasks stays, so a proposal leaving it out removes it', () => {
    expect(current.phases[1]).toMatchObject({ id: 'p3', tasks: [] });
  });

  test('skills by slug, sorted (skills it cannot name are dropped); dependencies sorted, a cancelled one kept', () => {
    const api = current.phases[0]?.tasks[1];
    expect(api?.skills).toEqual([{ slug: 'api' }, { slug: 'typescript' }]);
    expect(api?.dependsOn).toEqual(['t1', 't3']);
  });
});

describe('fingerprintOf', () => {
  const current = currentPlanOf(snapshot, (id) => slugs.get(id));
  const proposal: Proposal = { phases: [{ key: 'b', name: 'Build', tasks: [proposed('x')] }] };

  test('the same state and proposal give the same fingerprint, whatever the key order', () => {
    const reordered = JSON.parse(canonicalJson(proposal)) as Proposal;
    expect(fingerprintOf('ACTIVE', current, reordered)).toBe(
      fingerprintOf('ACTIVE', current, proposal),
    );
  });

  test.each([
    ['the plan status', () => fingerprintOf('PAUSED', current, proposal)],
    [
      'a task status',
      () =>
        fingerprintOf(
          'ACTIVE',
          currentPlanOf(
            { ...snapshot, tasks: snapshot.tasks.map((t) => ({ ...t, status: 'DISPATCHED' })) },
            (id) => slugs.get(id),
          ),
          proposal,
        ),
    ],
    [
      'a title',
      () =>
        fingerprintOf(
          'ACTIVE',
          currentPlanOf(
            { ...snapshot, tasks: snapshot.tasks.map((t) => ({ ...t, title: `${t.title}!` })) },
            (id) => slugs.get(id),
          ),
          proposal,
        ),
    ],
    [
      'the proposal',
      () =>
        fingerprintOf('ACTIVE', current, {
          phases: [{ key: 'b', name: 'Build', tasks: [proposed('y')] }],
        }),
    ],
  ])('changes with %s', (_what, other) => {
    expect(other()).not.toBe(fingerprintOf('ACTIVE', current, proposal));
  });

  test('canonicalJson sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: undefined, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"x":2,"z":1}]},"b":1}',
    );
  });
});

describe('write order', () => {
  const proposal: Proposal = {
    phases: [
      { key: 'a', name: 'A', tasks: [proposed('ui', ['api']), proposed('api', ['db'])] },
      { key: 'b', name: 'B', tasks: [proposed('db'), proposed('docs', ['ui'])] },
    ],
  };

  test('inDependencyOrder puts each task after those it depends on', () => {
    expect(inDependencyOrder(proposal).map((t) => t.key)).toEqual(['db', 'api', 'ui', 'docs']);
  });

  test('addedInDependencyOrder keeps only the added tasks, in that order', () => {
    const added = ['docs', 'ui', 'db'].map((key) => ({
      ...proposed(key),
      phaseKey: 'a',
      phaseName: 'A',
    }));
    expect(addedInDependencyOrder(proposal, added).map((t) => t.key)).toEqual(['db', 'ui', 'docs']);
  });

  test('removalOrder deletes a task before the removed tasks it depends on', () => {
    const edges = [
      { taskId: 'b', dependsOnTaskId: 'a' },
      { taskId: 'c', dependsOnTaskId: 'b' },
      { taskId: 'c', dependsOnTaskId: 'kept' },
    ];
    expect(removalOrder(['a', 'b', 'c'], edges)).toEqual(['c', 'b', 'a']);
    expect(removalOrder(['a', 'x'], edges)).toEqual(['a', 'x']);
  });
});

describe('taskInputOf: only the fields the diff lists', () => {
  const full: ProposedTask = {
    ...proposed('t'),
    title: 'New title',
    description: 'd',
    type: 'BUGFIX' as ProposedTask['type'],
    skills: [{ slug: 'typescript', proficiency: 4 }],
    estimateMinutes: 30,
    canRunParallel: false,
  };

  test.each([
    [['title'], { title: 'New title' }],
    [['skills', 'estimateMinutes'], { skills: ['typescript'], estimateMinutes: 30 }],
    [['type', 'canRunParallel'], { type: 'BUGFIX', canRunParallel: false }],
    [['phase', 'dependsOn'], {}],
  ] as const)('%j', (fields, input) => {
    expect(
      taskInputOf(
        fields.map((field) => ({ field, from: null, to: null })),
        full,
      ),
    ).toEqual(input);
  });
});

describe('a PROPOSAL message reads back as the proposal it holds', () => {
  test('the normalized proposal, as JSON, parses to itself', () => {
    const text = `# Shop\n## API\n- [cart] Cart — POST /cart\n  skills: typescript:4\n  estimate: 2h\n- [pay] Pay\n  depends on: cart\n`;
    const first = parseProposal(text, { knownSkills: new Set(['typescript']) });
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    const again = parseProposal(JSON.stringify(first.proposal), {
      knownSkills: new Set(['typescript']),
    });
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    expect(again.proposal).toEqual(first.proposal);
  });

  test('a plan diffed with the proposal it was built from is unchanged', () => {
    const proposal: Proposal = {
      phases: [{ key: 'build', name: 'Build', tasks: [{ ...proposed('x'), title: 'API' }] }],
    };
    const current = currentPlanOf(
      {
        status: 'DRAFT',
        phases: [{ id: 'p1', key: 'build', name: 'Build', description: '' }],
        tasks: [task('t1', 'p1', 'API')],
        skills: [],
        dependencies: [],
      },
      () => undefined,
    );
    const diff = diffProposal(current, proposal);
    expect(diff.unchanged).toBe(1);
    expect(diff.changed).toEqual([]);
  });

  test('a stored key matches a renamed task: a change, not a removal and an addition', () => {
    const current = currentPlanOf(
      {
        status: 'ACTIVE',
        phases: [{ id: 'p1', key: 'build', name: 'Build', description: '' }],
        tasks: [{ ...task('t1', 'p1', 'API'), key: 'api' }],
        skills: [],
        dependencies: [],
      },
      () => undefined,
    );
    expect(current.phases[0]).toMatchObject({ key: 'build', tasks: [{ key: 'api' }] });
    const diff = diffProposal(current, {
      phases: [{ key: 'build', name: 'Build', tasks: [{ ...proposed('api'), title: 'REST API' }] }],
    });
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([
      {
        taskId: 't1',
        key: 'api',
        title: 'REST API',
        fields: [{ field: 'title', from: 'API', to: 'REST API' }],
      },
    ]);
  });
});
