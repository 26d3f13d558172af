import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { RunOutputEntity } from '../../domain/run/run.entity.js';
import type { RunFilter } from '../../domain/run/run.repository.js';
import { RunPurpose } from '../../domain/run/run.types.js';
import {
  ConnectionArgs,
  requirePageSize,
  toSeqConnection,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import { SafeInt } from '../common/scalars.js';
import type { GraphQLContext } from '../context.js';
import { readNode } from '../read-node.js';
import { runsOfTaskKey } from '../loaders.js';
import { PlanType } from '../plan/plan.type.js';
import { ProjectType } from '../project/project.type.js';
import { AgentSessionType } from '../session/session.type.js';
import { TaskType } from '../task/task.type.js';
import {
  AgentRunConnection,
  AgentRunType,
  RunFilterInput,
  RunGitType,
  RunOutputChunkType,
  RunOutputConnection,
} from './run.type.js';

/** A page of a run's output: cursors are seqs; totalCount is the last seq. */
async function outputConnection(
  ctx: GraphQLContext,
  runKey: string,
  after: number,
  first: number,
): Promise<ConnectionShape<RunOutputChunkType>> {
  const [rows, last] = await Promise.all([
    ctx.services.runs.outputAfter(runKey, after, requirePageSize('first', first)),
    ctx.services.runs.lastOutputSeq(runKey),
  ]);
  return toSeqConnection(rows, after, last, (row) => RunOutputChunkType.from(row));
}

@Resolver(() => AgentRunType)
export class RunResolver {
  @Query(() => AgentRunType, { nullable: true, description: 'A run by id; null if none.' })
  async run(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentRunType | null> {
    return readNode<AgentRunType>(ctx, 'Run', id);
  }

  @Query(() => AgentRunConnection, {
    description: "A project's runs, filtered by status, purpose, session or task; oldest first.",
  })
  async runs(
    @Arg('projectId', () => ID) projectId: string,
    @Arg('filter', () => RunFilterInput, { nullable: true }) filter: RunFilterInput | null,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<AgentRunType>> {
    const project = await ctx.access.project(projectId, 'workspace.read');
    const domainFilter: RunFilter = {
      statuses: filter?.status ?? undefined,
      purposes: filter?.purpose ?? undefined,
      sessionId: filter?.sessionId
        ? ctx.access.decode('AgentSession', filter.sessionId, 'filter.sessionId')
        : undefined,
      taskId: filter?.taskId
        ? ctx.access.decode('Task', filter.taskId, 'filter.taskId')
        : undefined,
    };
    const request = toPageRequest(args);
    const page = await ctx.services.runs.list(project.id, domainFilter, request);
    return toConnection(
      page,
      request,
      (row) => AgentRunType.from(row),
      () => ctx.services.runs.count(project.id, domainFilter),
    );
  }

  @Query(() => RunOutputConnection, {
    description:
      "A run's output chunks with seq > after: the back-fill of a console after a reconnect.",
  })
  async runOutput(
    @Arg('runId', () => ID) runId: string,
    @Arg('after', () => SafeInt, { defaultValue: 0 }) after: number,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<RunOutputChunkType>> {
    const { run } = await ctx.access.run(runId, 'workspace.read');
    return outputConnection(ctx, run.id, after, first);
  }

  @Subscription(() => RunOutputChunkType, {
    name: 'runOutput',
    description:
      "A run's output: chunks with seq > after first (when given), then live ones; each once, in order.",
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const { runId, after } = args as { runId: string; after?: number | null };
      const { run } = await ctx.access.run(runId, 'workspace.read');
      return ctx.services.runs.streamOutput(run.id, after ?? undefined);
    },
  })
  runOutputSubscription(
    @Root() chunk: RunOutputEntity,
    @Arg('runId', () => ID) _runId: string,
    @Arg('after', () => SafeInt, {
      nullable: true,
      description: 'Replay chunks after this seq first.',
    })
    _after: number | null,
  ): RunOutputChunkType {
    return RunOutputChunkType.from(chunk);
  }

  @FieldResolver(() => RunOutputConnection, { description: 'Output chunks with seq > after.' })
  async output(
    @Root() run: AgentRunType,
    @Arg('after', () => SafeInt, { defaultValue: 0 }) after: number,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<RunOutputChunkType>> {
    return outputConnection(ctx, run.key, after, first);
  }

  @FieldResolver(() => ProjectType)
  async project(@Root() run: AgentRunType, @Ctx() ctx: GraphQLContext): Promise<ProjectType> {
    const project = await ctx.loaders.project.load(run.projectKey);
    if (!project) throw new Error(`run ${run.id} has no project`);
    return ProjectType.from(project);
  }

  @FieldResolver(() => RunGitType, {
    nullable: true,
    description:
      'The branches the run works with (null for runs outside a plan, except a repository analysis, which reads the base branch).',
  })
  async git(@Root() run: AgentRunType, @Ctx() ctx: GraphQLContext): Promise<RunGitType | null> {
    if (!run.planKey) return run.purpose === RunPurpose.REPO_ANALYSIS ? projectGit(ctx, run) : null;
    const [project, plan, task] = await Promise.all([
      ctx.loaders.project.load(run.projectKey),
      ctx.loaders.plan.load(run.planKey),
      run.taskKey ? ctx.loaders.task.load(run.taskKey) : undefined,
    ]);
    if (!project || !plan) return null;
    return Object.assign(new RunGitType(), {
      remoteUrl: project.remoteUrl,
      baseBranch: project.baseBranch,
      epicBranch: plan.branch,
      taskBranch: task?.branchName ?? null,
    });
  }

  @FieldResolver(() => PlanType, { nullable: true })
  async plan(@Root() run: AgentRunType, @Ctx() ctx: GraphQLContext): Promise<PlanType | null> {
    const plan = run.planKey ? await ctx.loaders.plan.load(run.planKey) : undefined;
    return plan ? PlanType.from(plan) : null;
  }

  @FieldResolver(() => TaskType, { nullable: true })
  async task(@Root() run: AgentRunType, @Ctx() ctx: GraphQLContext): Promise<TaskType | null> {
    const task = run.taskKey ? await ctx.loaders.task.load(run.taskKey) : undefined;
    return task ? TaskType.from(task) : null;
  }

  @FieldResolver(() => AgentSessionType, {
    nullable: true,
    description: 'The session holding (or last holding) the lease.',
  })
  async session(
    @Root() run: AgentRunType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentSessionType | null> {
    const session = run.sessionKey ? await ctx.loaders.session.load(run.sessionKey) : undefined;
    return session ? AgentSessionType.from(session) : null;
  }

  @FieldResolver(() => AgentSessionType, {
    nullable: true,
    description: 'The session the dispatcher chose.',
  })
  async targetSession(
    @Root() run: AgentRunType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentSessionType | null> {
    const session = run.targetSessionKey
      ? await ctx.loaders.session.load(run.targetSessionKey)
      : undefined;
    return session ? AgentSessionType.from(session) : null;
  }

  @FieldResolver(() => AgentRunType, {
    nullable: true,
    description: "The lead's run this one was delegated from (delegateRun).",
  })
  async parentRun(
    @Root() run: AgentRunType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentRunType | null> {
    const parent = run.parentRunKey ? await ctx.loaders.run.load(run.parentRunKey) : undefined;
    return parent ? AgentRunType.from(parent) : null;
  }
}

@Resolver(() => TaskType)
export class TaskRunsResolver {
  @FieldResolver(() => AgentRunConnection, {
    description:
      "The task's runs, oldest first. Without cursors, batched across tasks: runs(first: 5), runs(last: 1).",
  })
  async runs(
    @Root() task: TaskType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<AgentRunType>> {
    const request = toPageRequest(args);
    const count = () => ctx.loaders.runCountOfTask.load(task.key);
    if (request.after === undefined && request.before === undefined) {
      // One more than asked for tells whether there are more, without counting.
      const { limit, fromEnd } = request;
      const rows = await ctx.loaders.runsOfTask.load(runsOfTaskKey(task.key, limit + 1, fromEnd));
      const hasMore = rows.length > limit;
      const items = !hasMore ? rows : fromEnd ? rows.slice(1) : rows.slice(0, limit);
      return toConnection({ items, hasMore }, request, (row) => AgentRunType.from(row), count);
    }
    const page = await ctx.services.runs.list(task.projectKey, { taskId: task.key }, request);
    return toConnection(page, request, (row) => AgentRunType.from(row), count);
  }
}

/** A plan-less run's branches: the project's remote and base branch (a repository analysis). */
async function projectGit(ctx: GraphQLContext, run: AgentRunType): Promise<RunGitType | null> {
  const project = await ctx.loaders.project.load(run.projectKey);
  if (!project) return null;
  return Object.assign(new RunGitType(), {
    remoteUrl: project.remoteUrl,
    baseBranch: project.baseBranch,
    epicBranch: null,
    taskBranch: null,
  });
}
