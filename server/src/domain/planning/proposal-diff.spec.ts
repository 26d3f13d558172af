import { describe, expect, test } from '@jest/globals';
import { TaskType } from '../task/task-lifecycle.js';
import type { Proposal, ProposedTask } from './proposal.js';
import { type CurrentPlan, type CurrentTask, diffProposal, isEmptyDiff } from './proposal-diff.js';

function current(id: string, title: string, extra: Partial<CurrentTask> = {}): CurrentTask {
  return {
    id,
    title,
    description: '',
    skills: [],
    dependsOn: [],
    canRunParallel: true,
    splittable: false,
    status: 'DRAFT',
    ...extra,
  };
}

function proposed(key: string, title: string, extra: Partial<ProposedTask> = {}): ProposedTask {
  return {
    key,
    title,
    description: '',
    skills: [],
    dependsOn: [],
    canRunParallel: true,
    splittable: false,
    ...extra,
  };
}

/** The plan as it stands: some work done, some in flight. */
const PLAN: CurrentPlan = {
  phases: [
    {
      id: 'ph-1',
      name: 'Backend',
      tasks: [
        current('t1', 'Build the API', {
          key: 'api',
          status: 'COMPLETED',
          skills: [{ slug: 'typescript' }],
          estimateMinutes: 120,
          type: 'FEATURE',
        }),
        current('t2', 'Migrate the schema', {
          status: 'IN_PROGRESS',
          dependsOn: ['t1'],
          estimateMinutes: 90,
        }),
        current('t3', 'Seed data'),
        current('t4', 'Legacy cleanup', { key: 'old', status: 'MERGED' }),
      ],
    },
    {
      id: 'ph-2',
      name: 'Frontend',
      tasks: [
        current('t5', 'Cart page', { dependsOn: ['t1', 't2'] }),
        current('t6', 'Old widget', { status: 'DISPATCHED' }),
      ],
    },
    {
      id: 'ph-3',
      key: 'docs',
      name: 'Docs',
      tasks: [current('t7', 'Write README', { key: 'readme', status: 'CANCELLED' })],
    },
  ],
};

const PROPOSAL: Proposal = {
  phases: [
    {
      key: 'backend',
      name: 'Server',
      tasks: [
        proposed('api', 'Build the API', { skills: [{ slug: 'typescript', proficiency: 4 }] }),
        proposed('migrate-the-schema', 'Migrate the schema', {
          description: 'Add the carts table.',
          dependsOn: ['api'],
          estimateMinutes: 60,
        }),
        proposed('seed', 'seed  data'),
      ],
    },
    {
      key: 'frontend',
      name: 'Frontend',
      tasks: [
        proposed('cart-page', 'Cart page', { dependsOn: ['api'], canRunParallel: false }),
        proposed('checkout', 'Checkout', { dependsOn: ['cart-page'], type: TaskType.FEATURE }),
      ],
    },
    {
      key: 'ops',
      name: 'Operations',
      tasks: [proposed('cleanup', 'Legacy cleanup')],
    },
  ],
};

