import { KnowledgeOverviewDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ params, fetch, depends }) => {
  depends('knowledge:overview');
  const data = await request(KnowledgeOverviewDocument, { projectId: params.id }, { fetch }).catch(
    failLoad,
  );
  return {
    embedder: data.knowledgeEmbedder,
    repoContext: data.project?.repoContext ?? null,
    /** The project's last event when the page loaded: live updates start after it. */
    lastSeq: data.events.totalCount,
    memberships: data.viewer.memberships,
  };
};
