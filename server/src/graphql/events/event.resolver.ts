import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { DomainError, ErrorCode, notFound } from '../../domain/common/errors.js';
import type { EventRecord } from '../../domain/events/event.types.js';
import {
  MAX_PAGE_SIZE,
  requirePageSize,
  toSeqConnection,
  type ConnectionShape,
} from '../common/connection.js';
import { decodeId } from '../common/global-id.js';
import { SafeInt } from '../common/scalars.js';
import type { GraphQLContext } from '../context.js';
import { ProjectType } from '../project/project.type.js';
import { EventConnection, EventType } from './event.type.js';

interface ProjectEventsArgs {
  projectId: string;
  after?: number | null;
}

@Resolver(() => EventType)
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      "A project's events with seq > after, oldest first: the back-fill after a reconnect.",
  })
  async events(
    @Arg('projectId', () => ID) projectId: string,
    @Arg('after', () => SafeInt, { defaultValue: 0, description: 'The last seq already seen.' })
    after: number,
    @Arg('first', () => Int, { defaultValue: 100, description: `At most ${MAX_PAGE_SIZE}.` })
    first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<EventType>> {
    const key = await requireProject(ctx, projectId);
    const { events, lastSeq } = await ctx.services.events.list(
      key,
      after,
      requirePageSize('first', first),
    );
    return toSeqConnection(events, after, lastSeq, (event) => EventType.from(event));
  }

  @Subscription(() => EventType, {
    description:
      "A project's events: first those with seq > after (when given), then live ones as they are committed; each once, in order.",
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const { projectId, after } = args as ProjectEventsArgs;
      const key = await requireProject(ctx, projectId);
      return ctx.services.events.stream(key, after ?? undefined);
    },
  })
  projectEvents(
    @Root() event: EventRecord,
    @Arg('projectId', () => ID) _projectId: string,
    @Arg('after', () => SafeInt, {
      nullable: true,
      description: 'Replay events after this seq first; omit to receive only new events.',
    })
    _after: number | null,
  ): EventType {
    return EventType.from(event);
  }

  @FieldResolver(() => ProjectType)
  async project(@Root() event: EventType, @Ctx() ctx: GraphQLContext): Promise<ProjectType> {
    const entity = await ctx.loaders.project.load(event.projectKey);
    if (!entity) throw notFound('Project');
    return ProjectType.from(entity);
  }
}

/** Decodes and authorizes the project whose events are asked for; NOT_FOUND if none. */
async function requireProject(ctx: GraphQLContext, projectId: string): Promise<string> {
  const key = decodeId('Project', projectId, 'projectId');
  const project = await ctx.loaders.project.load(key);
  if (!project) {
    throw new DomainError(ErrorCode.NOT_FOUND, `projectId: no project ${projectId}`, ['projectId']);
  }
  await ctx.access.authorize('workspace.read', {
    workspaceId: project.workspaceId,
    projectId: key,
  });
  return key;
}
