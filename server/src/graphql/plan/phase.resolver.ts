import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { DeletePayload } from '../common/payloads.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { TaskType } from '../task/task.type.js';
import {
  CreatePhaseInput,
  DeletePhaseInput,
  MovePhaseInput,
  PhasePayload,
  PhaseType,
  PlanType,
  UpdatePhaseInput,
} from './plan.type.js';

@Resolver(() => PhaseType)
export class PhaseResolver {
  @Mutation(() => PhasePayload, { description: 'Adds a phase (at the end, or at position).' })
  async createPhase(
    @Arg('input') input: CreatePhaseInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PhasePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { plan } = await ctx.access.plan(input.planId, 'plan.write');
      return ctx.services.plans.createPhase(plan.id, {
        name: input.name,
        description: input.description ?? undefined,
        position: input.position ?? undefined,
      });
    });
    return { phase: value ? PhaseType.from(value) : null, userErrors };
  }

  @Mutation(() => PhasePayload)
  async updatePhase(
    @Arg('input') input: UpdatePhaseInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PhasePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { phase } = await ctx.access.phase(input.phaseId, 'plan.write');
      return ctx.services.plans.updatePhase(phase.id, {
        name: input.name ?? undefined,
        description: input.description ?? undefined,
      });
    });
    return { phase: value ? PhaseType.from(value) : null, userErrors };
  }

  @Mutation(() => PhasePayload, { description: 'Reorders a phase within its plan.' })
  async movePhase(
    @Arg('input') input: MovePhaseInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PhasePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { phase } = await ctx.access.phase(input.phaseId, 'plan.write');
      return ctx.services.plans.movePhase(phase.id, input.position);
    });
    return { phase: value ? PhaseType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, { description: 'Deletes a phase without tasks.' })
  async deletePhase(
    @Arg('input') input: DeletePhaseInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { phase } = await ctx.access.phase(input.phaseId, 'plan.write');
      await ctx.services.plans.deletePhase(phase.id);
      return input.phaseId;
    });
    return { deletedId: value, userErrors };
  }

  @FieldResolver(() => PlanType)
  async plan(@Root() phase: PhaseType, @Ctx() ctx: GraphQLContext): Promise<PlanType> {
    const plan = await ctx.loaders.plan.load(phase.planKey);
    if (!plan) throw new Error(`phase ${phase.id} has no plan`);
    return PlanType.from(plan);
  }

  @FieldResolver(() => [TaskType], { description: 'Tasks in order.' })
  async tasks(@Root() phase: PhaseType, @Ctx() ctx: GraphQLContext): Promise<TaskType[]> {
    return (await ctx.loaders.tasksOfPhase.load(phase.key)).map((task) => TaskType.from(task));
  }
}
