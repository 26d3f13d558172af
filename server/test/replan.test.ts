import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { PlanMessageAuthor, PlanMessageKind } from '../src/domain/plan/plan.entity.js';
import { parseProposal } from '../src/domain/planning/proposal-parser.js';
import { TaskStatus } from '../src/domain/task/task-lifecycle.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { bootstrapEpic, planWithTasks } from './support/plans.js';
import { recordStatements } from './support/sql-counter.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const random = () => randomBytes(4).toString('hex');

interface TaskView {
  id: string;
  title: string;
  status: string;
  estimateMinutes: number | null;
  skills: { slug: string }[];
  dependsOn: { title: string }[];
  runs: { nodes: { purpose: string; status: string }[] };
}
interface PlanView {
  status: string;
  phases: { name: string; tasks: TaskView[] }[];
}
interface DiffView {
  fingerprint: string;
  empty: boolean;
  buildsNewPlan: boolean;
  added: { key: string; title: string; phaseName: string; dependsOn: string[] }[];
  changed: {
    taskId: string;
    key: string;
    fields: { field: string; from: string | null; to: string | null }[];
  }[];
  removed: { taskId: string; title: string; status: string }[];
  blocked: { taskId: string; title: string; status: string; reason: string }[];
  unchanged: number;
  phases: {
    added: { name: string }[];
    renamed: { from: string; name: string }[];
    removed: { name: string }[];
  };
  unknownSkills: string[];
}
const DIFF = `fingerprint empty buildsNewPlan added { key title phaseName dependsOn }
  changed { taskId key fields { field from to } } removed { taskId title status }
  blocked { taskId title status reason } unchanged
  phases { added { name } renamed { from name } removed { name } } unknownSkills`;
const PLAN = `status phases { name tasks { id title status estimateMinutes skills { slug } dependsOn { title }
  runs(first: 5) { nodes { purpose status } } } }`;

interface ProposalTask {
  key: string;
  title: string;
  skills?: { slug: string }[];
  dependsOn?: string[];
  estimateMinutes?: number;
}
const proposalOf = (phases: Array<{ key: string; name: string; tasks: ProposalTask[] }>) =>
  JSON.stringify({
    phases: phases.map((phase) => ({
      ...phase,
      tasks: phase.tasks.map((task) => ({ description: '', ...task })),
    })),
  });

