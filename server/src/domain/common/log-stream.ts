import type { Logger } from '../../logging/logger.js';
import type { PubSub, Unsubscribe } from '../../pubsub/pubsub.js';
import { Channel } from './channel.js';

/** A sequenced log that a LogStream can follow: a project's events, a run's output, … */
export interface LogSource<T> {
  /** The bus channel its new entries are announced on (after their commit). */
  readonly channel: string;
  /** Entries with seq > `after`, oldest first, at most `limit`. */
  fetchAfter(after: number, limit: number): Promise<T[]>;
  /** The last seq so far (0 when empty). */
  lastSeq(): Promise<number>;
  seqOf(entry: T): number;
  /** Reads an entry from a bus message. */
  parse(message: string): T;
}

const PAGE = 200;
/** Live entries held while the consumer is behind; past this, fall back to reading the log. */
const MAX_PENDING = 1000;

/**
 * One subscriber's view of a sequenced log: replay from the log, then live.
 *
 * It subscribes to the bus *before* reading the log, so nothing committed after the read can be
 * missed; live entries at or below the last delivered seq are duplicates and are dropped. A live
 * entry beyond the next expected seq means a notification was lost or overtaken, and the gap is
 * read from the log (the log is complete up to any visible seq). If the consumer falls far
 * behind, pending notifications are discarded and the log is read instead.
 */
export class LogStream<T> {
  private readonly out: Channel<T>;
  private pending: T[] = [];
  private overflowed = false;
  private wake: (() => void) | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private last = 0;

  constructor(
    private readonly source: LogSource<T>,
    /** Replay entries after this seq; undefined starts from the current end. */
    private readonly after: number | undefined,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
  ) {
    this.out = new Channel<T>(PAGE, () => {
      this.stop().catch((error: unknown) =>
        this.logger.warn({ err: error, channel: source.channel }, 'log stream unsubscribe failed'),
      );
    });
  }

  start(): AsyncIterableIterator<T> {
    this.pump().catch((error: unknown) => {
      this.logger.warn({ err: error, channel: this.source.channel }, 'log stream failed');
      this.out.fail(error);
    });
    return this.out;
  }

  private async pump(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(this.source.channel, (m) => this.onMessage(m));
    if (this.out.isClosed) {
      await this.stop();
      return;
    }
    this.last = this.after ?? (await this.source.lastSeq());
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
      const entry = this.pending.shift() as T;
      const seq = this.source.seqOf(entry);
      if (seq <= this.last) continue;
      if (seq > this.last + 1) {
        await this.catchUp();
        continue;
      }
      await this.deliver(entry);
    }
  }

  private onMessage(message: string): void {
    if (this.out.isClosed) return;
    try {
      if (this.pending.length >= MAX_PENDING) this.overflowed = true;
      else this.pending.push(this.source.parse(message));
    } catch (error) {
      this.logger.warn({ err: error, channel: this.source.channel }, 'unreadable notification');
    }
    this.wake?.();
  }

  /** Delivers every logged entry after the last delivered one. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.source.fetchAfter(this.last, PAGE);
      for (const entry of page) {
        if (this.out.isClosed) return;
        await this.deliver(entry);
      }
      if (page.length < PAGE) return;
    }
  }

  private async deliver(entry: T): Promise<void> {
    this.last = this.source.seqOf(entry);
    await this.out.push(entry);
  }

  private async stop(): Promise<void> {
    this.wake?.();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.();
  }
}
