import { ProjectDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch }) => ({
  project: await loadRecord({
    document: ProjectDocument,
    variables: { id: params.id },
    fetch,
    pick: (data) => data.project,
    notFound: `No project has the id “${params.id}”.`,
  }),
});
