import { viewerRole } from '$lib/admin/viewer-role';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  await parent();
  return { role: await viewerRole(fetch, params.id) };
};
