import type { Logger } from '../logging/logger.js';
import { HandlerRegistry, type MessageHandler, type PubSub, type Unsubscribe } from './pubsub.js';

/**
 * Pub/sub inside one process, for a single replica. Messages are delivered asynchronously, as
 * they would be through Redis, so callers cannot come to rely on synchronous delivery.
 */
export class InProcessPubSub implements PubSub {
  readonly mode = 'in-process' as const;
  private readonly registry = new HandlerRegistry();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  publish(channel: string, message: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('pub/sub is closed'));
    setImmediate(() =>
      this.registry.deliver(channel, message, (error) =>
        this.logger.error({ err: error, channel }, 'subscriber failed'),
      ),
    );
    return Promise.resolve();
  }

  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    if (this.closed) return Promise.reject(new Error('pub/sub is closed'));
    this.registry.add(channel, handler);
    return Promise.resolve(() => {
      this.registry.remove(channel, handler);
      return Promise.resolve();
    });
  }

  ping(): Promise<void> {
    return this.closed ? Promise.reject(new Error('pub/sub is closed')) : Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    this.registry.clear();
    return Promise.resolve();
  }
}
