import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { MEMBER_RANKING_RULE } from '../../domain/dispatch/dispatcher.js';
import { userOf } from '../../domain/access/actor.js';
import { DomainError, ErrorCode } from '../../domain/common/errors.js';
import type { Operator } from '../../domain/delivery/delivery.js';
import type { AgentRunEntity } from '../../domain/run/run.entity.js';
import { OutputStream } from '../../domain/run/run.entity.js';
import type { AgentSessionEntity } from '../../domain/session/session.entity.js';
import type { Services } from '../../services.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { AgentRunType } from '../run/run.type.js';
import { AgentSessionType, TeamType } from '../session/session.type.js';
import { TaskCommentType, TaskPayload, TaskType } from '../task/task.type.js';
import { MemberType } from '../user/user.type.js';
import {
  AcceptTaskInput,
  AllocateTeamInput,
  AssignmentCandidatesType,
  DelegateRunInput,
  PostSubtaskInput,
  PostSubtaskPayload,
  TeamPayload,
  AppendRunOutputInput,
  AppendRunOutputPayload,
  ClaimRunInput,
  ClaimRunPayload,
  CompleteRunInput,
  EndSessionInput,
  FailRunInput,
  HeartbeatSessionInput,
  PauseRunInput,
  RegisterSessionInput,
  RetryRunInput,
  ApproveTaskInput,
  RejectTaskInput,
  RunLeaseInput,
  RunPayload,
  SessionPayload,
} from './dispatch.type.js';

/**
 * What a daemon does: register a session per project connection, keep it alive, claim runs
 * and report on them under the lease. Only the member who registered a session operates it.
 */
@Resolver()
export class DispatchResolver {
  @Mutation(() => SessionPayload, {
    description: 'Registers an agent session (one per daemon connection to a project).',
  })
  async registerSession(
    @Arg('input') input: RegisterSessionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionPayload> {
    const { value, userErrors } = await mutate(async () => {
      const project = await ctx.access.project(input.projectId, 'agent.run');
      const userId = userOf(ctx.actor);
      const member = userId
        ? await ctx.services.members.findByUser(userId, project.workspaceId)
        : undefined;
      return ctx.services.registry.register({
        projectId: project.id,
        workspaceId: project.workspaceId,
        memberId: member?.id,
        role: input.role,
        name: input.name,
        machineId: input.machineId,
        provider: input.provider ?? undefined,
        ephemeral: input.ephemeral ?? undefined,
        teamId: input.teamId ? ctx.access.decode('Team', input.teamId, 'teamId') : undefined,
        skills: input.skills ?? [],
      });
    });
    return { session: value ? AgentSessionType.from(value) : null, userErrors };
  }

  @Mutation(() => SessionPayload, {
    description: 'Keeps a session alive (every 30 s; after 90 s without one it is dead).',
  })
  async heartbeatSession(
    @Arg('input') input: HeartbeatSessionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.registry.heartbeat(await ownSession(ctx, input.sessionId)),
    );
    return { session: value ? AgentSessionType.from(value) : null, userErrors };
  }

