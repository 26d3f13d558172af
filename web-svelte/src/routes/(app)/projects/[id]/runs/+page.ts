import { RunsFilterOptionsDocument } from '$lib/generated/graphql';
import { GraphQLRequestError, request } from '$lib/graphql/client';
import { lastEventSeq } from '$lib/events/last-event-seq';
import { failLoad } from '$lib/graphql/load';
import { filterValuesOf, runFilterOf } from '$lib/runs/filters';
import { fetchRunPage, type RunPage } from '$lib/runs/run-list.svelte';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, url, parent }) => {
  await parent();
  const values = filterValuesOf(url.searchParams);
  const filter = runFilterOf(values);
  const lastSeq = await lastEventSeq(params.id, fetch);
  const [options, first] = await Promise.all([
    request(RunsFilterOptionsDocument, { projectId: params.id }, { fetch }).catch(failLoad),
    fetchRunPage(params.id, filter, null, fetch).then(
      (page): { page: RunPage; refused?: undefined } => ({ page }),
      (cause: unknown) => {
        // A filter Studio refuses (a malformed id in a hand-edited link) is shown next to the
        // filter it names, with the filters kept, rather than as an error page.
        if (cause instanceof GraphQLRequestError && cause.code === 'BAD_USER_INPUT') {
          return { page: undefined, refused: cause.message };
        }
        return failLoad(cause);
      },
    ),
  ]);
  return {
    values,
    filter,
    first: first.page,
    refused: first.refused,
    sessions: options.project?.sessions ?? [],
    tasks: options.project?.tasks.nodes ?? [],
    lastSeq,
  };
};
