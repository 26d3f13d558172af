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

export const ACTIONS = [
  // reading anything inside a workspace
  'workspace.read',
  // workspaces (creating one needs no membership)
  'workspace.create',
  'workspace.update',
  'workspace.delete',
  // members and their skills
  'member.manage',
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
  // commenting on tasks
  'comment.write',
  // repository analysis
  'project.analyze',
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: readonly Action[] = ['workspace.read', 'workspace.create'];
const DEVELOP: readonly Action[] = [...READ, 'comment.write', 'task.transition'];
const PLAN: readonly Action[] = [...DEVELOP, 'plan.write', 'plan.transition', 'task.assign'];

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
