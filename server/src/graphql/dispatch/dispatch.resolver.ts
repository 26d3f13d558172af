import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { userOf } from '../../domain/access/actor.js';
import { DomainError, ErrorCode } from '../../domain/common/errors.js';
import type { AgentRunEntity } from '../../domain/run/run.entity.js';
import { OutputStream } from '../../domain/run/run.entity.js';
import type { AgentSessionEntity } from '../../domain/session/session.entity.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { AgentRunType } from '../run/run.type.js';
import { AgentSessionType } from '../session/session.type.js';
import {
  AcceptTaskInput,
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
        exitCode: input.exitCode,
        model: input.model,
        tokensIn: input.tokensIn ?? undefined,
        tokensOut: input.tokensOut ?? undefined,
        costUsd: input.costUsd ?? undefined,
      }),
    );
    return { run: value ? AgentRunType.from(value) : null, userErrors };
  }
}

/** A session the actor may operate: registered by the same member (the system: any). */
async function ownSession(ctx: GraphQLContext, sessionId: string): Promise<AgentSessionEntity> {
  const { session } = await ctx.access.session(sessionId, 'agent.run');
  await requireOwner(ctx, session);
  return session;
}

/** A run the actor may report on: held by one of their sessions (or by none yet). */
async function ownRun(ctx: GraphQLContext, runId: string): Promise<AgentRunEntity> {
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
