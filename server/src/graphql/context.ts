import type { Logger } from '../logging/logger.js';
import type { Services } from '../services.js';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver receives: services, per-operation loaders, the request's logger. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly services: Services;
  readonly loaders: Loaders;
}

export function createContext(
  services: Services,
  logger: Logger,
  requestId: string,
): GraphQLContext {
  return { requestId, logger, services, loaders: createLoaders(services) };
}
