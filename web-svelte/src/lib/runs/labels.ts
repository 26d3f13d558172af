import type {
  MemberRole,
  RunPurpose,
  RunStatus,
  RunsViewerAccessQuery,
} from '$lib/generated/graphql';

export const RUN_STATUSES: readonly RunStatus[] = [
  'QUEUED',
  'CLAIMED',
  'RUNNING',
  'PAUSED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  QUEUED: 'Queued',
  CLAIMED: 'Claimed',
  RUNNING: 'Running',
  PAUSED: 'Paused',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** How a status badge looks: data-tone on the badge. */
export function statusTone(status: RunStatus): 'active' | 'ok' | 'bad' | 'waiting' | 'idle' {
  switch (status) {
    case 'CLAIMED':
    case 'RUNNING':
      return 'active';
    case 'SUCCEEDED':
      return 'ok';
    case 'FAILED':
      return 'bad';
    case 'PAUSED':
    case 'QUEUED':
      return 'waiting';
    case 'CANCELLED':
      return 'idle';
  }
}

export const RUN_PURPOSES: readonly RunPurpose[] = [
  'EXECUTION',
  'REVIEW',
  'MERGE',
  'BOOTSTRAP_EPIC',
  'RELEASE',
  'RELEASE_CLEANUP',
  'COMMENT_EVAL',
  'PLANNING',
  'REFINE',
  'REPO_ANALYSIS',
];

export const RUN_PURPOSE_LABELS: Record<RunPurpose, string> = {
  EXECUTION: 'Execution',
  REVIEW: 'Review',
  MERGE: 'Merge',
  BOOTSTRAP_EPIC: 'Epic bootstrap',
  RELEASE: 'Release',
  RELEASE_CLEANUP: 'Release clean-up',
  COMMENT_EVAL: 'Comment evaluation',
  PLANNING: 'Planning',
  REFINE: 'Re-plan',
  REPO_ANALYSIS: 'Repository analysis',
};

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

export function isRunPurpose(value: string): value is RunPurpose {
  return (RUN_PURPOSES as readonly string[]).includes(value);
}

/** A run that holds (or waits on) a session right now. */
export function isActiveRun(status: RunStatus): boolean {
  return status === 'CLAIMED' || status === 'RUNNING';
}

/** Runs an operator may retry by hand (retryRun): a plan's own delivery runs, failed or cancelled. */
const RETRIED_BY_HAND: readonly RunPurpose[] = [
  'BOOTSTRAP_EPIC',
  'REVIEW',
  'MERGE',
  'RELEASE',
  'RELEASE_CLEANUP',
  'COMMENT_EVAL',
];

export interface RetryableRun {
  readonly status: RunStatus;
  readonly purpose: RunPurpose;
  readonly plan: { readonly id: string } | null;
  readonly parentRun: { readonly id: string } | null;
}

/** Whether retryRun applies to the run at all (Studio checks the plan's state as well). */
export function retryable(run: RetryableRun): boolean {
  return (
    (run.status === 'FAILED' || run.status === 'CANCELLED') &&
    run.plan !== null &&
    run.parentRun === null &&
    RETRIED_BY_HAND.includes(run.purpose)
  );
}

type Membership = RunsViewerAccessQuery['viewer']['memberships'][number];

/**
 * The viewer's role on a project, as Studio decides it (docs/api.md, "Roles"): owners and
 * admins keep their workspace role everywhere; a project role wins inside its project; members
 * whose scope is PROJECTS have none elsewhere.
 */
export function projectRole(
  memberships: readonly Membership[],
  workspaceId: string,
  projectId: string,
): MemberRole | undefined {
  const membership = memberships.find((m) => m.workspace.id === workspaceId);
  if (!membership) return undefined;
  if (membership.role === 'OWNER' || membership.role === 'ADMIN') {
    return membership.role;
  }
  const onProject = membership.projectRoles.find((p) => p.project.id === projectId);
  if (onProject) return onProject.role;
  return membership.scope === 'WORKSPACE' ? membership.role : undefined;
}

/** Roles that may take operator actions on delivery (task.review: retryRun). */
const OPERATORS: readonly MemberRole[] = ['OWNER', 'ADMIN', 'ARCHITECT', 'LEAD'];

export function canOperate(role: MemberRole | undefined): boolean {
  return role !== undefined && OPERATORS.includes(role);
}

/** "12 s", "3 min 4 s", "1 h 2 min": how long something took. */
export function formatDuration(fromIso: string, toIso: string | number): string {
  const ms = (typeof toIso === 'number' ? toIso : Date.parse(toIso)) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
