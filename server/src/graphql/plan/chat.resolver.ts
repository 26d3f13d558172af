import {
  Arg,
  Ctx,
  Field,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  registerEnumType,
  Resolver,
} from 'type-graphql';
import { PlannerKind } from '../../domain/planning/chat/planner.service.js';
import { UserError } from '../common/user-error.type.js';
import type { GraphQLContext } from '../context.js';
import { ownRun } from '../dispatch/dispatch.resolver.js';
import { mutate } from '../errors.js';
import { PlanMessageType } from './plan.type.js';

registerEnumType(PlannerKind, {
  name: 'PlannerKind',
  description: 'Who answers a plan chat message (docs/planning.md, "Plan chat").',
});

@InputType('SendPlanMessageInput')
export class SendPlanMessageInput {
  @Field(() => ID)
  planId: string;

  @Field({ description: 'The message, 1–20,000 characters (trimmed).' })
  text: string;
}

@ObjectType('SendPlanMessagePayload')
export class SendPlanMessagePayload {
  @Field(() => PlanMessageType, { nullable: true, description: "The user's message, recorded." })
  message: PlanMessageType | null;

  @Field(() => PlannerKind, {
    nullable: true,
    description:
      'Who answers: OPENAI (streamed on planChat), DAEMON (a PLANNING run) or NONE (the conversation says so).',
  })
  planner: PlannerKind | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('PostPlanProposalInput')
export class PostPlanProposalInput {
  @Field(() => ID, { description: 'A PLANNING or REFINE run of a plan.' })
  runId: string;

  @Field(() => Int, { description: 'From claimRun; a stale one is STALE_LEASE.' })
  leaseVersion: number;

  @Field({ description: "The provider's reply, 1–200,000 characters (trimmed)." })
  text: string;
}

@ObjectType('PostPlanProposalPayload')
export class PostPlanProposalPayload {
  @Field(() => PlanMessageType, {
    nullable: true,
    description:
      "The planner's message: a PROPOSAL (with the parsed proposal), QUESTION or FOLLOW_UP.",
  })
  message: PlanMessageType | null;

  @Field(() => PlanMessageType, {
    nullable: true,
    description:
      "Studio's SYSTEM message naming the parser's errors, when the proposal was malformed.",
  })
  notice: PlanMessageType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@Resolver()
export class PlanChatResolver {
  @Mutation(() => SendPlanMessagePayload, {
    description:
      "Sends a message to the plan's planner: recorded at once, answered asynchronously on planChat. Refused while the planner is still answering.",
  })
  async sendPlanMessage(
    @Arg('input') input: SendPlanMessageInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SendPlanMessagePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { plan, project } = await ctx.access.plan(input.planId, 'plan.write');
      return ctx.services.planner.send(plan, project, input.text);
    });
    return {
      message: value ? PlanMessageType.from(value.message) : null,
      planner: value?.planner ?? null,
      userErrors,
    };
  }

  @Mutation(() => PostPlanProposalPayload, {
    description:
      "A PLANNING or REFINE run's reply, under its lease: recorded as the planner's message in its plan's conversation, classified like the model's.",
  })
  async postPlanProposal(
    @Arg('input') input: PostPlanProposalInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PostPlanProposalPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.planner.postFromRun(
        await ownRun(ctx, input.runId),
        input.leaseVersion,
        input.text,
      ),
    );
    return {
      message: value ? PlanMessageType.from(value.message) : null,
      notice: value?.notice ? PlanMessageType.from(value.notice) : null,
      userErrors,
    };
  }
}
