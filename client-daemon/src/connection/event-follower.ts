import {
  EventsDocument,
  ProjectEventsDocument,
  type EventFieldsFragment,
} from '../generated/graphql.js';
import { backoffDelay } from './backoff.js';
import { StudioError, describe, type StudioClient } from './studio-client.js';

export type FollowStatus =
  | { readonly state: 'live'; readonly after: number }
  | { readonly state: 'reconnecting'; readonly inMs: number; readonly reason: string };

export interface FollowOptions {
  readonly client: StudioClient;
  readonly projectId: string;
  /** Replay events after this seq; undefined means from the project's current last event. */
  readonly after?: number | undefined;
  readonly onEvent: (event: EventFieldsFragment) => void;
  readonly onStatus?: (status: FollowStatus) => void;
  readonly signal: AbortSignal;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Follows a project's event log: replays from `after`, then streams live. When the connection
 * drops it resubscribes from the last seq it delivered, with backoff, so every event reaches
 * `onEvent` exactly once and in order. Resolves when `signal` aborts; rejects on an error that
 * retrying cannot fix (unknown project, bad cursor).
 */
export async function followProjectEvents(options: FollowOptions): Promise<void> {
  const { client, projectId, signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  let last = options.after;
  let attempt = 0;
  while (!signal.aborted) {
    try {
      if (last === undefined) {
        const page = await client.request(EventsDocument, { projectId, first: 0 });
        last = page.events.totalCount;
      }
      const from = last;
      options.onStatus?.({ state: 'live', after: from });
      const outcome = await new Promise<'closed' | 'aborted'>((resolve, reject) => {
        const stop = client.subscribe(
          ProjectEventsDocument,
          { projectId, after: from },
          {
            next: (data) => {
              attempt = 0;
              const event = data.projectEvents;
              if (last !== undefined && event.seq <= last) return;
              last = event.seq;
              options.onEvent(event);
            },
            error: (error) => {
              if (error instanceof StudioError && error.fatal) reject(error);
              else resolve('closed');
            },
            complete: () => resolve('closed'),
          },
        );
        signal.addEventListener(
          'abort',
          () => {
            stop();
            resolve('aborted');
          },
          { once: true },
        );
      });
      if (outcome === 'aborted') return;
      await retryLater('the connection closed');
    } catch (error) {
      if (error instanceof StudioError && error.fatal) throw error;
      await retryLater(describe(error));
    }
  }

  async function retryLater(reason: string): Promise<void> {
    const inMs = backoffDelay(attempt++);
    options.onStatus?.({ state: 'reconnecting', inMs, reason });
    await sleep(inMs, signal);
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
