import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { GraphQLSchema } from 'graphql';
import { ConfigError } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Services } from '../services.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { jitGateway } from '../graphql/jit-executor.js';
import { queryLimitsPlugin } from '../graphql/limits/limits.plugin.js';
import { operationShapeRule } from '../graphql/limits/operation-shape.js';
import { queryLimits, type QueryLimits } from '../graphql/limits/query-limits.js';
import { formatTokenLimitError, parseOptions } from '../graphql/limits/token-limit.js';
import type { GatewaySubscriber } from '../gateway/pusher/gateway-types.js';
import { createPusherGateway } from '../gateway/pusher/pusher-gateway.js';
import { RefusingSubscriber } from '../gateway/pusher/refusing-subscriber.js';
import { authenticate } from './authenticate.js';
import { broadcastingAuth } from './broadcasting-auth.js';
import { createGraphQLWebSocket } from './graphql-ws.js';
import { healthHandler, readinessHandler, type ReadinessProbe } from './health.js';
import { requestIdOf, requestLogging, requestMetrics } from './request-logging.js';
import { webhookRouter } from './webhooks.js';
import { CSRF_HEADER, parseCookies } from './session-cookies.js';

export interface HttpServerDeps {
  readonly host: string;
  readonly port: number;
  readonly production: boolean;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly services: Services;
  readonly schema: GraphQLSchema;
  readonly probes: readonly ReadinessProbe[];
  readonly webHandler?: RequestHandler | undefined;
  /** How often sockets opened with an API token re-check it (default one minute; tests). */
  readonly credentialRecheckMs?: number | undefined;
  /** How many proxies in front of Studio to trust for the client address (0 = none). */
  readonly trustProxy?: number;
  /** Token, depth, alias and cost limits overriding DEFAULT_QUERY_LIMITS (config.graphqlLimits). */
  readonly limits?: Partial<QueryLimits> | undefined;
  /** The compatibility gateway's app key (MAESTRO_GATEWAY_KEY) and signing secret (gatewaySecret()). */
  readonly gatewayKey: string;
  readonly gatewaySecret: string;
  /** MAESTRO_GATEWAY_MAX_MESSAGE_BYTES; `gateway.maxMessageBytes` overrides it. */
  readonly gatewayMaxMessageBytes?: number | undefined;
  /** What handles gateway subscriptions and client events; without it every subscription is refused (503). */
  readonly gateway?: GatewayDeps | undefined;
}

/** The layer above the Pusher adapter, and protocol timings (tests shorten them). */
export interface GatewayDeps {
  readonly subscriber: GatewaySubscriber;
  readonly maxMessageBytes?: number;
  readonly pongTimeoutMs?: number;
  readonly activityTimeoutS?: number;
}

export interface HttpServer {
  readonly address: AddressInfo;
  /**
   * Stops accepting, closes graphql-ws sockets with 1001 and gateway sockets with 4200 (Pusher's
   * "reconnect now": another replica or the restarted Studio takes them), lets requests in
   * flight finish for `graceMs`.
   */
  close(graceMs: number): Promise<void>;
}

function listenError(error: unknown, host: string, port: number): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ConfigError('PORT', `${port} is already in use on ${host}`);
    case 'EACCES':
      return new ConfigError('PORT', `${port} needs privileges this process does not have`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError('HOST', `${host} is not an address of this machine`);
    default:
      return error;
  }
}

