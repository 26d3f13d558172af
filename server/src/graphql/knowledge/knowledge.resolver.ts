import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { KnowledgeArtifactType } from '../../domain/knowledge/knowledge.entity.js';
import { RRF_K } from '../../domain/knowledge/knowledge-search.js';
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
  KnowledgeEmbedderType,
  KnowledgeFilterInput,
  KnowledgeHitType,
  RepoContextType,
} from './knowledge.type.js';

/** What a project knows about itself, and who works on it; and searching that knowledge. */
@Resolver(() => ProjectType)
export class ProjectKnowledgeResolver {
  @Query(() => [KnowledgeHitType], {
    description: `Hybrid search of a project's knowledge artifacts, best first: the nearest vectors by cosine distance and the best full-text matches (each half ranks max(50, first × 5) candidates), fused by reciprocal rank fusion (k = ${RRF_K}). Filtered by type, language and framework (case-insensitive). query is 1-1000 characters, first 1-50. Needs read access to the project.`,
  })
  async knowledgeSearch(
    @Arg('projectId', () => ID) projectId: string,
    @Arg('query') query: string,
    @Arg('type', () => [KnowledgeArtifactType], { nullable: true })
    type: KnowledgeArtifactType[] | null,
    @Arg('language', () => String, { nullable: true }) language: string | null,
    @Arg('framework', () => String, { nullable: true }) framework: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<KnowledgeHitType[]> {
    const project = await ctx.access.project(projectId, 'workspace.read');
    const hits = await ctx.services.knowledge.search(
      project.id,
      query,
      {
        types: type ?? undefined,
        language: language ?? undefined,
        framework: framework ?? undefined,
      },
      first ?? 10,
    );
    return hits.map((hit) => KnowledgeHitType.from(hit));
  }

  @Query(() => KnowledgeEmbedderType, {
    description:
      'The embedder behind knowledge vectors and knowledgeSearch: the built-in lexical one (local) or an OpenAI-compatible endpoint. Needs any sign-in.',
  })
  knowledgeEmbedder(@Ctx() ctx: GraphQLContext): KnowledgeEmbedderType {
    // Anonymous callers never get here (authorization.ts). It is Studio-wide and the same for
    // everyone signed in: it reveals nothing of any workspace.
    ctx.access.public();
    return KnowledgeEmbedderType.from(ctx.services.knowledge.embedder);
  }

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
