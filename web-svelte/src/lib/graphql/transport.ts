import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  getOperationAST,
  Kind,
  print,
  type DocumentNode,
  type GraphQLFormattedError,
} from 'graphql';
import { csrfToken } from './csrf';

/** The API, same-origin: HTTP for queries and mutations, graphql-ws for subscriptions. */
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

  /** RATE_LIMITED errors say when to try again (`extensions.retryAfterSeconds`). */
  get retryAfterSeconds(): number | undefined {
    const value = this.errors[0]?.extensions?.['retryAfterSeconds'];
    return typeof value === 'number' && value > 0 ? value : undefined;
  }
}

/**
 * Root fields the API answers without a signed-in caller. An operation made only of these
 * never triggers a session refresh: UNAUTHENTICATED from `login` means a wrong password.
 */
const PUBLIC_FIELDS = new Set([
  'viewer',
  'setupRequired',
  'invitePreview',
  'login',
  'refreshSession',
  'logout',
  'completeSetup',
  'signUp',
  'redeemCliInvite',
  '__typename',
]);

export interface PreparedOperation {
  readonly query: string;
  readonly operationName: string | undefined;
  /** Whether every root field is one the API serves to anonymous callers. */
  readonly public: boolean;
}

const prepared = new WeakMap<DocumentNode, PreparedOperation>();

export function prepare(document: DocumentNode): PreparedOperation {
  let operation = prepared.get(document);
  if (!operation) {
    const ast = getOperationAST(document);
    const rootFields = (ast?.selectionSet.selections ?? []).map((selection) =>
      selection.kind === Kind.FIELD ? selection.name.value : undefined,
    );
    operation = {
      query: print(document),
      operationName: ast?.name?.value,
      public: rootFields.every((field) => field !== undefined && PUBLIC_FIELDS.has(field)),
    };
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

/**
 * One POST to /graphql, with the session's CSRF token in X-CSRF-Token (without it Studio
 * treats a cookie-authenticated request as anonymous). No refresh, no retry: see `request`.
 */
export async function post<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<TResult> {
  const { query, operationName } = prepare(document);
  const csrf = csrfToken();
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(GRAPHQL_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: JSON.stringify({ query, variables, operationName }),
      credentials: 'same-origin',
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
