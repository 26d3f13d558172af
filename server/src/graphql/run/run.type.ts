import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  OutputStream,
  type AgentRunEntity,
  type DispatchReason,
  type RunOutputEntity,
} from '../../domain/run/run.entity.js';
import { ModelTier, RunPurpose, RunStatus } from '../../domain/run/run.types.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject, SafeInt } from '../common/scalars.js';

registerEnumType(RunPurpose, { name: 'RunPurpose' });
registerEnumType(RunStatus, {
  name: 'RunStatus',
  description:
    'QUEUED → CLAIMED → RUNNING → SUCCEEDED | FAILED | CANCELLED, and PAUSED until resumeAt.',
});
registerEnumType(ModelTier, {
  name: 'ModelTier',
  description:
    'HARD: planning, analysis, refine; STANDARD: execution; EASY: review, comment-eval; NONE: git-only runs.',
});
registerEnumType(OutputStream, { name: 'OutputStream' });

@ObjectType('DispatchCandidate')
export class DispatchCandidateType {
  @Field(() => ID, { description: 'The session considered.' })
  sessionId: string;

  @Field()
  name: string;

  @Field()
  eligible: boolean;

  @Field(() => Float, { nullable: true })
  score: number | null;

  @Field()
  note: string;
}

@ObjectType('DispatchReason', {
  description: 'Who was considered for a run, their scores, and why the winner won.',
})
export class DispatchReasonType {
  @Field({ description: 'The scoring rule applied (docs/dispatch.md).' })
  rule: string;

  @Field(() => [DispatchCandidateType])
  candidates: DispatchCandidateType[];

  @Field(() => ID, {
    nullable: true,
    description: 'The chosen session, or null for any eligible session.',
  })
  winner: string | null;

  @Field()
  explanation: string;

  static from(reason: DispatchReason): DispatchReasonType {
    return Object.assign(new DispatchReasonType(), {
      rule: reason.rule,
      candidates: reason.candidates.map((c) => Object.assign(new DispatchCandidateType(), c)),
      winner: reason.winner,
      explanation: reason.explanation,
    });
  }
}

@ObjectType('AgentRun', {
  implements: NodeInterface,
  description: 'One unit of agent or git work, leased to one session at a time.',
})
export class AgentRunType extends NodeInterface {
  @Field(() => RunPurpose)
  purpose: RunPurpose;

  @Field(() => RunStatus)
  status: RunStatus;

  @Field(() => ModelTier)
  tier: ModelTier;

  @Field(() => Int, {
    description: '1 for the first try; +1 each time an expired lease re-queued it.',
  })
  attempt: number;

  @Field(() => Int, { description: 'The fencing token of the current lease.' })
  leaseVersion: number;

  @Field(() => Date, { nullable: true })
  leaseExpiresAt: Date | null;

  @Field(() => DispatchReasonType, { nullable: true })
  dispatchReason: DispatchReasonType | null;

  @Field(() => String, { nullable: true })
  model: string | null;

  @Field(() => Int)
  tokensIn: number;

  @Field(() => Int)
  tokensOut: number;

  @Field(() => Float)
  costUsd: number;

  @Field(() => SafeInt, { description: "The last output chunk's seq (0 before any output)." })
  outputSeq: number;

  @Field()
  queuedAt: Date;

  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a PAUSED run goes back to the queue.' })
  resumeAt: Date | null;

  @Field(() => Int, { nullable: true })
  exitCode: number | null;

  @Field(() => String, { nullable: true })
  exitReason: string | null;

  @Field(() => JSONObject, {
    nullable: true,
    description:
      'What the run was handed beyond its task: a lead’s delegation packet ({kind: "delegation", title, instructions, role, leadSessionId}) or the subtask directive a REFINE run re-plans from ({kind: "replan", fromRunId, fromTaskId, directive}).',
  })
  instructions: Record<string, unknown> | null;

