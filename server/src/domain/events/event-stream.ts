import type { Logger } from '../../logging/logger.js';
import type { PubSub, Unsubscribe } from '../../pubsub/pubsub.js';
import { Channel } from '../common/channel.js';
import type { EventRepository } from './event.repository.js';
import { deserializeEvent, projectEventsChannel, type EventRecord } from './event.types.js';

const PAGE = 200;
/** Live events held while the consumer is behind; past this, fall back to reading the log. */
const MAX_PENDING = 1000;

/**
 * One subscriber's view of a project's events: replay from the log, then live.
 *
 * It subscribes to the bus *before* reading the log, so nothing committed after the read can be
 * missed; live events at or below the last delivered seq are duplicates and are dropped. A live
 * event beyond the next expected seq means a notification was lost or overtaken, and the gap is
 * read from the log (the log is complete up to any visible seq). If the consumer falls far
 * behind, pending notifications are discarded and the log is read instead.
 */
export class ProjectEventStream {
  private readonly out: Channel<EventRecord>;
  private pending: EventRecord[] = [];
  private overflowed = false;
  private wake: (() => void) | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private last = 0;

  constructor(
    private readonly projectId: string,
    private readonly after: number | undefined,
    private readonly repository: EventRepository,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
  ) {
    this.out = new Channel<EventRecord>(PAGE, () => {
      this.stop().catch((error: unknown) =>
        this.logger.warn({ err: error, projectId }, 'event stream unsubscribe failed'),
      );
    });
  }

  start(): AsyncIterableIterator<EventRecord> {
    this.pump().catch((error: unknown) => {
      this.logger.warn({ err: error, projectId: this.projectId }, 'event stream failed');
      this.out.fail(error);
    });
    return this.out;
  }

  private async pump(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(projectEventsChannel(this.projectId), (m) =>
      this.onMessage(m),
    );
    if (this.out.isClosed) {
      await this.stop();
      return;
    }
    this.last = this.after ?? (await this.repository.lastSeq(this.projectId));
    await this.catchUp();
    while (!this.out.isClosed) {
      if (this.pending.length === 0 && !this.overflowed) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (this.overflowed) {
        this.overflowed = false;
        this.pending = [];
        await this.catchUp();
        continue;
      }
      const event = this.pending.shift() as EventRecord;
      if (event.seq <= this.last) continue;
      if (event.seq > this.last + 1) {
        await this.catchUp();
        continue;
      }
      await this.deliver(event);
    }
  }

  private onMessage(message: string): void {
    if (this.out.isClosed) return;
    try {
      if (this.pending.length >= MAX_PENDING) this.overflowed = true;
      else this.pending.push(deserializeEvent(message));
    } catch (error) {
      this.logger.warn({ err: error }, 'unreadable event notification');
    }
    this.wake?.();
  }

  /** Delivers every logged event after the last delivered one. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.repository.listAfter(this.projectId, this.last, PAGE);
      for (const event of page) {
        if (this.out.isClosed) return;
        await this.deliver(event);
      }
      if (page.length < PAGE) return;
    }
  }

  private async deliver(event: EventRecord): Promise<void> {
    this.last = event.seq;
    await this.out.push(event);
  }

  private async stop(): Promise<void> {
    this.wake?.();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.();
  }
}
