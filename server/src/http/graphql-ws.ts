import { randomUUID } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Services } from '../services.js';
import { createContext } from '../graphql/context.js';
import { formatErrors } from '../graphql/errors.js';
import { checkOperation } from '../graphql/limits/checked-operation.js';
import type { QueryLimits } from '../graphql/limits/query-limits.js';

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
}): GraphQLWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const format = { production: deps.production, logger: deps.logger };
  const server = useServer(
    {
      schema: deps.schema,
      context: (ctx, id) => {
        const requestId = `${(ctx.extra as { connectionId?: string }).connectionId ?? 'ws'}/${id}`;
        return createContext(deps.services, deps.logger.child({ requestId }), requestId);
      },
      onConnect: (ctx) => {
        (ctx.extra as { connectionId?: string }).connectionId = randomUUID();
        deps.metrics.websocketConnections.inc();
        return true;
      },
      onClose: () => {
        deps.metrics.websocketConnections.dec();
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
