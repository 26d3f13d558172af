import {
  TasksAssignDocument,
  TasksBoardDocument,
  TasksMoveDocument,
  TasksSetStatusDocument,
  type EventFieldsFragment,
  type TasksBoardTaskFragment,
  type TaskStatus,
} from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { readAllPages } from '$lib/graphql/pages';
import { requestErrorMessage } from '$lib/forms/request-error';
import type { UserErrorLike } from '$lib/forms/user-errors';

export type BoardTask = TasksBoardTaskFragment;

/** The most tasks the board reads (20 pages); past that it says how many it leaves out. */
export const MAX_BOARD_TASKS = 2_000;

/** Someone a task can be assigned to. */
export interface BoardMember {
  readonly id: string;
  readonly user: { readonly id: string; readonly name: string };
}

/** Event types after which the tasks shown may have changed (docs/api.md, "Events"). */
const TOUCHES_TASKS =
  /^(Task|Run|Review|Merge|Epic|PlanReplanned|PlanStatusChanged|PlanReleased|Phase)/;

/** The payload's taskId, when the event is about one task. */
export function eventTaskId(event: EventFieldsFragment): string | undefined {
  const id = event.payload['taskId'];
  return typeof id === 'string' ? id : undefined;
}

interface TaskPayload {
  readonly task: BoardTask | null;
  readonly userErrors: readonly UserErrorLike[];
}

/**
 * The tasks of a project (or of one plan), kept current: loaded once, then patched by the
 * project's events (a status change moves its card at once) and re-read shortly after any
 * event that touches tasks, so what is shown is what Studio has.
 */
export class TaskBoard {
  tasks = $state.raw<readonly BoardTask[]>([]);
  /** How many tasks there are: more than `tasks` holds past MAX_BOARD_TASKS. */
  total = $state(0);
  loading = $state(true);
  loadError = $state<string | undefined>(undefined);
  /** The last failed change, for the board's alert region. */
  actionError = $state<string | undefined>(undefined);
  /** The last change that worked, for a polite live region. */
  status = $state('');

  readonly projectId: string;
  readonly planId: string | undefined;
  #lastSeq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = false;
  #again = false;
  #stopped = false;

  constructor(projectId: string, planId: string | undefined) {
    this.projectId = projectId;
    this.planId = planId;
  }

  async load(): Promise<void> {
    if (this.#stopped) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    this.#inFlight = true;
    try {
      const { tasks, total } = await this.#readAll();
      if (!this.#stopped) {
        this.tasks = tasks;
        this.total = total;
        this.loadError = undefined;
      }
    } catch (error) {
      this.loadError = requestErrorMessage(error);
    } finally {
      this.loading = false;
      this.#inFlight = false;
      if (this.#again) {
        this.#again = false;
        void this.load();
      }
    }
  }

  /** Every task, a page of 100 at a time, up to MAX_BOARD_TASKS. */
  async #readAll(): Promise<{ tasks: BoardTask[]; total: number }> {
    const read = async (after: string | null) =>
      (
        await request(TasksBoardDocument, {
          projectId: this.projectId,
          filter: this.planId ? { planId: this.planId } : null,
          after,
        })
      ).tasks;
    const { nodes, total } = (await readAllPages(read, MAX_BOARD_TASKS)) ?? { nodes: [], total: 0 };
    return { tasks: nodes, total };
  }

