import { viewerRole } from '$lib/admin/viewer-role';
import { AdminWorkspaceSkillsDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const [workspace, role] = await Promise.all([
    loadRecord({
      document: AdminWorkspaceSkillsDocument,
      variables: { id: params.id },
      fetch,
      pick: (data) => data.workspace,
      notFound: `No workspace has the id “${params.id}”.`,
    }),
    viewerRole(fetch, params.id),
  ]);
  return { skills: workspace.skills, role };
};
