import { currentViewer } from '$lib/auth/viewer';
import { failLoad } from '$lib/graphql/load';
import type { PageLoad } from './$types';

/** Whether someone is signed in decides between "accept" and "create an account". */
export const load: PageLoad = async ({ fetch }) => ({
  viewer: await currentViewer(fetch).catch(failLoad),
});
