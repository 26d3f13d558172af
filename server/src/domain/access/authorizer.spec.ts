import { describe, expect, test } from '@jest/globals';
import { ErrorCode } from '../common/errors.js';
import { Authorizer } from './authorizer.js';
import { ACTIONS, MemberRole, roleAllows, type Action } from './permissions.js';

const roles = new Map<string, MemberRole>([
  ['owner', MemberRole.OWNER],
  ['admin', MemberRole.ADMIN],
  ['architect', MemberRole.ARCHITECT],
  ['lead', MemberRole.LEAD],
  ['developer', MemberRole.DEVELOPER],
  ['viewer', MemberRole.VIEWER],
]);
const authorizer = new Authorizer((userId, workspaceId) =>
  Promise.resolve(workspaceId === 'w1' ? roles.get(userId) : undefined),
);

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

  test('the local operator and the system may do everything', async () => {
    for (const action of ACTIONS) {
      await expect(authorizer.authorize({ kind: 'local' }, action, {})).resolves.toBeUndefined();
      await expect(
        authorizer.authorize({ kind: 'system', component: 'test' }, action, {}),
      ).resolves.toBeUndefined();
    }
  });
});
