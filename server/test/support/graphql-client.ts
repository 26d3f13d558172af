import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { expectEventually } from './expect-eventually.js';

export type Document<TData, TVariables> = string | TypedDocumentNode<TData, TVariables>;

export interface GraphQLResponse<TData> {
  readonly status: number;
  readonly data?: TData | null;
  readonly errors?: GraphQLFormattedError[];
  readonly extensions?: Record<string, unknown>;
}

function source<TData, TVariables>(document: Document<TData, TVariables>): string {
  return typeof document === 'string' ? document : print(document);
}

/** POSTs one operation to /graphql, as a client does; returns the whole response. */
export async function postGraphQL<TData, TVariables>(
  url: string,
  document: Document<TData, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: source(document), variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: response.status, ...body };
}

/** One subscription's deliveries, collected as they arrive. */
export class SubscriptionProbe<TData> {
  readonly values: TData[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private dispose: () => void = () => undefined;

  start(client: Client, query: string, variables: unknown): this {
    this.dispose = client.subscribe<TData>(
      { query, variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...result.errors);
          else if (result.data) this.values.push(result.data);
        },
        error: (error) => this.errors.push(error),
        complete: () => {
          this.completed = true;
        },
      },
    );
    return this;
  }

  /** Waits until at least `count` values have arrived; returns them all. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<TData[]> {
    return expectEventually(
      () => {
        if (this.errors.length > 0) {
          throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
        }
        if (this.values.length < count) {
          throw new Error(`expected ${count} values, have ${this.values.length}`);
        }
        return this.values;
      },
      { timeoutMs },
    );
  }

  /** Waits until the subscription reports an error; returns the errors. */
  async waitForError(timeoutMs = 10_000): Promise<unknown[]> {
    return expectEventually(
      () => {
        if (this.errors.length === 0) throw new Error('no error yet');
        return this.errors;
      },
      { timeoutMs },
    );
  }

  close(): void {
    this.dispose();
  }
}

/** A graphql-ws client on a real socket, failing fast instead of retrying. */
export function createWsClient(
  wsUrl: string,
  onClosed?: (code: number) => void,
  connectionParams?: Record<string, unknown>,
): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    ...(connectionParams ? { connectionParams } : {}),
    retryAttempts: 0,
    lazy: true,
    on: onClosed ? { closed: (event) => onClosed((event as { code: number }).code) } : {},
  });
}

export function subscribe<TData, TVariables>(
  client: Client,
  document: Document<TData, TVariables>,
  variables: TVariables,
): SubscriptionProbe<TData> {
  return new SubscriptionProbe<TData>().start(client, source(document), variables);
}
