import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import type { EventRecord } from '../../domain/events/event.types.js';
import type { AgentRunEntity } from '../../domain/run/run.entity.js';
import { RunStatus } from '../../domain/run/run.types.js';
import { transformStream } from '../../domain/common/stream-transform.js';
import { proficiencyLabel } from '../../domain/skill/proficiency.js';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import type { GraphQLContext } from '../context.js';
import { readNode } from '../read-node.js';
import { ProjectType } from '../project/project.type.js';
import { AgentRunConnection, AgentRunType } from '../run/run.type.js';
import { SkillType } from '../skill/skill.type.js';
import { MemberType } from '../user/user.type.js';
import { AgentSessionType, SessionSkillType, TeamType } from './session.type.js';

@Resolver(() => AgentSessionType)
export class SessionResolver {
  @Query(() => AgentSessionType, {
    nullable: true,
    description: 'An agent session by id; null if none.',
  })
  async session(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentSessionType | null> {
    return readNode<AgentSessionType>(ctx, 'AgentSession', id);
  }

  @Subscription(() => AgentRunType, {
    description:
      'Runs pushed to a daemon: first those already queued for the session, then each run queued for it, and each run meant for it that comes back from a pause (RunResumed).',
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const { session, project } = await ctx.access.session(
        (args as { sessionId: string }).sessionId,
        'workspace.read',
      );
      const sessionId = toPublicId('AgentSession', session.id);
      const from = await ctx.services.events.lastSeq(project.id);
      const live = await ctx.services.events.stream(project.id, from);
      const queued = await ctx.services.runs.queuedFor(session.id);
      const seen = new Set(queued.map((run) => run.id));
      return transformStream<EventRecord, AgentRunEntity>(
        live,
        async (event) => {
          const queued = event.type === 'RunQueued' && event.payload.targetSessionId === sessionId;
          // a run paused for a rate limit comes back to the session it was meant for
          if (!queued && event.type !== 'RunResumed') return undefined;
          const run = await ctx.services.runs.get(keyOf(ctx, event));
          if (!run || run.status !== RunStatus.QUEUED) return undefined;
          if (!queued && run.targetSessionId !== session.id) return undefined;
          if (queued && seen.has(run.id)) return undefined;
          seen.add(run.id);
          return run;
        },
        queued,
      );
    },
  })
  sessionRuns(
    @Root() run: AgentRunEntity,
    @Arg('sessionId', () => ID) _sessionId: string,
  ): AgentRunType {
    return AgentRunType.from(run);
  }

  @FieldResolver(() => ProjectType)
  async project(
    @Root() session: AgentSessionType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProjectType> {
    const project = await ctx.loaders.project.load(session.projectKey);
    if (!project) throw new Error(`session ${session.id} has no project`);
    return ProjectType.from(project);
  }

  @FieldResolver(() => MemberType, { nullable: true, description: 'Who runs the daemon.' })
  async member(
    @Root() session: AgentSessionType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberType | null> {
    const member = session.memberKey ? await ctx.loaders.member.load(session.memberKey) : undefined;
    return member ? MemberType.from(member) : null;
  }

  @FieldResolver(() => TeamType, { nullable: true })
  async team(
    @Root() session: AgentSessionType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TeamType | null> {
    const team = session.teamKey ? await ctx.loaders.team.load(session.teamKey) : undefined;
    return team ? TeamType.from(team) : null;
  }

  @FieldResolver(() => [SessionSkillType])
  async skills(
    @Root() session: AgentSessionType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SessionSkillType[]> {
    return (await ctx.loaders.sessionSkills.load(session.key)).map((row) =>
      Object.assign(new SessionSkillType(), {
        proficiency: row.proficiency,
        label: proficiencyLabel(row.proficiency),
        skillKey: row.skillId,
      }),
    );
  }

  @FieldResolver(() => AgentRunConnection, {
    description: 'Runs this session claimed, oldest first.',
  })
  async runs(
    @Root() session: AgentSessionType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<AgentRunType>> {
    const request = toPageRequest(args);
    const filter = { sessionId: session.key };
    const page = await ctx.services.runs.list(session.projectKey, filter, request);
    return toConnection(
      page,
      request,
      (row) => AgentRunType.from(row),
      () => ctx.services.runs.count(session.projectKey, filter),
    );
  }
}

/** The row key of the run a RunQueued event names. */
function keyOf(ctx: GraphQLContext, event: EventRecord): string {
  return ctx.access.decode('Run', String(event.payload.runId), 'runId');
}

@Resolver(() => SessionSkillType)
export class SessionSkillResolver {
  @FieldResolver(() => SkillType)
  async skill(@Root() row: SessionSkillType, @Ctx() ctx: GraphQLContext): Promise<SkillType> {
    const skill = await ctx.loaders.skill.load(row.skillKey);
    if (!skill) throw new Error(`session skill without skill ${row.skillKey}`);
    return SkillType.from(skill);
  }
}

@Resolver(() => TeamType)
export class TeamResolver {
  @FieldResolver(() => AgentSessionType, { nullable: true })
  async lead(@Root() team: TeamType, @Ctx() ctx: GraphQLContext): Promise<AgentSessionType | null> {
    const lead = await ctx.loaders.session.load(team.leadKey);
    return lead ? AgentSessionType.from(lead) : null;
  }

  @FieldResolver(() => [AgentSessionType], {
    description: 'Every session in the team, lead included.',
  })
  async sessions(@Root() team: TeamType, @Ctx() ctx: GraphQLContext): Promise<AgentSessionType[]> {
    return (await ctx.loaders.teamSessions.load(team.key)).map((row) => AgentSessionType.from(row));
  }
}
