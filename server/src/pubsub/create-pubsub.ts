import type { Logger } from '../logging/logger.js';
import { InProcessPubSub } from './in-process.pubsub.js';
import type { PubSub } from './pubsub.js';
import { RedisPubSub, type RedisPubSubOptions } from './redis.pubsub.js';

/** Redis when a URL is configured; otherwise in-process, which serves one replica only. */
export async function createPubSub(
  redisUrl: string | undefined,
  logger: Logger,
  options: RedisPubSubOptions = {},
): Promise<PubSub> {
  if (redisUrl === undefined) {
    logger.warn('REDIS_URL is not set: in-process pub/sub, single-replica mode');
    return new InProcessPubSub(logger);
  }
  const pubsub = await RedisPubSub.connect(redisUrl, logger, options);
  logger.info('pub/sub on redis');
  return pubsub;
}
