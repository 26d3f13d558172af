import { ANONYMOUS, type Actor } from '../domain/access/actor.js';
import type { ClientInfo } from '../domain/auth/auth.service.js';
import type { Logger } from '../logging/logger.js';
import type { Services } from '../services.js';
import { Access } from './access.js';
import { createLoaders, type Loaders } from './loaders.js';

/** The HTTP exchange behind an operation, for the few that read or set session cookies. */
export interface HttpExchange {
  readonly cookies: Readonly<Record<string, string>>;
  /** The X-CSRF-Token header, if sent. */
  readonly csrfHeader: string | undefined;
  /** Whether the request arrived over TLS (cookies are then marked Secure). */
  readonly secure: boolean;
  setCookies(values: readonly string[]): void;
}

/** What every resolver receives: the actor, access checks, services, per-operation loaders. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly actor: Actor;
  readonly access: Access;
  readonly services: Services;
  readonly loaders: Loaders;
  readonly client: ClientInfo;
  /** Absent over graphql-ws and in-process execution. */
  readonly http: HttpExchange | undefined;
}

export function createContext(
  services: Services,
  logger: Logger,
  requestId: string,
  actor: Actor = ANONYMOUS,
  transport: { client?: ClientInfo; http?: HttpExchange } = {},
): GraphQLContext {
  const loaders = createLoaders(services);
  return {
    requestId,
    logger,
    actor,
    access: new Access(actor, services, loaders),
    services,
    loaders,
    client: transport.client ?? { address: null },
    http: transport.http,
  };
}
