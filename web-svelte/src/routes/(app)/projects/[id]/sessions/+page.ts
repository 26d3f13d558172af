import { RunsProjectSessionsDocument } from '$lib/generated/graphql';
import { lastEventSeq } from '$lib/events/last-event-seq';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, url, parent }) => {
  await parent();
  const includeEnded = url.searchParams.get('ended') === '1';
  const lastSeq = await lastEventSeq(params.id, fetch);
  const project = await loadRecord({
    document: RunsProjectSessionsDocument,
    variables: { projectId: params.id, includeEnded },
    fetch,
    pick: (data) => data.project,
    notFound: `No project has the id “${params.id}”.`,
  });
  return { includeEnded, sessions: project.sessions, lastSeq };
};
