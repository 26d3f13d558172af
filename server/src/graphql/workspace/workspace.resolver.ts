import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import type { GraphQLContext } from '../context.js';
import { readNode } from '../read-node.js';
import { auditAs } from '../audit.js';
import { DeletePayload } from '../common/payloads.js';
import { mutate } from '../errors.js';
import {
  ApiTokenConnection,
  ApiTokenType,
  AuditEntryConnection,
  AuditEntryType,
  InviteConnection,
  InviteType,
} from '../auth/auth.type.js';
import { ProjectConnection, ProjectType } from '../project/project.type.js';
import { SkillType } from '../skill/skill.type.js';
import { MemberType } from '../user/user.type.js';
import {
  CreateWorkspaceInput,
  WorkspacePayload,
  DeleteWorkspaceInput,
  UpdateWorkspaceInput,
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
    return readNode<WorkspaceType>(ctx, 'Workspace', id);
  }

  @Query(() => WorkspaceConnection, {
    description: 'The workspaces the viewer can see, oldest first.',
  })
  async workspaces(
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<WorkspaceType>> {
    // The list is scoped to the actor: a user sees the workspaces they are a member of, an
    // API token the one it belongs to (while its creator is a member there).
    const actor = ctx.actor;
    if (actor.kind === 'anonymous') await ctx.access.authorize('workspace.read', {});
    ctx.access.public();
    const request = toPageRequest(args);
    const scope =
      actor.kind === 'user'
        ? { userId: actor.userId }
        : actor.kind === 'token'
          ? { userId: actor.userId, workspaceId: actor.workspaceId }
          : {};
    const page = await ctx.services.workspaces.list(request, scope);
    return toConnection(
      page,
      request,
      (row) => WorkspaceType.from(row),
      () => ctx.services.workspaces.count(scope),
    );
  }

  @Mutation(() => WorkspacePayload, {
    description: 'Creates a workspace; a signed-in user becomes its owner.',
  })
  async createWorkspace(
    @Arg('input') input: CreateWorkspaceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkspacePayload> {
    const { value, userErrors } = await mutate(async () => {
      await ctx.access.authorize('workspace.create', {});
      return ctx.services.workspaces.create(
        { name: input.name, slug: input.slug ?? undefined },
        ctx.access.requireUser('create a workspace'),
      );
    });
    return { workspace: value ? WorkspaceType.from(value) : null, userErrors };
  }

  @Mutation(() => WorkspacePayload)
  async updateWorkspace(
    @Arg('input') input: UpdateWorkspaceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkspacePayload> {
    const { value, userErrors } = await mutate(async () => {
      const workspace = await ctx.access.workspace(input.workspaceId, 'workspace.update');
      return ctx.services.workspaces.update(workspace, {
        name: input.name ?? undefined,
        slug: input.slug ?? undefined,
      });
    });
    return { workspace: value ? WorkspaceType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, {
    description:
      'Deletes a workspace and everything in it (owners only); confirmSlug must repeat its slug.',
  })
  async deleteWorkspace(
    @Arg('input') input: DeleteWorkspaceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const workspace = await ctx.access.workspace(input.workspaceId, 'workspace.delete');
      await ctx.services.workspaces.delete(
        workspace,
        input.confirmSlug,
        (id) => ctx.services.projects.runningPlansInWorkspace(id),
        auditAs(ctx, {
          workspaceId: null,
          action: 'workspace.deleted',
          target: input.workspaceId,
          details: { slug: workspace.slug, name: workspace.name },
        }),
      );
      return input.workspaceId;
    });
    return { deletedId: value, userErrors };
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
    // Members who see only some projects (and project-bound API tokens) get just those.
    const only = await ctx.access.visibleProjects(workspace.key);
    const page = await ctx.services.projects.listInWorkspace(workspace.key, request, only);
    return toConnection(
      page,
      request,
      (row) => ProjectType.from(row),
      () =>
        only
          ? Promise.resolve(only.length)
          : ctx.loaders.projectCountByWorkspace.load(workspace.key),
    );
  }

  @FieldResolver(() => InviteConnection, {
    description: 'Invites not yet used, revoked or expired, oldest first (admins and owners).',
  })
  async invites(
    @Root() workspace: WorkspaceType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<InviteType>> {
    await ctx.access.authorize('member.manage', { workspaceId: workspace.key });
    const request = toPageRequest(args);
    const page = await ctx.services.invites.pending(workspace.key, request);
    return toConnection(
      page,
      request,
      (row) => InviteType.from(row),
      () => ctx.services.invites.countPending(workspace.key),
    );
  }

  @FieldResolver(() => ApiTokenConnection, {
    description: 'API tokens, revoked ones included, oldest first (admins and owners).',
  })
  async apiTokens(
    @Root() workspace: WorkspaceType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<ApiTokenType>> {
    await ctx.access.authorize('apiToken.manage', { workspaceId: workspace.key });
    const request = toPageRequest(args);
    const page = await ctx.services.apiTokens.page(workspace.key, request);
    return toConnection(
      page,
      request,
      (row) => ApiTokenType.from(row),
      () => ctx.services.apiTokens.count(workspace.key),
    );
  }

  @FieldResolver(() => AuditEntryConnection, {
    description:
      "Security events, oldest first: this workspace's, and its members' sign-ins, failed sign-ins and refresh-token reuse (admins and owners).",
  })
  async auditLog(
    @Root() workspace: WorkspaceType,
    @Args() args: ConnectionArgs,
    @Arg('actions', () => [String], {
      nullable: true,
      description: 'Only these actions, e.g. ["login.failed", "refresh_token.reused"].',
    })
    actions: string[] | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<AuditEntryType>> {
    await ctx.access.authorize('audit.read', { workspaceId: workspace.key });
    const request = toPageRequest(args);
    const page = await ctx.services.audit.page(workspace.key, request, actions ?? undefined);
    return toConnection(
      page,
      request,
      (row) => AuditEntryType.from(row),
      () => ctx.services.audit.count(workspace.key, actions ?? undefined),
    );
  }

  @FieldResolver(() => [MemberType], { description: 'Members, oldest first.' })
  async members(
    @Root() workspace: WorkspaceType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberType[]> {
    return (await ctx.services.members.inWorkspace(workspace.key)).map((row) =>
      MemberType.from(row),
    );
  }

  @FieldResolver(() => [SkillType], { description: 'Skills, by name.' })
  async skills(@Root() workspace: WorkspaceType, @Ctx() ctx: GraphQLContext): Promise<SkillType[]> {
    return (await ctx.services.skills.inWorkspace(workspace.key)).map((row) => SkillType.from(row));
  }
}