  /** Reads the tasks again soon: many events arrive together, one request answers them. */
  refreshSoon(delayMs = 150): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), delayMs);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Takes the feed's events not seen yet. */
  consume(events: readonly EventFieldsFragment[]): void {
    let touched = false;
    for (const event of events) {
      if (event.seq <= this.#lastSeq) continue;
      this.#lastSeq = event.seq;
      if (!TOUCHES_TASKS.test(event.type)) continue;
      touched = true;
      if (event.type === 'TaskStatusChanged') this.#moveCard(event);
    }
    if (touched) this.refreshSoon();
  }

  /** A status change moves its card now; the re-read that follows fills in the rest. */
  #moveCard(event: EventFieldsFragment): void {
    const taskId = eventTaskId(event);
    const to = event.payload['to'];
    if (!taskId || typeof to !== 'string') return;
    this.tasks = this.tasks.map((task) =>
      task.id === taskId && event.occurredAt >= task.statusChangedAt
        ? { ...task, status: to as TaskStatus, statusChangedAt: event.occurredAt }
        : task,
    );
  }

  find(taskId: string): BoardTask | undefined {
    return this.tasks.find((task) => task.id === taskId);
  }

  #replace(task: BoardTask): void {
    this.tasks = this.tasks.map((one) => (one.id === task.id ? task : one));
  }

  /** Runs a task mutation: optimistic `patch` first, undone when Studio refuses. */
  async #change<TResult>(
    task: BoardTask,
    patch: Partial<BoardTask>,
    send: () => Promise<TResult>,
    pick: (result: TResult) => TaskPayload,
    done: string,
  ): Promise<boolean> {
    const before = task;
    this.actionError = undefined;
    this.status = '';
    this.#replace({ ...task, ...patch });
    try {
      const payload = pick(await send());
      if (payload.userErrors.length > 0 || !payload.task) {
        this.#replace(before);
        this.actionError = `“${task.title}”: ${
          payload.userErrors.map((error) => error.message).join(' ') || 'Studio refused the change.'
        }`;
        return false;
      }
      this.#replace(payload.task);
      this.status = done;
      return true;
    } catch (error) {
      this.#replace(before);
      this.actionError = `“${task.title}”: ${requestErrorMessage(error)}`;
      return false;
    }
  }

  setStatus(task: BoardTask, status: TaskStatus, reason?: string): Promise<boolean> {
    return this.#change(
      task,
      { status, allowedTransitions: [] },
      () =>
        request(TasksSetStatusDocument, {
          input: { taskId: task.id, status, ...(reason ? { reason } : {}) },
        }),
      (data) => data.setTaskStatus,
      `“${task.title}” moved.`,
    );
  }

  assign(task: BoardTask, member: BoardMember | null): Promise<boolean> {
    return this.#change(
      task,
      { assignee: member ? { id: member.id, user: { ...member.user } } : null },
      () =>
        request(TasksAssignDocument, { input: { taskId: task.id, memberId: member?.id ?? null } }),
      (data) => data.assignTask,
      member ? `“${task.title}” assigned to ${member.user.name}.` : `“${task.title}” unassigned.`,
    );
  }

  move(task: BoardTask, position: number, phaseId?: string): Promise<boolean> {
    return this.#change(
      task,
      { position },
      () =>
        request(TasksMoveDocument, {
          input: { taskId: task.id, position, ...(phaseId ? { phaseId } : {}) },
        }),
      (data) => data.moveTask,
      `“${task.title}” moved to position ${position + 1}.`,
    );
  }
}

/** Tasks of one phase in their order: what moveTask's position counts in. */
export function phaseSiblings(tasks: readonly BoardTask[], task: BoardTask): BoardTask[] {
  return tasks
    .filter((one) => one.phase.id === task.phase.id)
    .sort((a, b) => a.position - b.position);
}

/**
 * Minutes the task's EXECUTION runs took (running ones up to `now`); null before any ran. The
 * board reads a task's first 20 runs; the drawer all of them (up to 100).
 */
export function actualMinutes(task: BoardTask, now = Date.now()): number | null {
  let total = 0;
  let any = false;
  for (const run of task.runs.nodes) {
    if (run.purpose !== 'EXECUTION' || !run.startedAt) continue;
    const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
    total += Math.max(0, end - Date.parse(run.startedAt));
    any = true;
  }
  return any ? total / 60_000 : null;
}

/** Why the dispatcher chose where the task's latest run went. */
export function dispatchHint(task: BoardTask): string | undefined {
  return task.latestRun.nodes.at(-1)?.dispatchReason?.explanation;
}
