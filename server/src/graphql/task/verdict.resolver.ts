import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { parsePublicIdOf } from '../../domain/common/public-id.js';
import type { EventRecord } from '../../domain/events/event.types.js';
import { SafeInt } from '../common/scalars.js';
import type { GraphQLContext } from '../context.js';
import { AgentRunType } from '../run/run.type.js';
import { MemberType } from '../user/user.type.js';
import { TaskType } from './task.type.js';

@ObjectType('ReviewVerdict', {
  description:
    "A review's verdict on a task's work: the reviewer's (a REVIEW run) or a member's by hand. From the project's ReviewApproved and ReviewRejected events.",
})
export class ReviewVerdictType {
  @Field(() => SafeInt, { description: "The event's seq in the project's log." })
  seq: number;

  @Field()
  approved: boolean;

  @Field()
  occurredAt: Date;

  @Field(() => String, {
    nullable: true,
    description: "Why: a rejection's reason, or what the member said approving by hand.",
  })
  reason: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The revision a rejection sent the task into (1, 2, …); null for approvals.',
  })
  revision: number | null;

  runKey: string | null;
  memberKey: string | null;

  static from(event: EventRecord): ReviewVerdictType {
    const { payload } = event;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const runId = text(payload.runId);
    const memberId = text(payload.by);
    return Object.assign(new ReviewVerdictType(), {
      seq: event.seq,
      approved: event.type === 'ReviewApproved',
      occurredAt: event.occurredAt,
      reason: text(payload.reason),
      revision: typeof payload.revision === 'number' ? payload.revision : null,
      runKey: runId ? (parsePublicIdOf('Run', runId) ?? null) : null,
      memberKey: memberId ? (parsePublicIdOf('Member', memberId) ?? null) : null,
    });
  }
}

@Resolver(() => TaskType)
export class TaskVerdictsResolver {
  @FieldResolver(() => [ReviewVerdictType], {
    description: "The task's review verdicts, oldest first (batched across tasks).",
  })
  async verdicts(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<ReviewVerdictType[]> {
    return (await ctx.loaders.verdictsOfTask.load(task.key)).map((event) =>
      ReviewVerdictType.from(event),
    );
  }
}

@Resolver(() => ReviewVerdictType)
export class ReviewVerdictResolver {
  @FieldResolver(() => AgentRunType, {
    nullable: true,
    description: "The reviewer's REVIEW run; null for a verdict given by hand.",
  })
  async run(
    @Root() verdict: ReviewVerdictType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentRunType | null> {
    const run = verdict.runKey ? await ctx.loaders.run.load(verdict.runKey) : undefined;
    return run ? AgentRunType.from(run) : null;
  }

  @FieldResolver(() => MemberType, {
    nullable: true,
    description:
      'The member who gave it by hand; null for the reviewer’s, or a member since removed.',
  })
  async by(
    @Root() verdict: ReviewVerdictType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberType | null> {
    const member = verdict.memberKey ? await ctx.loaders.member.load(verdict.memberKey) : undefined;
    return member ? MemberType.from(member) : null;
  }
}
