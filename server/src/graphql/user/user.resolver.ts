import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { userOf } from '../../domain/access/actor.js';
import { DomainError, ErrorCode } from '../../domain/common/errors.js';
import { proficiencyLabel } from '../../domain/skill/proficiency.js';
import type { Manager } from '../../domain/user/member.service.js';
import { DeletePayload } from '../common/payloads.js';
import { ProjectType } from '../project/project.type.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { SkillType } from '../skill/skill.type.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import {
  MemberPayload,
  MemberSkillType,
  MemberType,
  ProjectRoleType,
  RemoveMemberInput,
  RemoveMemberSkillInput,
  SetProjectRoleInput,
  UpdateMemberInput,
  SetMemberSkillInput,
  UserType,
  ViewerKind,
  ViewerType,
} from './user.type.js';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, { description: 'Who is asking, and their memberships.' })
  viewer(@Ctx() ctx: GraphQLContext): ViewerType {
    ctx.access.public();
    const actor = ctx.actor;
    return Object.assign(new ViewerType(), {
      kind:
        actor.kind === 'user'
          ? ViewerKind.USER
          : actor.kind === 'token'
            ? ViewerKind.API_TOKEN
            : ViewerKind.ANONYMOUS,
      user: null,
      userKey: userOf(actor) ?? null,
      authenticationError: actor.kind === 'anonymous' ? (actor.reason ?? null) : null,
    });
  }

  @FieldResolver(() => UserType, { nullable: true })
  async user(@Root() viewer: ViewerType, @Ctx() ctx: GraphQLContext): Promise<UserType | null> {
    const user = viewer.userKey ? await ctx.loaders.user.load(viewer.userKey) : undefined;
    return user ? UserType.from(user) : null;
  }

  @FieldResolver(() => [MemberType], {
    description: "The user's memberships (an API token's: the one of its workspace).",
  })
  async memberships(@Root() viewer: ViewerType, @Ctx() ctx: GraphQLContext): Promise<MemberType[]> {
    if (!viewer.userKey) return [];
    const actor = ctx.actor;
    return (await ctx.services.members.ofUser(viewer.userKey))
      .filter((member) => actor.kind !== 'token' || member.workspaceId === actor.workspaceId)
      .map((member) => MemberType.from(member));
  }
}

