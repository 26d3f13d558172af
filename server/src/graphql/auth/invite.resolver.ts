import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { MemberRole } from '../../domain/access/permissions.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { ProjectType } from '../project/project.type.js';
import { MemberType, UserType } from '../user/user.type.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import {
  AcceptInviteInput,
  AcceptInvitePayload,
  CreateCliInviteInput,
  CreateCliInvitePayload,
  CreateInviteInput,
  CreateInvitePayload,
  InvitePayload,
  InvitePreviewType,
  InviteType,
  RedeemCliInviteInput,
  RedeemCliInvitePayload,
  RevokeInviteInput,
  SignUpInput,
  SignUpPayload,
  TokenDelivery,
} from './auth.type.js';
import { deliver } from './delivery.js';

@Resolver(() => InviteType)
export class InviteResolver {
  @Query(() => InvitePreviewType, {
    description:
      'What an invite token offers (for the page that accepts it). Errors say why it cannot be used.',
  })
  async invitePreview(
    @Arg('token') token: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvitePreviewType> {
    ctx.access.public();
    const invite = await ctx.services.invites.preview(token);
    const workspace = await ctx.loaders.workspace.load(invite.workspaceId);
    const project = invite.projectId ? await ctx.loaders.project.load(invite.projectId) : undefined;
    return Object.assign(new InvitePreviewType(), {
      kind: invite.kind,
      role: invite.role,
      workspaceName: workspace?.name ?? '',
      projectName: project?.name ?? null,
      email: invite.email,
      expiresAt: invite.expiresAt,
    });
  }

  @Mutation(() => CreateInvitePayload, {
    description:
      'Invites someone to a workspace, or (with projectId) to one project, with a role. Works once, for 7 days.',
  })
  async createInvite(
    @Arg('input') input: CreateInviteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateInvitePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { workspace, project } = await ctx.access.workspaceAndProject(
        input.workspaceId,
        input.projectId,
        'member.manage',
      );
      const userId = ctx.access.requireUser('invite people');
      const role = (await ctx.access.roleOn({ workspaceId: workspace.id })) as MemberRole;
      return ctx.services.invites.create(
        {
          workspaceId: workspace.id,
          ...(project ? { projectId: project.id } : {}),
          role: input.role,
          email: input.email ?? undefined,
        },
        { userId, role },
        ctx.client,
      );
    });
    return {
      invite: value ? InviteType.from(value.invite) : null,
      token: value?.token ?? null,
      acceptUrl: value ? ctx.services.links.invite(value.token) : null,
      userErrors,
    };
  }

  @Mutation(() => CreateCliInvitePayload, {
    description:
      'A one-time token (valid 24 hours) with which you connect a machine: `maestro auth <token>`.',
  })
  async createCliInvite(
    @Arg('input') input: CreateCliInviteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreateCliInvitePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { workspace, project } = await ctx.access.workspaceAndProject(
        input.workspaceId,
        input.projectId,
        'cli.connect',
      );
      const userId = ctx.access.requireUser('connect a machine');
      return ctx.services.invites.createCli(
        { workspaceId: workspace.id, ...(project ? { projectId: project.id } : {}) },
        userId,
        ctx.client,
      );
    });
    return {
      invite: value ? InviteType.from(value.invite) : null,
      token: value?.token ?? null,
      command: value ? `maestro auth ${value.token}` : null,
      userErrors,
    };
  }

  @Mutation(() => InvitePayload)
  async revokeInvite(
    @Arg('input') input: RevokeInviteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvitePayload> {
    const { value, userErrors } = await mutate(async () => {
      const invite = await ctx.access.invite(input.inviteId, 'member.manage');
      const userId = ctx.access.requireUser('revoke invites');
      return ctx.services.invites.revoke(invite, userId, ctx.client);
    });
    return { invite: value ? InviteType.from(value) : null, userErrors };
  }

  @Mutation(() => AcceptInvitePayload, {
    description: 'Accepts a workspace or project invite as the signed-in user.',
  })
  async acceptInvite(
    @Arg('input') input: AcceptInviteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AcceptInvitePayload> {
    const userId = ctx.access.requireUser('accept an invite');
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const expected = input.workspaceId
        ? ctx.access.decode('Workspace', input.workspaceId, 'workspaceId')
        : undefined;
      return ctx.services.invites.accept(input.token, userId, expected, ctx.client);
    });
    return { member: value ? MemberType.from(value) : null, userErrors };
  }

  @Mutation(() => SignUpPayload, {
    description: 'Creates an account with an invite, accepts the invite, and signs in.',
  })
  async signUp(
    @Arg('input') input: SignUpInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SignUpPayload> {
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const { session, member } = await ctx.services.invites.signUp(
        {
          token: input.inviteToken,
          email: input.email,
          password: input.password,
          name: input.name,
        },
        ctx.client,
        input.delivery === TokenDelivery.COOKIE ? 'browser' : 'api',
      );
      return { session, member, tokens: deliver(ctx, session, input.delivery) };
    });
    return {
      user: value ? UserType.from(value.session.user) : null,
      member: value ? MemberType.from(value.member) : null,
      tokens: value?.tokens ?? null,
      userErrors,
    };
  }

  @Mutation(() => RedeemCliInvitePayload, {
    description:
      'Redeems a CLI invite on a machine: the identity, an access token (15 min), a refresh token (30 days) and the projects.',
  })
  async redeemCliInvite(
    @Arg('input') input: RedeemCliInviteInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RedeemCliInvitePayload> {
    ctx.access.public();
    const { value, userErrors } = await mutate(async () => {
      const { session, invite } = await ctx.services.invites.redeemCli(
        input.token,
        input.machine,
        ctx.client,
      );
      const [workspace, projects] = await Promise.all([
        ctx.loaders.workspace.load(invite.workspaceId),
        ctx.services.invites.projectsFor(invite, session.user.id),
      ]);
      return { session, workspace, projects, tokens: deliver(ctx, session, TokenDelivery.BEARER) };
    });
    return {
      user: value ? UserType.from(value.session.user) : null,
      workspace: value?.workspace ? WorkspaceType.from(value.workspace) : null,
      projects: value ? value.projects.map((row) => ProjectType.from(row)) : null,
      tokens: value?.tokens ?? null,
      userErrors,
    };
  }

  @FieldResolver(() => WorkspaceType)
  async workspace(@Root() invite: InviteType, @Ctx() ctx: GraphQLContext): Promise<WorkspaceType> {
    const row = await ctx.loaders.workspace.load(invite.workspaceKey);
    if (!row) throw new Error(`invite ${invite.id} has no workspace`);
    return WorkspaceType.from(row);
  }

  @FieldResolver(() => ProjectType, { nullable: true })
  async project(
    @Root() invite: InviteType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType | null> {
    const row = invite.projectKey ? await ctx.loaders.project.load(invite.projectKey) : undefined;
    return row ? ProjectType.from(row) : null;
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'Who issued it.' })
  async createdBy(
    @Root() invite: InviteType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserType | null> {
    const row = await ctx.loaders.user.load(invite.createdByKey);
    return row ? UserType.from(row) : null;
  }
}
