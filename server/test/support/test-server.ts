import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { startStudio, type Studio } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import type { PubSub } from '../../src/pubsub/pubsub.js';
import { REDIS_URL, testLogger } from './environment.js';
import { Factories } from './factories.js';
import {
  createWsClient,
  postGraphQL,
  subscribe,
  type Document,
  type GraphQLResponse,
  type SubscriptionProbe,
} from './graphql-client.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

export interface TestServerOptions {
  /** Share a database with another test server (a second replica); default: a new one. */
  readonly database?: Database;
  /** Use this bus instead of the run's default (Redis when REDIS_URL is set). */
  readonly pubsub?: PubSub;
  /** Redis channel prefix; servers acting as replicas of one Studio share it. */
  readonly pubsubPrefix?: string;
  /** Listen on this port (e.g. to restart a Studio where clients expect it); default: any free one. */
  readonly port?: number;
  /** More configuration, as environment variables (e.g. MAESTRO_GRAPHQL_MAX_DEPTH). */
  readonly env?: Record<string, string>;
}

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly studio: Studio;
  /** This test file's database (undefined when the server shares another's). */
  readonly testDatabase: TestDatabase | undefined;
  readonly factory: Factories;
  /** The whole response: data, errors, status. */
  request<TData, TVariables>(
    document: Document<TData, TVariables>,
    variables?: TVariables,
  ): Promise<GraphQLResponse<TData>>;
  /** The data of a response that must not have errors. */
  query<TData, TVariables>(
    document: Document<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData>;
  subscribe<TData, TVariables>(
    document: Document<TData, TVariables>,
    variables: TVariables,
  ): SubscriptionProbe<TData>;
  /** A fresh graphql-ws client on this server (closed by close()). */
  wsClient(onClosed?: (code: number) => void): Client;
  close(): Promise<void>;
}

/**
 * A real Studio on a free loopback port, with a database of this test file's own (Postgres
 * or PGlite) and the run's bus (Redis when REDIS_URL is set, in-process otherwise).
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const testDatabase = options.database ? undefined : await openTestDatabase();
  const database = options.database ?? testDatabase?.database;
  if (!database) throw new Error('no database');
  const config = loadConfig({
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    ...(REDIS_URL ? { REDIS_URL } : {}),
    MAESTRO_SECRET: randomBytes(32).toString('hex'),
    MAESTRO_DATA_DIR: '/nonexistent/maestro-test-data',
    ...options.env,
  });
  const studio = await startStudio({
    config,
    logger: testLogger(),
    database,
    ...(options.pubsub ? { pubsub: options.pubsub } : {}),
    pubsubPrefix: options.pubsubPrefix ?? `test:${randomBytes(6).toString('hex')}:`,
    serveWeb: false,
    processMetrics: false,
  });
  const wsUrl = `${studio.url.replace(/^http/, 'ws')}/graphql`;
  const clients: Client[] = [];
  const wsClient = (onClosed?: (code: number) => void) => {
    const client = createWsClient(wsUrl, onClosed);
    clients.push(client);
    return client;
  };
  let shared: Client | undefined;
  const query = async <TData, TVariables>(
    document: Document<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData> => {
    const response = await postGraphQL(studio.url, document, variables);
    if (response.errors?.length || !response.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
    }
    return response.data;
  };
  return {
    url: studio.url,
    wsUrl,
    studio,
    testDatabase,
    factory: new Factories({ query }),
    request: (document, variables) => postGraphQL(studio.url, document, variables),
    query,
    subscribe: (document, variables) => subscribe((shared ??= wsClient()), document, variables),
    wsClient,
    close: async () => {
      for (const client of clients) await client.dispose();
      await studio.close();
      await testDatabase?.close();
    },
  };
}