@Resolver(() => MemberType)
export class MemberResolver {
  @Mutation(() => MemberPayload, {
    description: "Sets a member's proficiency in a skill (any accepted spelling; stored as 1-5).",
  })
  async setMemberSkill(
    @Arg('input') input: SetMemberSkillInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberPayload> {
    const { value, userErrors } = await mutate(async () => {
      const member = await ctx.access.member(input.memberId, 'memberSkill.manage');
      await ctx.services.skills.setMemberSkill(member.id, input.skill, input.proficiency);
      return member;
    });
    return { member: value ? MemberType.from(value) : null, userErrors };
  }

  @Mutation(() => MemberPayload)
  async removeMemberSkill(
    @Arg('input') input: RemoveMemberSkillInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberPayload> {
    const { value, userErrors } = await mutate(async () => {
      const member = await ctx.access.member(input.memberId, 'memberSkill.manage');
      await ctx.services.skills.removeMemberSkill(member.id, input.skill);
      return member;
    });
    return { member: value ? MemberType.from(value) : null, userErrors };
  }

  @Mutation(() => MemberPayload, {
    description:
      "Changes a member's role or scope. Nobody grants more than they hold; only owners change owners; a workspace keeps an owner.",
  })
  async updateMember(
    @Arg('input') input: UpdateMemberInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberPayload> {
    const { value, userErrors } = await mutate(async () => {
      const member = await ctx.access.member(input.memberId, 'member.manage');
      return ctx.services.memberships.update(
        member,
        { role: input.role ?? undefined, scope: input.scope ?? undefined },
        await this.manager(ctx, member.workspaceId),
        ctx.client,
      );
    });
    return { member: value ? MemberType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, {
    description:
      'Removes a member from a workspace (and its projects); their API tokens stop working.',
  })
  async removeMember(
    @Arg('input') input: RemoveMemberInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const member = await ctx.access.member(input.memberId, 'member.manage');
      await ctx.services.memberships.remove(
        member,
        await this.manager(ctx, member.workspaceId),
        ctx.client,
      );
      return input.memberId;
    });
    return { deletedId: value, userErrors };
  }

  @Mutation(() => MemberPayload, {
    description:
      "Sets or removes a member's role on one project (it replaces their workspace role there).",
  })
  async setProjectRole(
    @Arg('input') input: SetProjectRoleInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberPayload> {
    const { value, userErrors } = await mutate(async () => {
      const member = await ctx.access.member(input.memberId, 'member.manage');
      const project = await ctx.access.project(input.projectId, 'member.manage');
      if (project.workspaceId !== member.workspaceId) {
        throw new DomainError(
          ErrorCode.BAD_USER_INPUT,
          'projectId: the project is in another workspace than the member',
          ['projectId'],
        );
      }
      return ctx.services.memberships.setProjectRole(
        member,
        project.id,
        input.role ?? null,
        await this.manager(ctx, member.workspaceId),
        ctx.client,
      );
    });
    return { member: value ? MemberType.from(value) : null, userErrors };
  }

  private async manager(ctx: GraphQLContext, workspaceId: string): Promise<Manager> {
    const userId = ctx.access.requireUser('manage members');
    const role = await ctx.access.roleOn({ workspaceId });
    if (!role) throw new DomainError(ErrorCode.FORBIDDEN, 'you are not a member of this workspace');
    return { userId, role };
  }

  @FieldResolver(() => [ProjectRoleType], { description: 'Roles on single projects.' })
  async projectRoles(
    @Root() member: MemberType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectRoleType[]> {
    return (await ctx.services.memberships.projectRoles(member.key)).map((row) =>
      Object.assign(new ProjectRoleType(), { role: row.role, projectKey: row.projectId }),
    );
  }

  @FieldResolver(() => UserType)
  async user(@Root() member: MemberType, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    const user = await ctx.loaders.user.load(member.userKey);
    if (!user) throw new Error(`member ${member.id} has no user`);
    return UserType.from(user);
  }

  @FieldResolver(() => WorkspaceType)
  async workspace(@Root() member: MemberType, @Ctx() ctx: GraphQLContext): Promise<WorkspaceType> {
    const workspace = await ctx.loaders.workspace.load(member.workspaceKey);
    if (!workspace) throw new Error(`member ${member.id} has no workspace`);
    return WorkspaceType.from(workspace);
  }

  @FieldResolver(() => [MemberSkillType])
  async skills(@Root() member: MemberType, @Ctx() ctx: GraphQLContext): Promise<MemberSkillType[]> {
    return (await ctx.loaders.memberSkills.load(member.key)).map((row) =>
      Object.assign(new MemberSkillType(), {
        proficiency: row.proficiency,
        label: proficiencyLabel(row.proficiency),
        skillKey: row.skillId,
      }),
    );
  }
}

@Resolver(() => MemberSkillType)
export class MemberSkillResolver {
  @FieldResolver(() => SkillType)
  async skill(@Root() row: MemberSkillType, @Ctx() ctx: GraphQLContext): Promise<SkillType> {
    const skill = await ctx.loaders.skill.load(row.skillKey);
    if (!skill) throw new Error(`member skill without skill ${row.skillKey}`);
    return SkillType.from(skill);
  }
}

@Resolver(() => ProjectRoleType)
export class ProjectRoleResolver {
  @FieldResolver(() => ProjectType)
  async project(@Root() row: ProjectRoleType, @Ctx() ctx: GraphQLContext): Promise<ProjectType> {
    const project = await ctx.loaders.project.load(row.projectKey);
    if (!project) throw new Error(`project role without project ${row.projectKey}`);
    return ProjectType.from(project);
  }
}
