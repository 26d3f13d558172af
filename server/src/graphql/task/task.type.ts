import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  CommentAuthor,
  type TaskCommentEntity,
  type TaskEntity,
} from '../../domain/task/task.entity.js';
import {
  TASK_LIFECYCLE,
  TaskPriority,
  TaskStatus,
  TaskType as TaskKind,
} from '../../domain/task/task-lifecycle.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject, ProficiencyInput } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';

registerEnumType(TaskStatus, {
  name: 'TaskStatus',
  description: 'docs/api.md has the transition table: who may move a task from where to where.',
});
registerEnumType(TaskPriority, { name: 'TaskPriority' });
registerEnumType(TaskKind, { name: 'TaskType' });
registerEnumType(CommentAuthor, { name: 'CommentAuthor' });

@ObjectType('Task', {
  implements: NodeInterface,
  description: 'A unit of work in a phase of a plan.',
})
export class TaskType extends NodeInterface {
  @Field()
  title: string;

  @Field()
  description: string;

  @Field(() => TaskStatus)
  status: TaskStatus;

  @Field(() => [TaskStatus], { description: 'The statuses a person may move the task to now.' })
  allowedTransitions: TaskStatus[];

  @Field(() => TaskPriority)
  priority: TaskPriority;

  @Field(() => TaskKind)
  type: TaskKind;

  @Field(() => Int, { description: 'The proficiency (1-5) needed in every skill of the task.' })
  requiredProficiency: number;

  @Field(() => Int, { nullable: true })
  estimateMinutes: number | null;

  @Field(() => Int, { nullable: true })
  actualMinutes: number | null;

  @Field({ description: 'Whether it may run at the same time as its siblings.' })
  canRunParallel: boolean;

  @Field({ description: 'Whether the planner or an agent may split it into subtasks.' })
  splittable: boolean;

  @Field(() => String, { nullable: true })
  branchName: string | null;

  @Field(() => String, { nullable: true })
  prUrl: string | null;

  @Field(() => Int, { description: '0, 1, 2, … within the phase.' })
  position: number;

  @Field(() => String, {
    nullable: true,
    description:
      "The key the proposal it came from gave it; a re-plan's proposal repeats it to keep (or change) this task rather than remove it. Null for tasks made by hand.",
  })
  proposalKey: string | null;

  @Field(() => Date, { nullable: true })
  acceptedAt: Date | null;

  @Field(() => Date, { nullable: true })
  completedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'A review was sent (or is in flight).' })
  reviewSentAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'The reviewer approved; kept across merge retries.',
  })
  reviewApprovedAt: Date | null;

  @Field(() => Int, { description: 'Reject → revise cycles so far (at 3, an operator steps in).' })
  revisionCount: number;

  @Field()
  statusChangedAt: Date;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  key: string;
  projectKey: string;
  planKey: string;
  phaseKey: string;
  parentKey: string | null;
  assigneeKey: string | null;

  static from(entity: TaskEntity): TaskType {
    return Object.assign(new TaskType(), {
      id: toPublicId('Task', entity.id),
      key: entity.id,
      projectKey: entity.projectId,
      planKey: entity.planId,
      phaseKey: entity.phaseId,
      parentKey: entity.parentTaskId,
      assigneeKey: entity.assigneeMemberId,
      title: entity.title,
      description: entity.description,
      status: entity.status,
      allowedTransitions: TASK_LIFECYCLE.targets(entity.status, 'user'),
      priority: entity.priority,
      type: entity.type,
      requiredProficiency: entity.requiredProficiency,
      estimateMinutes: entity.estimateMinutes,
      actualMinutes: entity.actualMinutes,
      canRunParallel: entity.canRunParallel,
      splittable: entity.splittable,
      branchName: entity.branchName,
      prUrl: entity.prUrl,
      position: entity.position,
      proposalKey: entity.key,
      acceptedAt: entity.acceptedAt,
      completedAt: entity.completedAt,
      reviewSentAt: entity.reviewSentAt,
      reviewApprovedAt: entity.reviewApprovedAt,
      revisionCount: entity.revisionCount,
      statusChangedAt: entity.statusChangedAt,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('TaskConnection')
export class TaskConnection extends Connection(TaskType, 'Task') {}

@ObjectType('TaskComment', { implements: NodeInterface })
export class TaskCommentType extends NodeInterface {
  @Field()
  body: string;

  @Field(() => CommentAuthor)
  authorKind: CommentAuthor;

  @Field(() => JSONObject, { nullable: true, description: 'An AI evaluation of the comment.' })
  evaluation: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  resolution: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  taskKey: string;
  authorKey: string | null;

  static from(entity: TaskCommentEntity): TaskCommentType {
    return Object.assign(new TaskCommentType(), {
      id: toPublicId('TaskComment', entity.id),
      taskKey: entity.taskId,
      authorKey: entity.authorMemberId,
      body: entity.body,
      authorKind: entity.authorKind,
      evaluation: entity.evaluation,
      resolution: entity.resolution,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('TaskCommentConnection')
export class TaskCommentConnection extends Connection(TaskCommentType, 'TaskComment') {}

@InputType('TaskFilter', { description: 'Every field is optional; given fields combine with AND.' })
export class TaskFilterInput {
  @Field(() => ID, { nullable: true })
  planId?: string | null;

  @Field(() => ID, { nullable: true })
  phaseId?: string | null;

  @Field(() => [TaskStatus], { nullable: true, description: 'Any of these statuses.' })
  status?: TaskStatus[] | null;

  @Field(() => ID, { nullable: true, description: 'Tasks assigned to this member.' })
  assigneeId?: string | null;

  @Field(() => String, { nullable: true, description: 'Tasks needing this skill (id or slug).' })
  skill?: string | null;
}

/** Fields shared by createTask and updateTask. */
@InputType()
abstract class TaskFieldsInput {
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TaskPriority, { nullable: true })
  priority?: TaskPriority | null;

  @Field(() => TaskKind, { nullable: true })
  type?: TaskKind | null;

  @Field(() => ProficiencyInput, { nullable: true, description: 'Default 3 (intermediate).' })
  requiredProficiency?: string | number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Skills by id (skl_…) or slug; replaces the current ones.',
  })
  skills?: string[] | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'Tasks of the same plan this one waits for; replaces the current ones.',
  })
  dependsOn?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'A parent task of the same plan.' })
  parentTaskId?: string | null;

  @Field(() => Int, { nullable: true })
  estimateMinutes?: number | null;

  @Field(() => Boolean, { nullable: true })
  canRunParallel?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  splittable?: boolean | null;
}