describe('diffProposal', () => {
  test('adds, changes, removes and keeps done work, phase by phase', () => {
    expect(diffProposal(PLAN, PROPOSAL)).toEqual({
      added: [
        {
          ...proposed('checkout', 'Checkout', { dependsOn: ['cart-page'], type: TaskType.FEATURE }),
          phaseKey: 'frontend',
          phaseName: 'Frontend',
        },
        { ...proposed('cleanup', 'Legacy cleanup'), phaseKey: 'ops', phaseName: 'Operations' },
      ],
      changed: [
        {
          taskId: 't2',
          key: 'migrate-the-schema',
          title: 'Migrate the schema',
          fields: [
            { field: 'description', from: '', to: 'Add the carts table.' },
            { field: 'estimateMinutes', from: 90, to: 60 },
          ],
        },
        {
          taskId: 't3',
          key: 'seed',
          title: 'seed  data',
          fields: [{ field: 'title', from: 'Seed data', to: 'seed  data' }],
        },
        {
          taskId: 't5',
          key: 'cart-page',
          title: 'Cart page',
          fields: [
            { field: 'dependsOn', from: ['api', 'migrate-the-schema'], to: ['api'] },
            { field: 'canRunParallel', from: true, to: false },
          ],
        },
      ],
      removed: [
        { taskId: 't6', title: 'Old widget', status: 'DISPATCHED' },
        { taskId: 't7', title: 'Write README', status: 'CANCELLED' },
      ],
      blocked: [
        {
          taskId: 't4',
          title: 'Legacy cleanup',
          status: 'MERGED',
          reason: 'done work (MERGED) cannot be removed; it stays in the plan',
        },
      ],
      // api: a proficiency the plan does not record is no change
      unchanged: 1,
      phases: {
        added: [{ key: 'ops', name: 'Operations', position: 2 }],
        renamed: [{ phaseId: 'ph-1', key: 'backend', from: 'Backend', to: 'Server' }],
        changed: [],
        removed: [{ phaseId: 'ph-3', name: 'Docs' }],
      },
      taskIds: { api: 't1', 'migrate-the-schema': 't2', seed: 't3', 'cart-page': 't5' },
      phaseIds: { backend: 'ph-1', frontend: 'ph-2' },
    });
  });

  test('the plan itself as a proposal changes nothing', () => {
    const same: Proposal = {
      phases: PLAN.phases.map((phase) => ({
        key: phase.key ?? phase.name.toLowerCase(),
        name: phase.name,
        tasks: phase.tasks.map((task) =>
          proposed(task.key ?? task.id, task.title, {
            skills: task.skills,
            dependsOn: task.dependsOn.map((id) => {
              const target = PLAN.phases.flatMap((p) => p.tasks).find((t) => t.id === id);
              return target?.key ?? target?.id ?? id;
            }),
          }),
        ),
      })),
    };
    const diff = diffProposal(PLAN, same);
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.blocked).toEqual([]);
    expect(diff.unchanged).toBe(7);
    expect(isEmptyDiff(diffProposal(PLAN, PROPOSAL))).toBe(false);
  });

  test('a task that carries a key matches by key only; one without, by title', () => {
    const plan: CurrentPlan = {
      phases: [
        {
          id: 'ph',
          name: 'P',
          tasks: [current('k', 'Same title', { key: 'x' }), current('n', 'Other')],
        },
      ],
    };
    const diff = diffProposal(plan, {
      phases: [
        {
          key: 'p',
          name: 'P',
          tasks: [proposed('y', 'Same title'), proposed('x', 'Renamed'), proposed('z', 'OTHER.')],
        },
      ],
    });
    expect(diff.taskIds).toEqual({ x: 'k', z: 'n' });
    expect(diff.added.map((task) => task.key)).toEqual(['y']);
    expect(diff.changed.map((change) => change.fields.map((f) => f.field))).toEqual([
      ['title'],
      ['title'],
    ]);
  });

  test('tasks of the same title match in plan order', () => {
    const plan: CurrentPlan = {
      phases: [{ id: 'ph', name: 'P', tasks: [current('a', 'Fix bug'), current('b', 'Fix bug')] }],
    };
    const diff = diffProposal(plan, {
      phases: [
        {
          key: 'p',
          name: 'P',
          tasks: [proposed('fix-bug', 'Fix bug'), proposed('fix-bug-2', 'Fix bug')],
        },
      ],
    });
    expect(diff.taskIds).toEqual({ 'fix-bug': 'a', 'fix-bug-2': 'b' });
    expect(diff.unchanged).toBe(2);
  });

  test('a task moved to another phase changes its phase', () => {
    const plan: CurrentPlan = {
      phases: [
        { id: 'p1', name: 'One', tasks: [current('a', 'A'), current('b', 'B')] },
        { id: 'p2', name: 'Two', tasks: [current('c', 'C')] },
      ],
    };
    const diff = diffProposal(plan, {
      phases: [
        { key: 'one', name: 'One', tasks: [proposed('a', 'A')] },
        { key: 'two', name: 'Two', tasks: [proposed('b', 'B'), proposed('c', 'C')] },
      ],
    });
    expect(diff.changed).toEqual([
      { taskId: 'b', key: 'b', title: 'B', fields: [{ field: 'phase', from: 'One', to: 'Two' }] },
    ]);
    expect(diff.phases).toEqual({ added: [], renamed: [], changed: [], removed: [] });
  });

  test('a phase that still holds done work is not removed', () => {
    const plan: CurrentPlan = {
      phases: [
        { id: 'p1', name: 'Done', tasks: [current('a', 'A', { status: 'COMPLETED' })] },
        { id: 'p2', name: 'Open', tasks: [current('b', 'B')] },
      ],
    };
    const diff = diffProposal(plan, {
      phases: [{ key: 'new', name: 'New', tasks: [proposed('c', 'C')] }],
    });
    expect(diff.blocked.map((task) => task.taskId)).toEqual(['a']);
    expect(diff.removed.map((task) => task.taskId)).toEqual(['b']);
    expect(diff.phases.removed).toEqual([{ phaseId: 'p2', name: 'Open' }]);
    expect(diff.phases.added).toEqual([{ key: 'new', name: 'New', position: 0 }]);
  });

  test('fields the proposal leaves out are kept; skills compare by slug and given levels', () => {
    const plan: CurrentPlan = {
      phases: [
        {
          id: 'p',
          name: 'P',
          tasks: [
            current('a', 'A', {
              type: 'BUGFIX',
              priority: 'HIGH',
              requiredProficiency: 2,
              estimateMinutes: 30,
              skills: [{ slug: 'sql', proficiency: 2 }, { slug: 'go' }],
            }),
          ],
        },
      ],
    };
    const keep = diffProposal(plan, {
      phases: [
        {
          key: 'p',
          name: 'P',
          tasks: [
            proposed('a', 'A', { skills: [{ slug: 'go', proficiency: 5 }, { slug: 'sql' }] }),
          ],
        },
      ],
    });
    expect(keep.unchanged).toBe(1);
    const change = diffProposal(plan, {
      phases: [
        {
          key: 'p',
          name: 'P',
          description: 'Now described.',
          tasks: [
            proposed('a', 'A', {
              type: TaskType.FEATURE,
              requiredProficiency: 4,
              skills: [{ slug: 'sql', proficiency: 3 }, { slug: 'rust' }],
            }),
          ],
        },
      ],
    });
    expect(change.changed[0]?.fields).toEqual([
      { field: 'type', from: 'BUGFIX', to: 'FEATURE' },
      { field: 'requiredProficiency', from: 2, to: 4 },
      { field: 'skills', from: ['go', 'sql:2'], to: ['rust', 'sql:3'] },
    ]);
    expect(change.phases.changed).toEqual([
      { phaseId: 'p', key: 'p', from: '', to: 'Now described.' },
    ]);
  });

  test('is deterministic and leaves its inputs alone', () => {
    const plan = structuredClone(PLAN);
    const proposal = structuredClone(PROPOSAL);
    const first = diffProposal(plan, proposal);
    expect(diffProposal(plan, proposal)).toEqual(first);
    expect(JSON.stringify(diffProposal(plan, proposal))).toBe(JSON.stringify(first));
    expect(plan).toEqual(PLAN);
    expect(proposal).toEqual(PROPOSAL);
  });
});
