import type { Logger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { PubSub } from '../../pubsub/pubsub.js';
import { badInput } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { requireSeq } from '../common/validation.js';
import type { Tx } from '../common/transactions.js';
import type { EventRepository } from './event.repository.js';
import { LogStream } from '../common/log-stream.js';
import {
  deserializeEvent,
  projectEventsChannel,
  serializeEvent,
  type EventRecord,
  type EventType,
} from './event.types.js';

export interface EventPage {
  readonly events: EventRecord[];
  /** The project's last sequence number when the page was read. */
  readonly lastSeq: number;
}

/**
 * The project event log. Appends are part of the caller's transaction and are published only
 * after it commits; readers back-fill from the table, so a lost notification costs latency,
 * never an event.
 */
export class EventLog {
  constructor(
    private readonly repository: EventRepository,
    private readonly pubsub: PubSub,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async append(
    tx: Tx,
    projectId: string,
    type: EventType,
    payload: Record<string, unknown>,
  ): Promise<EventRecord> {
    const event = await this.repository.append(tx.manager, {
      id: uuidv7(),
      projectId,
      type,
      payload,
    });
    tx.afterCommit(() => this.publish(event));
    return event;
  }

  async list(projectId: string, after: number, first: number): Promise<EventPage> {
    requireSeq('after', after);
    const [events, lastSeq] = await Promise.all([
      this.repository.listAfter(projectId, after, first),
      this.repository.lastSeq(projectId),
    ]);
    return { events, lastSeq: Math.max(lastSeq, events.at(-1)?.seq ?? 0) };
  }

  /** The project's last sequence number (0 before its first event). */
  lastSeq(projectId: string): Promise<number> {
    return this.repository.lastSeq(projectId);
  }

  /** The review verdicts (ReviewApproved, ReviewRejected) of these tasks, by public id. */
  reviewVerdicts(taskIds: readonly string[]): Promise<EventRecord[]> {
    return this.repository.reviewVerdicts(taskIds);
  }

  find(id: string): Promise<EventRecord | undefined> {
    return this.repository.findById(id);
  }

  /**
   * Every event with seq > `after`, then live events as they are committed, each exactly once
   * and in order. Without `after`, only events committed from now on.
   */
  async stream(projectId: string, after?: number): Promise<AsyncIterableIterator<EventRecord>> {
    if (after !== undefined) await this.checkCursor(projectId, after);
    return new LogStream<EventRecord>(
      {
        channel: projectEventsChannel(projectId),
        fetchAfter: (from, limit) => this.repository.listAfter(projectId, from, limit),
        lastSeq: () => this.repository.lastSeq(projectId),
        seqOf: (event) => event.seq,
        parse: deserializeEvent,
      },
      after,
      this.pubsub,
      this.logger,
    ).start();
  }

  /** `after` must be a sequence number the project has reached. */
  async checkCursor(projectId: string, after: number): Promise<void> {
    requireSeq('after', after);
    const lastSeq = await this.repository.lastSeq(projectId);
    if (after > lastSeq) {
      throw badInput('after', `after is ${after}, beyond the project's last event (${lastSeq})`);
    }
  }

  /**
   * Publishes an event written (and committed) by a statement of its own, outside append():
   * for hot paths that change state and log the event in one statement (RunQueue.claim).
   */
  async publish(event: EventRecord): Promise<void> {
    this.metrics.eventsAppended.inc({ type: event.type });
    try {
      await this.pubsub.publish(projectEventsChannel(event.projectId), serializeEvent(event));
    } catch (error) {
      this.metrics.eventPublishFailures.inc();
      this.logger.warn(
        { err: error, projectId: event.projectId, seq: event.seq },
        'event not published; subscribers will back-fill it',
      );
    }
  }
}
