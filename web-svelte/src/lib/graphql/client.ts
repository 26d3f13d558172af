import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, print, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

/**
 * The dashboard's only way to Studio: typed documents from `$lib/generated`, sent same-origin
 * to /graphql (HTTP for queries and mutations, graphql-ws for subscriptions).
 */
export const GRAPHQL_PATH = '/graphql';

/** Codes this client assigns itself, next to the API's ErrorCode values. */
export type ClientErrorCode =
  'NETWORK_ERROR' | 'HTTP_ERROR' | 'INVALID_RESPONSE' | 'CONNECTION_CLOSED';

/** A failed operation: `code` is the first error's `extensions.code` or a ClientErrorCode. */
export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
  readonly code: string;
  readonly status: number | undefined;
  readonly errors: readonly GraphQLFormattedError[];

  constructor(
    message: string,
    code: string,
    details: { status?: number; errors?: readonly GraphQLFormattedError[]; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.errors = details.errors ?? [];
  }

  static fromErrors(
    errors: readonly GraphQLFormattedError[],
    status?: number,
  ): GraphQLRequestError {
    const first = errors[0];
    const code = first?.extensions?.['code'];
    return new GraphQLRequestError(
      first?.message ?? 'The request failed',
      typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR',
      { errors, ...(status === undefined ? {} : { status }) },
    );
  }
}

interface PreparedOperation {
  readonly query: string;
  readonly operationName: string | undefined;
}

const prepared = new WeakMap<DocumentNode, PreparedOperation>();

function prepare(document: DocumentNode): PreparedOperation {
  let operation = prepared.get(document);
  if (!operation) {
    operation = { query: print(document), operationName: getOperationAST(document)?.name?.value };
    prepared.set(document, operation);
  }
  return operation;
}

export interface RequestOptions {
  /** SvelteKit's `fetch` inside load functions; the global one otherwise. */
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: GraphQLFormattedError[];
}

/** Runs a query or mutation and returns its `data`; throws GraphQLRequestError otherwise. */
export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<TResult> {
  const { query, operationName } = prepare(document);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(GRAPHQL_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables, operationName }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new GraphQLRequestError('Studio could not be reached', 'NETWORK_ERROR', { cause });
  }

  const body = (await response.json().catch(() => undefined)) as GraphQLResponseBody | undefined;
  if (body?.errors?.length) throw GraphQLRequestError.fromErrors(body.errors, response.status);
  if (!response.ok) {
    const message = `Studio answered ${response.status} ${response.statusText}`.trim();
    throw new GraphQLRequestError(message, 'HTTP_ERROR', { status: response.status });
  }
  if (body?.data === undefined || body.data === null) {
    throw new GraphQLRequestError('Studio sent a response without data', 'INVALID_RESPONSE', {
      status: response.status,
    });
  }
  return body.data as TResult;
}

/** The shared socket as one subscription sees it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface SubscriptionHandlers<TResult> {
  next(data: TResult): void;
  /** The subscription ended for good: an operation error or a close the client does not retry. */
  error?(error: GraphQLRequestError): void;
  complete?(): void;
  connection?(state: ConnectionState): void;
}

let wsClient: Client | undefined;
let socketConnected = false;

/** Exponential back-off with jitter: about 0.5-1 s, 1-2 s, 2-4 s, ... up to 15-30 s. */
function backOff(retries: number): Promise<void> {
  const ceiling = Math.min(1000 * 2 ** retries, 30_000);
  const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
  return new Promise((resolve) => setTimeout(resolve, delay));
}

function graphqlWsClient(): Client {
  if (!wsClient) {
    wsClient = createClient({
      url: () => {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        return `${scheme}//${location.host}${GRAPHQL_PATH}`;
      },
      lazy: true,
      retryAttempts: Infinity,
      retryWait: backOff,
      // A refused connection reaches the client as an error event, not a close event, and the
      // default retries close events only. Fatal close codes (4400, 4401, ...) still end it.
      shouldRetry: () => true,
    });
    wsClient.on('connected', () => (socketConnected = true));
    wsClient.on('closed', () => (socketConnected = false));
  }
  return wsClient;
}

function subscriptionError(error: unknown): GraphQLRequestError {
  if (Array.isArray(error)) return GraphQLRequestError.fromErrors(error as GraphQLFormattedError[]);
  if (error instanceof GraphQLRequestError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error && 'reason' in error) {
    const { code, reason } = error;
    const detail = typeof reason === 'string' && reason !== '' ? `: ${reason}` : '';
    return new GraphQLRequestError(
      `The connection to Studio was closed (${String(code)}${detail})`,
      'CONNECTION_CLOSED',
    );
  }
  const message = error instanceof Error ? error.message : 'The connection to Studio failed';
  return new GraphQLRequestError(message, 'NETWORK_ERROR', { cause: error });
}

/**
 * Starts a subscription over graphql-ws and returns the function that ends it.
 *
 * The client reconnects with back-off and then subscribes again with the same payload; when
 * `variables` is a function it is called for every (re)subscription, so a caller can resume
 * where it stopped (for example `after` = the last event seen).
 */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables | (() => TVariables),
  handlers: SubscriptionHandlers<TResult>,
): () => void {
  const client = graphqlWsClient();
  const { query, operationName } = prepare(document);
  const currentVariables =
    typeof variables === 'function' ? (variables as () => TVariables) : () => variables;
  let everConnected = socketConnected;
  let active = true;

  const report = (state: ConnectionState): void => {
    if (active) handlers.connection?.(state);
  };
  const stopListening = [
    client.on('connecting', () => report(everConnected ? 'reconnecting' : 'connecting')),
    client.on('connected', () => {
      everConnected = true;
      report('connected');
    }),
    client.on('closed', () => report(everConnected ? 'reconnecting' : 'connecting')),
  ];
  report(socketConnected ? 'connected' : 'connecting');

  const dispose = client.subscribe(
    {
      query,
      ...(operationName ? { operationName } : {}),
      // A getter: graphql-ws serializes the payload again each time it resubscribes.
      get variables() {
        return currentVariables() as Record<string, unknown>;
      },
    },
    {
      next: (result) => {
        if (!active) return;
        if (result.errors?.length) {
          // An execution error in the stream: end it rather than skip an event silently.
          end();
          handlers.error?.(GraphQLRequestError.fromErrors(result.errors));
        } else if (result.data) {
          handlers.next(result.data as TResult);
        }
      },
      error: (error) => {
        if (!active) return;
        end();
        handlers.error?.(subscriptionError(error));
      },
      complete: () => {
        if (!active) return;
        end();
        handlers.complete?.();
      },
    },
  );

  function end(): void {
    if (!active) return;
    active = false;
    for (const stop of stopListening) stop();
    dispose();
  }
  return end;
}
