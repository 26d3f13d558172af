import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { ownRun } from '../dispatch/dispatch.resolver.js';
import { mutate } from '../errors.js';
import { AgentRunType } from '../run/run.type.js';
import { RepoContextType } from './knowledge.type.js';
import {
  PostRepoAnalysisInput,
  PostRepoAnalysisPayload,
  StartRepoAnalysisInput,
  StartRepoAnalysisPayload,
} from './repo-analysis.type.js';

/** Repository analysis: an architect asks for it; the daemon doing the run posts what it found. */
@Resolver()
export class RepoAnalysisResolver {
  @Mutation(() => StartRepoAnalysisPayload, {
    description:
      'Queues a REPO_ANALYSIS run for the project (targeted at the best idle session; any session may claim it otherwise). When one is already queued or in flight, that run is returned with alreadyQueued and none is queued. Needs project.analyze (architect and up).',
  })
  async startRepoAnalysis(
    @Arg('input') input: StartRepoAnalysisInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StartRepoAnalysisPayload> {
    const { value, userErrors } = await mutate(async () => {
      const project = await ctx.access.project(input.projectId, 'project.analyze');
      return ctx.services.repoAnalysis.start(project.id);
    });
    return {
      run: value ? AgentRunType.from(value.run) : null,
      alreadyQueued: value ? value.alreadyOpen : null,
      userErrors,
    };
  }

  @Mutation(() => PostRepoAnalysisPayload, {
    description:
      "A REPO_ANALYSIS run's findings, under its lease: the RepoContext (replaced), context files (a new version only when the content changed) and knowledge artifacts (matched by type, name and first file; artifacts an earlier analysis wrote and this one does not list are removed, PATTERN ones only when replacesPatterns is true). Everything is validated before anything is written; a stale lease is STALE_LEASE and changes nothing.",
  })
  async postRepoAnalysis(
    @Arg('input') input: PostRepoAnalysisInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PostRepoAnalysisPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.repoAnalysis.post(await ownRun(ctx, input.runId), input.leaseVersion, {
        repoContext: {
          framework: input.repoContext.framework ?? null,
          techStack: input.repoContext.techStack,
          architectureSummary: input.repoContext.architectureSummary,
          directoryMap: input.repoContext.directoryMap,
        },
        contextFiles: input.contextFiles,
        artifacts: input.artifacts.map((artifact) => ({
          type: artifact.type,
          name: artifact.name,
          language: artifact.language ?? null,
          framework: artifact.framework ?? null,
          summary: artifact.summary ?? '',
          fileRefs: artifact.files.map((file) => ({
            path: file.path,
            ...(file.startLine != null ? { startLine: file.startLine } : {}),
            ...(file.endLine != null ? { endLine: file.endLine } : {}),
          })),
          structure: artifact.structure ?? null,
        })),
        replacesPatterns: input.replacesPatterns ?? false,
      }),
    );
    return {
      repoContext: value ? RepoContextType.from(value.repoContext) : null,
      repoContextChanged: value?.repoContextChanged ?? null,
      contextFilesChanged: value?.contextFilesChanged ?? null,
      contextFilesUnchanged: value?.contextFilesUnchanged ?? null,
      artifactsCreated: value?.artifactsCreated ?? null,
      artifactsUpdated: value?.artifactsUpdated ?? null,
      artifactsUnchanged: value?.artifactsUnchanged ?? null,
      artifactsRemoved: value?.artifactsRemoved ?? null,
      userErrors,
    };
  }
}
