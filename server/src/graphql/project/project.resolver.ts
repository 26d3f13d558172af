import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DomainError, ErrorCode } from '../../domain/common/errors.js';
import { PlanStatus } from '../../domain/plan/plan-lifecycle.js';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import type { GraphQLContext } from '../context.js';
import { readNode } from '../read-node.js';
import { mutate } from '../errors.js';
import { PlanConnection, PlanType } from '../plan/plan.type.js';
import { taskConnection } from '../task/task-connection.js';
import { TaskConnection, TaskFilterInput, type TaskType } from '../task/task.type.js';
import { auditAs } from '../audit.js';
import { DeletePayload } from '../common/payloads.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import {
  CreateProjectInput,
  ProjectPayload,
  DeleteProjectInput,
  ProjectType,
  UpdateProjectInput,
  ProjectWebhookType,
} from './project.type.js';
import { RepositoryHost } from '../../domain/project/project.entity.js';

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Query(() => ProjectType, { nullable: true, description: 'A project by id; null if none.' })
  async project(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType | null> {
    return readNode<ProjectType>(ctx, 'Project', id);
  }

  @Query(() => [ProjectType], {
    description:
      'The projects linked to a repository that you can see (at most one per workspace), given as any form of its remote (https, ssh, scp-like, with or without .git). How the CLI finds the project of a clone.',
  })
  async projectsByRemote(
    @Arg('remoteUrl') remoteUrl: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType[]> {
    if (ctx.actor.kind === 'anonymous') {
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        ctx.actor.reason ?? 'sign in to look up projects',
      );
    }
    const keys = await ctx.services.projects.linkedTo(remoteUrl, 'remoteUrl');
    const visible: ProjectType[] = [];
    for (const key of keys) {
      try {
        visible.push(ProjectType.from(await ctx.access.projectByKey(key, 'workspace.read')));
      } catch (error) {
        // a project in someone else's workspace is not an answer, nor a refusal
        if (!(error instanceof DomainError && error.code === ErrorCode.FORBIDDEN)) throw error;
      }
    }
    // what is shown is only what the caller may read: an empty list reveals nothing
    ctx.access.public();
    return visible;
  }

  @Mutation(() => ProjectPayload, {
    description: 'Links a git repository to a workspace; emits ProjectCreated.',
  })
  async createProject(
    @Arg('input') input: CreateProjectInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectPayload> {
    const { value, userErrors } = await mutate(async () => {
      const workspace = await ctx.access.workspace(input.workspaceId, 'project.create');
      return ctx.services.projects.create(
        {
          workspaceId: workspace.id,
          remoteUrl: input.remoteUrl,
          name: input.name ?? undefined,
          slug: input.slug ?? undefined,
          baseBranch: input.baseBranch ?? undefined,
          releaseMode: input.releaseMode ?? undefined,
          host: input.host ?? undefined,
          hostToken: input.hostToken ?? undefined,
          hostApiUrl: input.hostApiUrl ?? undefined,
          pullRequestPerTask: input.pullRequestPerTask ?? undefined,
        },
        (manager, details) =>
          auditAs(ctx, {
            workspaceId: workspace.id,
            action: 'project.host_token_changed',
            target: String(details.project),
            details: { removed: details.removed },
          })(manager),
      );
    });
    return { project: value ? ProjectType.from(value) : null, userErrors };
  }

  @Mutation(() => ProjectPayload, {
    description: "Changes a project's settings (not its remote); emits ProjectUpdated.",
  })
  async updateProject(
    @Arg('input') input: UpdateProjectInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectPayload> {
    const { value, userErrors } = await mutate(async () => {
      const project = await ctx.access.project(input.projectId, 'project.update');
      return ctx.services.projects.update(
        project,
        {
          name: input.name ?? undefined,
          slug: input.slug ?? undefined,
          baseBranch: input.baseBranch ?? undefined,
          releaseMode: input.releaseMode ?? undefined,
          host: input.host ?? undefined,
          reviewerProvider: input.reviewerProvider,
          reviewerModel: input.reviewerModel,
          hostToken: input.hostToken,
          hostApiUrl: input.hostApiUrl,
          pullRequestPerTask: input.pullRequestPerTask ?? undefined,
        },
        (manager, details) =>
          auditAs(ctx, {
            workspaceId: project.workspaceId,
            action: 'project.host_token_changed',
            target: input.projectId,
            details,
          })(manager),
      );
    });
    return { project: value ? ProjectType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, {
    description: 'Deletes a project and everything in it; refused while a plan of it is running.',
  })
  async deleteProject(
    @Arg('input') input: DeleteProjectInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const project = await ctx.access.project(input.projectId, 'project.delete');
      await ctx.services.projects.delete(
        project,
        auditAs(ctx, {
          workspaceId: project.workspaceId,
          action: 'project.deleted',
          target: input.projectId,
          details: { normalizedRemote: project.normalizedRemote },
        }),
      );
      return input.projectId;
    });
    return { deletedId: value, userErrors };
  }

  @FieldResolver(() => ProjectWebhookType, {
    nullable: true,
    description:
      'The webhook to configure on the host (GitHub, GitLab; null for plain git remotes); for those who may update the project.',
  })
  async webhook(
    @Root() project: ProjectType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectWebhookType | null> {
    await ctx.access.project(project.id, 'project.update');
    if (project.host !== RepositoryHost.GITHUB && project.host !== RepositoryHost.GITLAB) {
      return null;
    }
    const github = project.host === RepositoryHost.GITHUB;
    return Object.assign(new ProjectWebhookType(), {
      path: github ? '/webhooks/github' : '/webhooks/gitlab',
      secret: ctx.services.projects.webhookSecrets(project.key)[0],
      events: github ? ['pull_request'] : ['Merge request events'],
    });
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

  @FieldResolver(() => PlanConnection, { description: "The project's plans, oldest first." })
  async plans(
    @Root() project: ProjectType,
    @Arg('status', () => [PlanStatus], { nullable: true, description: 'Any of these statuses.' })
    status: PlanStatus[] | null,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<PlanType>> {
    const request = toPageRequest(args);
    const statuses = status ?? undefined;
    const page = await ctx.services.plans.listInProject(project.key, statuses, request);
    return toConnection(
      page,
      request,
      (row) => PlanType.from(row),
      () => ctx.services.plans.countInProject(project.key, statuses),
    );
  }

  @FieldResolver(() => TaskConnection, { description: "The project's tasks, filtered." })
  async tasks(
    @Root() project: ProjectType,
    @Arg('filter', () => TaskFilterInput, { nullable: true }) filter: TaskFilterInput | null,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<TaskType>> {
    return taskConnection(ctx, project.key, filter, args);
  }
}