/** One HTTP server: /graphql (HTTP and graphql-ws), probes, metrics and the dashboard. */
export async function startHttpServer(deps: HttpServerDeps): Promise<HttpServer> {
  const { logger, metrics } = deps;
  const limits = queryLimits(deps.limits);
  let accepting = false;
  const apollo = new ApolloServer<GraphQLContext>({
    // Execution compiled by graphql-jit (same schema and resolvers), through Apollo's gateway
    // interface: bench/graphql-read measures what it buys.
    gateway: jitGateway(deps.schema),
    includeStacktraceInErrorResponses: !deps.production,
    // main.ts owns the signals; Apollo's own handlers would stop it early and re-raise them.
    stopOnTerminationSignals: false,
    // Token limit while parsing; depth and aliases with validation (cached per document);
    // cost per request, with its variables, in the plugin, which reports it in every response.
    parseOptions: parseOptions(limits.maxTokens),
    validationRules: [operationShapeRule(limits)],
    formatError: (formatted, error) =>
      formatError(formatTokenLimitError(formatted), error, { production: deps.production, logger }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      queryLimitsPlugin(limits),
      {
        requestDidStart: () =>
          Promise.resolve({
            willSendResponse: ({ operation, errors }) => {
              metrics.graphqlOperations.inc({
                type: operation?.operation ?? 'unknown',
                outcome: errors?.length ? 'error' : 'ok',
              });
              return Promise.resolve();
            },
          }),
      },
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? 0);
  app.use(requestMetrics(metrics));
  app.use(requestLogging(logger));
  app.get('/healthz', healthHandler);
  app.get(
    '/readyz',
    readinessHandler(() => accepting, deps.probes),
  );
  app.get('/metrics', (_req, res, next) => {
    metrics.registry
      .metrics()
      .then((text) => res.type(metrics.registry.contentType).send(text))
      .catch(next);
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const cookies = parseCookies(req.headers.cookie);
        const csrfHeader = req.get(CSRF_HEADER);
        const actor = await authenticate(deps.services, {
          authorization: req.get('authorization'),
          cookies,
          csrfToken: csrfHeader,
        });
        return createContext(deps.services, req.log, req.id as string, actor, {
          client: { address: req.ip ?? null },
          http: {
            cookies,
            csrfHeader,
            secure: req.secure,
            setCookies: (values) => res.append('Set-Cookie', [...values]),
          },
        });
      },
    }),
  );
  app.use('/webhooks', webhookRouter({ services: deps.services, logger }));
  app.use(
    broadcastingAuth({
      services: deps.services,
      logger: logger.child({ component: 'broadcasting-auth' }),
      key: deps.gatewayKey,
      secret: deps.gatewaySecret,
    }),
  );
  if (deps.webHandler) app.use(deps.webHandler);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    const message =
      status >= 500 && deps.production ? 'Internal server error' : (error as Error).message;
    res.status(status).json({
      errors: [
        { message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } },
      ],
    });
  });

  const server = http.createServer(app);
  const ws = createGraphQLWebSocket({
    schema: deps.schema,
    services: deps.services,
    logger: logger.child({ component: 'graphql-ws' }),
    metrics,
    production: deps.production,
    limits,
    credentialRecheckMs: deps.credentialRecheckMs,
  });
  const gateway = createPusherGateway({
    key: deps.gatewayKey,
    secret: deps.gatewaySecret,
    subscriber: deps.gateway?.subscriber ?? new RefusingSubscriber(),
    logger: logger.child({ component: 'pusher-gateway' }),
    maxMessageBytes: deps.gateway?.maxMessageBytes ?? deps.gatewayMaxMessageBytes,
    pongTimeoutMs: deps.gateway?.pongTimeoutMs,
    activityTimeoutS: deps.gateway?.activityTimeoutS,
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!accepting) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    } else if (path === '/graphql') {
      ws.wss.handleUpgrade(req, socket, head, (client) => ws.wss.emit('connection', client, req));
    } else if (path?.startsWith('/app/')) {
      // Any key: a wrong one is answered in the Pusher protocol (4001), not with a 404.
      gateway.handleUpgrade(req, socket, head);
    } else {
      logger.debug({ path, requestId: requestIdOf(req) }, 'upgrade refused: no such endpoint');
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(deps.port, deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await ws.dispose();
    await gateway.dispose();
    await apollo.stop();
    throw listenError(error, deps.host, deps.port);
  }
  accepting = true;

  return {
    address: server.address() as AddressInfo,
    close: async (graceMs) => {
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      logger.debug('http: no longer accepting; closing websockets');
      await Promise.all([ws.dispose(), gateway.dispose()]);
      logger.debug('http: websockets closed; waiting for requests in flight');
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(force);
      logger.debug('http: requests finished; stopping apollo');
      await apollo.stop();
      logger.debug('http: stopped');
    },
  };
}
