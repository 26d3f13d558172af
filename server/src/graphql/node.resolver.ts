import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { DomainError, ErrorCode } from '../domain/common/errors.js';
import { NodeInterface } from './common/node.type.js';
import type { GraphQLContext } from './context.js';
import { resolveNode } from './read-node.js';

const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, {
    nullable: true,
    description: 'Any object by its id; null if none.',
  })
  async node(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<NodeInterface | null> {
    const node = await resolveNode(id, 'id', ctx);
    ctx.access.public();
    return node;
  }

  @Query(() => [NodeInterface], {
    nullable: 'items',
    description: `Objects by id, in the order asked, null where none (at most ${MAX_NODES}).`,
  })
  async nodes(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<Array<NodeInterface | null>> {
    if (ids.length > MAX_NODES) {
      throw new DomainError(
        ErrorCode.BAD_USER_INPUT,
        `ids may hold at most ${MAX_NODES} ids, got ${ids.length}`,
        ['ids'],
      );
    }
    const nodes = await Promise.all(ids.map((id, index) => resolveNode(id, `ids[${index}]`, ctx)));
    ctx.access.public();
    return nodes;
  }
}
