import { LOCAL_ACTOR, type Actor } from '../domain/access/actor.js';
import type { Logger } from '../logging/logger.js';
import type { Services } from '../services.js';
import { Access } from './access.js';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver receives: the actor, access checks, services, per-operation loaders. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly actor: Actor;
  readonly access: Access;
  readonly services: Services;
  readonly loaders: Loaders;
}

export function createContext(
  services: Services,
  logger: Logger,
  requestId: string,
  actor: Actor = LOCAL_ACTOR,
): GraphQLContext {
  const loaders = createLoaders(services);
  return {
    requestId,
    logger,
    actor,
    access: new Access(actor, services, loaders),
    services,
    loaders,
  };
}
