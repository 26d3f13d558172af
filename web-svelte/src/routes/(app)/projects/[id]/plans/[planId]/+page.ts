import { PlanPageDocument } from '$lib/generated/graphql';
import { loadRecord } from '$lib/graphql/load';
import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  const notFound = `No plan has the id “${params.planId}”.`;
  const plan = await loadRecord({
    document: PlanPageDocument,
    variables: { id: params.planId },
    fetch,
    pick: (data) => data.plan,
    notFound,
  });
  // A plan of another project under this project's URL is not this project's plan.
  if (plan.project.id !== params.id) error(404, { message: notFound, code: 'NOT_FOUND' });
  return { plan };
};
