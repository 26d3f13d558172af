import { viewerRole } from '$lib/admin/viewer-role';
import { AdminWorkspaceMembersDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  const { viewer } = await parent();
  const [workspace, role] = await Promise.all([
    loadRecord({
      document: AdminWorkspaceMembersDocument,
      variables: { id: params.id },
      fetch,
      pick: (data) => data.workspace,
      notFound: `No workspace has the id “${params.id}”.`,
    }),
    viewerRole(fetch, params.id),
  ]);
  return { members: workspace.members, skills: workspace.skills, role, viewerId: viewer.user.id };
};
