import type { PrivateChannel } from '../pusher/gateway-types.js';

/** A server-to-daemon JSON-RPC notification (no id: nothing is answered). */
export interface RpcNotification {
  readonly jsonrpc: '2.0';
  readonly method: NotificationMethod;
  /** Always carries `seq`, the event's place in the project's log (for events.since). */
  readonly params: Readonly<Record<string, unknown>> & { readonly seq: number };
}

export type NotificationMethod =
  | 'run.dispatched'
  | 'run.cancelled'
  | 'steering.directive'
  | 'delegate.packet'
  | 'plan.paused'
  | 'plan.resumed'
  | 'team.spawn';

/** One entry of the project's event log, as the gateway reads it. */
export interface LoggedEvent {
  readonly seq: number;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly occurredAt?: string | Date;
}

/** What a notification needs that the event does not carry. */
export interface NotificationLookups {
  /** A comment's text (steering.directive); undefined when it is gone. */
  commentBody(commentId: string): Promise<string | undefined>;
}

const notification = (
  method: NotificationMethod,
  event: LoggedEvent,
  params: Record<string, unknown>,
): RpcNotification => ({ jsonrpc: '2.0', method, params: { ...params, seq: event.seq } });

/**
 * The notification an event of the project's log becomes on a channel, or undefined when it
 * is none of the daemon's business there. The project channel carries the project's runs,
 * plans, steering, team spawns and delegations; a team channel its own team's spawn and
 * delegations.
 */
export async function notificationOf(
  event: LoggedEvent,
  channel: PrivateChannel,
  lookups: NotificationLookups,
): Promise<RpcNotification | undefined> {
  const p = event.payload;
  if (channel.kind === 'team') {
    if (p.teamId !== channel.id) return undefined;
    if (event.type === 'TeamAllocated') return spawn(event);
    if (event.type === 'RunDelegated') return delegation(event);
    return undefined;
  }
  switch (event.type) {
    case 'TeamAllocated':
      // the lead that allocated it hears on its project channel: spawn the workers
      return spawn(event);
    case 'RunQueued':
      return notification('run.dispatched', event, {
        runId: p.runId,
        purpose: p.purpose,
        taskId: p.taskId ?? null,
        planId: p.planId ?? null,
        targetSessionId: p.targetSessionId ?? null,
        ...(p.parentRunId ? { parentRunId: p.parentRunId } : {}),
        ...(p.attempt ? { attempt: p.attempt } : {}),
      });
    case 'RunResumed':
      return notification('run.dispatched', event, {
        runId: p.runId,
        purpose: p.purpose,
        taskId: p.taskId ?? null,
        planId: p.planId ?? null,
        targetSessionId: null,
        resumed: true,
      });
    case 'RunCancelled':
      return notification('run.cancelled', event, {
        runId: p.runId,
        purpose: p.purpose,
        taskId: p.taskId ?? null,
        sessionId: p.sessionId ?? null,
        leaseVersion: p.leaseVersion ?? null,
        reason: p.reason ?? null,
      });
    case 'RunDelegated':
      return delegation(event);
    case 'PlanStatusChanged':
      if (p.to === 'PAUSED') {
        return notification('plan.paused', event, { planId: p.planId, reason: p.reason ?? null });
      }
      if (p.from === 'PAUSED' && p.to === 'ACTIVE') {
        return notification('plan.resumed', event, { planId: p.planId });
      }
      return undefined;
    case 'TaskCommentAdded': {
      // a person's word on a task is steering for the agent working on it
      if (p.authorKind !== 'MEMBER' || typeof p.commentId !== 'string') return undefined;
      const body = await lookups.commentBody(p.commentId);
      if (body === undefined) return undefined;
      return notification('steering.directive', event, {
        taskId: p.taskId,
        commentId: p.commentId,
        body,
      });
    }
    default:
      return undefined;
  }
}

function spawn(event: LoggedEvent): RpcNotification {
  const p = event.payload;
  return notification('team.spawn', event, {
    teamId: p.teamId,
    leadSessionId: p.leadSessionId,
    channel: p.channel,
    dev: p.dev,
    review: p.review,
    test: p.test,
    workerCount: p.workerCount,
  });
}

function delegation(event: LoggedEvent): RpcNotification {
  const p = event.payload;
  return notification('delegate.packet', event, {
    runId: p.runId,
    parentRunId: p.parentRunId,
    taskId: p.taskId ?? null,
    leadSessionId: p.leadSessionId,
    workerSessionId: p.workerSessionId,
    teamId: p.teamId,
    title: p.title,
    role: p.role,
  });
}
