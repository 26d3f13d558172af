import { describe, expect, test } from '@jest/globals';
import { ErrorCode } from '../common/errors.js';
import { Authorizer, type Membership } from './authorizer.js';
import { ApiTokenScope } from './api-token-scope.js';
import { MemberScope } from '../user/member.entity.js';
import { ACTIONS, MemberRole, roleAllows, type Action } from './permissions.js';

const roles = new Map<string, MemberRole>([
  ['owner', MemberRole.OWNER],
  ['admin', MemberRole.ADMIN],
  ['architect', MemberRole.ARCHITECT],
  ['lead', MemberRole.LEAD],
  ['developer', MemberRole.DEVELOPER],
  ['viewer', MemberRole.VIEWER],
]);
/** Everyone in `roles` is a member of w1; `narrow` sees only project p1, as a lead. */
const authorizer = new Authorizer((userId, workspaceIds) => {
  const found = new Map<string, Membership>();
  if (!workspaceIds.includes('w1')) return Promise.resolve(found);
  if (userId === 'narrow') {
    found.set('w1', {
      role: MemberRole.VIEWER,
      scope: MemberScope.PROJECTS,
      projectRoles: new Map([['p1', MemberRole.LEAD]]),
    });
  }
  const role = roles.get(userId);
  if (role) {
    found.set('w1', {
      role,
      scope: MemberScope.WORKSPACE,
      projectRoles: new Map(userId === 'developer' ? [['p2', MemberRole.VIEWER]] : []),
    });
  }
  return Promise.resolve(found);
});

async function outcome(userId: string, action: Action, workspaceId = 'w1'): Promise<string> {
  try {
    await authorizer.authorize({ kind: 'user', userId }, action, { workspaceId });
    return 'allowed';
  } catch (error) {
    return (error as { code: ErrorCode }).code;
  }
}

describe('the permission matrix', () => {
  test.each([
    ['viewer', 'workspace.read', true],
    ['viewer', 'comment.write', false],
    ['viewer', 'plan.write', false],
    ['developer', 'comment.write', true],
    ['developer', 'task.transition', true],
    ['developer', 'plan.write', false],
    ['developer', 'task.assign', false],
    ['lead', 'plan.write', true],
    ['lead', 'plan.transition', true],
    ['lead', 'task.assign', true],
    ['lead', 'project.analyze', false],
    ['architect', 'project.analyze', true],
    ['architect', 'skill.manage', true],
    ['architect', 'member.manage', false],
    ['admin', 'member.manage', true],
    ['admin', 'workspace.delete', false],
    ['owner', 'workspace.delete', true],
  ] as const)('%s may %s: %s', (role, action, allowed) => {
    expect(roleAllows(roles.get(role) as MemberRole, action)).toBe(allowed);
  });

  test('each role can do everything the role below it can', () => {
    const order = ['viewer', 'developer', 'lead', 'architect', 'admin', 'owner'];
    for (let i = 1; i < order.length; i++) {
      for (const action of ACTIONS) {
        if (roleAllows(roles.get(order[i - 1] as string) as MemberRole, action)) {
          expect([
            order[i],
            action,
            roleAllows(roles.get(order[i] as string) as MemberRole, action),
          ]).toEqual([order[i], action, true]);
        }
      }
    }
  });
});

describe('Authorizer', () => {
  test('applies the matrix to user actors', async () => {
    expect(await outcome('lead', 'plan.write')).toBe('allowed');
    expect(await outcome('viewer', 'plan.write')).toBe(ErrorCode.FORBIDDEN);
  });

  test('refuses users who are not members, and actions without a workspace', async () => {
    expect(await outcome('stranger', 'workspace.read')).toBe(ErrorCode.FORBIDDEN);
    expect(await outcome('owner', 'workspace.read', 'w2')).toBe(ErrorCode.FORBIDDEN);
    await expect(
      authorizer.authorize({ kind: 'user', userId: 'owner' }, 'plan.write', {}),
    ).rejects.toThrow('plan.write needs a workspace');
  });

  test('lets any user create a workspace', async () => {
    await expect(
      authorizer.authorize({ kind: 'user', userId: 'stranger' }, 'workspace.create', {}),
    ).resolves.toBeUndefined();
  });

  test('says which role may not do what', async () => {
    await expect(
      authorizer.authorize({ kind: 'user', userId: 'developer' }, 'task.assign', {
        workspaceId: 'w1',
      }),
    ).rejects.toThrow('a developer may not task assign');
  });

  test('the system may do everything; anonymous callers nothing', async () => {
    for (const action of ACTIONS) {
      await expect(
        authorizer.authorize({ kind: 'system', component: 'test' }, action, {}),
      ).resolves.toBeUndefined();
      await expect(
        authorizer.authorize(
          { kind: 'anonymous', reason: 'the access token has expired' },
          action,
          {
            workspaceId: 'w1',
          },
        ),
      ).rejects.toMatchObject({
        code: ErrorCode.UNAUTHENTICATED,
        message: 'the access token has expired',
      });
    }
  });
});

