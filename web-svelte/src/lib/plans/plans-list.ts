import {
  PlansListDocument,
  type PlansListItemFragment,
  type PlansListQuery,
} from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';

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
  let page = options.first ?? (await readPage(projectId, null, options.fetch));
  if (!page) return null;
  const plans = [...page.plans.nodes];
  while (page.plans.pageInfo.hasNextPage && plans.length < MAX_LISTED_PLANS) {
    const after = page.plans.pageInfo.endCursor;
    if (!after) break;
    const next = await readPage(projectId, after, options.fetch);
    if (!next) return null;
    page = next;
    plans.push(...page.plans.nodes);
  }
  return { plans: plans.slice(0, MAX_LISTED_PLANS), total: page.plans.totalCount };
}

async function readPage(
  projectId: string,
  after: string | null,
  fetchWith: typeof fetch | undefined,
): Promise<PlansListQuery['project']> {
  const { project } = await request(
    PlansListDocument,
    { projectId, after },
    fetchWith ? { fetch: fetchWith } : {},
  );
  return project;
}
