import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  PlanMessageAuthor,
  PlanMessageKind,
  type PhaseEntity,
  type PlanEntity,
  type PlanMessageEntity,
} from '../../domain/plan/plan.entity.js';
import { PLAN_LIFECYCLE, PlanStatus } from '../../domain/plan/plan-lifecycle.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject, SafeInt } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';

registerEnumType(PlanStatus, {
  name: 'PlanStatus',
  description: 'DRAFT → ACTIVE ⇄ PAUSED → COMPLETED → ARCHIVED; before COMPLETED any → CANCELLED.',
});
registerEnumType(PlanMessageKind, { name: 'PlanMessageKind' });
registerEnumType(PlanMessageAuthor, { name: 'PlanMessageAuthor' });

@ObjectType('ReleaseSummary', { description: 'What a plan’s release delivered.' })
export class ReleaseSummaryType {
  @Field(() => Int, { description: 'Tasks in the plan.' })
  tasks: number;

  @Field(() => Int, { description: 'Tasks merged into the release.' })
  merged: number;

  @Field(() => Int)
  cancelled: number;

  @Field(() => Int, { description: 'Approving verdicts (the reviewer’s and by hand).' })
  approvals: number;

  @Field(() => Int, { description: 'Rejecting verdicts (the reviewer’s and by hand).' })
  rejections: number;

  @Field(() => Int, { description: 'Revisions over all tasks.' })
  revisions: number;

  @Field(() => Int, { description: 'Runs of every purpose.' })
  runs: number;

  @Field(() => SafeInt)
  tokensIn: number;

  @Field(() => SafeInt)
  tokensOut: number;

  @Field(() => Float)
  costUsd: number;

  @Field({ description: 'When the plan’s first run was queued (its epic’s bootstrap).' })
  startedAt: Date;

  @Field(() => Int, { description: 'From startedAt to the release.' })
  durationSeconds: number;
}

@ObjectType('Plan', {
  implements: NodeInterface,
  description: 'A goal turned into phases and tasks, released to the base branch as one unit.',
})
export class PlanType extends NodeInterface {
  @Field()
  name: string;

  @Field()
  description: string;

  @Field(() => PlanStatus)
  status: PlanStatus;

  @Field(() => [PlanStatus], { description: 'The statuses a person may move the plan to now.' })
  allowedTransitions: PlanStatus[];

  @Field(() => String, { nullable: true, description: 'The epic branch, pinned on activation.' })
  branch: string | null;

