import type { FeedState } from '$lib/events/project-event-feed.svelte';
import { ProjectEventsDocument, type EventFieldsFragment } from '$lib/generated/graphql';
import { subscribe } from '$lib/graphql/client';

/**
 * A project's events from a known seq on, for pages that refetch what an event touches: it
 * resubscribes after a reconnect with `after` = the last seq seen, so nothing is missed, and
 * hands each new event to `onEvent` once.
 */
export class ProjectEventWatch {
  state = $state<FeedState>('connecting');
  error = $state<string | undefined>(undefined);
  #lastSeq: number;
  #stop: (() => void) | undefined;

  constructor(
    readonly projectId: string,
    after: number,
    private readonly onEvent: (event: EventFieldsFragment) => void,
  ) {
    this.#lastSeq = after;
  }

  /** Subscribes and returns the function that stops, for $effect. */
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
          this.onEvent(projectEvents);
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

/** The events that change what the knowledge pages show, and what each one touches. */
export const KNOWLEDGE_DEPENDENCIES = {
  RepoContextUpdated: 'knowledge:overview',
  KnowledgeArtifactsUpdated: 'knowledge:artifacts',
  ContextFileUpdated: 'knowledge:files',
} as const satisfies Record<string, `knowledge:${string}`>;
