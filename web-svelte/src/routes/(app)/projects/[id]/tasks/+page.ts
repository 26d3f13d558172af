import { TasksPageDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  return {
    tasksPage: await loadRecord({
      document: TasksPageDocument,
      variables: { projectId: params.id },
      fetch,
      pick: (data) => data.project,
      notFound: `No project has the id “${params.id}”.`,
    }),
  };
};
