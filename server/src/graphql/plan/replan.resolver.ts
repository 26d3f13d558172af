import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, DomainError, ErrorCode } from '../../domain/common/errors.js';
import { toPublicId } from '../../domain/common/public-id.js';
import { PlanMessageKind, type PlanEntity } from '../../domain/plan/plan.entity.js';
import { ProposalRejected } from '../../domain/planning/proposal-builder.js';
import { formatProposalError } from '../../domain/planning/proposal.js';
import { ReplanService, type ParsedProposal } from '../../domain/planning/replan.service.js';
import { auditAs } from '../audit.js';
import { UserError } from '../common/user-error.type.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { PlanMessageType, PlanType } from './plan.type.js';
import {
  ApplyProposalInput,
  ApplyProposalPayload,
  ProposalDiffType,
  ReplanSummaryType,
} from './replan.type.js';

function replanService(ctx: GraphQLContext): ReplanService {
  return ctx.services.replan;
}

type Previewer = Awaited<ReturnType<ReplanService['previewer']>>;

/** Per operation and plan: the plan and its skills read once for all its PROPOSAL messages. */
const previewers = new WeakMap<GraphQLContext['loaders'], Map<string, Promise<Previewer>>>();

function previewerOf(ctx: GraphQLContext, plan: PlanEntity, workspaceId: string) {
  let byPlan = previewers.get(ctx.loaders);
  if (!byPlan) {
    byPlan = new Map<string, Promise<Previewer>>();
    previewers.set(ctx.loaders, byPlan);
  }
  let previewer = byPlan.get(plan.id);
  if (!previewer) {
    previewer = replanService(ctx).previewer(plan, workspaceId);
    byPlan.set(plan.id, previewer);
  }
  return previewer;
}

/**
 * The proposal's text: given as text, or the structured proposal of a PROPOSAL message of the
 * plan's conversation (a planner's reply, or a REFINE run's), read again as JSON.
 */
async function proposalText(
  ctx: GraphQLContext,
  plan: PlanEntity,
  source: { messageId?: string | null | undefined; proposal?: string | null | undefined },
): Promise<string> {
  const hasMessage = source.messageId !== undefined && source.messageId !== null;
  const hasText = source.proposal !== undefined && source.proposal !== null;
  if (hasMessage === hasText) {
    throw badInput(
      'proposal',
      `give exactly one of messageId and proposal (${hasText ? 'both were given' : 'neither was given'})`,
    );
  }
  if (hasText) return source.proposal as string;
  const key = ctx.access.decode('PlanMessage', source.messageId as string, 'messageId');
  const [message] = await ctx.services.plans.getMessages([key]);
  const planId = message
    ? await ctx.services.plans.planOfConversation(message.conversationId)
    : undefined;
  if (!message || planId !== plan.id) {
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      "messageId: no such message in this plan's conversation",
      ['messageId'],
    );
  }
  if (message.kind !== PlanMessageKind.PROPOSAL) {
    throw badInput('messageId', `messageId: the message is a ${message.kind}, not a PROPOSAL`);
  }
  if (!message.proposal) {
    throw badInput('messageId', 'messageId: the message carries no structured proposal');
  }
  return JSON.stringify(message.proposal);
}

/** A proposal's errors, one UserError each naming its line or field. */
function rejectedErrors(rejected: ProposalRejected): UserError[] {
  return rejected.errors.map((problem) =>
    Object.assign(new UserError(), {
      code: ErrorCode.BAD_USER_INPUT,
      field: ['proposal', ...(problem.path ? [problem.path] : [])],
      message: formatProposalError(problem),
    }),
  );
}

