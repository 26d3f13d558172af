import { ProjectEventsDocument, type EventFieldsFragment } from '$lib/generated/graphql';
import { subscribe } from '$lib/graphql/client';

/** What a page shows about its event stream. */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'failed' | 'ended';

export interface ProjectEventWatchOptions {
  /**
   * Start after this seq: 0 replays the whole log; the seq a page read before its data
   * (lastEventSeq) streams what happened since, so nothing between the read and the
   * subscription is missed.
   */
  readonly after: number;
  /** Each event once, in seq order. */
  readonly onEvent: (event: EventFieldsFragment) => void;
}

/**
 * A project's events over graphql-ws, the one way pages follow them. After a dropped
 * connection graphql-ws resubscribes, and the variables it sends then carry `after` = the last
 * seq seen, so Studio back-fills the gap; an event at or below that seq is ignored, so nothing
 * is handled twice.
 */
export class ProjectEventWatch {
  state = $state<FeedState>('connecting');
  error = $state<string | undefined>(undefined);

  readonly projectId: string;
  #lastSeq: number;
  readonly #options: ProjectEventWatchOptions;
  #stop: (() => void) | undefined;

  constructor(projectId: string, options: ProjectEventWatchOptions) {
    this.projectId = projectId;
    this.#options = options;
    this.#lastSeq = options.after;
  }

  /** Subscribes (again, after a failure) and returns the function that stops, for $effect. */
  start(): () => void {
    this.stop();
    this.state = 'connecting';
    this.error = undefined;
    this.#stop = subscribe(
      ProjectEventsDocument,
      () => ({ projectId: this.projectId, after: this.#lastSeq }),
      {
        next: ({ projectEvents }) => {
          if (projectEvents.seq <= this.#lastSeq) return;
          this.#lastSeq = projectEvents.seq;
          this.#options.onEvent(projectEvents);
        },
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
}
