import { EventsDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';

/** Who wrote one version of a context file, and when, from its ContextFileUpdated event. */
export interface VersionOrigin {
  readonly occurredAt: string;
  /** The analysis run that wrote it, when one did. */
  readonly runId: string | undefined;
}

/** How far back the history looks: pages of 100 events. */
const MAX_PAGES = 50;

/**
 * The ContextFileUpdated events of a project's log, by file and version: read page by page
 * from the start, then only what is new on each `refresh` (after a live update).
 */
export class ContextFileOrigins {
  origins = $state.raw<Readonly<Record<string, VersionOrigin>>>({});
  /** True when the log was longer than what was read: older versions may show no origin. */
  truncated = $state(false);
  #seq = 0;
  #running: Promise<void> | undefined;

  constructor(readonly projectId: string) {}

  static key(fileId: string, version: number): string {
    return `${fileId}@${version}`;
  }

  of(fileId: string, version: number): VersionOrigin | undefined {
    return this.origins[ContextFileOrigins.key(fileId, version)];
  }

  refresh(): Promise<void> {
    this.#running ??= this.#read().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #read(): Promise<void> {
    const found: Record<string, VersionOrigin> = { ...this.origins };
    for (let page = 0; page < MAX_PAGES; page++) {
      const { events } = await request(EventsDocument, {
        projectId: this.projectId,
        after: this.#seq,
        first: 100,
      });
      for (const event of events.nodes) {
        this.#seq = Math.max(this.#seq, event.seq);
        if (event.type !== 'ContextFileUpdated') continue;
        const { contextFileId, version, runId } = event.payload;
        if (typeof contextFileId !== 'string' || typeof version !== 'number') continue;
        found[ContextFileOrigins.key(contextFileId, version)] = {
          occurredAt: event.occurredAt,
          runId: typeof runId === 'string' ? runId : undefined,
        };
      }
      if (!events.pageInfo.hasNextPage) {
        this.origins = found;
        return;
      }
    }
    this.truncated = true;
    this.origins = found;
  }
}
