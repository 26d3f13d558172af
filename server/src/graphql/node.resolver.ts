import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { DomainError, ErrorCode, badInput } from '../domain/common/errors.js';
import { parsePublicId } from '../domain/common/public-id.js';
import { NodeInterface } from './common/node.type.js';
import type { GraphQLContext } from './context.js';
import { EventType } from './events/event.type.js';
import { ProjectType } from './project/project.type.js';
import { WorkspaceType } from './workspace/workspace.type.js';

const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, {
    nullable: true,
    description: 'Any object by its id; null if none.',
  })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<NodeInterface | null> {
    return resolveNode(id, 'id', ctx);
  }

  @Query(() => [NodeInterface], {
    nullable: 'items',
    description: `Objects by id, in the order asked, null where none (at most ${MAX_NODES}).`,
  })
  nodes(
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
    return Promise.all(ids.map((id, index) => resolveNode(id, `ids[${index}]`, ctx)));
  }
}

async function resolveNode(
  id: string,
  field: string,
  ctx: GraphQLContext,
): Promise<NodeInterface | null> {
  const decoded = parsePublicId(id);
  if (!decoded)
    throw badInput(field, `${field} is not a Maestro id: ${JSON.stringify(id.slice(0, 40))}`);
  switch (decoded.kind) {
    case 'Workspace': {
      const entity = await ctx.loaders.workspace.load(decoded.uuid);
      return entity ? WorkspaceType.from(entity) : null;
    }
    case 'Project': {
      const entity = await ctx.loaders.project.load(decoded.uuid);
      return entity ? ProjectType.from(entity) : null;
    }
    case 'Event': {
      const event = await ctx.services.events.find(decoded.uuid);
      return event ? EventType.from(event) : null;
    }
  }
}
