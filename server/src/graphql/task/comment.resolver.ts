import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { CommentAuthor } from '../../domain/task/task.entity.js';
import { DeletePayload } from '../common/payloads.js';
import type { GraphQLContext } from '../context.js';
import { mutate } from '../errors.js';
import { MemberType } from '../user/user.type.js';
import {
  AddTaskCommentInput,
  DeleteTaskCommentInput,
  TaskCommentPayload,
  TaskCommentType,
  TaskType,
  UpdateTaskCommentInput,
} from './task.type.js';

@Resolver(() => TaskCommentType)
export class TaskCommentResolver {
  @Mutation(() => TaskCommentPayload, {
    description: 'Comments on a task; emits TaskCommentAdded.',
  })
  async addTaskComment(
    @Arg('input') input: AddTaskCommentInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskCommentPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { task, project } = await ctx.access.task(input.taskId, 'comment.write');
      const memberId =
        ctx.actor.kind === 'user'
          ? ((await ctx.services.members.inWorkspace(project.workspaceId)).find(
              (member) => ctx.actor.kind === 'user' && member.userId === ctx.actor.userId,
            )?.id ?? null)
          : null;
      return ctx.services.comments.add(
        task,
        {
          kind: ctx.actor.kind === 'system' ? CommentAuthor.SYSTEM : CommentAuthor.MEMBER,
          memberId,
        },
        input.body,
      );
    });
    return { comment: value ? TaskCommentType.from(value) : null, userErrors };
  }

  @Mutation(() => TaskCommentPayload)
  async updateTaskComment(
    @Arg('input') input: UpdateTaskCommentInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TaskCommentPayload> {
    const { value, userErrors } = await mutate(async () => {
      const { comment, task } = await ctx.access.comment(input.commentId, 'comment.write');
      return ctx.services.comments.update(comment, task, input.body);
    });
    return { comment: value ? TaskCommentType.from(value) : null, userErrors };
  }

  @Mutation(() => DeletePayload)
  async deleteTaskComment(
    @Arg('input') input: DeleteTaskCommentInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeletePayload> {
    const { value, userErrors } = await mutate(async () => {
      const { comment, task } = await ctx.access.comment(input.commentId, 'comment.write');
      await ctx.services.comments.delete(comment, task);
      return input.commentId;
    });
    return { deletedId: value, userErrors };
  }

  @FieldResolver(() => TaskType)
  async task(@Root() comment: TaskCommentType, @Ctx() ctx: GraphQLContext): Promise<TaskType> {
    const task = await ctx.loaders.task.load(comment.taskKey);
    if (!task) throw new Error(`comment ${comment.id} has no task`);
    return TaskType.from(task);
  }

  @FieldResolver(() => MemberType, {
    nullable: true,
    description: 'Null for agents, Studio and the local operator.',
  })
  async author(
    @Root() comment: TaskCommentType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberType | null> {
    const member = comment.authorKey ? await ctx.loaders.member.load(comment.authorKey) : undefined;
    return member ? MemberType.from(member) : null;
  }
}
