import { error } from '@sveltejs/kit';
import { KnowledgeContextFilesDocument, type ContextFileKind } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { PageLoad } from './$types';

const KINDS: Record<string, ContextFileKind> = {
  codebase: 'CODEBASE',
  workflow: 'WORKFLOW',
  notes: 'NOTES',
};

export const load: PageLoad = async ({ params, fetch, depends }) => {
  depends('knowledge:files');
  const kind = KINDS[params.kind];
  if (!kind) {
    error(404, {
      message: `There are no “${params.kind}” context files: codebase, workflow or notes.`,
      code: 'NOT_FOUND',
    });
  }
  const data = await request(
    KnowledgeContextFilesDocument,
    { projectId: params.id },
    { fetch },
  ).catch(failLoad);
  return {
    kind,
    kindLabel: params.kind,
    files: (data.project?.contextFiles ?? []).filter((file) => file.kind === kind),
  };
};
