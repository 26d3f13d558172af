import { getOperationAST, OperationTypeNode, parse, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { signInAgain } from '$lib/auth/sign-in-redirect';
import { csrfToken } from '$lib/graphql/csrf';
import { refreshSession } from '$lib/graphql/session';
import { GRAPHQL_PATH } from '$lib/graphql/transport';

/** What GraphiQL hands its fetcher (the shape of @graphiql/toolkit's FetcherParams). */
export interface ExplorerParams {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: unknown;
}

/** A GraphQL response as GraphiQL shows it. */
export interface ExplorerResult {
  readonly data?: unknown;
  readonly errors?: readonly GraphQLFormattedError[];
}

export type ExplorerFetcher = (
  params: ExplorerParams,
  options?: { headers?: Record<string, unknown> },
) => Promise<ExplorerResult> | AsyncIterable<ExplorerResult>;

interface Prepared {
  readonly query: string;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown>;
  readonly subscription: boolean;
}

/**
 * The request as it goes out. GraphiQL can hand over the operation name of what the editor
 * held a moment before (an edit and a run in the same tick): a name the document does not
 * define is dropped when the document has a single operation, which is the one meant.
 */
function prepare(params: ExplorerParams): Prepared {
  const variables = (params.variables ?? {}) as Record<string, unknown>;
  let operationName = params.operationName ?? undefined;
  try {
    const document = parse(params.query);
    let operation = getOperationAST(document, operationName);
    if (!operation && operationName !== undefined) {
      operation = getOperationAST(document);
      if (operation) operationName = operation.name?.value;
    }
    return {
      query: params.query,
      operationName,
      variables,
      subscription: operation?.operation === OperationTypeNode.SUBSCRIPTION,
    };
  } catch {
    // Studio answers a document that does not parse with the error GraphiQL should show.
    return { query: params.query, operationName, variables, subscription: false };
  }
}

function unauthenticated(result: ExplorerResult): boolean {
  return result.errors?.some((error) => error.extensions?.['code'] === 'UNAUTHENTICATED') ?? false;
}

/** Headers typed into GraphiQL's headers editor, as strings. */
function extraHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name.toLowerCase()] = String(value);
    }
  }
  return out;
}

async function post(
  params: Prepared,
  headers: Record<string, string>,
): Promise<{ result: ExplorerResult; csrf: string | undefined }> {
  const csrf = csrfToken();
  const response = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
      ...headers,
    },
    body: JSON.stringify({
      query: params.query,
      variables: params.variables,
      ...(params.operationName ? { operationName: params.operationName } : {}),
    }),
    credentials: 'same-origin',
  });
  const text = await response.text();
  try {
    return { result: JSON.parse(text) as ExplorerResult, csrf };
  } catch {
    return {
      result: {
        errors: [{ message: `Studio answered ${response.status} ${response.statusText}: ${text}` }],
      },
      csrf,
    };
  }
}

let socket: Client | undefined;

/** The explorer's own graphql-ws client, signed in like the dashboard's (cookie + CSRF token). */
function wsClient(): Client {
  socket ??= createClient({
    url: () => {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      return `${scheme}//${location.host}${GRAPHQL_PATH}`;
    },
    connectionParams: () => {
      const csrf = csrfToken();
      return csrf ? { csrfToken: csrf } : {};
    },
    lazy: true,
    retryAttempts: 3,
  });
  return socket;
}

/**
 * GraphiQL's fetcher: queries and mutations as same-origin POSTs to /graphql with the session
 * cookie and X-CSRF-Token (refreshing the session once when the access token has expired),
 * subscriptions over graphql-ws. Headers from GraphiQL's headers editor are added to POSTs
 * (an `authorization: Bearer …` there acts as that API token instead).
 */
export const explorerFetcher: ExplorerFetcher = (params, options) => {
  const request = prepare(params);
  if (request.subscription) {
    return wsClient().iterate({
      query: request.query,
      ...(request.operationName ? { operationName: request.operationName } : {}),
      variables: request.variables,
    }) as AsyncIterable<ExplorerResult>;
  }
  const headers = extraHeaders(options?.headers);
  return (async () => {
    const first = await post(request, headers);
    if (!unauthenticated(first.result) || headers['authorization']) return first.result;
    if (!(await refreshSession(first.csrf))) {
      signInAgain();
      return first.result;
    }
    return (await post(request, headers)).result;
  })();
};
