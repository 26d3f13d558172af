import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  ConnectionArgs,
  toConnection,
  toPageRequest,
  type ConnectionShape,
} from '../common/connection.js';
import { DeletePayload } from '../common/payloads.js';
import type { GraphQLContext } from '../context.js';
import { readNode } from '../read-node.js';
import { auditAs } from '../audit.js';
import { mutate } from '../errors.js';
import { PhaseType, PlanType } from '../plan/plan.type.js';
import { ProjectType } from '../project/project.type.js';
import { SkillType } from '../skill/skill.type.js';
import { MemberType } from '../user/user.type.js';
import { taskConnection } from './task-connection.js';
import {
  AssignTaskInput,
  CreateTaskInput,
  DeleteTaskInput,
  MoveTaskInput,
  SetTaskStatusInput,
  TaskCommentConnection,
  TaskCommentType,
  TaskConnection,
  TaskFilterInput,
  TaskPayload,
  TaskType,
  UpdateTaskInput,
} from './task.type.js';

@Resolver(() => TaskType)
export class TaskResolver {
  @Query(() => TaskType, { nullable: true, description: 'A task by id; null if none.' })
  async task(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskType | null> {
    return readNode<TaskType>(ctx, 'Task', id);
  }

  @Query(() => TaskConnection, {
    description:
      "A project's tasks, filtered by plan, phase, status, assignee or skill; oldest first.",
  })
  async tasks(
    @Arg('projectId', () => ID) projectId: string,
    @Arg('filter', () => TaskFilterInput, { nullable: true }) filter: TaskFilterInput | null,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<TaskType>> {
    const project = await ctx.access.project(projectId, 'workspace.read');
    return taskConnection(ctx, project.id, filter, args);
  }

  @Query(() => TaskConnection, {
    description:
      'Tasks assigned to the viewer in any workspace; tasks of archived plans only when asked.',
  })
  async myTasks(
    @Arg('includeArchived', { defaultValue: false }) includeArchived: boolean,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<TaskType>> {
    ctx.access.public();
    const request = toPageRequest(args);
    const memberIds =
      ctx.actor.kind === 'user'
        ? (await ctx.services.members.ofUser(ctx.actor.userId)).map((member) => member.id)
        : [];
    const page = await ctx.services.tasks.assignedTo(memberIds, includeArchived, request);
    return toConnection(
      page,
      request,
      (row) => TaskType.from(row),
      () => ctx.services.tasks.countAssignedTo(memberIds, includeArchived),
    );
  }

  @Query(() => [TaskType], {
    description: 'What a task waits for: its dependencies that are not merged or completed yet.',
  })
  async taskBlockers(
    @Arg('taskId', () => ID) taskId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskType[]> {
    const { task } = await ctx.access.task(taskId, 'workspace.read');
    return (await ctx.services.tasks.blockers(task.id)).map((row) => TaskType.from(row));
  }

  @Mutation(() => TaskPayload, { description: 'Adds a task to a phase; emits TaskCreated.' })
  async createTask(
    @Arg('input') input: CreateTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { phase } = await ctx.access.phase(input.phaseId, 'plan.write');
      return ctx.services.tasks.create(phase.id, {
        ...fields(ctx, input),
        title: input.title,
        position: input.position ?? undefined,
      });
    });
    return { task: value ? TaskType.from(value) : null, userErrors };
  }

  @Mutation(() => TaskPayload, {
    description:
      'Changes a task; skills and dependsOn replace the current lists. Cycles are refused.',
  })
  async updateTask(
    @Arg('input') input: UpdateTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task } = await ctx.access.task(input.taskId, 'plan.write');
      return ctx.services.tasks.update(task.id, {
        ...fields(ctx, input),
        ...(input.clearParent ? { parentTaskId: null } : {}),
        title: input.title ?? undefined,
        actualMinutes: input.actualMinutes ?? undefined,
        branchName: input.branchName ?? undefined,
        prUrl: input.prUrl ?? undefined,
      });
    });
    return { task: value ? TaskType.from(value) : null, userErrors };
  }

  @Mutation(() => TaskPayload, { description: 'Reorders a task, or moves it to another phase.' })
  async moveTask(
    @Arg('input') input: MoveTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task } = await ctx.access.task(input.taskId, 'plan.write');
      return ctx.services.tasks.move(task.id, {
        phaseId: input.phaseId ? ctx.access.decode('Phase', input.phaseId, 'phaseId') : undefined,
        position: input.position,
      });
    });
    return { task: value ? TaskType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload, {
    description: 'Deletes a task that nothing depends on and no agent is working on.',
  })
  async deleteTask(
    @Arg('input') input: DeleteTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task } = await ctx.access.task(input.taskId, 'plan.write');
      await ctx.services.tasks.delete(task.id);
      return input.taskId;
    });
    return { deletedId: value, userErrors };
  }

  @Mutation(() => TaskPayload, {
    description:
      'Moves a task through its lifecycle by hand; an illegal move is a CONFLICT userError.',
  })
  async setTaskStatus(
    @Arg('input') input: SetTaskStatusInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task, project } = await ctx.access.task(input.taskId, 'task.transition');
      // audited with the change: pausing, resuming, re-opening, approving by hand, cancelling
      return ctx.services.transactions.run(async (tx) => {
        const from = task.status;
        const saved = await ctx.services.tasks.setStatusIn(
          tx,
          task.id,
          input.status,
          'user',
          input.reason ?? undefined,
        );
        await auditAs(ctx, {
          workspaceId: project.workspaceId,
          action: 'task.status_changed',
          target: input.taskId,
          details: { from, to: input.status, ...(input.reason ? { reason: input.reason } : {}) },
        })(tx.manager);
        return saved;
      });
    });
    return { task: value ? TaskType.from(value) : null, userErrors };
  }

  @Mutation(() => TaskPayload, { description: 'Assigns a task to a member, or unassigns it.' })
  async assignTask(
    @Arg('input') input: AssignTaskInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task } = await ctx.access.task(input.taskId, 'task.assign');
      return ctx.services.tasks.assign(
        task.id,
        input.memberId ? ctx.access.decode('Member', input.memberId, 'memberId') : null,
      );
    });
    return { task: value ? TaskType.from(value) : null, userErrors };
  }

  @FieldResolver(() => ProjectType)
  async project(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<ProjectType> {
    const project = await ctx.loaders.project.load(task.projectKey);
    if (!project) throw new Error(`task ${task.id} has no project`);
    return ProjectType.from(project);
  }

  @FieldResolver(() => PlanType)
  async plan(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<PlanType> {
    const plan = await ctx.loaders.plan.load(task.planKey);
    if (!plan) throw new Error(`task ${task.id} has no plan`);
    return PlanType.from(plan);
  }

  @FieldResolver(() => PhaseType)
  async phase(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<PhaseType> {
    const phase = await ctx.loaders.phase.load(task.phaseKey);
    if (!phase) throw new Error(`task ${task.id} has no phase`);
    return PhaseType.from(phase);
  }

  @FieldResolver(() => TaskType, { nullable: true })
  async parent(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<TaskType | null> {
    const parent = task.parentKey ? await ctx.loaders.task.load(task.parentKey) : undefined;
    return parent ? TaskType.from(parent) : null;
  }

  @FieldResolver(() => [TaskType], { description: 'Subtasks, oldest first.' })
  async children(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<TaskType[]> {
    return (await ctx.loaders.childrenOfTask.load(task.key)).map((row) => TaskType.from(row));
  }

  @FieldResolver(() => [SkillType])
  async skills(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<SkillType[]> {
    const links = await ctx.loaders.skillsOfTask.load(task.key);
    const skills = await ctx.loaders.skill.loadMany(links.map((link) => link.skillId));
    return skills.flatMap((skill) =>
      skill && !(skill instanceof Error) ? [SkillType.from(skill)] : [],
    );
  }

  @FieldResolver(() => [TaskType], { description: 'The tasks this one waits for.' })
  async dependsOn(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<TaskType[]> {
    const edges = await ctx.loaders.dependenciesOfTask.load(task.key);
    return loadTasks(
      ctx,
      edges.map((edge) => edge.dependsOnTaskId),
    );
  }

  @FieldResolver(() => [TaskType], { description: 'The tasks waiting for this one.' })
  async dependents(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<TaskType[]> {
    const edges = await ctx.loaders.dependentsOfTask.load(task.key);
    return loadTasks(
      ctx,
      edges.map((edge) => edge.taskId),
    );
  }

  @FieldResolver(() => MemberType, { nullable: true })
  async assignee(@Root() task: TaskType, @Ctx() ctx: GraphQLContext): Promise<MemberType | null> {
    const member = task.assigneeKey ? await ctx.loaders.member.load(task.assigneeKey) : undefined;
    return member ? MemberType.from(member) : null;
  }

  @FieldResolver(() => TaskCommentConnection, { description: 'Comments, oldest first.' })
  async comments(
    @Root() task: TaskType,
    @Args() args: ConnectionArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<TaskCommentType>> {
    const request = toPageRequest(args);
    const page = await ctx.services.comments.list(task.key, request);
    return toConnection(
      page,
      request,
      (row) => TaskCommentType.from(row),
      () => ctx.services.comments.count(task.key),
    );
  }
}

async function loadTasks(ctx: GraphQLContext, keys: string[]): Promise<TaskType[]> {
  const tasks = await ctx.loaders.task.loadMany(keys);
  return tasks
    .flatMap((task) => (task && !(task instanceof Error) ? [TaskType.from(task)] : []))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The fields createTask and updateTask share, with ids decoded. */
function fields(ctx: GraphQLContext, input: CreateTaskInput | UpdateTaskInput) {
  return {
    description: input.description ?? undefined,
    priority: input.priority ?? undefined,
    type: input.type ?? undefined,
    requiredProficiency: input.requiredProficiency ?? undefined,
    skills: input.skills ?? undefined,
    dependsOn: input.dependsOn?.map((id, index) =>
      ctx.access.decode('Task', id, `dependsOn[${index}]`),
    ),
    parentTaskId: input.parentTaskId
      ? ctx.access.decode('Task', input.parentTaskId, 'parentTaskId')
      : undefined,
    estimateMinutes: input.estimateMinutes ?? undefined,
    canRunParallel: input.canRunParallel ?? undefined,
    splittable: input.splittable ?? undefined,
  };
}
