/** One page of a connection, as the generated operations select it. */
export interface ConnectionPage<TNode> {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null };
  readonly nodes: readonly TNode[];
}

/**
 * Every node of a connection, following its pages from `first` (a page already read, if any)
 * until the last or until `max` nodes, with the connection's totalCount (more than the nodes
 * past `max`). Null when a page reads null (what the connection hangs from is gone).
 */
export async function readAllPages<TNode>(
  readPage: (after: string | null) => Promise<ConnectionPage<TNode> | null>,
  max: number,
  first?: ConnectionPage<TNode>,
): Promise<{ nodes: TNode[]; total: number } | null> {
  let page = first ?? (await readPage(null));
  if (!page) return null;
  const nodes = [...page.nodes];
  while (page.pageInfo.hasNextPage && page.pageInfo.endCursor && nodes.length < max) {
    const next = await readPage(page.pageInfo.endCursor);
    if (!next) return null;
    page = next;
    nodes.push(...page.nodes);
  }
  return { nodes: nodes.slice(0, max), total: page.totalCount };
}
