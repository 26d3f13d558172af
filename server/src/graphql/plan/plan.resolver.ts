import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { transformStream } from '../../domain/common/stream-transform.js';
import type { EventRecord } from '../../domain/events/event.types.js';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import { DeletePayload } from '../common/payloads.js';
import { SafeInt } from '../common/scalars.js';
import type { GraphQLContext } from '../context.js';
import { readNode } from '../read-node.js';
import { auditAs } from '../audit.js';
import { mutate } from '../errors.js';
import { ProjectType } from '../project/project.type.js';
import { TaskConnection, TaskFilterInput, type TaskType } from '../task/task.type.js';
import { taskConnection } from '../task/task-connection.js';
import {
  CreatePlanInput,
  DeletePlanInput,
  PhaseType,
  PlanChatUpdate,
  PlanChatUpdateType,
  PlanConversationType,
  PlanMessageConnection,
  PlanMessageType,
  PlanPayload,
  PlanType,
  SetPlanStatusInput,
  UpdatePlanInput,
} from './plan.type.js';

/** The project events planChat follows, and the update each one is. */
const CHAT_UPDATES: Partial<Record<string, PlanChatUpdateType>> = {
  PlanMessagePosted: PlanChatUpdateType.MESSAGE_POSTED,
  PlanMessageStarted: PlanChatUpdateType.MESSAGE_STARTED,
  PlanMessageDelta: PlanChatUpdateType.MESSAGE_DELTA,
};

@Resolver(() => PlanType)
export class PlanResolver {
  @Query(() => PlanType, { nullable: true, description: 'A plan by id; null if none.' })
  async plan(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlanType | null> {
    return readNode<PlanType>(ctx, 'Plan', id);
  }

  @Mutation(() => PlanPayload, { description: 'Creates a DRAFT plan; emits PlanCreated.' })
  async createPlan(
    @Arg('input') input: CreatePlanInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlanPayload> {
    const { value, userErrors } = await mutate(async () => {
      const project = await ctx.access.project(input.projectId, 'plan.write');
      return ctx.services.plans.create(project.id, {
        name: input.name,
        description: input.description ?? undefined,
      });
    });
    return { plan: value ? PlanType.from(value) : null, userErrors };
  }

  @Mutation(() => PlanPayload)
  async updatePlan(
    @Arg('input') input: UpdatePlanInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlanPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { plan } = await ctx.access.plan(input.planId, 'plan.write');
      return ctx.services.plans.update(plan.id, {
        name: input.name ?? undefined,
        description: input.description ?? undefined,
      });
    });
    return { plan: value ? PlanType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, { description: 'Deletes a DRAFT, CANCELLED or ARCHIVED plan.' })
  async deletePlan(
    @Arg('input') input: DeletePlanInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { plan } = await ctx.access.plan(input.planId, 'plan.write');
      await ctx.services.plans.delete(plan.id);
      return input.planId;
    });
    return { deletedId: value, userErrors };
  }

  @Mutation(() => PlanPayload, {
    description: 'Moves a plan through its lifecycle; an illegal move is a CONFLICT userError.',
  })
  async setPlanStatus(
    @Arg('input') input: SetPlanStatusInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlanPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { plan, project } = await ctx.access.plan(input.planId, 'plan.transition');
      // audited with the change: activating, pausing, resuming, cancelling, archiving
      return ctx.services.transactions.run(async (tx) => {
        const from = plan.status;
        const saved = await ctx.services.plans.setStatusIn(
          tx,
          plan.id,
          input.status,
          'user',
          input.reason ?? undefined,
        );
        await auditAs(ctx, {
          workspaceId: project.workspaceId,
          action: 'plan.status_changed',
          target: input.planId,
          details: { from, to: input.status, ...(input.reason ? { reason: input.reason } : {}) },
        })(tx.manager);
        return saved;
      });
    });
    return { plan: value ? PlanType.from(value) : null, userErrors };
  }

  @Subscription(() => PlanChatUpdate, {
    description:
      "The plan's conversation as it changes (history: plan.conversation.messages); with after, first the updates since that seq.",
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const { planId: requested, after } = args as { planId: string; after?: number | null };
      const { plan, project } = await ctx.access.plan(requested, 'workspace.read');
      const planId = PlanType.from(plan).id;
      const events = await ctx.services.events.stream(
        project.id,
        after ?? (await ctx.services.events.lastSeq(project.id)),
      );
      return transformStream<EventRecord, PlanChatUpdate>(events, async (event) => {
        const type = CHAT_UPDATES[event.type];
        if (!type || event.payload.planId !== planId) return undefined;
        const key = ctx.access.decode('PlanMessage', String(event.payload.messageId), 'messageId');
        const [message] = await ctx.services.plans.getMessages([key]);
        return message
          ? Object.assign(new PlanChatUpdate(), {
              type,
              message: PlanMessageType.from(message),
              seq: event.seq,
              delta:
                type === PlanChatUpdateType.MESSAGE_DELTA
                  ? { offset: Number(event.payload.offset), text: String(event.payload.text) }
                  : null,
            })
          : undefined;
      });
    },
  })
  planChat(
    @Root() update: PlanChatUpdate,
    @Arg('planId', () => ID) _planId: string,
    @Arg('after', () => SafeInt, {
      nullable: true,
      description:
        "Replay the conversation's updates after this seq (a PlanChatUpdate's or a project event's) first; omit to receive only new ones.",
    })
    _after: number | null,
  ): PlanChatUpdate {
    return update;
  }

  @FieldResolver(() => ProjectType)
  async project(@Root() plan: PlanType, @Ctx() ctx: GraphQLContext): Promise<ProjectType> {
    const project = await ctx.loaders.project.load(plan.projectKey);
    if (!project) throw new Error(`plan ${plan.id} has no project`);
    return ProjectType.from(project);
  }

  @FieldResolver(() => [PhaseType], { description: 'Phases in order.' })
  async phases(@Root() plan: PlanType, @Ctx() ctx: GraphQLContext): Promise<PhaseType[]> {
    return (await ctx.loaders.phasesOfPlan.load(plan.key)).map((phase) => PhaseType.from(phase));
  }

  @FieldResolver(() => TaskConnection, { description: "The plan's tasks, filtered." })
  async tasks(
    @Root() plan: PlanType,
    @Arg('filter', () => TaskFilterInput, { nullable: true }) filter: TaskFilterInput | null,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<TaskType>> {
    return taskConnection(ctx, plan.projectKey, { ...filter, planId: plan.id }, args);
  }

  @FieldResolver(() => PlanConversationType)
  async conversation(
    @Root() plan: PlanType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlanConversationType> {
    const conversation = await ctx.loaders.conversation.load(plan.key);
    if (!conversation) throw new Error(`plan ${plan.id} has no conversation`);
    return Object.assign(new PlanConversationType(), {
      key: conversation.id,
      createdAt: conversation.createdAt,
    });
  }
}

@Resolver(() => PlanConversationType)
export class PlanConversationResolver {
  @FieldResolver(() => PlanMessageConnection, { description: 'Messages, oldest first.' })
  async messages(
    @Root() conversation: PlanConversationType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<PlanMessageType>> {
    const request = toPageRequest(args);
    const page = await ctx.services.plans.messages(conversation.key, request);
    return toConnection(
      page,
      request,
      (row) => PlanMessageType.from(row),
      () => ctx.services.plans.countMessages(conversation.key),
    );
  }
}
