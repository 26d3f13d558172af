import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { proficiencyLabel } from '../../domain/skill/proficiency.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { SkillType } from '../skill/skill.type.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import {
  MemberPayload,
  MemberSkillType,
  MemberType,
  RemoveMemberSkillInput,
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
    const userKey = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    return Object.assign(new ViewerType(), {
      kind: userKey ? ViewerKind.USER : ViewerKind.LOCAL,
      user: null,
      userKey,
    });
  }

  @FieldResolver(() => UserType, { nullable: true })
  async user(@Root() viewer: ViewerType, @Ctx() ctx: GraphQLContext): Promise<UserType | null> {
    const user = viewer.userKey ? await ctx.loaders.user.load(viewer.userKey) : undefined;
    return user ? UserType.from(user) : null;
  }

  @FieldResolver(() => [MemberType])
  async memberships(@Root() viewer: ViewerType, @Ctx() ctx: GraphQLContext): Promise<MemberType[]> {
    if (!viewer.userKey) return [];
    return (await ctx.services.members.ofUser(viewer.userKey)).map((member) =>
      MemberType.from(member),
    );
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
