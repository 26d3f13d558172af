import { error } from '@sveltejs/kit';
import { RunsRunDocument, RunsViewerAccessDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { lastEventSeq } from '$lib/events/last-event-seq';
import { failLoad, loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const notFound = `No run has the id “${params.runId}” in this project.`;
  const lastSeq = await lastEventSeq(params.id, fetch);
  const [run, access] = await Promise.all([
    loadRecord({
      document: RunsRunDocument,
      variables: { id: params.runId },
      fetch,
      pick: (data) => data.run,
      notFound,
    }),
    request(RunsViewerAccessDocument, {}, { fetch }).catch(failLoad),
  ]);
  if (run.project.id !== params.id) error(404, { message: notFound, code: 'NOT_FOUND' });
  return { run, memberships: access.viewer.memberships, lastSeq };
};
