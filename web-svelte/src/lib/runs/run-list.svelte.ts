import {
  RunsProjectRunsDocument,
  type RunFilter,
  type RunsRunRowFragment,
} from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';

/** How many runs a page of the list loads (the API allows up to 100). */
export const RUNS_PAGE = 50;

export interface RunPage {
  readonly nodes: readonly RunsRunRowFragment[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export async function fetchRunPage(
  projectId: string,
  filter: RunFilter,
  after: string | null,
  fetcher?: typeof fetch,
): Promise<RunPage> {
  const { runs } = await request(
    RunsProjectRunsDocument,
    { projectId, filter, first: RUNS_PAGE, after },
    fetcher ? { fetch: fetcher } : {},
  );
  return {
    nodes: runs.nodes,
    totalCount: runs.totalCount,
    hasNextPage: runs.pageInfo.hasNextPage,
    endCursor: runs.pageInfo.endCursor ?? null,
  };
}

/**
 * The runs a page shows, oldest first as the API gives them, a page at a time. `refresh()`
 * loads again as many as are shown (after an event touched one of them, or a new one came).
 */
export class RunList {
  runs = $state.raw<readonly RunsRunRowFragment[]>([]);
  totalCount = $state(0);
  hasNextPage = $state(false);
  loading = $state(false);
  error = $state<string | undefined>(undefined);
  #endCursor: string | null = null;
  #refreshing: Promise<void> | undefined;
  #again = false;

  readonly projectId: string;
  readonly filter: RunFilter;

  constructor(projectId: string, filter: RunFilter, first: RunPage) {
    this.projectId = projectId;
    this.filter = filter;
    this.#set(first);
  }

  #set(page: RunPage, keep: readonly RunsRunRowFragment[] = []): void {
    this.runs = [...keep, ...page.nodes];
    this.totalCount = page.totalCount;
    this.hasNextPage = page.hasNextPage;
    this.#endCursor = page.endCursor;
  }

  /** The next page. */
  async more(): Promise<void> {
    if (this.loading || !this.hasNextPage) return;
    this.loading = true;
    try {
      this.#set(await fetchRunPage(this.projectId, this.filter, this.#endCursor), this.runs);
      this.error = undefined;
    } catch (error) {
      this.error = requestErrorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  /** Loads the shown pages again; calls made meanwhile fold into one more pass. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        try {
          const wanted = Math.max(this.runs.length, 1);
          let page = await fetchRunPage(this.projectId, this.filter, null);
          let rows = page.nodes;
          while (page.hasNextPage && rows.length < wanted) {
            page = await fetchRunPage(this.projectId, this.filter, page.endCursor);
            rows = [...rows, ...page.nodes];
          }
          this.#set({ ...page, nodes: rows });
          this.error = undefined;
        } catch (error) {
          this.error = requestErrorMessage(error);
        }
      } while (this.#again);
    })().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }
}
