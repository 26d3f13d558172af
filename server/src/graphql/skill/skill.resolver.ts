import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { DeletePayload } from '../common/payloads.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { WorkspaceType } from '../workspace/workspace.type.js';
import {
  CreateSkillInput,
  DeleteSkillInput,
  SkillPayload,
  SkillType,
  UpdateSkillInput,
} from './skill.type.js';

@Resolver(() => SkillType)
export class SkillResolver {
  @Mutation(() => SkillPayload)
  async createSkill(
    @Arg('input') input: CreateSkillInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SkillPayload> {
    const { value, userErrors } = await mutate(async () => {
      const workspace = await ctx.access.workspace(input.workspaceId, 'skill.manage');
      return ctx.services.skills.create(workspace.id, {
        name: input.name,
        slug: input.slug ?? undefined,
        color: input.color ?? undefined,
      });
    });
    return { skill: value ? SkillType.from(value) : null, userErrors };
  }

  @Mutation(() => SkillPayload)
  async updateSkill(
    @Arg('input') input: UpdateSkillInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SkillPayload> {
    const { value, userErrors } = await mutate(async () => {
      const skill = await ctx.access.skill(input.skillId, 'skill.manage');
      return ctx.services.skills.update(skill, {
        name: input.name ?? undefined,
        slug: input.slug ?? undefined,
        color: input.color ?? undefined,
      });
    });
    return { skill: value ? SkillType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, { description: 'Deletes a skill that no task needs.' })
  async deleteSkill(
    @Arg('input') input: DeleteSkillInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const skill = await ctx.access.skill(input.skillId, 'skill.manage');
      await ctx.services.skills.delete(skill);
      return input.skillId;
    });
    return { deletedId: value, userErrors };
  }

  @FieldResolver(() => WorkspaceType)
  async workspace(@Root() skill: SkillType, @Ctx() ctx: GraphQLContext): Promise<WorkspaceType> {
    const workspace = await ctx.loaders.workspace.load(skill.workspaceKey);
    if (!workspace) throw new Error(`skill ${skill.id} has no workspace`);
    return WorkspaceType.from(workspace);
  }
}