@Resolver()
export class ReplanResolver {
  @Query(() => ProposalDiffType, {
    description:
      "What applying a proposal to a plan would do, and the fingerprint applyProposal needs to confirm it. Exactly one of messageId (a PROPOSAL message of the plan's conversation) and proposal (text). A proposal with errors is a BAD_USER_INPUT error naming them.",
  })
  async proposalDiff(
    @Arg('planId', () => ID) planId: string,
    @Arg('messageId', () => ID, { nullable: true }) messageId: string | null,
    @Arg('proposal', () => String, { nullable: true }) proposal: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProposalDiffType> {
    const { plan, project } = await ctx.access.plan(planId, 'workspace.read');
    const text = await proposalText(ctx, plan, { messageId, proposal });
    const diff = await previewerOf(ctx, plan, project.workspaceId);
    const { parsed, preview } = diff(text);
    return ProposalDiffType.from(preview, parsed);
  }

  @Mutation(() => ApplyProposalPayload, {
    description:
      'Applies a proposal to a plan in one transaction under its lock (docs/planning.md, "Re-planning"): a plan without tasks is built at once; any other needs the fingerprint of the diff confirmed, and is refused when the plan changed since. Emits PlanReplanned.',
  })
  async applyProposal(
    @Arg('input') input: ApplyProposalInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApplyProposalPayload> {
    const none = { plan: null, diff: null, applied: false, summary: null, createdSkills: [] };
    const { value, userErrors } = await mutate(async () => {
      const { plan, project } = await ctx.access.plan(input.planId, 'plan.write');
      if (input.createMissingSkills) {
        await ctx.access.workspace(toPublicId('Workspace', project.workspaceId), 'skill.manage');
      }
      const text = await proposalText(ctx, plan, input);
      const service = replanService(ctx);
      let parsed: ParsedProposal;
      try {
        parsed = await service.parse(project.workspaceId, text);
      } catch (error) {
        // every problem of the proposal, not only the first
        if (error instanceof ProposalRejected) return { rejected: error };
        throw error;
      }
      const messageId = input.messageId
        ? ctx.access.decode('PlanMessage', input.messageId, 'messageId')
        : undefined;
      const applied = await service.apply(plan, project.workspaceId, parsed, {
        fingerprint: input.fingerprint ?? undefined,
        createMissingSkills: input.createMissingSkills ?? false,
        messageId,
        audit: (manager, summary) =>
          auditAs(ctx, {
            workspaceId: project.workspaceId,
            action: 'plan.replanned',
            target: input.planId,
            details: {
              ...summary,
              ...(input.messageId ? { messageId: input.messageId } : {}),
              ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}),
            },
          })(manager),
      });
      return { applied, diff: ProposalDiffType.from(applied.preview, parsed), rejected: undefined };
    });
    if (!value) return { ...none, userErrors };
    if (value.rejected) return { ...none, userErrors: rejectedErrors(value.rejected) };
    const { applied, diff } = value;
    return {
      plan: PlanType.from(applied.plan),
      diff,
      applied: applied.applied,
      summary: ReplanSummaryType.from(applied.summary),
      createdSkills: [...applied.createdSkills],
      userErrors: [],
    };
  }
}

@Resolver(() => PlanMessageType)
export class PlanMessageDiffResolver {
  @FieldResolver(() => ProposalDiffType, {
    nullable: true,
    description:
      "A PROPOSAL's diff against the plan as it is now, with the fingerprint applyProposal needs (messageId: this message). Null for other messages, and for a proposal that no longer reads (its errors: proposalDiff).",
  })
  async diff(
    @Root() message: PlanMessageType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProposalDiffType | null> {
    if (message.kind !== PlanMessageKind.PROPOSAL || !message.proposal) return null;
    const conversation = await ctx.loaders.conversationById.load(message.conversationKey);
    const plan = conversation ? await ctx.loaders.plan.load(conversation.planId) : undefined;
    const project = plan ? await ctx.loaders.project.load(plan.projectId) : undefined;
    if (!plan || !project) return null;
    try {
      const preview = await previewerOf(ctx, plan, project.workspaceId);
      const { parsed, preview: seen } = preview(JSON.stringify(message.proposal));
      return ProposalDiffType.from(seen, parsed);
    } catch (error) {
      if (error instanceof ProposalRejected) return null;
      throw error;
    }
  }
}
