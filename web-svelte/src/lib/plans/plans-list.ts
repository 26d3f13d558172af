import {
  PlansListDocument,
  type PlansListItemFragment,
  type PlansListQuery,
} from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { readAllPages } from '$lib/graphql/pages';

/** The most plans the Plans tab reads (10 pages); past that it says how many it leaves out. */
export const MAX_LISTED_PLANS = 1_000;

export interface ListedPlans {
  readonly plans: PlansListItemFragment[];
  /** How many the project has: more than `plans` holds past MAX_LISTED_PLANS. */
  readonly total: number;
}

/**
 * A project's plans, oldest first, a page of 100 at a time from `first` (the page a load read
 * already) on. Null when the project is gone.
 */
export async function listPlans(
  projectId: string,
  options: { fetch?: typeof fetch; first?: PlansListQuery['project'] } = {},
): Promise<ListedPlans | null> {
  const read = async (after: string | null) => {
    const { project } = await request(
      PlansListDocument,
      { projectId, after },
      options.fetch ? { fetch: options.fetch } : {},
    );
    return project?.plans ?? null;
  };
  const listed = await readAllPages(read, MAX_LISTED_PLANS, options.first?.plans);
  return listed && { plans: listed.nodes, total: listed.total };
}
