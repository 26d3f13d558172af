import type { EventFieldsFragment } from '$lib/generated/graphql';
import { ProjectEventWatch, type FeedState } from './project-event-watch.svelte';

export type { FeedState } from './project-event-watch.svelte';

/**
 * A project's event log, live: replays from seq 0, then streams, keeping every event (the
 * project page's feed) — or, with `fromNow`, only the events from the moment it subscribes
 * (pages that read their state and then follow changes). Resumes after the last seq shown when
 * the connection drops; `onResync` re-reads what a `fromNow` page shows when it dropped before
 * any event came, since then there is no seq to resume from.
 */
export class ProjectEventFeed {
  events = $state.raw<readonly EventFieldsFragment[]>([]);
  readonly lastSeq = $derived(this.events.at(-1)?.seq ?? 0);

  readonly projectId: string;
  readonly #watch: ProjectEventWatch;

  constructor(projectId: string, options: { fromNow?: boolean; onResync?: () => void } = {}) {
    this.projectId = projectId;
    this.#watch = new ProjectEventWatch(projectId, {
      ...(options.fromNow ? {} : { after: 0 }),
      onEvent: (event) => (this.events = [...this.events, event]),
      ...(options.onResync ? { onResync: options.onResync } : {}),
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