  @Mutation(() => SessionPayload, {
    description: 'Ends a session; the runs it holds go back to the queue.',
  })
  async endSession(
    @Arg('input') input: EndSessionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.registry.end(await ownSession(ctx, input.sessionId)),
    );
    return { session: value ? AgentSessionType.from(value) : null, userErrors };
  }

  @Mutation(() => ClaimRunPayload, {
    description:
      'Claims the next run for a session (targeted at it first, then any it is eligible for), with a 90 s lease.',
  })
  async claimRun(
    @Arg('input') input: ClaimRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClaimRunPayload> {
    const { value, userErrors } = await mutate(async () => {
      const session = await ownSession(ctx, input.sessionId);
      const runId = input.runId ? ctx.access.decode('Run', input.runId, 'runId') : undefined;
      return (await ctx.services.queue.claim(session, runId)) ?? null;
    });
    return {
      run: value ? AgentRunType.from(value) : null,
      leaseVersion: value?.leaseVersion ?? null,
      leaseExpiresAt: value?.leaseExpiresAt ?? null,
      userErrors,
    };
  }

  @Mutation(() => ClaimRunPayload, {
    description:
      'The assignee accepts a ready task: it is dispatched to their session, whose claim on the new run is returned.',
  })
  async acceptTask(
    @Arg('input') input: AcceptTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClaimRunPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task } = await ctx.access.task(input.taskId, 'agent.run');
      const session = await ownSession(ctx, input.sessionId);
      if (session.projectId !== task.projectId) {
        throw new DomainError(
          ErrorCode.BAD_USER_INPUT,
          'sessionId: the session is connected to another project',
          ['sessionId'],
        );
      }
      const assignee = task.assigneeMemberId
        ? await ctx.loaders.member.load(task.assigneeMemberId)
        : undefined;
      if (!assignee || assignee.userId !== userOf(ctx.actor)) {
        throw new DomainError(
          ErrorCode.FORBIDDEN,
          'only the member the task is assigned to accepts it',
        );
      }
      const user = await ctx.loaders.user.load(assignee.userId);
      const runId = await ctx.services.transactions.run((tx) =>
        ctx.services.dispatcher.accept(
          tx,
          { id: task.id, planId: task.planId, title: task.title },
          session.id,
          user?.name ?? 'the assignee',
        ),
      );
      // the task was loaded before accept() named its branch: the run's `git` reads it again
      ctx.loaders.task.clear(task.id);
      return (await ctx.services.queue.claim(session, runId)) ?? null;
    });
    return {
      run: value ? AgentRunType.from(value) : null,
      leaseVersion: value?.leaseVersion ?? null,
      leaseExpiresAt: value?.leaseExpiresAt ?? null,
      userErrors,
    };
  }

  @Mutation(() => RunPayload, { description: 'Extends the lease of a claimed run by 90 s.' })
  async heartbeatRun(
    @Arg('input') input: RunLeaseInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.queue.heartbeat(await ownRun(ctx, input.runId), input.leaseVersion),
    );
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }

  @Mutation(() => AppendRunOutputPayload, {
    description: 'Appends output chunks to a run under its lease.',
  })
  async appendRunOutput(
    @Arg('input') input: AppendRunOutputInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AppendRunOutputPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.queue.appendOutput(
        await ownRun(ctx, input.runId),
        input.leaseVersion,
        input.chunks.map((chunk) => ({
          stream: chunk.stream ?? OutputStream.STDOUT,
          chunk: chunk.chunk,
        })),
      ),
    );
    return {
      run: value ? AgentRunType.from(value.run) : null,
      lastSeq: value?.lastSeq ?? null,
      userErrors,
    };
  }

  @Mutation(() => RunPayload, {
    description: 'Reports a run done. Sent twice under the same lease, it changes nothing.',
  })
  async completeRun(
    @Arg('input') input: CompleteRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.queue.complete(await ownRun(ctx, input.runId), input.leaseVersion, {
        exitCode: input.exitCode,
        summary: input.summary,
        model: input.model,
        tokensIn: input.tokensIn ?? undefined,
        tokensOut: input.tokensOut ?? undefined,
        costUsd: input.costUsd ?? undefined,
        attended: input.attended ?? undefined,
      }),
    );
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }

  @Mutation(() => RunPayload, {
    description:
      'Pauses a run until resumeAt (a provider rate limit): it leaves the session and is queued again then, without counting an attempt.',
  })
  async pauseRun(
    @Arg('input') input: PauseRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.queue.pause(
        await ownRun(ctx, input.runId),
        input.leaseVersion,
        input.resumeAt,
        input.reason ?? undefined,
      ),
    );
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }

  @Mutation(() => RunPayload, {
    description:
      'Reports a run failed, with the reason. Sent twice under the same lease, it changes nothing.',
  })
  async failRun(
    @Arg('input') input: FailRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.queue.fail(await ownRun(ctx, input.runId), input.leaseVersion, input.reason, {
        conflictFiles: input.conflictFiles ?? undefined,
        exitCode: input.exitCode,
        model: input.model,
        tokensIn: input.tokensIn ?? undefined,
        tokensOut: input.tokensOut ?? undefined,
        costUsd: input.costUsd ?? undefined,
      }),
    );
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }

  @Mutation(() => TaskPayload, {
    description:
      'Approves a task’s work by hand (awaiting review or waiting for an operator): open reviews are cancelled and the merge follows. Audited.',
  })
  async approveTask(
    @Arg('input') input: ApproveTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    return reviewByHand(ctx, input, (delivery, taskId, operator, reason) =>
      delivery.approve(taskId, operator, reason),
    );
  }

  @Mutation(() => TaskPayload, {
    description:
      'Rejects a task’s work by hand: open reviews and merges are cancelled and the developer revises on the same branch with the reason. Audited.',
  })
  async rejectTask(
    @Arg('input') input: RejectTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    return reviewByHand(ctx, input, (delivery, taskId, operator, reason) =>
      delivery.reject(taskId, operator, reason),
    );
  }

  @Mutation(() => RunPayload, {
    description:
      'Queues a failed or cancelled run again from its first attempt (an epic bootstrap, review, merge, release or cleanup); its task, if waiting for an operator, goes back to review. Audited.',
  })
  async retryRun(
    @Arg('input') input: RetryRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { run, project } = await ctx.access.run(input.runId, 'task.review');
      return ctx.services.delivery.retry(run.id, await operatorOf(ctx, project.workspaceId));
    });
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }

  @Mutation(() => TeamPayload, {
    description:
      'A LEAD session allocates its team (a shared channel and worker counts by role), or changes its counts; workers join with registerSession(teamId). At most MAESTRO_LEAD_WORKER_CAP workers (default 8).',
  })
  async allocateTeam(
    @Arg('input') input: AllocateTeamInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TeamPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.teams.allocate(await ownSession(ctx, input.sessionId), {
        dev: input.dev,
        review: input.review,
        test: input.test,
      }),
    );
    return { team: value ? TeamType.from(value) : null, userErrors };
  }

  @Mutation(() => RunPayload, {
    description:
      "A lead hands a worker of its team a packet of work under the lead's run (its leaseVersion): a run of the same task, targeted at the worker and pushed to it. Returns the delegated run.",
  })
  async delegateRun(
    @Arg('input') input: DelegateRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunPayload> {
    const { value, userErrors } = await mutate(async () => {
      const run = await ownRun(ctx, input.runId);
      const lead = run.sessionId ? await ctx.loaders.session.load(run.sessionId) : undefined;
      if (!lead) {
        throw new DomainError(
          ErrorCode.BAD_USER_INPUT,
          'runId: the run is not held by a session; claim it first',
          ['runId'],
        );
      }
      const { session: worker } = await ctx.access.session(input.workerSessionId, 'agent.run');
      return ctx.services.teams.delegate(run, input.leaseVersion, lead, worker, {
        title: input.packet.title,
        instructions: input.packet.instructions,
        role: input.packet.role ?? undefined,
      });
    });
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }

  @Mutation(() => PostSubtaskPayload, {
    description:
      "A running agent's MAESTRO:SUBTASK directive, under its run's lease: a child task of the run's task, or with \"replan\": true a REFINE run for the plan. A directive that cannot be used becomes a comment on the task (outcome COMMENT), never an error.",
  })
  async postSubtask(
    @Arg('input') input: PostSubtaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PostSubtaskPayload> {
    const { value, userErrors } = await mutate(async () =>
      ctx.services.subtasks.post(
        await ownRun(ctx, input.runId),
        input.leaseVersion,
        input.directive,
      ),
    );
    return {
      outcome: value?.outcome ?? null,
      task: value?.task ? TaskType.from(value.task) : null,
      run: value?.run ? AgentRunType.from(value.run) : null,
      comment: value?.comment ? TaskCommentType.from(value.comment) : null,
      problem: value?.problem ?? null,
      userErrors,
    };
  }

  @Query(() => AssignmentCandidatesType, {
    description:
      'Members ranked for assigning a task, by the rule sessions are chosen by (docs/dispatch.md).',
  })
  async assignmentCandidates(
    @Arg('taskId', () => ID) taskId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AssignmentCandidatesType> {
    const { task, project } = await ctx.access.task(taskId, 'task.assign');
    const ranked = await ctx.services.dispatcher.memberCandidates(task, project.workspaceId);
    const members = await Promise.all(
      ranked.map((entry) => ctx.loaders.member.load(entry.memberId)),
    );
    return {
      rule: MEMBER_RANKING_RULE,
      candidates: ranked.flatMap((entry, index) => {
        const member = members[index];
        if (!member) return [];
        return [
          {
            member: MemberType.from(member),
            eligible: entry.eligible,
            score: entry.score,
            inFlight: entry.inFlight,
            rank: entry.rank,
            note: entry.note,
          },
        ];
      }),
    };
  }
}

/** A session the actor may operate: registered by the same member (the system: any). */
async function ownSession(ctx: GraphQLContext, sessionId: string): Promise<AgentSessionEntity> {
  const { session } = await ctx.access.session(sessionId, 'agent.run');
  await requireOwner(ctx, session);
  return session;
}

/** A run the actor may report on: held by one of their sessions (or by none yet). */
/** approveTask and rejectTask: the operator's verdict on a task, then the task as it is now. */
async function reviewByHand(
  ctx: GraphQLContext,
  input: { taskId: string; reason: string },
  act: (
    delivery: Services['delivery'],
    taskId: string,
    operator: Operator,
    reason: string,
  ) => Promise<void>,
): Promise<TaskPayload> {
  const { value, userErrors } = await mutate(async () => {
    const { task, project } = await ctx.access.task(input.taskId, 'task.review');
    await act(
      ctx.services.delivery,
      task.id,
      await operatorOf(ctx, project.workspaceId),
      input.reason,
    );
    return (await ctx.services.tasks.get(task.id)) ?? null;
  });
  return { task: value ? TaskType.from(value) : null, userErrors };
}

/** The acting member of the workspace, for operator actions (comments and the audit log). */
async function operatorOf(ctx: GraphQLContext, workspaceId: string): Promise<Operator> {
  const userId = userOf(ctx.actor);
  const member = userId ? await ctx.services.members.findByUser(userId, workspaceId) : undefined;
  if (!userId || !member) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      'operator actions are taken by a member of the workspace',
    );
  }
  return { memberId: member.id, userId, workspaceId, address: ctx.client.address };
}

export async function ownRun(ctx: GraphQLContext, runId: string): Promise<AgentRunEntity> {
  const { run } = await ctx.access.run(runId, 'agent.run');
  if (run.sessionId) {
    const session = await ctx.loaders.session.load(run.sessionId);
    if (session) await requireOwner(ctx, session);
  }
  return run;
}

async function requireOwner(ctx: GraphQLContext, session: AgentSessionEntity): Promise<void> {
  if (ctx.actor.kind === 'system') return;
  const member = session.memberId ? await ctx.loaders.member.load(session.memberId) : undefined;
  if (!member || member.userId !== userOf(ctx.actor)) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'this session belongs to another member');
  }
}
