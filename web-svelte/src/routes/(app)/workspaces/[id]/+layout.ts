import { WorkspaceDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ params, fetch, parent }) => {
  // The (app) layout makes sure someone is signed in before this page asks for anything.
  await parent();
  return {
    workspace: await loadRecord({
      document: WorkspaceDocument,
      variables: { id: params.id, projectsFirst: 100 },
      fetch,
      pick: (data) => data.workspace,
      notFound: `No workspace has the id “${params.id}”.`,
    }),
  };
};
