import type { EventFieldsFragment } from '$lib/generated/graphql';
import { ProjectEventWatch, type FeedState } from './project-event-watch.svelte';

export type { FeedState } from './project-event-watch.svelte';

/**
 * A project's event log, live: replays from seq 0, then streams, keeping every event (the
 * project page's feed) — or, with `after`, the events after that seq (pages that read their
 * state with the log's last seq, then follow what changes: nothing between the read and the
 * subscription is missed). Resumes after the last seq kept when the connection drops.
 */
export class ProjectEventFeed {
  events = $state.raw<readonly EventFieldsFragment[]>([]);

  readonly projectId: string;
  readonly #watch: ProjectEventWatch;

  constructor(projectId: string, options: { after?: number } = {}) {
    this.projectId = projectId;
    this.#watch = new ProjectEventWatch(projectId, {
      after: options.after ?? 0,
      onEvent: (event) => (this.events = [...this.events, event]),
    });
  }

  get state(): FeedState {
    return this.#watch.state;
  }

  get error(): string | undefined {
    return this.#watch.error;
  }

  /** Subscribes (again, after a failure) and returns the function that stops, for $effect. */
  start(): () => void {
    return this.#watch.start();
  }

  stop(): void {
    this.#watch.stop();
  }
}
