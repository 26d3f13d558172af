import { ProjectEventsDocument, type EventFieldsFragment } from '$lib/generated/graphql';
import { subscribe } from '$lib/graphql/client';
import type { FeedState } from '$lib/events/project-event-feed.svelte';

/**
 * A project's new events, for pages that refetch what an event touches. It does not replay
 * the log: after a dropped connection it calls `onResync`, and the page loads again what it
 * shows, so a change made while the socket was down is not missed.
 */
export class ProjectChanges {
  state = $state<FeedState>('connecting');
  error = $state<string | undefined>(undefined);

  readonly projectId: string;
  readonly #onEvent: (event: EventFieldsFragment) => void;
  readonly #onResync: () => void;
  #stop: (() => void) | undefined;

  constructor(
    projectId: string,
    onEvent: (event: EventFieldsFragment) => void,
    onResync: () => void,
  ) {
    this.projectId = projectId;
    this.#onEvent = onEvent;
    this.#onResync = onResync;
  }

  start(): () => void {
    this.stop();
    this.state = 'connecting';
    this.error = undefined;
    let dropped = false;
    this.#stop = subscribe(
      ProjectEventsDocument,
      { projectId: this.projectId },
      {
        next: ({ projectEvents }) => this.#onEvent(projectEvents),
        connection: (state) => {
          if (state === 'reconnecting') dropped = true;
          if (state === 'connected' && dropped) {
            dropped = false;
            this.#onResync();
          }
          this.state = state === 'connected' ? 'live' : state;
        },
        error: (error) => {
          this.#stop = undefined;
          this.state = 'failed';
          this.error = error.message;
        },
        complete: () => {
          this.#stop = undefined;
          this.state = 'ended';
        },
      },
    );
    return () => this.stop();
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }
}

/** Events that change a run or add one. */
export function isRunEvent(event: EventFieldsFragment): boolean {
  return event.type.startsWith('Run') || event.type === 'DeliveryStalled';
}

/** Events that change a session's presence, team or current run. */
export function isSessionEvent(event: EventFieldsFragment): boolean {
  return event.type.startsWith('Session') || event.type === 'TeamAllocated' || isRunEvent(event);
}

/** The run an event names (payload.runId), if any. */
export function runIdOf(event: EventFieldsFragment): string | undefined {
  const id = event.payload['runId'];
  return typeof id === 'string' ? id : undefined;
}
