import { randomUUID } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { ANONYMOUS } from '../domain/access/actor.js';
import { authenticate, type Credentials } from './authenticate.js';
import { parseCookies } from './session-cookies.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Services } from '../services.js';
import { createContext } from '../graphql/context.js';
import { formatErrors } from '../graphql/errors.js';
import { checkOperation } from '../graphql/limits/checked-operation.js';
import type { QueryLimits } from '../graphql/limits/query-limits.js';

/** What graphql-ws keeps per socket (its `extra`), with ours added. */
interface ConnectionExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  connectionId?: string;
  credentials?: Credentials;
  expiry?: NodeJS.Timeout;
  recheck?: NodeJS.Timeout;
}

/** How often a socket opened with an API token checks that the token still works. */
const CREDENTIAL_RECHECK_MS = 60_000;

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface GraphQLWebSocket {
  readonly wss: WebSocketServer;
  /** Closes every socket with 1001 (going away) and stops the server. */
  dispose(): Promise<void>;
}

/** graphql-ws (the graphql-transport-ws protocol) on a socket server fed by our upgrade router. */
export function createGraphQLWebSocket(deps: {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  production: boolean;
  limits: QueryLimits;
  /** Overrides CREDENTIAL_RECHECK_MS (tests). */
  credentialRecheckMs?: number | undefined;
}): GraphQLWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const format = { production: deps.production, logger: deps.logger };
  const server = useServer(
    {
      schema: deps.schema,
      // Credentials are checked again for every operation, so a revoked API token or an
      // access token past its expiry cannot start anything on an old socket.
      context: async (ctx, id) => {
        const extra = ctx.extra as ConnectionExtra;
        const requestId = `${extra.connectionId ?? 'ws'}/${id}`;
        const actor = extra.credentials
          ? await authenticate(deps.services, extra.credentials)
          : ANONYMOUS;
        return createContext(deps.services, deps.logger.child({ requestId }), requestId, actor, {
          client: { address: extra.request.socket.remoteAddress ?? null },
        });
      },
      // connection_init must carry credentials: `authorization: "Bearer <token>"`, or (a
      // browser) the session cookie of the upgrade request with `csrfToken`. Refused: 4403.
      // An access token's socket is closed with 4403 when the token expires; the client
      // reconnects with a fresh one.
      onConnect: async (ctx) => {
        const extra = ctx.extra as ConnectionExtra;
        extra.connectionId = randomUUID();
        const params = ctx.connectionParams ?? {};
        const credentials = {
          authorization: stringParam(params.authorization),
          cookies: parseCookies(extra.request.headers.cookie),
          csrfToken: stringParam(params.csrfToken),
        };
        const actor = await authenticate(deps.services, credentials);
        if (actor.kind === 'anonymous') {
          deps.logger.debug(
            { connectionId: extra.connectionId, reason: actor.reason ?? 'no credentials' },
            'ws connection refused',
          );
          return false;
        }
        extra.credentials = credentials;
        if ((actor.kind === 'user' || actor.kind === 'token') && actor.expiresAt) {
          const delay = Math.max(0, actor.expiresAt.getTime() - Date.now());
          extra.expiry = setTimeout(
            () => {
              deps.logger.debug({ connectionId: extra.connectionId }, 'ws credentials expired');
              extra.socket.close(4403, 'Forbidden: the access token expired');
            },
            Math.min(delay, 2 ** 31 - 1),
          );
          extra.expiry.unref();
        }
        // API tokens do not expire by the clock: check them again now and then, so a
        // revoked one (or one whose creator left) stops streaming too.
        if (actor.kind === 'token') {
          extra.recheck = setInterval(() => {
            void authenticate(deps.services, credentials)
              .then((again) => {
                if (again.kind !== 'anonymous') return;
                deps.logger.debug({ connectionId: extra.connectionId }, 'ws credentials revoked');
                extra.socket.close(4403, 'Forbidden: the API token is no longer valid');
              })
              .catch((error: unknown) =>
                deps.logger.warn({ err: error }, 'ws credential check failed'),
              );
          }, deps.credentialRecheckMs ?? CREDENTIAL_RECHECK_MS);
          extra.recheck.unref();
        }
        deps.metrics.websocketConnections.inc();
        return true;
      },
      onClose: (ctx) => {
        const extra = ctx.extra as ConnectionExtra;
        if (extra.expiry) clearTimeout(extra.expiry);
        if (extra.recheck) clearInterval(extra.recheck);
        if (extra.credentials) deps.metrics.websocketConnections.dec();
      },
      // Parses, validates and costs under the same limits as HTTP; a refusal is an error
      // message for this operation (the socket stays open) and nothing executes.
      onSubscribe: (_ctx, _id, payload) => {
        const checked = checkOperation(deps.schema, deps.limits, payload);
        if (!checked.ok) {
          deps.logger.debug({ operationName: payload.operationName }, 'ws operation refused');
          return checked.errors;
        }
        deps.metrics.graphqlOperations.inc({ type: 'ws', outcome: 'started' });
        deps.logger.debug(
          { operationName: payload.operationName, cost: checked.cost },
          'ws operation',
        );
        return checked.args;
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatErrors(result.errors, format) } : undefined,
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors, format),
    },
    wss,
  );
  return { wss, dispose: async () => server.dispose() };
}
