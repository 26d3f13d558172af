import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { signInAgain } from '$lib/auth/sign-in-redirect';
import { csrfToken } from './csrf';
import { accessTokenExpired, refreshSession } from './session';
import {
  GRAPHQL_PATH,
  GraphQLRequestError,
  post,
  prepare,
  type RequestOptions as TransportOptions,
} from './transport';

/**
 * The dashboard's only way to Studio: typed documents from `$lib/generated`, sent same-origin
 * to /graphql (HTTP for queries and mutations, graphql-ws for subscriptions), signed in with
 * the session cookies and the CSRF token (see docs/api.md, "Authentication").
 */
export { GRAPHQL_PATH, GraphQLRequestError, type ClientErrorCode } from './transport';

export interface RequestOptions extends TransportOptions {
  /**
   * What happens when the session cannot be refreshed: go to /login (the default), or only
   * throw the UNAUTHENTICATED error (a page that must keep its URL fragment, e.g. an invite).
   */
  readonly onSessionLost?: 'redirect' | 'throw';
}

/**
 * Runs a query or mutation and returns its `data`; throws GraphQLRequestError otherwise.
 *
 * When an operation that needs a signed-in caller comes back UNAUTHENTICATED (the access
 * cookie expired), the session is refreshed once (single-flight, see `refreshSession`) and the
 * operation sent again once. When the refresh fails the session is over: to /login.
 */
export async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<TResult> {
  const usedCsrf = csrfToken();
  try {
    return await post(document, variables, options);
  } catch (error) {
    if (!needsSignIn(error) || prepare(document).public) throw error;
    if (!(await refreshSession(usedCsrf))) {
      if (options.onSessionLost !== 'throw') signInAgain();
      throw error;
    }
  }
  return post(document, variables, options);
}

function needsSignIn(error: unknown): error is GraphQLRequestError {
  return error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED';
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

/** How Studio refuses a socket's credentials, at connection_init or when the access token expires. */
const CLOSE_FORBIDDEN = 4403;
let lastCloseCode: number | undefined;
/** The CSRF token the current (or last) socket was opened with. */
let socketCsrf: string | undefined;

function closeCode(event: unknown): number | undefined {
  return typeof event === 'object' && event !== null && 'code' in event
    ? Number(event.code)
    : undefined;
}

/**
 * Before each (re)connection: the session cookies go with the upgrade request, so a stale
 * access token must be refreshed before the socket opens, not in connection_init. Refreshes
 * when Studio closed the last socket with 4403 or this page knows the access token expired.
 */
async function freshCredentials(): Promise<void> {
  const refused = lastCloseCode === CLOSE_FORBIDDEN;
  lastCloseCode = undefined;
  if (!refused && !accessTokenExpired()) return;
  try {
    if (!(await refreshSession(refused ? socketCsrf : undefined))) signInAgain();
  } catch {
    // Studio is unreachable: this attempt fails as well and is retried with back-off.
  }
}

function graphqlWsClient(): Client {
  if (!wsClient) {
    wsClient = createClient({
      url: async () => {
        await freshCredentials();
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        return `${scheme}//${location.host}${GRAPHQL_PATH}`;
      },
      // The browser sends the session cookie with the upgrade; connection_init repeats the
      // CSRF token, without which Studio refuses the socket (4403).
      connectionParams: () => {
        socketCsrf = csrfToken();
        return socketCsrf ? { csrfToken: socketCsrf } : {};
      },
      lazy: true,
      retryAttempts: Infinity,
      retryWait: backOff,
      // A refused connection reaches the client as an error event, not a close event, and the
      // default retries close events only. Fatal close codes (4400, 4401, ...) still end it;
      // 4403 is retried, after a refresh (see freshCredentials).
      shouldRetry: () => true,
    });
    wsClient.on('connected', () => (socketConnected = true));
    wsClient.on('closed', (event) => {
      socketConnected = false;
      lastCloseCode = closeCode(event);
    });
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
