import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { DomainError, ErrorCode, badInput } from '../../domain/common/errors.js';
import { isUuid } from '../../domain/common/ids.js';
import type { Page, PageRequest } from '../../db/pagination.js';

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-size.js';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

@ObjectType('PageInfo')
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `The first n items after \`after\` (at most ${MAX_PAGE_SIZE}).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `The last n items before \`before\` (at most ${MAX_PAGE_SIZE}).`,
  })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

/** A Relay connection's shape for `Node` objects, with a lazily counted `totalCount`. */
export interface ConnectionShape<TNode> {
  edges: Array<{ cursor: string; node: TNode }>;
  nodes: TNode[];
  pageInfo: PageInfo;
  /** Counts the whole connection; only called when a client selects `totalCount`. */
  count: () => Promise<number>;
}

/** Declares `<Name>Connection` and `<Name>Edge` object types for `node`. */
export function Connection<TNode extends object>(node: ClassType<TNode>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => node)
    node: TNode;
  }

  @ObjectType()
  abstract class ConnectionType implements ConnectionShape<TNode> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [node])
    nodes: TNode[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    count: () => Promise<number>;

    @Field(() => Int, { description: 'The number of items in the whole connection.' })
    totalCount(): Promise<number> {
      return this.count();
    }
  }
  return ConnectionType;
}

export function encodeCursor(key: string): string {
  return Buffer.from(`c:${key}`).toString('base64url');
}

function decodeCursor(field: string, cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const key = decoded.startsWith('c:') ? decoded.slice(2) : '';
  if (!isUuid(key)) throw badInput(field, `${field} is not a cursor of this connection`);
  return key;
}

/** Validates Relay arguments and turns them into a keyset page request. */
export function toPageRequest(args: ConnectionArgs): PageRequest {
  const { first, last } = args;
  if (first != null && last != null) {
    throw badInput('first', 'pass either first or last, not both');
  }
  if (first != null) requirePageSize('first', first);
  if (last != null) requirePageSize('last', last);
  return {
    ...(args.after != null ? { after: decodeCursor('after', args.after) } : {}),
    ...(args.before != null ? { before: decodeCursor('before', args.before) } : {}),
    limit: last ?? first ?? DEFAULT_PAGE_SIZE,
    fromEnd: last != null,
  };
}

/** Builds a connection from a page of rows keyed by `id`. */
export function toConnection<TRow extends { id: string }, TNode>(
  page: Page<TRow>,
  request: PageRequest,
  toNode: (row: TRow) => TNode,
  count: () => Promise<number>,
): ConnectionShape<TNode> {
  const edges = page.items.map((row) => ({ cursor: encodeCursor(row.id), node: toNode(row) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: request.fromEnd ? request.before !== undefined : page.hasMore,
      hasPreviousPage: request.fromEnd ? page.hasMore : request.after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    }),
    count,
  };
}

/** A page size (`first`/`last`) from 0 to MAX_PAGE_SIZE; anything else is BAD_USER_INPUT. */
export function requirePageSize(field: string, value: number): number {
  if (value < 0 || value > MAX_PAGE_SIZE) {
    throw new DomainError(
      ErrorCode.BAD_USER_INPUT,
      `${field} must be from 0 to ${MAX_PAGE_SIZE}, got ${value}`,
      [field],
    );
  }
  return value;
}

/**
 * A page of a sequenced log (a project's events, a run's output): an edge's cursor is its seq
 * in decimal, and totalCount is the log's last seq (sequence numbers have no gaps).
 */
export function toSeqConnection<TRow extends { seq: number }, TNode>(
  rows: readonly TRow[],
  after: number,
  lastSeq: number,
  toNode: (row: TRow) => TNode,
): ConnectionShape<TNode> {
  const edges = rows.map((row) => ({ cursor: String(row.seq), node: toNode(row) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: (rows.at(-1)?.seq ?? after) < lastSeq,
      hasPreviousPage: after > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    }),
    count: () => Promise.resolve(lastSeq),
  };
}
