import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import type { GraphQLContext } from '../context.js';
import { ProjectType } from '../project/project.type.js';
import { AgentSessionType } from '../session/session.type.js';
import {
  ContextFileType,
  ContextFileVersionType,
  KnowledgeArtifactConnection,
  KnowledgeArtifactGraphType,
  KnowledgeFilterInput,
  RepoContextType,
} from './knowledge.type.js';

/** What a project knows about itself, and who works on it. */
@Resolver(() => ProjectType)
export class ProjectKnowledgeResolver {
  @FieldResolver(() => RepoContextType, {
    nullable: true,
    description: 'Null until the repository is analysed.',
  })
  async repoContext(
    @Root() project: ProjectType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RepoContextType | null> {
    const context = await ctx.loaders.repoContext.load(project.key);
    return context ? RepoContextType.from(context) : null;
  }

  @FieldResolver(() => [ContextFileType], { description: 'Context files, by kind and name.' })
  async contextFiles(
    @Root() project: ProjectType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContextFileType[]> {
    return (await ctx.loaders.contextFilesOfProject.load(project.key)).map((row) =>
      ContextFileType.from(row),
    );
  }

  @FieldResolver(() => KnowledgeArtifactConnection, {
    description: 'Knowledge artifacts, filtered by type, language and framework; oldest first.',
  })
  async knowledge(
    @Root() project: ProjectType,
    @Arg('filter', () => KnowledgeFilterInput, { nullable: true })
    filter: KnowledgeFilterInput | null,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<KnowledgeArtifactGraphType>> {
    const domainFilter = {
      types: filter?.type ?? undefined,
      language: filter?.language ?? undefined,
      framework: filter?.framework ?? undefined,
    };
    const request = toPageRequest(args);
    const page = await ctx.services.knowledge.listArtifacts(project.key, domainFilter, request);
    return toConnection(
      page,
      request,
      (row) => KnowledgeArtifactGraphType.from(row),
      () => ctx.services.knowledge.countArtifacts(project.key, domainFilter),
    );
  }

  @FieldResolver(() => [AgentSessionType], { description: 'Agent sessions, newest first.' })
  async sessions(
    @Root() project: ProjectType,
    @Arg('includeEnded', { defaultValue: false }) includeEnded: boolean,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentSessionType[]> {
    return (await ctx.services.sessions.inProject(project.key, includeEnded)).map((row) =>
      AgentSessionType.from(row),
    );
  }
}

@Resolver(() => ContextFileType)
export class ContextFileResolver {
  @FieldResolver(() => [ContextFileVersionType], { description: 'Past contents, newest first.' })
  async versions(
    @Root() file: ContextFileType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContextFileVersionType[]> {
    return (await ctx.loaders.contextFileVersions.load(file.key)).map((row) =>
      ContextFileVersionType.from(row),
    );
  }
}
