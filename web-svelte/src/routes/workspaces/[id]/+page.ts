import { WorkspaceDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch }) => ({
  workspace: await loadRecord({
    document: WorkspaceDocument,
    variables: { id: params.id, projectsFirst: 100 },
    fetch,
    pick: (data) => data.workspace,
    notFound: `No workspace has the id “${params.id}”.`,
  }),
});
