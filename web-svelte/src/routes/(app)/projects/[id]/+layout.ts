import { ProjectDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ params, fetch, parent }) => {
  // The (app) layout makes sure someone is signed in before this page asks for anything.
  await parent();
  return {
    project: await loadRecord({
      document: ProjectDocument,
      variables: { id: params.id },
      fetch,
      pick: (data) => data.project,
      notFound: `No project has the id “${params.id}”.`,
    }),
  };
};