  @Field(() => Date, { nullable: true })
  epicBootstrappedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'A release through a pull request: when it was asked for (every task resolved).',
  })
  releaseRequestedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The release pull (merge) request.' })
  releasePrUrl: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the release pull request could not be opened yet (retried every 15 s).',
  })
  releaseError: string | null;

  @Field(() => Date, { nullable: true, description: 'When the release landed on the base branch.' })
  releasedAt: Date | null;

  @Field(() => ReleaseSummaryType, {
    nullable: true,
    description: 'What the release delivered; null until the plan is released.',
  })
  releaseSummary: ReleaseSummaryType | null;

  @Field()
  statusChangedAt: Date;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  key: string;
  projectKey: string;

  static from(entity: PlanEntity): PlanType {
    return Object.assign(new PlanType(), {
      id: toPublicId('Plan', entity.id),
      key: entity.id,
      projectKey: entity.projectId,
      name: entity.name,
      description: entity.description,
      status: entity.status,
      allowedTransitions: PLAN_LIFECYCLE.targets(entity.status, 'user'),
      branch: entity.branch,
      epicBootstrappedAt: entity.epicBootstrappedAt,
      releasedAt: entity.releasedAt,
      releaseRequestedAt: entity.releaseRequestedAt,
      releasePrUrl: entity.releasePrUrl,
      releaseError: entity.releaseError,
      releaseSummary: entity.releaseSummary
        ? Object.assign(new ReleaseSummaryType(), entity.releaseSummary, {
            startedAt: new Date(String(entity.releaseSummary.startedAt)),
          })
        : null,
      statusChangedAt: entity.statusChangedAt,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('PlanConnection')
export class PlanConnection extends Connection(PlanType, 'Plan') {}

@ObjectType('PlanMessage', { implements: NodeInterface })
export class PlanMessageType extends NodeInterface {
  @Field(() => PlanMessageKind)
  kind: PlanMessageKind;

  @Field(() => PlanMessageAuthor)
  author: PlanMessageAuthor;

  @Field()
  body: string;

  @Field(() => JSONObject, {
    nullable: true,
    description: 'The structured proposal of a PROPOSAL.',
  })
  proposal: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  conversationKey: string;

  static from(entity: PlanMessageEntity): PlanMessageType {
    return Object.assign(new PlanMessageType(), {
      id: toPublicId('PlanMessage', entity.id),
      conversationKey: entity.conversationId,
      kind: entity.kind,
      author: entity.author,
      body: entity.body,
      proposal: entity.proposal,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('PlanMessageConnection')
export class PlanMessageConnection extends Connection(PlanMessageType, 'PlanMessage') {}

@ObjectType('PlanConversation', { description: "A plan's planning conversation." })
export class PlanConversationType {
  @Field()
  createdAt: Date;

  key: string;
}

@ObjectType('Phase', { implements: NodeInterface, description: 'An ordered stage of a plan.' })
export class PhaseType extends NodeInterface {
  @Field()
  name: string;

  @Field()
  description: string;

  @Field(() => Int, { description: '0, 1, 2, … within the plan.' })
  position: number;

  @Field(() => String, {
    nullable: true,
    description:
      "The key the proposal it came from gave it; a re-plan's proposal repeats it to keep (or change) this phase rather than remove it. Null for phases made by hand.",
  })
  proposalKey: string | null;

  @Field()
  createdAt: Date;

  key: string;
  planKey: string;

  static from(entity: PhaseEntity): PhaseType {
    return Object.assign(new PhaseType(), {
      id: toPublicId('Phase', entity.id),
      key: entity.id,
      planKey: entity.planId,
      name: entity.name,
      description: entity.description,
      position: entity.position,
      proposalKey: entity.key,
      createdAt: entity.createdAt,
    });
  }
}

@InputType('CreatePlanInput')
export class CreatePlanInput {
  @Field(() => ID)
  projectId: string;

  @Field({ description: '1-120 characters; slugged into the epic branch name.' })
  name: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType('UpdatePlanInput')
export class UpdatePlanInput {
  @Field(() => ID)
  planId: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType('DeletePlanInput')
export class DeletePlanInput {
  @Field(() => ID)
  planId: string;
}

@InputType('SetPlanStatusInput')
export class SetPlanStatusInput {
  @Field(() => ID)
  planId: string;

  @Field(() => PlanStatus)
  status: PlanStatus;

  @Field(() => String, { nullable: true, description: 'Why; recorded in the event.' })
  reason?: string | null;
}

@ObjectType('PlanPayload')
export class PlanPayload {
  @Field(() => PlanType, { nullable: true })
  plan: PlanType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('CreatePhaseInput')
export class CreatePhaseInput {
  @Field(() => ID)
  planId: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Where to insert (0 = first); the end when omitted.',
  })
  position?: number | null;
}

@InputType('UpdatePhaseInput')
export class UpdatePhaseInput {
  @Field(() => ID)
  phaseId: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType('MovePhaseInput')
export class MovePhaseInput {
  @Field(() => ID)
  phaseId: string;

  @Field(() => Int, { description: 'The new position (0 = first; past the end = last).' })
  position: number;
}

@InputType('DeletePhaseInput')
export class DeletePhaseInput {
  @Field(() => ID)
  phaseId: string;
}

@ObjectType('PhasePayload')
export class PhasePayload {
  @Field(() => PhaseType, { nullable: true })
  phase: PhaseType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

export enum PlanChatUpdateType {
  /** A message was added to the conversation, or a streamed one is complete. */
  MESSAGE_POSTED = 'MESSAGE_POSTED',
  /** The planner's message whose text streams in was created (its body is empty). */
  MESSAGE_STARTED = 'MESSAGE_STARTED',
  /** More text of a streaming message: `delta`. */
  MESSAGE_DELTA = 'MESSAGE_DELTA',
}
registerEnumType(PlanChatUpdateType, { name: 'PlanChatUpdateType' });

@ObjectType('PlanMessageDelta', { description: "A piece of a streaming message's text." })
export class PlanMessageDelta {
  @Field(() => Int, { description: 'Where `text` starts in the message body (0-based).' })
  offset: number;

  @Field()
  text: string;
}

@ObjectType('PlanChatUpdate', { description: "A change to a plan's conversation." })
export class PlanChatUpdate {
  @Field(() => PlanChatUpdateType)
  type: PlanChatUpdateType;

  @Field(() => PlanMessageType)
  message: PlanMessageType;

  @Field(() => SafeInt, { description: 'The seq of the project event that announced it.' })
  seq: number;

  @Field(() => PlanMessageDelta, {
    nullable: true,
    description: 'MESSAGE_DELTA: the text appended to the message body, and where it starts.',
  })
  delta?: PlanMessageDelta | null;
}
