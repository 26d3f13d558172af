import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { decodeId } from '../common/global-id.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import { CreateProjectInput, CreateProjectPayload, ProjectType } from './project.type.js';

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Query(() => ProjectType, { nullable: true, description: 'A project by id; null if none.' })
  async project(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType | null> {
    const entity = await ctx.loaders.project.load(decodeId('Project', id, 'id'));
    return entity ? ProjectType.from(entity) : null;
  }

  @Mutation(() => CreateProjectPayload, {
    description: 'Links a git repository to a workspace; emits ProjectCreated.',
  })
  async createProject(
    @Arg('input') input: CreateProjectInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateProjectPayload> {
    const { value, userErrors } = await mutate(() =>
      ctx.services.projects.create({
        workspaceId: decodeId('Workspace', input.workspaceId, 'workspaceId'),
        remoteUrl: input.remoteUrl,
        name: input.name ?? undefined,
        slug: input.slug ?? undefined,
        baseBranch: input.baseBranch ?? undefined,
        releaseMode: input.releaseMode ?? undefined,
        host: input.host ?? undefined,
      }),
    );
    return { project: value ? ProjectType.from(value) : null, userErrors };
  }

  @FieldResolver(() => WorkspaceType)
  async workspace(
    @Root() project: ProjectType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkspaceType> {
    const entity = await ctx.loaders.workspace.load(project.workspaceKey);
    if (!entity) throw new Error(`project ${project.id} has no workspace`);
    return WorkspaceType.from(entity);
  }
}
