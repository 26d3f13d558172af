import { TasksPageDocument } from '$lib/generated/graphql';
import { lastEventSeq } from '$lib/events/last-event-seq';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  // the seq is read with the plans, before the board reads its tasks (in the page), so the
  // page follows the events after it and misses none in between
  const [tasksPage, lastSeq] = await Promise.all([
    loadRecord({
      document: TasksPageDocument,
      variables: { projectId: params.id },
      fetch,
      pick: (data) => data.project,
      notFound: `No project has the id “${params.id}”.`,
    }),
    lastEventSeq(params.id, fetch),
  ]);
  return { tasksPage, lastSeq };
};
