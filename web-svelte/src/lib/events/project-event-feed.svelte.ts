import { ProjectEventsDocument, type EventFieldsFragment } from '$lib/generated/graphql';
import { subscribe } from '$lib/graphql/client';

/** What the feed shows about its connection. */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'failed' | 'ended';

/**
 * A project's event log, live: replays from seq 0, then streams. After a dropped connection
 * graphql-ws resubscribes, and the variables it sends then carry `after` = the last seq shown,
 * so nothing is missed; an event at or below that seq is ignored, so nothing is shown twice.
 */
export class ProjectEventFeed {
  events = $state.raw<readonly EventFieldsFragment[]>([]);
  state = $state<FeedState>('connecting');
  error = $state<string | undefined>(undefined);
  readonly lastSeq = $derived(this.events.at(-1)?.seq ?? 0);

  readonly projectId: string;
  #stop: (() => void) | undefined;

  constructor(projectId: string) {
    this.projectId = projectId;
  }

  /** Subscribes (again, after a failure) and returns the function that stops, for $effect. */
  start(): () => void {
    this.stop();
    this.state = 'connecting';
    this.error = undefined;
    this.#stop = subscribe(
      ProjectEventsDocument,
      () => ({ projectId: this.projectId, after: this.lastSeq }),
      {
        next: ({ projectEvents }) => this.receive(projectEvents),
        connection: (state) => {
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

  receive(event: EventFieldsFragment): void {
    if (event.seq <= this.lastSeq) return;
    this.events = [...this.events, event];
  }
}
