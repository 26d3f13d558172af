import { WorkspacesDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  const { workspaces } = await request(WorkspacesDocument, { first: 100 }, { fetch }).catch(
    failLoad,
  );
  return { workspaces: workspaces.nodes, totalCount: workspaces.totalCount };
};
