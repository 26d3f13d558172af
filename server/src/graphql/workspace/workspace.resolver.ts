import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import { decodeId } from '../common/global-id.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { ProjectConnection, ProjectType } from '../project/project.type.js';
import {
  CreateWorkspaceInput,
  CreateWorkspacePayload,
  WorkspaceConnection,
  WorkspaceType,
} from './workspace.type.js';

@Resolver(() => WorkspaceType)
export class WorkspaceResolver {
  @Query(() => WorkspaceType, { nullable: true, description: 'A workspace by id; null if none.' })
  async workspace(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkspaceType | null> {
    const entity = await ctx.loaders.workspace.load(decodeId('Workspace', id, 'id'));
    return entity ? WorkspaceType.from(entity) : null;
  }

  @Query(() => WorkspaceConnection, { description: 'Workspaces, oldest first.' })
  async workspaces(
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<WorkspaceType>> {
    const request = toPageRequest(args);
    const page = await ctx.services.workspaces.list(request);
    return toConnection(
      page,
      request,
      (row) => WorkspaceType.from(row),
      () => ctx.services.workspaces.count(),
    );
  }

  @Mutation(() => CreateWorkspacePayload)
  async createWorkspace(
    @Arg('input') input: CreateWorkspaceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateWorkspacePayload> {
    const { value, userErrors } = await mutate(() =>
      ctx.services.workspaces.create({ name: input.name, slug: input.slug ?? undefined }),
    );
    return { workspace: value ? WorkspaceType.from(value) : null, userErrors };
  }

  @FieldResolver(() => ProjectConnection, {
    description: "The workspace's projects, oldest first.",
  })
  async projects(
    @Root() workspace: WorkspaceType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<ProjectType>> {
    const request = toPageRequest(args);
    const page = await ctx.services.projects.listInWorkspace(workspace.key, request);
    return toConnection(
      page,
      request,
      (row) => ProjectType.from(row),
      () => ctx.loaders.projectCountByWorkspace.load(workspace.key),
    );
  }
}
