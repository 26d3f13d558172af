import { TasksPageDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const { tasksPage, lastSeq } = await loadRecord({
    document: TasksPageDocument,
    variables: { projectId: params.id },
    fetch,
    pick: (data) => data.project && { tasksPage: data.project, lastSeq: data.events.totalCount },
    notFound: `No project has the id “${params.id}”.`,
  });
  /**
   * lastSeq: the project's last event before the board reads its tasks, so following the
   * events after it misses nothing that happens between the read and the subscription.
   */
  return { tasksPage, lastSeq };
};
