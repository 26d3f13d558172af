import { AdminViewerRolesDocument, type MemberRole } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';

/**
 * The signed-in user's role in a workspace, asked afresh: the layout's viewer is loaded once,
 * so a workspace created or a role changed since then would be missing or stale there.
 */
export async function viewerRole(
  fetch: typeof globalThis.fetch,
  workspaceId: string,
): Promise<MemberRole | undefined> {
  const { viewer } = await request(AdminViewerRolesDocument, {}, { fetch }).catch(failLoad);
  return viewer.memberships.find((membership) => membership.workspace.id === workspaceId)?.role;
}
