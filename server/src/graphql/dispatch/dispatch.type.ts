import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SubtaskOutcome } from '../../domain/dispatch/subtasks.js';
import { WorkerRole } from '../../domain/dispatch/teams.js';
import { OutputStream } from '../../domain/run/run.entity.js';
import { SessionRole } from '../../domain/session/session.entity.js';
import { ProficiencyInput, SafeInt } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';
import { AgentRunType } from '../run/run.type.js';
import { AgentSessionType, TeamType } from '../session/session.type.js';
import { TaskCommentType, TaskType } from '../task/task.type.js';
import { MemberType } from '../user/user.type.js';

@InputType('SessionSkillInput')
export class SessionSkillInput {
  @Field({ description: 'The skill, by id (skl_…) or slug.' })
  skill: string;

  @Field(() => ProficiencyInput)
  proficiency: string | number;
}

@InputType('RegisterSessionInput')
export class RegisterSessionInput {
  @Field(() => ID)
  projectId: string;

  @Field(() => SessionRole)
  role: SessionRole;

  @Field({ description: 'A name people recognise, e.g. the bot name.' })
  name: string;

  @Field({ description: 'The stable id of the machine (the daemon’s machine.id).' })
  machineId: string;

  @Field(() => String, {
    nullable: true,
    description: 'claude, codex, gemini, aider, openai, manual, …',
  })
  provider?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Ends with its connection; default false.' })
  ephemeral?: boolean | null;

  @Field(() => [SessionSkillInput], { nullable: true })
  skills?: SessionSkillInput[] | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The team a WORKER joins (tem_…), allocated by its lead with allocateTeam.',
  })
  teamId?: string | null;
}

@InputType('HeartbeatSessionInput')
export class HeartbeatSessionInput {
  @Field(() => ID)
  sessionId: string;
}

@InputType('EndSessionInput')
export class EndSessionInput extends HeartbeatSessionInput {}

@ObjectType('SessionPayload')
export class SessionPayload {
  @Field(() => AgentSessionType, { nullable: true })
  session: AgentSessionType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('ClaimRunInput')
export class ClaimRunInput {
  @Field(() => ID)
  sessionId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Claim this run (e.g. one pushed over sessionRuns); default: the next one.',
  })
  runId?: string | null;
}

@ObjectType('ClaimRunPayload')
export class ClaimRunPayload {
  @Field(() => AgentRunType, {
    nullable: true,
    description: 'Null when there is nothing to claim.',
  })
  run: AgentRunType | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The fencing token every later call on the run carries.',
  })
  leaseVersion: number | null;

  @Field(() => Date, { nullable: true })
  leaseExpiresAt: Date | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('HeartbeatRunInput')
export class RunLeaseInput {
  @Field(() => ID)
  runId: string;

  @Field(() => Int, { description: 'From claimRun; a stale one is STALE_LEASE.' })
  leaseVersion: number;
}

@ObjectType('RunPayload')
export class RunPayload {
  @Field(() => AgentRunType, { nullable: true })
  run: AgentRunType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('RunOutputChunkInput')
export class RunOutputChunkInput {
  @Field(() => OutputStream, { nullable: true, description: 'Default STDOUT.' })
  stream?: OutputStream | null;

  @Field()
  chunk: string;
}

@InputType('AppendRunOutputInput')
export class AppendRunOutputInput extends RunLeaseInput {
  @Field(() => [RunOutputChunkInput])
  chunks: RunOutputChunkInput[];
}

@ObjectType('AppendRunOutputPayload')
export class AppendRunOutputPayload extends RunPayload {
  @Field(() => SafeInt, { nullable: true, description: 'The seq of the last chunk stored.' })
  lastSeq: number | null;
}

@InputType('RunResultInput')
export class RunResultInput extends RunLeaseInput {
  @Field(() => Int, { nullable: true })
  exitCode?: number | null;

  @Field(() => String, { nullable: true, description: 'The model that did the work.' })
  model?: string | null;

  @Field(() => Int, { nullable: true })
  tokensIn?: number | null;

  @Field(() => Int, { nullable: true })
  tokensOut?: number | null;

  @Field(() => Float, { nullable: true })
  costUsd?: number | null;
}

@InputType('CompleteRunInput')
export class CompleteRunInput extends RunResultInput {
  @Field(() => String, { nullable: true, description: 'A short summary of what was done.' })
  summary?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'A person did the work (the manual provider): the task waits for a review by hand. Default false.',
  })
  attended?: boolean | null;
}

@InputType('FailRunInput')
export class FailRunInput extends RunResultInput {
  @Field({ description: 'Why the run failed.' })
  reason: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'A MERGE that stopped on conflicts: the conflicting files, relative to the repository. The developer is sent to resolve them.',
  })
  conflictFiles?: string[] | null;
}

