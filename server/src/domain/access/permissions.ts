import { ApiTokenScope } from './api-token-scope.js';

/**
 * Workspace roles and what each may do: the permission matrix of docs/api.md, in one place.
 */
export enum MemberRole {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  ARCHITECT = 'ARCHITECT',
  LEAD = 'LEAD',
  DEVELOPER = 'DEVELOPER',
  VIEWER = 'VIEWER',
}

/** Most powerful first. */
export const ROLE_ORDER: readonly MemberRole[] = [
  MemberRole.OWNER,
  MemberRole.ADMIN,
  MemberRole.ARCHITECT,
  MemberRole.LEAD,
  MemberRole.DEVELOPER,
  MemberRole.VIEWER,
];

/** "an admin", "a lead": a role in a sentence. */
export function aRole(role: MemberRole): string {
  const name = role.toLowerCase();
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Whether `role` is at least as powerful as `than`. */
export function roleAtLeast(role: MemberRole, than: MemberRole): boolean {
  return ROLE_ORDER.indexOf(role) <= ROLE_ORDER.indexOf(than);
}

export const ACTIONS = [
  // reading anything inside a workspace
  'workspace.read',
  // workspaces (creating one needs no membership)
  'workspace.create',
  'workspace.update',
  'workspace.delete',
  // members: roles, removal, project memberships, invites
  'member.manage',
  // members' skills
  'memberSkill.manage',
  // skills
  'skill.manage',
  // projects
  'project.create',
  'project.update',
  'project.delete',
  // planning: plans, phases, tasks, dependencies
  'plan.write',
  // activating, pausing, resuming, completing, cancelling, archiving plans
  'plan.transition',
  // assigning tasks to members
  'task.assign',
  // changing task status by hand
  'task.transition',
  // operator actions on delivery: approving or rejecting work by hand, retrying runs
  'task.review',
  // commenting on tasks
  'comment.write',
  // repository analysis
  'project.analyze',
  // connecting a machine with the CLI (a CLI invite for oneself)
  'cli.connect',
  // running agents: registering sessions, claiming runs and reporting on them
  'agent.run',
  // API tokens for bots and integrations
  'apiToken.manage',
  // reading the audit log
  'audit.read',
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: readonly Action[] = ['workspace.read', 'workspace.create'];
const DEVELOP: readonly Action[] = [
  ...READ,
  'comment.write',
  'task.transition',
  'cli.connect',
  'agent.run',
];
const PLAN: readonly Action[] = [
  ...DEVELOP,
  'plan.write',
  'plan.transition',
  'task.assign',
  'task.review',
];

export const PERMISSIONS: Readonly<Record<MemberRole, ReadonlySet<Action>>> = {
  [MemberRole.OWNER]: new Set(ACTIONS),
  [MemberRole.ADMIN]: new Set(ACTIONS.filter((action) => action !== 'workspace.delete')),
  [MemberRole.ARCHITECT]: new Set<Action>([...PLAN, 'project.analyze', 'skill.manage']),
  [MemberRole.LEAD]: new Set<Action>(PLAN),
  [MemberRole.DEVELOPER]: new Set<Action>(DEVELOP),
  [MemberRole.VIEWER]: new Set<Action>(READ),
};

/** Whether `role` may perform `action`. */
export function roleAllows(role: MemberRole, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}

/**
 * The API-token scope an action needs; null for actions no API token may take (managing
 * people, tokens and workspaces, reading the audit log), whatever its scopes.
 */
export const TOKEN_SCOPE_OF: Readonly<Record<Action, ApiTokenScope | null>> = {
  'workspace.read': ApiTokenScope.READ,
  'workspace.create': null,
  'workspace.update': null,
  'workspace.delete': null,
  'member.manage': null,
  'memberSkill.manage': ApiTokenScope.WRITE,
  'skill.manage': ApiTokenScope.WRITE,
  'project.create': ApiTokenScope.WRITE,
  'project.update': ApiTokenScope.WRITE,
  'project.delete': null,
  'plan.write': ApiTokenScope.WRITE,
  'plan.transition': ApiTokenScope.DISPATCH,
  'task.assign': ApiTokenScope.DISPATCH,
  'task.review': ApiTokenScope.DISPATCH,
  'task.transition': ApiTokenScope.WRITE,
  'comment.write': ApiTokenScope.WRITE,
  'project.analyze': ApiTokenScope.DISPATCH,
  'cli.connect': null,
  'agent.run': ApiTokenScope.DISPATCH,
  'apiToken.manage': null,
  'audit.read': null,
};