describe('re-planning: a proposal diffed against a plan, confirmed, applied', () => {
  let server: TestServer;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.owner.workspaceId;
    await ok(server, 'createSkill', { workspaceId, name: 'TypeScript' }, 'skill { id }');
    await ok(server, 'createSkill', { workspaceId, name: 'SQL' }, 'skill { id }');
  });
  afterAll(async () => {
    await server.close();
  });

  const newProject = async () =>
    (
      await server.factory.project({
        workspaceId,
        remoteUrl: `https://github.com/acme/r-${random()}`,
      })
    ).id;
  const emptyPlan = async (projectId: string) =>
    (
      await ok<{ plan: { id: string } }>(
        server,
        'createPlan',
        { projectId, name: 'Checkout' },
        'plan { id }',
      )
    ).plan.id;
  const planView = async (planId: string) =>
    (
      await server.query<{ plan: PlanView }, unknown>(
        `query($id: ID!) { plan(id: $id) { ${PLAN} } }`,
        { id: planId },
      )
    ).plan;
  const tasksByTitle = async (planId: string) =>
    new Map(
      (await planView(planId)).phases
        .flatMap((phase) => phase.tasks)
        .map((task) => [task.title, task]),
    );
  /** A PROPOSAL message as a planner (or a REFINE run) posts it: the parsed proposal. */
  const postProposal = async (planId: string, text: string, kind = PlanMessageKind.PROPOSAL) => {
    const parsed = parseProposal(text, { knownSkills: new Set(['typescript', 'sql']) });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await server.studio.services.plans.postMessage(parsePublicIdOf('Plan', planId) as string, {
      kind,
      author: PlanMessageAuthor.PLANNER,
      body: 'Here is the plan.',
      ...(kind === PlanMessageKind.PROPOSAL
        ? { proposal: parsed.proposal as unknown as Record<string, unknown> }
        : {}),
    });
    const data = await server.query<
      { plan: { conversation: { messages: { nodes: { id: string; diff: DiffView | null }[] } } } },
      unknown
    >(
      `query($id: ID!) { plan(id: $id) { conversation { messages(first: 5) { nodes { id diff { ${DIFF} } } } } } }`,
      { id: planId },
    );
    const nodes = data.plan.conversation.messages.nodes;
    const last = nodes[nodes.length - 1];
    if (!last) throw new Error('no message');
    return last;
  };
  const diffOf = async (planId: string, source: { messageId?: string; proposal?: string }) =>
    (
      await server.query<{ proposalDiff: DiffView }, unknown>(
        `query($planId: ID!, $messageId: ID, $proposal: String) {
           proposalDiff(planId: $planId, messageId: $messageId, proposal: $proposal) { ${DIFF} } }`,
        { planId, ...source },
      )
    ).proposalDiff;
  const apply = (input: Record<string, unknown>) =>
    mutation<{
      applied: boolean;
      createdSkills: string[];
      summary: Record<string, number> | null;
      diff: DiffView | null;
      plan: { id: string } | null;
    }>(
      server,
      'applyProposal',
      input,
      `applied createdSkills plan { id } summary { added changed deleted cancelled blocked phasesAdded phasesChanged phasesDeleted phasesKept } diff { ${DIFF} }`,
    );
  const eventsOf = async (projectId: string, type: string) =>
    server.studio.database.dataSource.query<{ payload: Record<string, unknown> }[]>(
      'SELECT payload FROM event WHERE project_id = $1 AND type = $2 ORDER BY seq',
      [parsePublicIdOf('Project', projectId), type],
    );
  const resolve = async (taskId: string) => {
    const key = parsePublicIdOf('Task', taskId) as string;
    for (const status of [TaskStatus.IN_PROGRESS, TaskStatus.AWAITING_REVIEW, TaskStatus.MERGED]) {
      await server.studio.services.tasks.setStatus(key, status, 'system');
    }
  };

  const FIRST = proposalOf([
    {
      key: 'api',
      name: 'API',
      tasks: [
        { key: 'schema', title: 'Schema', skills: [{ slug: 'sql' }], estimateMinutes: 60 },
        { key: 'cart', title: 'Cart endpoint', dependsOn: ['schema'] },
      ],
    },
    {
      key: 'ui',
      name: 'UI',
      tasks: [{ key: 'form', title: 'Checkout form', dependsOn: ['cart'] }],
    },
  ]);

  test('a plan without tasks is built from a PROPOSAL message, without a fingerprint', async () => {
    const projectId = await newProject();
    const planId = await emptyPlan(projectId);
    const message = await postProposal(planId, FIRST);
    expect(message.diff).toMatchObject({
      buildsNewPlan: true,
      empty: false,
      added: [
        { key: 'schema', phaseName: 'API', dependsOn: [] },
        { key: 'cart', dependsOn: ['schema'] },
        { key: 'form', phaseName: 'UI' },
      ],
      phases: { added: [{ name: 'API' }, { name: 'UI' }] },
    });

    const built = await apply({ planId, messageId: message.id });
    expect(built.userErrors).toEqual([]);
    expect(built.applied).toBe(true);
    expect(built.summary).toMatchObject({ added: 3, phasesAdded: 2 });
    const view = await planView(planId);
    expect(view.phases.map((phase) => phase.name)).toEqual(['API', 'UI']);
    expect(view.phases[0]?.tasks).toMatchObject([
      { title: 'Schema', estimateMinutes: 60, skills: [{ slug: 'sql' }], dependsOn: [] },
      { title: 'Cart endpoint', dependsOn: [{ title: 'Schema' }] },
    ]);
    expect(view.phases[1]?.tasks[0]?.dependsOn).toEqual([{ title: 'Cart endpoint' }]);
    const [event] = await eventsOf(projectId, 'PlanReplanned');
    expect(event?.payload).toMatchObject({ planId, messageId: message.id, added: 3 });
    const audit = await server.query<
      { workspace: { auditLog: { nodes: { action: string; target: string }[] } } },
      unknown
    >(
      'query($id: ID!) { workspace(id: $id) { auditLog(actions: ["plan.replanned"]) { nodes { action target } } } }',
      { id: workspaceId },
    );
    expect(audit.workspace.auditLog.nodes).toContainEqual({
      action: 'plan.replanned',
      target: planId,
    });

    // the same proposal again: nothing to do, and it says so
    const again = await diffOf(planId, { messageId: message.id });
    expect(again).toMatchObject({ empty: true, buildsNewPlan: false, unchanged: 3 });
    const noop = await apply({ planId, messageId: message.id, fingerprint: again.fingerprint });
    expect(noop).toMatchObject({ applied: false, userErrors: [] });
    expect(await eventsOf(projectId, 'PlanReplanned')).toHaveLength(1);
  });

  test("a conversation's diffs cost the same SQL for one PROPOSAL message as for six", async () => {
    const diffsOf = async (planId: string) => {
      let diffs: (DiffView | null)[] = [];
      const statements = await recordStatements(server.studio.database.dataSource, async () => {
        const data = await server.query<
          { plan: { conversation: { messages: { nodes: { diff: DiffView | null }[] } } } },
          unknown
        >(
          `query($id: ID!) { plan(id: $id) { conversation { messages(first: 50) { nodes { diff { ${DIFF} } } } } } }`,
          { id: planId },
        );
        diffs = data.plan.conversation.messages.nodes.map((node) => node.diff);
      });
      return { diffs, statements };
    };
    const one = await emptyPlan(await newProject());
    await postProposal(one, FIRST);
    const six = await emptyPlan(await newProject());
    for (let i = 0; i < 5; i++) await postProposal(six, FIRST);
    await server.studio.services.plans.postMessage(parsePublicIdOf('Plan', six) as string, {
      kind: PlanMessageKind.FOLLOW_UP,
      author: PlanMessageAuthor.USER,
      body: 'Is this all?',
    });
    await postProposal(six, FIRST.replace('"Schema"', '"Schema v2"'));

    const a = await diffsOf(one);
    const b = await diffsOf(six);
    expect(b.statements.length).toBe(a.statements.length);
    expect(b.diffs.map((diff) => diff?.added.length ?? null)).toEqual([3, 3, 3, 3, 3, null, 3]);
    // each is its own proposal's diff: the last one's added task has the new title
    expect(b.diffs[6]?.added[0]?.title).toBe('Schema v2');
    expect(b.diffs[0]?.fingerprint).toBe(b.diffs[4]?.fingerprint);
    expect(b.diffs[6]?.fingerprint).not.toBe(b.diffs[0]?.fingerprint);
  });

  test('proposal keys are read back: hand-made work has none until a proposal matches it', async () => {
    const projectId = await newProject();
    const { planId, taskIds } = await planWithTasks(server, projectId, 2);
    const keysOf = async () =>
      (
        await server.query<
          {
            plan: {
              phases: {
                name: string;
                proposalKey: string | null;
                tasks: { id: string; title: string; proposalKey: string | null }[];
              }[];
            };
          },
          unknown
        >(
          'query($id: ID!) { plan(id: $id) { phases { name proposalKey tasks { id title proposalKey } } } }',
          { id: planId },
        )
      ).plan.phases;
    expect(await keysOf()).toEqual([
      {
        name: 'Build',
        proposalKey: null,
        tasks: [
          { id: taskIds[0], title: 'Task 1', proposalKey: null },
          { id: taskIds[1], title: 'Task 2', proposalKey: null },
        ],
      },
    ]);

    // matched by name and title, they take the proposal's keys; a new task comes with its own
    const first = proposalOf([
      {
        key: 'core',
        name: 'Build',
        tasks: [
          { key: 't1', title: 'Task 1' },
          { key: 't2', title: 'Task 2', estimateMinutes: 30 },
          { key: 't3', title: 'Task 3' },
        ],
      },
    ]);
    const diff = await diffOf(planId, { proposal: first });
    expect(
      (await apply({ planId, proposal: first, fingerprint: diff.fingerprint })).userErrors,
    ).toEqual([]);
    const keyed = await keysOf();
    expect(keyed[0]?.proposalKey).toBe('core');
    expect(keyed[0]?.tasks.map((task) => [task.title, task.proposalKey])).toEqual([
      ['Task 1', 't1'],
      ['Task 2', 't2'],
      ['Task 3', 't3'],
    ]);
    expect(keyed[0]?.tasks.slice(0, 2).map((task) => task.id)).toEqual(taskIds);

    // so a client can build the next proposal from what it reads: a new title under the key is a change
    const renamed = proposalOf([
      {
        key: 'core',
        name: 'Build',
        tasks: keyed[0]!.tasks.map((task) => ({
          key: task.proposalKey as string,
          title: task.proposalKey === 't1' ? 'Task one' : task.title,
          ...(task.proposalKey === 't2' ? { estimateMinutes: 30 } : {}),
        })),
      },
    ]);
    expect(await diffOf(planId, { proposal: renamed })).toMatchObject({
      added: [],
      removed: [],
      changed: [{ taskId: taskIds[0], key: 't1', fields: [{ field: 'title', to: 'Task one' }] }],
    });
  });

  test('a draft plan re-planned: a task moved across phases, removed tasks deleted, renamed phase, emptied phase deleted', async () => {
    const projectId = await newProject();
    const planId = await emptyPlan(projectId);
    expect((await apply({ planId, proposal: FIRST })).userErrors).toEqual([]);
    // 'cart' is removed although 'form' depends on it now: 'form' moves and depends on 'pay'
    const next = proposalOf([
      {
        key: 'api',
        name: 'Backend',
        tasks: [
          { key: 'schema', title: 'Schema', skills: [{ slug: 'sql' }], estimateMinutes: 90 },
          { key: 'pay', title: 'Payment endpoint', dependsOn: ['schema'] },
          { key: 'form', title: 'Checkout form', dependsOn: ['pay'] },
        ],
      },
    ]);
    const diff = await diffOf(planId, { proposal: next });
    expect(diff).toMatchObject({
      added: [{ key: 'pay' }],
      changed: [
        { key: 'schema', fields: [{ field: 'estimateMinutes', from: '60', to: '90' }] },
        {
          key: 'form',
          fields: [
            { field: 'phase', from: 'UI', to: 'Backend' },
            { field: 'dependsOn', from: 'cart', to: 'pay' },
          ],
        },
      ],
      removed: [{ title: 'Cart endpoint' }],
      phases: { renamed: [{ from: 'API', name: 'Backend' }], removed: [{ name: 'UI' }] },
    });
    const done = await apply({ planId, proposal: next, fingerprint: diff.fingerprint });
    expect(done.summary).toMatchObject({ added: 1, changed: 2, deleted: 1, phasesDeleted: 1 });
    const view = await planView(planId);
    expect(view.phases.map((phase) => phase.name)).toEqual(['Backend']);
    expect(
      view.phases[0]?.tasks.map((task) => [
        task.title,
        task.estimateMinutes,
        task.dependsOn.map((d) => d.title),
      ]),
    ).toEqual([
      ['Schema', 90, []],
      ['Payment endpoint', null, ['Schema']],
      ['Checkout form', null, ['Payment endpoint']],
    ]);
    expect(await diffOf(planId, { proposal: next })).toMatchObject({ empty: true, unchanged: 3 });
  });

  test('an active plan re-planned: runs of removed tasks cancelled, new tasks enter the DAG, done work kept', async () => {
    const projectId = await newProject();
    const planId = await emptyPlan(projectId);
    const start = proposalOf([
      {
        key: 'build',
        name: 'Build',
        tasks: [
          { key: 'a', title: 'Schema' },
          { key: 'g', title: 'Seed data' },
          { key: 'c', title: 'Coupons' },
          { key: 'd', title: 'Cart', skills: [{ slug: 'sql' }] },
        ],
      },
    ]);
    expect((await apply({ planId, proposal: start })).userErrors).toEqual([]);
    await ok(server, 'setPlanStatus', { planId, status: 'ACTIVE' }, 'plan { status }');
    await bootstrapEpic(server, planId);
    let tasks = await tasksByTitle(planId);
    await resolve(tasks.get('Schema')?.id as string);
    await resolve(tasks.get('Seed data')?.id as string);
    tasks = await tasksByTitle(planId);
    expect(tasks.get('Coupons')).toMatchObject({
      status: 'DISPATCHED',
      runs: { nodes: [{ purpose: 'EXECUTION', status: 'QUEUED' }] },
    });

    const next = proposalOf([
      {
        key: 'build',
        name: 'Build',
        tasks: [
          { key: 'a', title: 'Schema' },
          { key: 'd', title: 'Cart API', skills: [{ slug: 'typescript' }] },
          { key: 'e', title: 'Checkout', dependsOn: ['a'] },
          { key: 'f', title: 'Receipts', dependsOn: ['d'] },
        ],
      },
    ]);
    const message = await postProposal(planId, next);
    const diff = message.diff as DiffView;
    expect(diff).toMatchObject({
      buildsNewPlan: false,
      added: [{ key: 'e' }, { key: 'f' }],
      changed: [
        {
          key: 'd',
          fields: [
            { field: 'title', from: 'Cart', to: 'Cart API' },
            { field: 'skills', from: 'sql', to: 'typescript' },
          ],
        },
      ],
      removed: [{ title: 'Coupons', status: 'DISPATCHED' }],
      blocked: [{ title: 'Seed data', status: 'MERGED' }],
      unchanged: 1,
    });
    // nothing is applied until confirmed
    expect((await tasksByTitle(planId)).has('Checkout')).toBe(false);

    const done = await apply({ planId, messageId: message.id, fingerprint: diff.fingerprint });
    expect(done.userErrors).toEqual([]);
    expect(done.summary).toMatchObject({ added: 2, changed: 1, cancelled: 1, blocked: 1 });
    tasks = await tasksByTitle(planId);
    expect(tasks.get('Coupons')).toMatchObject({
      status: 'CANCELLED',
      runs: { nodes: [{ purpose: 'EXECUTION', status: 'CANCELLED' }] },
    });
    expect(tasks.get('Checkout')).toMatchObject({
      status: 'DISPATCHED',
      runs: { nodes: [{ purpose: 'EXECUTION', status: 'QUEUED' }] },
    });
    expect(tasks.get('Receipts')).toMatchObject({ status: 'DRAFT', runs: { nodes: [] } });
    expect(tasks.get('Cart API')).toMatchObject({ skills: [{ slug: 'typescript' }] });
    expect(tasks.get('Seed data')).toMatchObject({ status: 'MERGED' });
    const cancelled = await eventsOf(projectId, 'RunCancelled');
    expect(cancelled.length).toBeGreaterThanOrEqual(1);

    // the waiting task is woken the normal way once what it depends on is merged
    await resolve(tasks.get('Cart API')?.id as string);
    expect((await tasksByTitle(planId)).get('Receipts')).toMatchObject({
      status: 'DISPATCHED',
      runs: { nodes: [{ purpose: 'EXECUTION', status: 'QUEUED' }] },
    });

    // the cancelled work is history: the same proposal now diffs empty
    expect(await diffOf(planId, { proposal: next })).toMatchObject({
      empty: true,
      blocked: [{ title: 'Seed data' }],
    });
  });

  test('a stale fingerprint is refused and nothing changes; a plan with tasks needs one', async () => {
    const projectId = await newProject();
    const planId = await emptyPlan(projectId);
    await apply({ planId, proposal: FIRST });
    const next = proposalOf([
      { key: 'api', name: 'API', tasks: [{ key: 'schema', title: 'Schema v2' }] },
    ]);
    const diff = await diffOf(planId, { proposal: next });
    const before = await planView(planId);

    const missing = await apply({ planId, proposal: next });
    expect(missing.userErrors).toEqual([
      expect.objectContaining({ field: ['fingerprint'], code: 'BAD_USER_INPUT' }),
    ]);

    const cart = before.phases[0]?.tasks[1]?.id as string;
    await ok(
      server,
      'updateTask',
      { taskId: cart, description: 'edited meanwhile' },
      'task { id }',
    );
    const edited = await planView(planId);
    const stale = await apply({ planId, proposal: next, fingerprint: diff.fingerprint });
    expect(stale.applied).toBe(false);
    expect(stale.userErrors).toEqual([
      {
        field: ['fingerprint'],
        code: 'CONFLICT',
        message: 'the plan changed since this diff was computed; review the new diff',
      },
    ]);
    expect(await planView(planId)).toEqual(edited);
    expect(await eventsOf(projectId, 'PlanReplanned')).toHaveLength(1);
  });

  test('a proposal with a cycle or a syntax error is refused, every problem named', async () => {
    const planId = await emptyPlan(await newProject());
    const cyclic = await apply({
      planId,
      proposal: proposalOf([
        {
          key: 'p',
          name: 'P',
          tasks: [
            { key: 'a', title: 'A', dependsOn: ['b'] },
            { key: 'b', title: 'B', dependsOn: ['a'] },
          ],
        },
      ]),
    });
    expect(cyclic.plan).toBeNull();
    expect(cyclic.userErrors.map((error) => error.message).join('\n')).toMatch(
      /cycle: (a → b → a|b → a → b)/,
    );
    expect(cyclic.userErrors[0]?.field?.[0]).toBe('proposal');

    const broken = await apply({
      planId,
      proposal: '{\n  "phases": [\n    {"name": "A", "tasks": [}\n  ]\n}',
    });
    expect(broken.userErrors[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['proposal'],
      message: expect.stringMatching(/^line 3: /) as unknown as string,
    });
    const query = await server.request<unknown, unknown>(
      'query($id: ID!) { proposalDiff(planId: $id, proposal: "please build a shop") { fingerprint } }',
      { id: planId },
    );
    expect(query.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['proposal'],
    });
    expect((await planView(planId)).phases).toEqual([]);
  });

  test('unknown skills: refused by name, created with createMissingSkills by who may manage skills', async () => {
    const planId = await emptyPlan(await newProject());
    const proposal = proposalOf([
      {
        key: 'p',
        name: 'Port',
        tasks: [{ key: 'x', title: 'Port', skills: [{ slug: 'elixir' }] }],
      },
    ]);
    expect((await diffOf(planId, { proposal })).unknownSkills).toEqual(['elixir']);
    const refused = await apply({ planId, proposal });
    expect(refused.userErrors[0]).toMatchObject({ field: ['proposal'], code: 'BAD_USER_INPUT' });
    expect(refused.userErrors[0]?.message).toContain('elixir');

    const lead = await addMember(server, workspaceId, MemberRole.LEAD);
    const leadToken = await accessTokenFor(server, lead.userKey);
    const byLead = await server.requestAs<unknown, unknown>(
      leadToken,
      'mutation($i: ApplyProposalInput!) { applyProposal(input: $i) { applied userErrors { message } } }',
      { i: { planId, proposal, createMissingSkills: true } },
    );
    expect(byLead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await planView(planId)).phases).toEqual([]);

    const made = await apply({ planId, proposal, createMissingSkills: true });
    expect(made).toMatchObject({ applied: true, createdSkills: ['elixir'], userErrors: [] });
    expect((await planView(planId)).phases[0]?.tasks[0]?.skills).toEqual([{ slug: 'elixir' }]);
  });

  test("bad input: both or neither source, another plan's message, a message that is no proposal", async () => {
    const projectId = await newProject();
    const planId = await emptyPlan(projectId);
    const otherPlan = await emptyPlan(projectId);
    const foreign = await postProposal(otherPlan, FIRST);
    const question = await postProposal(planId, FIRST, PlanMessageKind.QUESTION);
    expect(question.diff).toBeNull();

    const both = await apply({ planId, proposal: FIRST, messageId: foreign.id });
    expect(both.userErrors[0]).toMatchObject({ field: ['proposal'], code: 'BAD_USER_INPUT' });
    expect(both.userErrors[0]?.message).toContain('exactly one of messageId and proposal');
    const neither = await apply({ planId });
    expect(neither.userErrors[0]?.message).toContain('neither was given');
    const notAnId = await apply({ planId, messageId: 'not-an-id' });
    expect(notAnId.userErrors[0]).toMatchObject({ field: ['messageId'], code: 'BAD_USER_INPUT' });
    const elsewhere = await apply({ planId, messageId: foreign.id });
    expect(elsewhere.userErrors[0]).toMatchObject({ field: ['messageId'], code: 'NOT_FOUND' });
    const notProposal = await apply({ planId, messageId: question.id });
    expect(notProposal.userErrors[0]).toMatchObject({
      field: ['messageId'],
      code: 'BAD_USER_INPUT',
      message: 'messageId: the message is a QUESTION, not a PROPOSAL',
    });
    const query = await server.request<unknown, unknown>(
      'query($id: ID!, $m: ID) { proposalDiff(planId: $id, messageId: $m) { fingerprint } }',
      { id: planId, m: foreign.id },
    );
    expect(query.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: ['messageId'],
    });
    expect((await planView(planId)).phases).toEqual([]);

    // a plan that can no longer change: refused before anything (a skill) is created
    await ok(server, 'setPlanStatus', { planId: otherPlan, status: 'CANCELLED' }, 'plan { id }');
    const closed = await apply({
      planId: otherPlan,
      proposal: proposalOf([
        { key: 'p', name: 'P', tasks: [{ key: 'x', title: 'X', skills: [{ slug: 'cobol' }] }] },
      ]),
      createMissingSkills: true,
    });
    expect(closed.userErrors[0]).toMatchObject({ field: ['planId'], code: 'CONFLICT' });
    const skills = await server.query<{ workspace: { skills: { slug: string }[] } }, unknown>(
      'query($id: ID!) { workspace(id: $id) { skills { slug } } }',
      { id: workspaceId },
    );
    expect(skills.workspace.skills.map((skill) => skill.slug)).not.toContain('cobol');
  });

  test('roles: viewers and developers read the diff but may not apply it', async () => {
    const planId = await emptyPlan(await newProject());
    for (const role of [MemberRole.VIEWER, MemberRole.DEVELOPER]) {
      const member = await addMember(server, workspaceId, role);
      const token = await accessTokenFor(server, member.userKey);
      const read = await server.requestAs<{ proposalDiff: { buildsNewPlan: boolean } }, unknown>(
        token,
        'query($id: ID!, $p: String) { proposalDiff(planId: $id, proposal: $p) { buildsNewPlan } }',
        { id: planId, p: FIRST },
      );
      expect(read.errors).toBeUndefined();
      expect(read.data?.proposalDiff.buildsNewPlan).toBe(true);
      const write = await server.requestAs<unknown, unknown>(
        token,
        'mutation($i: ApplyProposalInput!) { applyProposal(input: $i) { applied userErrors { message } } }',
        { i: { planId, proposal: FIRST } },
      );
      expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await planView(planId)).phases).toEqual([]);
  });
});
