import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface TaskView {
  title: string;
  description: string;
  requiredProficiency: number;
  estimateMinutes: number | null;
  canRunParallel: boolean;
  skills: { slug: string }[];
  dependsOn: { title: string }[];
}
interface PlanView {
  id: string;
  name: string;
  description: string;
  status: string;
  phases: { name: string; tasks: TaskView[] }[];
}
const PLAN =
  'id name description status phases { name tasks { title description requiredProficiency estimateMinutes canRunParallel skills { slug } dependsOn { title } } }';

const JSON_PROPOSAL = JSON.stringify({
  title: 'Checkout v2',
  summary: 'A faster checkout.',
  phases: [
    {
      key: 'api',
      name: 'API',
      tasks: [
        {
          key: 'cart',
          title: 'Cart endpoint',
          description: 'POST /cart',
          skills: [{ slug: 'typescript', proficiency: 4 }],
          estimateMinutes: 120,
        },
        {
          key: 'pay',
          title: 'Payment endpoint',
          description: 'POST /pay',
          skills: [{ slug: 'typescript' }],
          dependsOn: ['cart'],
          canRunParallel: false,
        },
      ],
    },
    {
      key: 'ui',
      name: 'UI',
      tasks: [{ key: 'form', title: 'Checkout form', description: 'The form', dependsOn: ['pay'] }],
    },
  ],
});

const MARKDOWN_PROPOSAL = `# Search
Find things fast.

## Backend
- [index] Build the index — an inverted index
  skills: typescript:3
  estimate: 2h
- [query] Query endpoint — GET /search
  depends on: index
`;