@InputType('ApproveTaskInput')
export class ApproveTaskInput {
  @Field(() => ID, { description: 'A task awaiting review, or waiting for an operator.' })
  taskId: string;

  @Field({ description: 'Why; it becomes a comment on the task and the developer’s brief.' })
  reason: string;
}

@InputType('RejectTaskInput')
export class RejectTaskInput {
  @Field(() => ID, { description: 'A task awaiting review, or waiting for an operator.' })
  taskId: string;

  @Field({ description: 'Why; it becomes a comment on the task and the developer’s brief.' })
  reason: string;
}

@InputType('RetryRunInput')
export class RetryRunInput {
  @Field(() => ID, { description: 'A failed or cancelled run.' })
  runId: string;
}

@InputType('PauseRunInput')
export class PauseRunInput extends RunLeaseInput {
  @Field({ description: 'When the run goes back to the queue (at most 7 days ahead).' })
  resumeAt: Date;

  @Field(() => String, { nullable: true, description: 'Why, e.g. the provider’s rate limit.' })
  reason?: string | null;
}

@InputType('AcceptTaskInput')
export class AcceptTaskInput {
  @Field(() => ID, { description: 'A task assigned to you, ready to run.' })
  taskId: string;

  @Field(() => ID, { description: 'Your session that will run it.' })
  sessionId: string;
}

registerEnumType(WorkerRole, {
  name: 'WorkerRole',
  description: 'The role a worker of a team takes.',
});

registerEnumType(SubtaskOutcome, {
  name: 'SubtaskOutcome',
  description: 'What a subtask directive led to.',
  valuesConfig: {
    CHILD_TASK: { description: "A child task of the run's task was created." },
    REPLAN: { description: 'A REFINE run was queued to re-plan the plan.' },
    COMMENT: { description: 'The directive could not be used; a comment on the task says why.' },
  },
});

@InputType('AllocateTeamInput')
export class AllocateTeamInput {
  @Field(() => ID, { description: 'The LEAD session the team belongs to.' })
  sessionId: string;

  @Field(() => Int, { description: 'Developer workers.' })
  dev: number;

  @Field(() => Int, { description: 'Reviewer workers.' })
  review: number;

  @Field(() => Int, { description: 'Tester workers.' })
  test: number;
}

@ObjectType('TeamPayload')
export class TeamPayload {
  @Field(() => TeamType, { nullable: true })
  team: TeamType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('DelegationPacketInput')
export class DelegationPacketInput {
  @Field({ description: 'What the worker is to do, in a line.' })
  title: string;

  @Field({ description: 'The instructions the worker’s agent gets.' })
  instructions: string;

  @Field(() => WorkerRole, { nullable: true, description: 'Default DEV.' })
  role?: WorkerRole | null;
}

@InputType('DelegateRunInput')
export class DelegateRunInput extends RunLeaseInput {
  @Field(() => ID, { description: "A WORKER session of the lead's team." })
  workerSessionId: string;

  @Field(() => DelegationPacketInput)
  packet: DelegationPacketInput;
}

@InputType('PostSubtaskInput')
export class PostSubtaskInput extends RunLeaseInput {
  @Field({
    description:
      'The JSON object of a `MAESTRO:SUBTASK{…}` output line (the marker may be included).',
  })
  directive: string;
}

@ObjectType('PostSubtaskPayload')
export class PostSubtaskPayload {
  @Field(() => SubtaskOutcome, { nullable: true })
  outcome: SubtaskOutcome | null;

  @Field(() => TaskType, { nullable: true, description: 'The child task (CHILD_TASK).' })
  task: TaskType | null;

  @Field(() => AgentRunType, { nullable: true, description: 'The REFINE run (REPLAN).' })
  run: AgentRunType | null;

  @Field(() => TaskCommentType, {
    nullable: true,
    description: 'The comment saying why the directive was not used (COMMENT).',
  })
  comment: TaskCommentType | null;

  @Field(() => String, { nullable: true, description: 'Why the directive was not used.' })
  problem: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType('AssignmentCandidate', {
  description: 'A member weighed for a task, by the rule in AssignmentCandidates.rule.',
})
export class AssignmentCandidateType {
  @Field(() => MemberType)
  member: MemberType;

  @Field()
  eligible: boolean;

  @Field(() => Float, { nullable: true, description: 'Mean proficiency over the task skills.' })
  score: number | null;

  @Field(() => Int, { description: 'Tasks assigned to them and in flight.' })
  inFlight: number;

  @Field(() => Int, { nullable: true, description: '1 for the best; null when not eligible.' })
  rank: number | null;

  @Field()
  note: string;
}

@ObjectType('AssignmentCandidates')
export class AssignmentCandidatesType {
  @Field()
  rule: string;

  @Field(() => [AssignmentCandidateType], {
    description: 'Eligible members best first, then the others.',
  })
  candidates: AssignmentCandidateType[];
}