@InputType('CreateTaskInput')
export class CreateTaskInput extends TaskFieldsInput {
  @Field(() => ID)
  phaseId: string;

  @Field({ description: '1-200 characters.' })
  title: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Where to insert (0 = first); the end when omitted.',
  })
  position?: number | null;
}

@InputType('UpdateTaskInput')
export class UpdateTaskInput extends TaskFieldsInput {
  @Field(() => ID)
  taskId: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true removes the parent task.' })
  clearParent?: boolean | null;

  @Field(() => Int, { nullable: true })
  actualMinutes?: number | null;

  @Field(() => String, { nullable: true })
  branchName?: string | null;

  @Field(() => String, { nullable: true })
  prUrl?: string | null;
}

@InputType('MoveTaskInput')
export class MoveTaskInput {
  @Field(() => ID)
  taskId: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Another phase of the same plan; default: its own.',
  })
  phaseId?: string | null;

  @Field(() => Int, { description: 'The new position (0 = first; past the end = last).' })
  position: number;
}

@InputType('DeleteTaskInput')
export class DeleteTaskInput {
  @Field(() => ID)
  taskId: string;
}

@InputType('SetTaskStatusInput')
export class SetTaskStatusInput {
  @Field(() => ID)
  taskId: string;

  @Field(() => TaskStatus)
  status: TaskStatus;

  @Field(() => String, { nullable: true, description: 'Why; recorded in the event.' })
  reason?: string | null;
}

@InputType('AssignTaskInput')
export class AssignTaskInput {
  @Field(() => ID)
  taskId: string;

  @Field(() => ID, { nullable: true, description: 'A member of the workspace; null unassigns.' })
  memberId?: string | null;
}

@ObjectType('TaskPayload')
export class TaskPayload {
  @Field(() => TaskType, { nullable: true })
  task: TaskType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('AddTaskCommentInput')
export class AddTaskCommentInput {
  @Field(() => ID)
  taskId: string;

  @Field()
  body: string;
}

@InputType('UpdateTaskCommentInput')
export class UpdateTaskCommentInput {
  @Field(() => ID)
  commentId: string;

  @Field()
  body: string;
}

@InputType('DeleteTaskCommentInput')
export class DeleteTaskCommentInput {
  @Field(() => ID)
  commentId: string;
}

@ObjectType('TaskCommentPayload')
export class TaskCommentPayload {
  @Field(() => TaskCommentType, { nullable: true })
  comment: TaskCommentType | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
