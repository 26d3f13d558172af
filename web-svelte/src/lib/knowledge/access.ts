import type { KnowledgeOverviewQuery, MemberRole } from '$lib/generated/graphql';

type Membership = KnowledgeOverviewQuery['viewer']['memberships'][number];

/** Who may start a repository analysis (project.analyze): docs/knowledge.md, "Analysis". */
const ANALYSTS = new Set<MemberRole>(['OWNER', 'ADMIN', 'ARCHITECT']);

/**
 * The viewer's role on a project as Studio works it out: owners and admins keep theirs, a
 * project role replaces the workspace role inside its project. Only to decide what to offer;
 * Studio checks every request itself.
 */
export function roleOnProject(
  memberships: readonly Membership[],
  workspaceId: string,
  projectId: string,
): MemberRole | undefined {
  const membership = memberships.find((one) => one.workspace.id === workspaceId);
  if (!membership) return undefined;
  if (membership.role === 'OWNER' || membership.role === 'ADMIN') {
    return membership.role;
  }
  return (
    membership.projectRoles.find((one) => one.project.id === projectId)?.role ?? membership.role
  );
}

export function mayAnalyze(role: MemberRole | undefined): boolean {
  return role !== undefined && ANALYSTS.has(role);
}
