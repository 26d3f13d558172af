import { isAdmin } from '$lib/admin/roles';
import { viewerRole } from '$lib/admin/viewer-role';
import { AdminWorkspaceInvitesDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const role = await viewerRole(fetch, params.id);
  // Pending invites are for owners and admins; anyone else may still connect a machine.
  if (!isAdmin(role)) return { role, invites: null, projects: [] };
  const workspace = await loadRecord({
    document: AdminWorkspaceInvitesDocument,
    variables: { id: params.id },
    fetch,
    pick: (data) => data.workspace,
    notFound: `No workspace has the id “${params.id}”.`,
  });
  return { role, invites: workspace.invites.nodes, projects: workspace.projects.nodes };
};