  @Field({
    description:
      'A person did the work (the manual provider): the task waits for a review by hand instead of an automatic one.',
  })
  attended: boolean;

  @Field(() => [String], {
    nullable: true,
    description: 'The files a MERGE run found in conflict (MergeConflicted); null otherwise.',
  })
  conflictFiles: string[] | null;

  key: string;
  parentRunKey: string | null;
  projectKey: string;
  planKey: string | null;
  taskKey: string | null;
  sessionKey: string | null;
  targetSessionKey: string | null;

  static from(entity: AgentRunEntity): AgentRunType {
    return Object.assign(new AgentRunType(), {
      id: toPublicId('Run', entity.id),
      key: entity.id,
      projectKey: entity.projectId,
      planKey: entity.planId,
      taskKey: entity.taskId,
      sessionKey: entity.sessionId,
      targetSessionKey: entity.targetSessionId,
      purpose: entity.purpose,
      status: entity.status,
      tier: entity.tier,
      attempt: entity.attempt,
      leaseVersion: entity.leaseVersion,
      leaseExpiresAt: entity.leaseExpiresAt,
      dispatchReason: entity.dispatchReason ? DispatchReasonType.from(entity.dispatchReason) : null,
      model: entity.model,
      tokensIn: entity.tokensIn,
      tokensOut: entity.tokensOut,
      costUsd: entity.costUsd,
      outputSeq: entity.outputSeq,
      queuedAt: entity.queuedAt,
      startedAt: entity.startedAt,
      finishedAt: entity.finishedAt,
      resumeAt: entity.resumeAt,
      exitCode: entity.exitCode,
      exitReason: entity.exitReason,
      instructions: entity.instructions,
      attended: entity.attended,
      conflictFiles: entity.conflictFiles,
      parentRunKey: entity.parentRunId,
    });
  }
}

@ObjectType('AgentRunConnection')
export class AgentRunConnection extends Connection(AgentRunType, 'AgentRun') {}

@ObjectType('RunOutputChunk', {
  description: "A chunk of a run's output; seq counts 1, 2, 3, … per run.",
})
export class RunOutputChunkType {
  @Field(() => SafeInt)
  seq: number;

  @Field(() => OutputStream)
  stream: OutputStream;

  @Field()
  chunk: string;

  @Field()
  createdAt: Date;

  @Field(() => ID)
  runId: string;

  static from(row: RunOutputEntity): RunOutputChunkType {
    return Object.assign(new RunOutputChunkType(), {
      seq: row.seq,
      stream: row.stream,
      chunk: row.chunk,
      createdAt: row.createdAt,
      runId: toPublicId('Run', row.runId),
    });
  }
}

@ObjectType('RunOutputConnection', {
  description: "A page of a run's output. An edge's cursor is its seq; totalCount is the last seq.",
})
export class RunOutputConnection extends Connection(RunOutputChunkType, 'RunOutputChunk') {}

@InputType('RunFilter', { description: 'Every field is optional; given fields combine with AND.' })
export class RunFilterInput {
  @Field(() => [RunStatus], { nullable: true })
  status?: RunStatus[] | null;

  @Field(() => [RunPurpose], { nullable: true })
  purpose?: RunPurpose[] | null;

  @Field(() => ID, { nullable: true, description: 'Runs claimed by this session.' })
  sessionId?: string | null;

  @Field(() => ID, { nullable: true })
  taskId?: string | null;
}

@ObjectType('RunGit', {
  description:
    'The branches a run works with: tasks fork from the epic and merge back into it; the release merges the epic into the base.',
})
export class RunGitType {
  @Field({ description: 'The remote the daemon fetches from and pushes to.' })
  remoteUrl: string;

  @Field({ description: 'The project’s base branch, which the release goes into.' })
  baseBranch: string;

  @Field(() => String, { nullable: true, description: 'The plan’s epic branch.' })
  epicBranch: string | null;

  @Field(() => String, { nullable: true, description: 'The task’s branch (task runs only).' })
  taskBranch: string | null;
}
