import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** A keyset page request over a UUIDv7 key (creation order). Cursors are row keys here. */
export interface PageRequest {
  readonly after?: string;
  readonly before?: string;
  readonly limit: number;
  /** Take the last `limit` rows of the range instead of the first (Relay's `last`). */
  readonly fromEnd: boolean;
}

export interface Page<T> {
  readonly items: T[];
  /** More rows exist beyond the page in the direction of travel. */
  readonly hasMore: boolean;
}

/** Applies a page request to a query ordered by `<alias>.id`, and runs it. */
export async function fetchPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  page: PageRequest,
): Promise<Page<T>> {
  if (page.after !== undefined) query.andWhere(`${alias}.id > :after`, { after: page.after });
  if (page.before !== undefined) query.andWhere(`${alias}.id < :before`, { before: page.before });
  query.orderBy(`${alias}.id`, page.fromEnd ? 'DESC' : 'ASC').limit(page.limit + 1);
  const rows = await query.getMany();
  const hasMore = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  if (page.fromEnd) items.reverse();
  return { items, hasMore };
}
