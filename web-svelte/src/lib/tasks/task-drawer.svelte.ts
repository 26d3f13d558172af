import {
  TaskDrawerDocument,
  TasksAddCommentDocument,
  TasksApproveDocument,
  TasksDeleteCommentDocument,
  TasksRejectDocument,
  TasksUpdateCommentDocument,
  type EventFieldsFragment,
  type TaskDrawerQuery,
} from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';
import {
  groupUserErrors,
  noErrors,
  type FormErrors,
  type UserErrorLike,
} from '$lib/forms/user-errors';
import { eventTaskId } from './task-board.svelte';

export type DrawerTask = NonNullable<TaskDrawerQuery['task']>;
export type DrawerComment = DrawerTask['comments']['nodes'][number];

/** A review verdict: the reviewer's (its run) or a member's by hand. */
export type Verdict = DrawerTask['verdicts'][number];

type CommentField = 'body';
type ReviewField = 'reason';

/** One task as the drawer shows it, with its comment and review forms. */
export class TaskDrawerState {
  task = $state.raw<DrawerTask | undefined>(undefined);
  blockers = $state.raw<TaskDrawerQuery['taskBlockers']>([]);
  loading = $state(true);
  loadError = $state<string | undefined>(undefined);
  notFound = $state(false);

  commentBody = $state('');
  commentErrors = $state<FormErrors<CommentField>>(noErrors());
  /** The comment being edited, and its draft. */
  editing = $state<string | undefined>(undefined);
  editBody = $state('');
  editErrors = $state<FormErrors<CommentField>>(noErrors());
  reviewReason = $state('');
  reviewErrors = $state<FormErrors<ReviewField>>(noErrors());
  busy = $state(false);
  status = $state('');

  readonly taskId: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSeq = 0;

  constructor(taskId: string) {
    this.taskId = taskId;
  }

  async load(): Promise<void> {
    try {
      const data = await request(TaskDrawerDocument, { id: this.taskId });
      this.task = data.task ?? undefined;
      this.notFound = data.task === null;
      this.blockers = data.taskBlockers;
      this.loadError = undefined;
    } catch (error) {
      this.loadError = requestErrorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  /** Re-reads the task after events about it (comments, runs, status, reviews). */
  consume(events: readonly EventFieldsFragment[]): void {
    let touched = false;
    for (const event of events) {
      if (event.seq <= this.#lastSeq) continue;
      this.#lastSeq = event.seq;
      if (eventTaskId(event) === this.taskId || event.type.startsWith('Plan')) touched = true;
    }
    if (touched) {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.load(), 150);
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  async #run(
    send: () => Promise<readonly UserErrorLike[]>,
    onErrors: (errors: readonly UserErrorLike[]) => void,
    done: string,
  ): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.status = '';
    try {
      const userErrors = await send();
      if (userErrors.length > 0) {
        onErrors(userErrors);
        return false;
      }
      this.status = done;
      await this.load();
      return true;
    } catch (error) {
      onErrors([{ field: null, message: requestErrorMessage(error), code: 'NETWORK_ERROR' }]);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async addComment(): Promise<boolean> {
    const ok = await this.#run(
      async () =>
        (
          await request(TasksAddCommentDocument, {
            input: { taskId: this.taskId, body: this.commentBody },
          })
        ).addTaskComment.userErrors,
      (errors) => (this.commentErrors = groupUserErrors(errors, ['body'])),
      'Comment added.',
    );
    if (ok) {
      this.commentBody = '';
      this.commentErrors = noErrors();
    }
    return ok;
  }

  startEdit(comment: DrawerComment): void {
    this.editing = comment.id;
    this.editBody = comment.body;
    this.editErrors = noErrors();
  }

  async saveEdit(): Promise<boolean> {
    const commentId = this.editing;
    if (!commentId) return false;
    const ok = await this.#run(
      async () =>
        (
          await request(TasksUpdateCommentDocument, {
            input: { commentId, body: this.editBody },
          })
        ).updateTaskComment.userErrors,
      (errors) => (this.editErrors = groupUserErrors(errors, ['body'])),
      'Comment saved.',
    );
    if (ok) this.editing = undefined;
    return ok;
  }

  async deleteComment(commentId: string): Promise<boolean> {
    return this.#run(
      async () =>
        (await request(TasksDeleteCommentDocument, { input: { commentId } })).deleteTaskComment
          .userErrors,
      (errors) => (this.commentErrors = { fields: {}, form: errors.map((error) => error.message) }),
      'Comment deleted.',
    );
  }

  async review(approve: boolean): Promise<boolean> {
    const input = { taskId: this.taskId, reason: this.reviewReason };
    const ok = await this.#run(
      async () =>
        approve
          ? (await request(TasksApproveDocument, { input })).approveTask.userErrors
          : (await request(TasksRejectDocument, { input })).rejectTask.userErrors,
      (errors) => (this.reviewErrors = groupUserErrors(errors, ['reason'])),
      approve ? 'Approved by hand.' : 'Rejected by hand: the developer revises.',
    );
    if (ok) {
      this.reviewReason = '';
      this.reviewErrors = noErrors();
    }
    return ok;
  }
}