describe('createPlanFromProposal: a plan in one call, for CI bots', () => {
  let server: TestServer;
  let projectId: string;
  beforeAll(async () => {
    server = await startTestServer();
    projectId = (await server.factory.project({ workspaceId: server.owner.workspaceId })).id;
    await ok(
      server,
      'createSkill',
      { workspaceId: server.owner.workspaceId, name: 'TypeScript' },
      'skill { slug }',
    );
  });
  afterAll(async () => {
    await server.close();
  });

  const plansCount = async () =>
    (
      await server.query<{ project: { plans: { totalCount: number } } }, unknown>(
        'query($id: ID!) { project(id: $id) { plans { totalCount } } }',
        { id: projectId },
      )
    ).project.plans.totalCount;
  const planView = async (id: string) =>
    (
      await server.query<{ plan: PlanView }, unknown>(
        `query($id: ID!) { plan(id: $id) { ${PLAN} } }`,
        { id },
      )
    ).plan;

  test('a JSON proposal becomes a draft plan: phases, tasks, skills, estimates, dependencies', async () => {
    const { plan } = await ok<{ plan: { id: string } }>(
      server,
      'createPlanFromProposal',
      { projectId, proposal: `Here is the plan:\n\`\`\`json\n${JSON_PROPOSAL}\n\`\`\`` },
      'plan { id } createdSkills warnings',
    );
    const view = await planView(plan.id);
    expect(view).toMatchObject({
      name: 'Checkout v2',
      description: 'A faster checkout.',
      status: 'DRAFT',
    });
    expect(view.phases.map((phase) => phase.name)).toEqual(['API', 'UI']);
    const [cart, pay] = view.phases[0]?.tasks ?? [];
    expect(cart).toMatchObject({
      title: 'Cart endpoint',
      requiredProficiency: 4,
      estimateMinutes: 120,
      skills: [{ slug: 'typescript' }],
      dependsOn: [],
    });
    expect(pay).toMatchObject({
      title: 'Payment endpoint',
      canRunParallel: false,
      dependsOn: [{ title: 'Cart endpoint' }],
    });
    expect(view.phases[1]?.tasks[0]?.dependsOn).toEqual([{ title: 'Payment endpoint' }]);
  });

  test('a Markdown outline, activated in the same call: the epic bootstrap is queued', async () => {
    const { plan } = await ok<{ plan: { id: string; status: string } }>(
      server,
      'createPlanFromProposal',
      { projectId, proposal: MARKDOWN_PROPOSAL, activate: true },
      'plan { id status }',
    );
    expect(plan.status).toBe('ACTIVE');
    const view = await planView(plan.id);
    expect(view.phases[0]?.tasks.map((task) => [task.title, task.estimateMinutes])).toEqual([
      ['Build the index', 120],
      ['Query endpoint', null],
    ]);
    const { runs } = await server.query<{ runs: { nodes: { purpose: string }[] } }, unknown>(
      'query($id: ID!) { runs(projectId: $id, filter: { purpose: [BOOTSTRAP_EPIC] }) { nodes { purpose } } }',
      { id: projectId },
    );
    expect(runs.nodes.length).toBeGreaterThanOrEqual(1);
  });

  test('a bad proposal: every problem named by line or field, and nothing written', async () => {
    const before = await plansCount();
    const broken = await mutation<{ plan: null }>(
      server,
      'createPlanFromProposal',
      {
        projectId,
        proposal: '{\n  "title": "x",\n  "phases": [\n    {"name": "A", "tasks": [}\n  ]\n}',
      },
      'plan { id }',
    );
    expect(broken.plan).toBeNull();
    expect(broken.userErrors[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^line 4: /) as unknown as string,
    });

    const cyclic = await mutation(
      server,
      'createPlanFromProposal',
      {
        projectId,
        proposal: JSON.stringify({
          title: 'Loop',
          phases: [
            {
              name: 'A',
              tasks: [
                { key: 'a', title: 'A', description: '', dependsOn: ['b'] },
                { key: 'b', title: 'B', description: '', dependsOn: ['a'] },
              ],
            },
          ],
        }),
      },
      'plan { id }',
    );
    expect(cyclic.userErrors.map((error) => error.message).join('\n')).toMatch(
      /cycle: (a → b → a|b → a → b)/,
    );

    const neither = await mutation(
      server,
      'createPlanFromProposal',
      { projectId, proposal: 'please build me a shop' },
      'plan { id }',
    );
    expect(neither.userErrors[0]?.message).toContain('expected a JSON proposal');
    const empty = await mutation(
      server,
      'createPlanFromProposal',
      { projectId, proposal: '   ' },
      'plan { id }',
    );
    expect(empty.userErrors[0]?.message).toContain('the proposal is empty');
    expect(await plansCount()).toBe(before);
  });

  test('unknown skills are refused by name, or created when asked', async () => {
    const proposal = JSON.stringify({
      title: 'Rust port',
      phases: [
        {
          name: 'Port',
          tasks: [
            {
              title: 'Port the parser',
              description: '',
              skills: [{ slug: 'rust' }, { slug: 'wasm' }],
            },
          ],
        },
      ],
    });
    const before = await plansCount();
    const refused = await mutation(
      server,
      'createPlanFromProposal',
      { projectId, proposal },
      'plan { id }',
    );
    expect(refused.userErrors[0]?.message).toContain('rust, wasm');
    expect(await plansCount()).toBe(before);
    const made = await ok<{ createdSkills: string[]; plan: { id: string } }>(
      server,
      'createPlanFromProposal',
      { projectId, proposal, createMissingSkills: true },
      'plan { id } createdSkills',
    );
    expect(made.createdSkills).toEqual(['rust', 'wasm']);
    expect(
      (await planView(made.plan.id)).phases[0]?.tasks[0]?.skills.map((s) => s.slug).sort(),
    ).toEqual(['rust', 'wasm']);
  });

  test('roles: a developer may not plan; a lead may not activate with new skills; a viewer token is refused', async () => {
    const as = async (role: MemberRole, input: Record<string, unknown>) => {
      const member = await addMember(server, server.owner.workspaceId, role);
      const token = await accessTokenFor(server, member.userKey);
      return server.requestAs<Record<string, unknown>, unknown>(
        token,
        'mutation($i: CreatePlanFromProposalInput!) { createPlanFromProposal(input: $i) { plan { id } userErrors { message } } }',
        { i: input },
      );
    };
    const developer = await as(MemberRole.DEVELOPER, { projectId, proposal: MARKDOWN_PROPOSAL });
    expect(developer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await as(MemberRole.VIEWER, { projectId, proposal: MARKDOWN_PROPOSAL });
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const lead = await as(MemberRole.LEAD, {
      projectId,
      proposal: MARKDOWN_PROPOSAL,
      createMissingSkills: true,
    });
    expect(lead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const leadPlain = await as(MemberRole.LEAD, {
      projectId,
      proposal: MARKDOWN_PROPOSAL,
      activate: true,
    });
    expect(leadPlain.errors).toBeUndefined();
  });
});
