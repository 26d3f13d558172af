import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A failure reported by Studio, with the contract's error code when it gave one. */
export class StudioError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** True when retrying cannot help (bad input, not found, forbidden). */
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'StudioError';
  }

  static fromGraphQL(errors: readonly GraphQLFormattedError[]): StudioError {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
    return new StudioError(
      first?.message ?? 'unknown error',
      code,
      code !== 'INTERNAL_SERVER_ERROR',
    );
  }
}

export interface SubscriptionSink<TData> {
  next(data: TData): void;
  /** The stream ended with an error (StudioError for GraphQL errors, else a transport error). */
  error(error: unknown): void;
  complete(): void;
}

/** The typed GraphQL client of one Studio: HTTP for queries and mutations, graphql-ws for subscriptions. */
export class StudioClient {
  private ws: Client | undefined;

  /** `token`: an API token (mtk_…) or an access token, sent as `Authorization: Bearer`. */
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private authorization(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  async request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData> {
    let response: Response;
    try {
      response = await fetch(new URL('/graphql', this.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.authorization() },
        body: JSON.stringify({ query: print(document), variables }),
      });
    } catch (error) {
      throw new StudioError(
        `cannot reach Studio at ${this.baseUrl}: ${describe(error)}`,
        undefined,
        false,
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      data?: TData;
      errors?: GraphQLFormattedError[];
    };
    if (body.errors?.length) throw StudioError.fromGraphQL(body.errors);
    if (!body.data)
      throw new StudioError(
        `Studio answered HTTP ${response.status} without data`,
        undefined,
        false,
      );
    return body.data;
  }

  /** Starts a subscription; returns a function that stops it. Does not retry by itself. */
  subscribe<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    sink: SubscriptionSink<TData>,
  ): () => void {
    this.ws ??= createClient({
      url: new URL('/graphql', this.baseUrl.replace(/^http/, 'ws')).toString(),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: this.authorization(),
    });
    return this.ws.subscribe<TData>(
      { query: print(document), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) sink.error(StudioError.fromGraphQL(result.errors));
          else if (result.data) sink.next(result.data);
        },
        error: (error) =>
          sink.error(
            Array.isArray(error)
              ? StudioError.fromGraphQL(error as GraphQLFormattedError[])
              : (refusedConnection(error) ?? error),
          ),
        complete: () => sink.complete(),
      },
    );
  }

  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (cause as { code?: string } | undefined)?.code;
    return code ? `${error.message} (${code})` : error.message;
  }
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  }
  return String(error);
}

/** Studio closes a socket with 4403 when its credentials are refused: retrying cannot help. */
function refusedConnection(error: unknown): StudioError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code !== 4403 && code !== 4401) return undefined;
  const reason = (error as { reason?: string }).reason;
  return new StudioError(
    `Studio refused the credentials${reason ? ` (${reason})` : ''}: pass --token or set MAESTRO_TOKEN`,
    'UNAUTHENTICATED',
    true,
  );
}
