import { Lifecycle } from '../common/lifecycle.js';

export enum RunPurpose {
  PLANNING = 'PLANNING',
  EXECUTION = 'EXECUTION',
  REVIEW = 'REVIEW',
  MERGE = 'MERGE',
  BOOTSTRAP_EPIC = 'BOOTSTRAP_EPIC',
  RELEASE = 'RELEASE',
  RELEASE_CLEANUP = 'RELEASE_CLEANUP',
  REPO_ANALYSIS = 'REPO_ANALYSIS',
  REFINE = 'REFINE',
  COMMENT_EVAL = 'COMMENT_EVAL',
}

export enum RunStatus {
  QUEUED = 'QUEUED',
  CLAIMED = 'CLAIMED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
  PAUSED = 'PAUSED',
}

/** How hard a purpose's work is, which decides the model; deterministic runs use none. */
export enum ModelTier {
  HARD = 'HARD',
  STANDARD = 'STANDARD',
  EASY = 'EASY',
  NONE = 'NONE',
}

export function tierOf(purpose: RunPurpose): ModelTier {
  switch (purpose) {
    case RunPurpose.PLANNING:
    case RunPurpose.REPO_ANALYSIS:
    case RunPurpose.REFINE:
      return ModelTier.HARD;
    case RunPurpose.EXECUTION:
      return ModelTier.STANDARD;
    case RunPurpose.REVIEW:
    case RunPurpose.COMMENT_EVAL:
      return ModelTier.EASY;
    case RunPurpose.MERGE:
    case RunPurpose.BOOTSTRAP_EPIC:
    case RunPurpose.RELEASE:
    case RunPurpose.RELEASE_CLEANUP:
      return ModelTier.NONE;
  }
}

const { QUEUED, CLAIMED, RUNNING, SUCCEEDED, FAILED, CANCELLED, PAUSED } = RunStatus;

/**
 * QUEUED → CLAIMED → RUNNING → SUCCEEDED | FAILED | CANCELLED, and PAUSED until resumeAt.
 * Every transition is Studio's (driven by daemons' calls and the reaper); people cancel.
 */
export const RUN_LIFECYCLE = new Lifecycle<RunStatus>('run', Object.values(RunStatus), [
  { from: [QUEUED], to: CLAIMED, by: ['system'] },
  { from: [CLAIMED], to: RUNNING, by: ['system'] },
  // an expired lease or a released claim goes back to the queue
  { from: [CLAIMED, RUNNING], to: QUEUED, by: ['system'] },
  { from: [CLAIMED, RUNNING], to: SUCCEEDED, by: ['system'] },
  { from: [CLAIMED, RUNNING], to: FAILED, by: ['system'] },
  { from: [CLAIMED, RUNNING], to: PAUSED, by: ['system'] },
  // a paused plan holds its queued work
  { from: [QUEUED], to: PAUSED, by: ['system'] },
  { from: [PAUSED], to: QUEUED, by: ['system'] },
  { from: [QUEUED, CLAIMED, RUNNING, PAUSED], to: CANCELLED, by: ['user', 'system'] },
]);

export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set([
  SUCCEEDED,
  FAILED,
  CANCELLED,
]);