describe('project membership', () => {
  const as = (userId: string, action: Action, projectId?: string) =>
    authorizer
      .authorize({ kind: 'user', userId }, action, {
        workspaceId: 'w1',
        ...(projectId ? { projectId } : {}),
      })
      .then(() => 'allowed')
      .catch((error: { message: string }) => error.message);

  test('a project role replaces the workspace role inside its project', async () => {
    expect(await as('narrow', 'plan.write', 'p1')).toBe('allowed');
    expect(await as('developer', 'comment.write', 'p2')).toBe('a viewer may not comment write');
    expect(await as('developer', 'comment.write', 'p3')).toBe('allowed');
  });

  test('members whose scope is PROJECTS see only their projects in lists', async () => {
    expect(await authorizer.visibleProjects('narrow', 'w1')).toEqual(['p1']);
    expect(await authorizer.visibleProjects('developer', 'w1')).toBeUndefined();
    expect(await authorizer.visibleProjects('stranger', 'w1')).toBeUndefined();
  });

  test('members whose scope is PROJECTS see no other project', async () => {
    expect(await as('narrow', 'workspace.read', 'p2')).toBe('you are not a member of this project');
    expect(await as('narrow', 'workspace.read')).toBe('allowed');
    expect(await as('narrow', 'plan.write')).toBe('a viewer may not plan write');
  });
});

describe('API tokens', () => {
  const token = (scopes: ApiTokenScope[], userId = 'admin', projectId: string | null = null) => ({
    kind: 'token' as const,
    tokenId: 't1',
    userId,
    workspaceId: 'w1',
    projectId,
    scopes: new Set(scopes),
  });
  const outcomeOf = (actor: ReturnType<typeof token>, action: Action, resource: object) =>
    authorizer
      .authorize(actor, action, resource)
      .then(() => 'allowed')
      .catch((error: { message: string }) => error.message);

  test('need the scope of the action', async () => {
    expect(
      await outcomeOf(token([ApiTokenScope.READ]), 'workspace.read', { workspaceId: 'w1' }),
    ).toBe('allowed');
    expect(await outcomeOf(token([ApiTokenScope.READ]), 'plan.write', { workspaceId: 'w1' })).toBe(
      'this API token lacks the WRITE scope needed to plan write',
    );
    expect(
      await outcomeOf(token([ApiTokenScope.DISPATCH]), 'plan.transition', { workspaceId: 'w1' }),
    ).toBe('allowed');
  });

  test('never manage people, tokens or the workspace', async () => {
    const all = [ApiTokenScope.READ, ApiTokenScope.WRITE, ApiTokenScope.DISPATCH];
    for (const action of [
      'member.manage',
      'apiToken.manage',
      'workspace.delete',
      'audit.read',
    ] as const) {
      expect(await outcomeOf(token(all, 'owner'), action, { workspaceId: 'w1' })).toMatch(
        /^API tokens may not/,
      );
    }
  });

  test('act with at most their creator’s role, in their own workspace and project', async () => {
    const all = [ApiTokenScope.READ, ApiTokenScope.WRITE, ApiTokenScope.DISPATCH];
    expect(await outcomeOf(token(all, 'viewer'), 'plan.write', { workspaceId: 'w1' })).toBe(
      'a viewer may not plan write',
    );
    expect(await outcomeOf(token(all, 'gone'), 'workspace.read', { workspaceId: 'w1' })).toBe(
      'the API token’s creator is no longer a member of this workspace',
    );
    expect(await outcomeOf(token(all), 'workspace.read', { workspaceId: 'w2' })).toBe(
      'this API token belongs to another workspace',
    );
    const bound = token(all, 'admin', 'p1');
    expect(await outcomeOf(bound, 'plan.write', { workspaceId: 'w1', projectId: 'p1' })).toBe(
      'allowed',
    );
    expect(await outcomeOf(bound, 'plan.write', { workspaceId: 'w1', projectId: 'p2' })).toBe(
      'this API token is limited to another project',
    );
    expect(await outcomeOf(bound, 'skill.manage', { workspaceId: 'w1' })).toBe(
      'this API token is limited to another project',
    );
  });
});
