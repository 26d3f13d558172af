import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { ErrorCode } from '../../domain/common/errors.js';
import { toPublicId } from '../../domain/common/public-id.js';
import { PlanStatus } from '../../domain/plan/plan-lifecycle.js';
import { ProposalBuilder, ProposalRejected } from '../../domain/planning/proposal-builder.js';
import { formatProposalError } from '../../domain/planning/proposal.js';
import { auditAs } from '../audit.js';
import { UserError } from '../common/user-error.type.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { PlanType } from './plan.type.js';

@InputType('CreatePlanFromProposalInput')
export class CreatePlanFromProposalInput {
  @Field(() => ID)
  projectId: string;

  @Field({
    description:
      'The proposal: JSON, or a Markdown outline (docs/planning.md), at most 200,000 characters.',
  })
  proposal: string;

  @Field(() => String, {
    nullable: true,
    description: "The plan's name (default: the proposal's title).",
  })
  name?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Activate the plan at once (needs the right to move plans). Default false.',
  })
  activate?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Create the skills the proposal names that the workspace lacks. Default false: refused.',
  })
  createMissingSkills?: boolean | null;
}

@ObjectType('CreatePlanFromProposalPayload')
export class CreatePlanFromProposalPayload {
  @Field(() => PlanType, { nullable: true })
  plan: PlanType | null;

  @Field(() => [String], { description: 'Skills created for it (createMissingSkills).' })
  createdSkills: string[];

  @Field(() => [String], { description: 'What the parser let through but noticed.' })
  warnings: string[];

  @Field(() => [UserError], {
    description:
      'One per problem of the proposal, each naming its line or field (field: ["proposal", …]).',
  })
  userErrors: UserError[];
}

@Resolver()
export class ProposalResolver {
  @Mutation(() => CreatePlanFromProposalPayload, {
    description:
      'A plan from a proposal in one call (CI bots): parsed, built as a draft in one transaction, and activated when asked. Nothing is written when the proposal has errors.',
  })
  async createPlanFromProposal(
    @Arg('input') input: CreatePlanFromProposalInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreatePlanFromProposalPayload> {
    const none = { plan: null, createdSkills: [], warnings: [] };
    const { value, userErrors } = await mutate(async () => {
      const project = await ctx.access.project(input.projectId, 'plan.write');
      if (input.activate) await ctx.access.project(input.projectId, 'plan.transition');
      if (input.createMissingSkills) {
        await ctx.access.workspace(toPublicId('Workspace', project.workspaceId), 'skill.manage');
      }
      const builder = new ProposalBuilder(
        ctx.services.plans,
        ctx.services.tasks,
        ctx.services.skills,
      );
      let prepared;
      try {
        prepared = await builder.prepare(project.workspaceId, input.proposal, {
          createMissingSkills: input.createMissingSkills ?? false,
        });
      } catch (error) {
        // every problem of the proposal, not only the first
        if (error instanceof ProposalRejected) return { rejected: error };
        throw error;
      }
      const proposal = prepared.proposal;
      const plan = await ctx.services.transactions.run(async (tx) => {
        const built = await builder.build(tx, project.id, proposal, input.name ?? undefined);
        if (!input.activate) return built;
        const active = await ctx.services.plans.setStatusIn(
          tx,
          built.id,
          PlanStatus.ACTIVE,
          'user',
        );
        await auditAs(ctx, {
          workspaceId: project.workspaceId,
          action: 'plan.status_changed',
          target: PlanType.from(active).id,
          details: { from: PlanStatus.DRAFT, to: PlanStatus.ACTIVE, fromProposal: true },
        })(tx.manager);
        return active;
      });
      return { plan, prepared, rejected: undefined };
    });
    if (!value) return { ...none, userErrors };
    if ('rejected' in value && value.rejected) {
      return {
        ...none,
        userErrors: value.rejected.errors.map((problem) =>
          Object.assign(new UserError(), {
            code: ErrorCode.BAD_USER_INPUT,
            field: ['proposal', ...(problem.path ? [problem.path] : [])],
            message: formatProposalError(problem),
          }),
        ),
      };
    }
    return {
      plan: PlanType.from(value.plan),
      createdSkills: value.prepared.created,
      warnings: value.prepared.warnings,
      userErrors: [],
    };
  }
}
