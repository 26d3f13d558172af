import type { RunsSessionRowFragment } from '$lib/generated/graphql';
import { isActiveRun } from '$lib/runs/labels';

/** How long a session stays alive without a heartbeat (Studio's rule: 90 s). */
export const HEARTBEAT_GRACE_MS = 90_000;

/**
 * online: heartbeating and working on a run; idle: heartbeating, no run (the dispatcher's
 * "idle", which it picks first); offline: ended, or no heartbeat for 90 s.
 */
export type Presence = 'online' | 'idle' | 'offline';

export const PRESENCE_LABELS: Record<Presence, string> = {
  online: 'Online',
  idle: 'Idle',
  offline: 'Offline',
};

type Session = Pick<RunsSessionRowFragment, 'endedAt' | 'lastHeartbeatAt' | 'alive' | 'runs'>;

/** The run the session holds now (claimed or running), if any. */
export function currentRun(session: Pick<RunsSessionRowFragment, 'runs'>) {
  return session.runs.nodes.findLast((run) => isActiveRun(run.status));
}

/** The session's presence at `now`: from its last heartbeat, so it goes offline on time. */
export function presenceOf(session: Session, now: number): Presence {
  if (session.endedAt || !session.alive) return 'offline';
  if (now - Date.parse(session.lastHeartbeatAt) > HEARTBEAT_GRACE_MS) return 'offline';
  return currentRun(session) ? 'online' : 'idle';
}

/** "12 s ago", "3 min ago", "2 h ago". */
export function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} d ago`;
}

/** A lead's team: the lead, and the sessions that joined its team. */
export interface TeamView {
  readonly lead: RunsSessionRowFragment;
  readonly team: NonNullable<RunsSessionRowFragment['team']>;
  readonly workers: readonly RunsSessionRowFragment[];
}

export function teamsOf(sessions: readonly RunsSessionRowFragment[]): TeamView[] {
  return sessions
    .filter((s) => s.role === 'LEAD' && s.team !== null && s.team.lead?.id === s.id)
    .map((lead) => ({
      lead,
      team: lead.team!,
      workers: sessions.filter((s) => s.role === 'WORKER' && s.team?.id === lead.team!.id),
    }));
}
