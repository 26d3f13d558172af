import { WorkspacesDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  // The (app) layout makes sure someone is signed in before this page asks for anything.
  await parent();
  const { workspaces } = await request(WorkspacesDocument, { first: 100 }, { fetch }).catch(
    failLoad,
  );
  return { workspaces: workspaces.nodes, totalCount: workspaces.totalCount };
};
