import type { Page, PageRequest } from '../../db/pagination.js';
import { badInput, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions, Tx } from '../common/transactions.js';
import { requireText } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import { type CommentAuthor, TaskCommentEntity, type TaskEntity } from './task.entity.js';
import type { TaskCommentRepository, TaskRepository } from './task.repository.js';

/** Who writes a comment: a member (null for the local operator), an agent, or Studio. */
export interface CommentAuthorRef {
  readonly kind: CommentAuthor;
  readonly memberId: string | null;
}

const MAX_BODY = 50_000;

/** A comment's text: several lines are fine (Markdown), but not nothing. */
function requireBody(body: string): string {
  const text = requireText('body', body, MAX_BODY);
  if (text === '') throw badInput('body', 'body must not be empty');
  return text;
}

export class CommentService {
  constructor(
    private readonly comments: TaskCommentRepository,
    private readonly tasks: TaskRepository,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
  ) {}

  get(id: string): Promise<TaskCommentEntity | undefined> {
    return this.comments.findById(id);
  }

  getMany(ids: readonly string[]): Promise<TaskCommentEntity[]> {
    return this.comments.findByIds(ids);
  }

  list(taskId: string, request: PageRequest): Promise<Page<TaskCommentEntity>> {
    return this.comments.page(taskId, request);
  }

  count(taskId: string): Promise<number> {
    return this.comments.count(taskId);
  }

  async add(task: TaskEntity, author: CommentAuthorRef, body: string): Promise<TaskCommentEntity> {
    return this.transactions.run((tx) => this.addIn(tx, task, author, body));
  }

  /** add() in the caller's transaction. */
  async addIn(
    tx: Tx,
    task: Pick<TaskEntity, 'id' | 'projectId'>,
    author: CommentAuthorRef,
    body: string,
  ): Promise<TaskCommentEntity> {
    const comment = Object.assign(new TaskCommentEntity(), {
      id: uuidv7(),
      taskId: task.id,
      authorKind: author.kind,
      authorMemberId: author.memberId,
      body: requireBody(body),
      evaluation: null,
      resolution: null,
    });
    if (!(await this.tasks.findById(task.id, tx.manager))) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'taskId: no such task', ['taskId']);
    }
    const saved = await this.comments.insert(tx.manager, comment);
    await this.events.append(tx, task.projectId, 'TaskCommentAdded', {
      taskId: toPublicId('Task', task.id),
      commentId: toPublicId('TaskComment', saved.id),
      authorKind: saved.authorKind,
    });
    return saved;
  }

  async update(
    comment: TaskCommentEntity,
    task: TaskEntity,
    body: string,
  ): Promise<TaskCommentEntity> {
    comment.body = requireBody(body);
    return this.transactions.run(async (tx) => {
      const saved = await this.comments.update(tx.manager, comment);
      await this.events.append(tx, task.projectId, 'TaskCommentUpdated', {
        taskId: toPublicId('Task', task.id),
        commentId: toPublicId('TaskComment', comment.id),
      });
      return saved;
    });
  }

  async delete(comment: TaskCommentEntity, task: TaskEntity): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.comments.delete(tx.manager, comment.id);
      await this.events.append(tx, task.projectId, 'TaskCommentDeleted', {
        taskId: toPublicId('Task', task.id),
        commentId: toPublicId('TaskComment', comment.id),
      });
    });
  }
}
