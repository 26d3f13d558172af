/** An entry of a project's event log as the domain sees it. */
export interface EventRecord {
  readonly id: string;
  readonly projectId: string;
  /** 1, 2, 3, … per project, without gaps, in commit order. */
  readonly seq: number;
  /** Past tense: `ProjectCreated`, `TaskStarted`, `RunOutputAppended`, … */
  readonly type: string;
  /** Identifiers inside payloads are public ids (`prj_…`), never row keys. */
  readonly payload: Record<string, unknown>;
  readonly occurredAt: Date;
}

/** Every event type, past tense; docs/api.md describes each payload. */
export const EVENT_TYPES = [
  'ProjectCreated',
  'ProjectUpdated',
  'PlanCreated',
  'PlanUpdated',
  'PlanDeleted',
  'PlanStatusChanged',
  'PlanMessagePosted',
  'PlanReplanned',
  'PlanMessageStarted',
  'PlanMessageDelta',
  'PhaseCreated',
  'PhaseUpdated',
  'PhaseMoved',
  'PhaseDeleted',
  'TaskCreated',
  'TaskUpdated',
  'TaskMoved',
  'TaskDeleted',
  'TaskStatusChanged',
  'TaskAssigned',
  'TaskCommentAdded',
  'TaskCommentUpdated',
  'TaskCommentDeleted',
  'RunQueued',
  'RunClaimed',
  'RunStarted',
  'RunSucceeded',
  'RunFailed',
  'RunReleased',
  'RunPaused',
  'RunResumed',
  'RunLeaseExpired',
  'RunCancelled',
  'RunDelegated',
  'RunRetried',
  'EpicBootstrapped',
  'ReviewApproved',
  'ReviewRejected',
  'MergeConflicted',
  'PlanReleased',
  'ReleaseRequested',
  'ReleasePullRequestOpened',
  'ReleasePullRequestFailed',
  'ReleasePullRequestClosed',
  'TaskPullRequestOpened',
  'ReleaseCleanedUp',
  'DeliveryStalled',
  'SessionRegistered',
  'SessionEnded',
  'SessionTimedOut',
  'TeamAllocated',
  'ContextFileUpdated',
  'RepoContextUpdated',
  'KnowledgeArtifactsUpdated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The pub/sub channel that carries a project's events. */
export function projectEventsChannel(projectId: string): string {
  return `project-events.${projectId}`;
}

export function serializeEvent(event: EventRecord): string {
  return JSON.stringify(event);
}

/** Parses a message from the bus; dates travel as ISO strings. */
export function deserializeEvent(message: string): EventRecord {
  const raw = JSON.parse(message) as Omit<EventRecord, 'occurredAt'> & { occurredAt: string };
  return { ...raw, occurredAt: new Date(raw.occurredAt) };
}
