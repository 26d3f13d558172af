import type { MemberRole, MemberScope } from '$lib/generated/graphql';
import { roleLabel } from '$lib/invites/labels';

/** Highest first, as the API ranks them: nobody grants a role above their own. */
export const ROLES: readonly MemberRole[] = [
  'OWNER',
  'ADMIN',
  'ARCHITECT',
  'LEAD',
  'DEVELOPER',
  'VIEWER',
];

/** The roles a project role can be (owners and admins are workspace-wide). */
export const PROJECT_ROLES: readonly MemberRole[] = ['ARCHITECT', 'LEAD', 'DEVELOPER', 'VIEWER'];

export const roleOptions = (roles: readonly MemberRole[] = ROLES) =>
  roles.map((role) => ({ value: role, label: roleLabel(role) }));

export function scopeLabel(scope: MemberScope): string {
  return scope === 'WORKSPACE' ? 'Every project' : 'Only their projects';
}

/** Whether the role may manage members, invites, tokens and the project's settings. */
export function isAdmin(role: MemberRole | undefined): boolean {
  return role === 'OWNER' || role === 'ADMIN';
}

/** Proficiency 1 (beginner) to 5 (expert), as setMemberSkill takes it. */
export const PROFICIENCIES = [
  { value: '1', label: '1 · Beginner' },
  { value: '2', label: '2 · Basic' },
  { value: '3', label: '3 · Intermediate' },
  { value: '4', label: '4 · Advanced' },
  { value: '5', label: '5 · Expert' },
] as const;

/** "21 Nov 2026", in the reader's locale. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}
