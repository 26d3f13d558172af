import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PLAN_LIFECYCLE, PlanStatus } from '../src/domain/plan/plan-lifecycle.js';
import { mutation, ok } from './support/mutations.js';
import { forcePlanStatus, planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PLAN = 'plan { id name description status allowedTransitions branch }';
type Plan = {
  id: string;
  name: string;
  description: string;
  status: string;
  allowedTransitions: string[];
  branch: string | null;
};
const PHASE = 'phase { id name position }';
type Phase = { id: string; name: string; position: number };

describe('plans and phases', () => {
  let server: TestServer;
  let projectId: string;
  beforeAll(async () => {
    server = await startTestServer();
    projectId = (await server.factory.project()).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const phasesOf = async (planId: string) =>
    (
      await server.query<{ plan: { phases: Phase[] } }, unknown>(
        'query($id: ID!) { plan(id: $id) { phases { id name position } } }',
        { id: planId },
      )
    ).plan.phases;

  test('createPlan makes a DRAFT plan with an empty conversation; emits PlanCreated', async () => {
    const { plan } = await ok<{ plan: Plan }>(
      server,
      'createPlan',
      { projectId, name: 'Billing v2', description: 'Stripe' },
      PLAN,
    );
    expect(plan).toMatchObject({
      name: 'Billing v2',
      description: 'Stripe',
      status: 'DRAFT',
      allowedTransitions: ['ACTIVE', 'CANCELLED'],
      branch: null,
    });
    const data = await server.query<
      { plan: { conversation: { messages: { totalCount: number } }; project: { id: string } } },
      unknown
    >(
      'query($id: ID!) { plan(id: $id) { project { id } conversation { messages { totalCount } } } }',
      { id: plan.id },
    );
    expect(data.plan).toEqual({
      project: { id: projectId },
      conversation: { messages: { totalCount: 0 } },
    });
    const events = await server.query<
      { events: { nodes: Array<{ type: string; payload: { planId?: string } }> } },
      unknown
    >('query($p: ID!) { events(projectId: $p) { nodes { type payload } } }', { p: projectId });
    expect(
      events.events.nodes.some((e) => e.type === 'PlanCreated' && e.payload.planId === plan.id),
    ).toBe(true);
  });

  test.each([
    [{ name: '' }, ['name'], 'BAD_USER_INPUT'],
    [{ name: 'x'.repeat(121) }, ['name'], 'BAD_USER_INPUT'],
    [{ name: 'ok', description: 'x'.repeat(20_001) }, ['description'], 'BAD_USER_INPUT'],
    [{ name: 'ok', projectId: 'prj_0000000000000000000000' }, ['projectId'], 'NOT_FOUND'],
    [{ name: 'ok', projectId: 'not-an-id' }, ['projectId'], 'BAD_USER_INPUT'],
  ])('createPlan refuses %j', async (input, field, code) => {
    const payload = await mutation<{ plan: Plan | null }>(
      server,
      'createPlan',
      { projectId, ...input },
      PLAN,
    );
    expect(payload.plan).toBeNull();
    expect(payload.userErrors[0]).toMatchObject({ field, code });
  });

  test('updatePlan changes name and description; refuses bad input and unknown plans', async () => {
    const { planId } = await planWithTasks(server, projectId, 0);
    const { plan } = await ok<{ plan: Plan }>(
      server,
      'updatePlan',
      { planId, name: 'Renamed', description: 'New' },
      PLAN,
    );
    expect(plan).toMatchObject({ name: 'Renamed', description: 'New' });
    expect(
      (await mutation(server, 'updatePlan', { planId, name: ' ' })).userErrors[0],
    ).toMatchObject({
      field: ['name'],
      code: 'BAD_USER_INPUT',
    });
    expect(
      (await mutation(server, 'updatePlan', { planId: 'pln_0000000000000000000000', name: 'x' }))
        .userErrors[0],
    ).toMatchObject({
      field: ['planId'],
      code: 'NOT_FOUND',
    });
  });

  test('a plan that is completed, archived or cancelled can no longer change', async () => {
    for (const status of [PlanStatus.COMPLETED, PlanStatus.ARCHIVED, PlanStatus.CANCELLED]) {
      const { planId, phaseId } = await planWithTasks(server, projectId, 1);
      await forcePlanStatus(server, planId, status);
      const expected = {
        field: ['planId'],
        code: 'CONFLICT',
        message: `the plan is ${status}; its phases and tasks can no longer change`,
      };
      expect((await mutation(server, 'updatePlan', { planId, name: 'x' })).userErrors).toEqual([
        expected,
      ]);
      expect((await mutation(server, 'createPhase', { planId, name: 'x' })).userErrors).toEqual([
        expected,
      ]);
      expect((await mutation(server, 'createTask', { phaseId, title: 'x' })).userErrors).toEqual([
        expected,
      ]);
    }
  });

  test('deletePlan deletes draft, cancelled and archived plans only', async () => {
    for (const [status, deletable] of [
      [PlanStatus.DRAFT, true],
      [PlanStatus.CANCELLED, true],
      [PlanStatus.ARCHIVED, true],
      [PlanStatus.ACTIVE, false],
      [PlanStatus.PAUSED, false],
      [PlanStatus.COMPLETED, false],
    ] as const) {
      const { planId } = await planWithTasks(server, projectId, 1);
      await forcePlanStatus(server, planId, status);
      const payload = await mutation<{ deletedId: string | null }>(
        server,
        'deletePlan',
        { planId },
        'deletedId',
      );
      if (deletable) {
        expect(payload).toEqual({ deletedId: planId, userErrors: [] });
        const after = await server.query<{ plan: unknown }, unknown>(
          'query($id: ID!) { plan(id: $id) { id } }',
          { id: planId },
        );
        expect(after.plan).toBeNull();
      } else {
        expect(payload.userErrors).toEqual([
          {
            field: ['planId'],
            code: 'CONFLICT',
            message: `a ${status} plan cannot be deleted; cancel it first`,
          },
        ]);
      }
    }
  });

  describe('setPlanStatus follows the plan table for every from × to pair', () => {
    const states = Object.values(PlanStatus);
    test.each(states.flatMap((from) => states.map((to) => [from, to] as const)))(
      '%s → %s',
      async (from, to) => {
        const { planId } = await planWithTasks(server, projectId, 1);
        await forcePlanStatus(server, planId, from);
        const payload = await mutation<{ plan: Plan | null }>(
          server,
          'setPlanStatus',
          { planId, status: to, reason: 'test' },
          PLAN,
        );
        if (PLAN_LIFECYCLE.can(from, to, 'user')) {
          expect(payload.userErrors).toEqual([]);
          expect(payload.plan?.status).toBe(to);
          expect(payload.plan?.allowedTransitions).toEqual(PLAN_LIFECYCLE.targets(to, 'user'));
        } else {
          expect(payload.plan).toBeNull();
          expect(payload.userErrors).toHaveLength(1);
          expect(payload.userErrors[0]).toMatchObject({ field: ['status'], code: 'CONFLICT' });
          expect(payload.userErrors[0]?.message).toContain(
            from === to ? `already ${from}` : `from ${from} to ${to}`,
          );
          const after = await server.query<{ plan: { status: string } }, unknown>(
            'query($id: ID!) { plan(id: $id) { status } }',
            { id: planId },
          );
          expect(after.plan.status).toBe(from);
        }
      },
    );
  });

  test('activation needs a task, pins the epic branch once, and records the change as an event', async () => {
    const { id: projectId } = await server.factory.project();
    const empty = await planWithTasks(server, projectId, 0);
    expect(
      (await mutation(server, 'setPlanStatus', { planId: empty.planId, status: 'ACTIVE' }))
        .userErrors,
    ).toEqual([
      {
        field: ['status'],
        code: 'CONFLICT',
        message: 'a plan needs at least one task before it can be activated',
      },
    ]);
    const { planId } = await planWithTasks(server, projectId, 1);
    await ok(server, 'updatePlan', { planId, name: 'Checkout Flow!' }, PLAN);
    const { plan } = await ok<{ plan: Plan }>(
      server,
      'setPlanStatus',
      { planId, status: 'ACTIVE' },
      PLAN,
    );
    expect(plan.branch).toMatch(/^epic\/checkout-flow-[a-z0-9]{6}$/);
    await ok(server, 'setPlanStatus', { planId, status: 'PAUSED' }, PLAN);
    const resumed = await ok<{ plan: Plan }>(
      server,
      'setPlanStatus',
      { planId, status: 'ACTIVE' },
      PLAN,
    );
    expect(resumed.plan.branch).toBe(plan.branch);
    const events = await server.query<
      { events: { nodes: Array<{ type: string; payload: Record<string, unknown> }> } },
      unknown
    >('query($p: ID!) { events(projectId: $p, first: 100) { nodes { type payload } } }', {
      p: projectId,
    });
    const changes = events.events.nodes.filter(
      (e) => e.type === 'PlanStatusChanged' && e.payload.planId === planId,
    );
    expect(changes.map((e) => [e.payload.from, e.payload.to])).toEqual([
      ['DRAFT', 'ACTIVE'],
      ['ACTIVE', 'PAUSED'],
      ['PAUSED', 'ACTIVE'],
    ]);
  });

  test('phases are ordered: created at the end or at a position, moved, deleted', async () => {
    const { planId, phaseId: first } = await planWithTasks(server, projectId, 0);
    const second = (
      await ok<{ phase: Phase }>(server, 'createPhase', { planId, name: 'Second' }, PHASE)
    ).phase;
    const zero = (
      await ok<{ phase: Phase }>(
        server,
        'createPhase',
        { planId, name: 'Zero', position: 0 },
        PHASE,
      )
    ).phase;
    expect((await phasesOf(planId)).map((p) => [p.name, p.position])).toEqual([
      ['Zero', 0],
      ['Build', 1],
      ['Second', 2],
    ]);
    const moved = await ok<{ phase: Phase }>(
      server,
      'movePhase',
      { phaseId: zero.id, position: 99 },
      PHASE,
    );
    expect(moved.phase.position).toBe(2);
    expect((await phasesOf(planId)).map((p) => p.id)).toEqual([first, second.id, zero.id]);
    await ok(
      server,
      'updatePhase',
      { phaseId: second.id, name: 'Ship', description: 'last bits' },
      PHASE,
    );
    const deleted = await mutation<{ deletedId: string | null }>(
      server,
      'deletePhase',
      { phaseId: first },
      'deletedId',
    );
    expect(deleted.deletedId).toBe(first);
    expect((await phasesOf(planId)).map((p) => [p.name, p.position])).toEqual([
      ['Ship', 0],
      ['Zero', 1],
    ]);
  });

  test.each([
    ['createPhase', { name: '' }, ['name'], 'BAD_USER_INPUT'],
    ['createPhase', { name: 'x', position: -1 }, ['position'], 'BAD_USER_INPUT'],
    ['createPhase', { name: 'x', planId: 'pln_0000000000000000000000' }, ['planId'], 'NOT_FOUND'],
    ['updatePhase', { phaseId: 'phs_0000000000000000000000', name: 'x' }, ['phaseId'], 'NOT_FOUND'],
    ['movePhase', { phaseId: 'phs_0000000000000000000000', position: 0 }, ['phaseId'], 'NOT_FOUND'],
    ['deletePhase', { phaseId: 'phs_0000000000000000000000' }, ['phaseId'], 'NOT_FOUND'],
  ])('%s refuses %j', async (name, input, field, code) => {
    const { planId } = await planWithTasks(server, projectId, 0);
    const payload = await mutation(
      server,
      name,
      name === 'createPhase' ? { planId, ...input } : input,
    );
    expect(payload.userErrors[0]).toMatchObject({ field, code });
  });

  test('a phase with tasks cannot be deleted; movePhase refuses a negative position', async () => {
    const { phaseId } = await planWithTasks(server, projectId, 2);
    expect((await mutation(server, 'deletePhase', { phaseId })).userErrors).toEqual([
      {
        field: ['phaseId'],
        code: 'CONFLICT',
        message: 'the phase has 2 task(s); move or delete them first',
      },
    ]);
    expect(
      (await mutation(server, 'movePhase', { phaseId, position: -2 })).userErrors[0],
    ).toMatchObject({
      field: ['position'],
      code: 'BAD_USER_INPUT',
    });
  });

  test('project.plans lists plans, filtered by status', async () => {
    const project = await server.factory.project();
    const a = await planWithTasks(server, project.id, 1);
    await planWithTasks(server, project.id, 1);
    await ok(server, 'setPlanStatus', { planId: a.planId, status: 'ACTIVE' }, PLAN);
    const data = await server.query<
      { project: { all: { totalCount: number }; active: { nodes: Array<{ id: string }> } } },
      unknown
    >(
      `query($id: ID!) { project(id: $id) {
        all: plans { totalCount }
        active: plans(status: [ACTIVE, PAUSED]) { nodes { id } }
      } }`,
      { id: project.id },
    );
    expect(data.project.all.totalCount).toBe(2);
    expect(data.project.active.nodes).toEqual([{ id: a.planId }]);
  });
});
