import { error } from '@sveltejs/kit';
import { PlansListDocument } from '$lib/generated/graphql';
import { failLoad, loadRecord } from '$lib/graphql/load';
import { listPlans } from '$lib/plans/plans-list';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const notFound = `No project has the id “${params.id}”.`;
  const first = await loadRecord({
    document: PlansListDocument,
    variables: { projectId: params.id, after: null },
    fetch,
    pick: (data) => data.project,
    notFound,
  });
  const listed = await listPlans(params.id, { fetch, first }).catch(failLoad);
  if (!listed) error(404, { message: notFound, code: 'NOT_FOUND' });
  return { plans: listed.plans, total: listed.total };
};
