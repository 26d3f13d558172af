import { isAdmin } from '$lib/admin/roles';
import { viewerRole } from '$lib/admin/viewer-role';
import { AdminApiTokensDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const role = await viewerRole(fetch, params.id);
  // apiToken.manage: owners and admins only.
  if (!isAdmin(role)) return { role, tokens: [], projects: [] };
  const workspace = await loadRecord({
    document: AdminApiTokensDocument,
    variables: { id: params.id },
    fetch,
    pick: (data) => data.workspace,
    notFound: `No workspace has the id “${params.id}”.`,
  });
  return { role, tokens: workspace.apiTokens.nodes, projects: workspace.projects.nodes };
};
