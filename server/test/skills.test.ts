import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { addMember, type MemberRef } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SKILL = 'skill { id slug name color }';
type Skill = { id: string; slug: string; name: string; color: string };

describe('skills', () => {
  let server: TestServer;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = (await server.factory.workspace()).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const create = (input: Record<string, unknown>) =>
    mutation<{ skill: Skill | null }>(server, 'createSkill', { workspaceId, ...input }, SKILL);

  test('createSkill derives the slug and picks a stable colour', async () => {
    const { skill, userErrors } = await create({ name: 'TypeScript' });
    expect(userErrors).toEqual([]);
    expect(skill).toMatchObject({ name: 'TypeScript', slug: 'typescript' });
    expect(skill?.id).toMatch(/^skl_/);
    expect(skill?.color).toMatch(/^#[0-9a-f]{6}$/);
    const again = await create({ name: 'TypeScript!' });
    expect(again.skill?.slug).toBe('typescript-2');
  });

  test('createSkill takes a slug and a short or long hex colour', async () => {
    const { skill } = await create({ name: 'Go', slug: 'golang', color: '#0AD' });
    expect(skill).toMatchObject({ slug: 'golang', color: '#00aadd' });
  });

  test.each([
    [{ name: '' }, ['name'], 'BAD_USER_INPUT', 'name must not be empty'],
    [{ name: 'x'.repeat(61) }, ['name'], 'BAD_USER_INPUT', 'at most 60'],
    [{ name: 'Rust', slug: 'Not Ok' }, ['slug'], 'BAD_USER_INPUT', 'slug must be'],
    [{ name: 'Rust', color: 'red' }, ['color'], 'BAD_USER_INPUT', 'color must be a hex colour'],
    [{ name: 'Rust', color: '#12345' }, ['color'], 'BAD_USER_INPUT', 'got "#12345"'],
  ])('createSkill refuses %j', async (input, field, code, message) => {
    const { skill, userErrors } = await create(input);
    expect(skill).toBeNull();
    expect(userErrors[0]).toMatchObject({ field, code });
    expect(userErrors[0]?.message).toContain(message);
  });

  test('createSkill refuses a taken slug and an unknown workspace', async () => {
    await create({ name: 'Python', slug: 'python' });
    expect((await create({ name: 'Py', slug: 'python' })).userErrors).toEqual([
      {
        field: ['slug'],
        code: 'CONFLICT',
        message: 'slug "python" is already used in this workspace',
      },
    ]);
    const unknown = await mutation(server, 'createSkill', {
      workspaceId: 'wsp_0000000000000000000000',
      name: 'X',
    });
    expect(unknown.userErrors).toEqual([
      { field: ['workspaceId'], code: 'NOT_FOUND', message: 'workspaceId: no such workspace' },
    ]);
  });

  test('updateSkill changes name, slug and colour; refuses bad input and unknown skills', async () => {
    const { skill } = await create({ name: 'Kotlin' });
    const updated = await ok<{ skill: Skill }>(
      server,
      'updateSkill',
      { skillId: skill?.id, name: 'Kotlin/JVM', slug: 'kotlin-jvm', color: '#123456' },
      SKILL,
    );
    expect(updated.skill).toMatchObject({
      name: 'Kotlin/JVM',
      slug: 'kotlin-jvm',
      color: '#123456',
    });
    const bad = await mutation(server, 'updateSkill', { skillId: skill?.id, color: 'nope' });
    expect(bad.userErrors[0]).toMatchObject({ field: ['color'], code: 'BAD_USER_INPUT' });
    const missing = await mutation(server, 'updateSkill', {
      skillId: 'skl_0000000000000000000000',
      name: 'x',
    });
    expect(missing.userErrors[0]).toMatchObject({ field: ['skillId'], code: 'NOT_FOUND' });
  });

  test('deleteSkill deletes an unused skill and refuses one a task needs', async () => {
    const { skill } = await create({ name: 'Disposable' });
    const deleted = await mutation<{ deletedId: string | null }>(
      server,
      'deleteSkill',
      { skillId: skill?.id },
      'deletedId',
    );
    expect(deleted).toEqual({ deletedId: skill?.id, userErrors: [] });
    const gone = await server.query<{ node: unknown }, unknown>(
      'query($id: ID!) { node(id: $id) { id } }',
      {
        id: skill?.id,
      },
    );
    expect(gone.node).toBeNull();

    const needed = (await create({ name: 'Needed' })).skill as Skill;
    const project = await server.factory.project({ workspaceId });
    const plan = await ok<{ plan: { id: string } }>(
      server,
      'createPlan',
      { projectId: project.id, name: 'P' },
      'plan { id }',
    );
    const phase = await ok<{ phase: { id: string } }>(
      server,
      'createPhase',
      { planId: plan.plan.id, name: 'One' },
      'phase { id }',
    );
    await ok(
      server,
      'createTask',
      { phaseId: phase.phase.id, title: 'Uses it', skills: ['needed'] },
      'task { id }',
    );
    const refused = await mutation<{ deletedId: string | null }>(
      server,
      'deleteSkill',
      { skillId: needed.id },
      'deletedId',
    );
    expect(refused.deletedId).toBeNull();
    expect(refused.userErrors).toEqual([
      {
        field: null,
        code: 'CONFLICT',
        message: 'skill "needed" is needed by 1 task(s); remove it from them first',
      },
    ]);
  });

  test('workspace.skills lists them by name', async () => {
    const data = await server.query<{ workspace: { skills: Array<{ name: string }> } }, unknown>(
      'query($id: ID!) { workspace(id: $id) { skills { name } } }',
      { id: workspaceId },
    );
    const names = data.workspace.skills.map((s) => s.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names).toContain('TypeScript');
  });
});

describe('member skills', () => {
  let server: TestServer;
  let workspaceId: string;
  let member: MemberRef;
  const MEMBER = 'member { id role skills { proficiency label skill { slug } } }';
  type Member = {
    member: {
      skills: Array<{ proficiency: number; label: string; skill: { slug: string } }>;
    } | null;
  };

  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = (await server.factory.workspace()).id;
    member = await addMember(server, workspaceId, MemberRole.DEVELOPER);
    for (const name of ['Frontend', 'Backend', 'Testing']) {
      await ok(server, 'createSkill', { workspaceId, name }, 'skill { id }');
    }
  });
  afterAll(async () => {
    await server.close();
  });

  test.each([
    [4, 4, 'advanced'],
    ['expert', 5, 'expert'],
    ['75%', 4, 'advanced'],
    [15, 1, 'beginner'],
    ['orta', 3, 'intermediate'],
    ['Grundkenntnisse', 2, 'basic'],
  ])('setMemberSkill reads %j as %i', async (proficiency, level, label) => {
    const payload = await ok<Member>(
      server,
      'setMemberSkill',
      { memberId: member.memberId, skill: 'frontend', proficiency },
      MEMBER,
    );
    expect(payload.member?.skills).toEqual([
      { proficiency: level, label, skill: { slug: 'frontend' } },
    ]);
  });

  test('setMemberSkill accepts the skill by id too, and removeMemberSkill removes it', async () => {
    const skills = await server.query<
      { workspace: { skills: Array<{ id: string; slug: string }> } },
      unknown
    >('query($id: ID!) { workspace(id: $id) { skills { id slug } } }', { id: workspaceId });
    const backend = skills.workspace.skills.find((s) => s.slug === 'backend');
    await ok(
      server,
      'setMemberSkill',
      { memberId: member.memberId, skill: backend?.id, proficiency: 2 },
      MEMBER,
    );
    const removed = await ok<Member>(
      server,
      'removeMemberSkill',
      { memberId: member.memberId, skill: 'backend' },
      MEMBER,
    );
    expect(removed.member?.skills.map((s) => s.skill.slug)).toEqual(['frontend']);
    const again = await mutation(server, 'removeMemberSkill', {
      memberId: member.memberId,
      skill: 'backend',
    });
    expect(again.userErrors).toEqual([
      { field: ['skill'], code: 'NOT_FOUND', message: 'skill: the member has no skill "backend"' },
    ]);
  });

  test.each([
    [
      { skill: 'frontend', proficiency: 'guru' },
      ['proficiency'],
      'BAD_USER_INPUT',
      'proficiency "guru" is not a proficiency; use one of: 1-5',
    ],
    [
      { skill: 'frontend', proficiency: 101 },
      ['proficiency'],
      'BAD_USER_INPUT',
      'is not a proficiency',
    ],
    [
      { skill: 'cobol', proficiency: 3 },
      ['skill'],
      'NOT_FOUND',
      'skill: no skill "cobol" in this workspace',
    ],
    [
      { memberId: 'mem_0000000000000000000000', skill: 'frontend', proficiency: 3 },
      ['memberId'],
      'NOT_FOUND',
      'no such member',
    ],
    [
      { memberId: 'tsk_0000000000000000000000', skill: 'frontend', proficiency: 3 },
      ['memberId'],
      'BAD_USER_INPUT',
      'memberId is not a Member id',
    ],
  ])('setMemberSkill refuses %j', async (input, field, code, message) => {
    const payload = await mutation<Member>(
      server,
      'setMemberSkill',
      { memberId: member.memberId, ...input },
      MEMBER,
    );
    expect(payload.member).toBeNull();
    expect(payload.userErrors[0]).toMatchObject({ field, code });
    expect(payload.userErrors[0]?.message).toContain(message);
  });

  test('a refused proficiency leaves the stored one unchanged', async () => {
    await ok(
      server,
      'setMemberSkill',
      { memberId: member.memberId, skill: 'testing', proficiency: 'advanced' },
      MEMBER,
    );
    await mutation(server, 'setMemberSkill', {
      memberId: member.memberId,
      skill: 'testing',
      proficiency: 'legendary',
    });
    const data = await server.query<
      { node: { skills: Array<{ proficiency: number; skill: { slug: string } }> } },
      unknown
    >(
      'query($id: ID!) { node(id: $id) { ... on Member { skills { proficiency skill { slug } } } } }',
      { id: member.memberId },
    );
    expect(data.node.skills.find((s) => s.skill.slug === 'testing')?.proficiency).toBe(4);
  });

  test('a skill of another workspace is not found', async () => {
    const other = await server.factory.workspace();
    await ok(server, 'createSkill', { workspaceId: other.id, name: 'Elsewhere' }, 'skill { id }');
    const payload = await mutation(server, 'setMemberSkill', {
      memberId: member.memberId,
      skill: 'elsewhere',
      proficiency: 3,
    });
    expect(payload.userErrors[0]).toMatchObject({ field: ['skill'], code: 'NOT_FOUND' });
  });
});
