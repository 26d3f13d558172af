import { Redis } from 'ioredis';
import { ConfigError } from '../config/config.js';
import { describeConnectError } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import { HandlerRegistry, type MessageHandler, type PubSub, type Unsubscribe } from './pubsub.js';

export interface RedisPubSubOptions {
  /** Prepended to every channel, so several Studios (or test files) can share one Redis. */
  readonly prefix?: string;
}

/**
 * Pub/sub through Redis, for any number of replicas: one connection publishes, one subscribes.
 * Commands fail fast while Redis is away (no offline queue): a lost notification is recovered
 * from the database, a queued one would only arrive late. Reconnects resubscribe by themselves.
 */
export class RedisPubSub implements PubSub {
  readonly mode = 'redis' as const;
  private readonly registry = new HandlerRegistry();
  private readonly pending = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (!channel.startsWith(prefix)) return;
      const name = channel.slice(prefix.length);
      this.registry.deliver(name, message, (error) =>
        logger.error({ err: error, channel: name }, 'subscriber failed'),
      );
    });
  }

  /** Connects both clients; an unreachable server is a ConfigError naming REDIS_URL. */
  static async connect(
    url: string,
    logger: Logger,
    options: RedisPubSubOptions = {},
  ): Promise<RedisPubSub> {
    const log = logger.child({ component: 'redis' });
    let started = false;
    let lastError: unknown;
    const client = (role: string) => {
      const redis = new Redis(url, {
        lazyConnect: true,
        connectionName: `maestro-${role}`,
        connectTimeout: 5000,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        // No retries while starting (a bad REDIS_URL must fail fast); backoff afterwards.
        retryStrategy: (times) => (started ? Math.min(times * 250, 5000) : null),
      });
      redis.on('error', (error) => {
        lastError = error;
        if (started) log.warn({ err: error, role }, 'redis connection error');
      });
      redis.on('ready', () => {
        if (started) log.info({ role }, 'redis connection restored');
      });
      return redis;
    };
    const publisher = client('pub');
    const subscriber = client('sub');
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw new ConfigError(
        'REDIS_URL',
        `cannot be reached: ${describeConnectError(lastError ?? error)}`,
      );
    }
    started = true;
    return new RedisPubSub(publisher, subscriber, options.prefix ?? 'maestro:', log);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    if (this.registry.add(channel, handler)) {
      const subscribed = this.subscriber.subscribe(this.prefix + channel);
      this.pending.set(channel, subscribed);
      try {
        await subscribed;
      } catch (error) {
        this.registry.remove(channel, handler);
        throw error;
      } finally {
        if (this.pending.get(channel) === subscribed) this.pending.delete(channel);
      }
    } else {
      // Another caller's SUBSCRIBE for this channel may still be waiting for its reply.
      await this.pending.get(channel);
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      if (this.registry.remove(channel, handler) && this.subscriber.status === 'ready') {
        await this.subscriber.unsubscribe(this.prefix + channel).catch((error: unknown) => {
          this.logger.warn({ err: error, channel }, 'unsubscribe failed');
        });
      }
    };
  }

  async ping(): Promise<void> {
    if (this.subscriber.status !== 'ready') {
      throw new Error(`redis subscriber is ${this.subscriber.status}`);
    }
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    this.registry.clear();
    await Promise.all(
      [this.publisher, this.subscriber].map((redis) =>
        redis.quit().catch(() => {
          redis.disconnect();
        }),
      ),
    );
  }
}
