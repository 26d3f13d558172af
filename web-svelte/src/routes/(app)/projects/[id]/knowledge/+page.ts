import {
  KnowledgeBrowseDocument,
  KnowledgeSearchPageDocument,
  type KnowledgeArtifactFieldsFragment,
} from '$lib/generated/graphql';
import { GraphQLRequestError, request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import { readFilters } from '$lib/knowledge/filters';
import type { PageLoad } from './$types';

/** One row of the list: a search hit (ranked) or a browsed artifact. */
export interface KnowledgeRow {
  readonly artifact: KnowledgeArtifactFieldsFragment;
  readonly score?: number;
  readonly vectorRank?: number | null;
  readonly textRank?: number | null;
}

export type KnowledgeResults =
  | { readonly mode: 'search'; readonly rows: readonly KnowledgeRow[] }
  | {
      readonly mode: 'browse';
      readonly rows: readonly KnowledgeRow[];
      readonly totalCount: number;
      readonly endCursor: string | null;
      readonly hasNextPage: boolean;
    }
  /** Studio refused the search (a query too long, a filter too long): its message and field. */
  | { readonly mode: 'refused'; readonly message: string; readonly field: string | undefined };

export const BROWSE_PAGE = 50;

export const load: PageLoad = async ({ params, url, fetch, depends }) => {
  depends('knowledge:artifacts');
  const filters = readFilters(url.searchParams);
  const shared = {
    projectId: params.id,
    ...(filters.types.length ? { type: [...filters.types] } : {}),
    ...(filters.language ? { language: filters.language } : {}),
    ...(filters.framework ? { framework: filters.framework } : {}),
  };
  let results: KnowledgeResults;
  try {
    if (filters.q.trim()) {
      const data = await request(
        KnowledgeSearchPageDocument,
        { ...shared, query: filters.q, first: filters.first },
        { fetch },
      );
      results = { mode: 'search', rows: data.knowledgeSearch };
    } else {
      const { type, language, framework } = shared;
      const data = await request(
        KnowledgeBrowseDocument,
        {
          projectId: params.id,
          filter: { type, language, framework },
          first: BROWSE_PAGE,
        },
        { fetch },
      );
      const knowledge = data.project?.knowledge;
      results = {
        mode: 'browse',
        rows: (knowledge?.nodes ?? []).map((artifact) => ({ artifact })),
        totalCount: knowledge?.totalCount ?? 0,
        endCursor: knowledge?.pageInfo.endCursor ?? null,
        hasNextPage: knowledge?.pageInfo.hasNextPage ?? false,
      };
    }
  } catch (cause) {
    if (cause instanceof GraphQLRequestError && cause.code === 'BAD_USER_INPUT') {
      const field = cause.errors[0]?.extensions?.['field'];
      results = {
        mode: 'refused',
        message: cause.message,
        field: Array.isArray(field) && typeof field[0] === 'string' ? field[0] : undefined,
      };
    } else {
      return failLoad(cause);
    }
  }
  return { filters, results };
};
