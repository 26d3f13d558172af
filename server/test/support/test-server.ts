import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { startStudio, type Studio, type StudioOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import type { Logger } from '../../src/logging/logger.js';
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

/** One secret per test process, so replicas sharing a database accept each other's tokens. */
const TEST_SECRET = randomBytes(32).toString('hex');

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
  /** Run Studio's reaper in the background (default false: tests reap with their own ticks). */
  readonly reaper?: boolean;
  /** How often sockets opened with an API token re-check it (default: Studio's minute). */
  readonly credentialRecheckMs?: number;
  /** The compatibility gateway's subscriber and timings (default: every subscription refused). */
  readonly gateway?: StudioOptions['gateway'];
  /** The Studio's logger (default: silent unless TEST_LOG_LEVEL is set). */
  readonly logger?: Logger;
}

export interface TestServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly studio: Studio;
  /** This test file's database (undefined when the server shares another's). */
  readonly testDatabase: TestDatabase | undefined;
  readonly factory: Factories;
  /** The first user, owner of the first workspace, signed in (its token is used by default). */
  readonly owner: TestOwner;
  /** A request with other credentials (a token), or none (undefined). */
  requestAs<TData, TVariables>(
    credentials: string | undefined,
    document: Document<TData, TVariables>,
    variables?: TVariables,
  ): Promise<GraphQLResponse<TData>>;
  /** The whole response: data, errors, status (as the owner). */
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
  /** A fresh graphql-ws client on this server (closed by close()); the owner's by default. */
  wsClient(onClosed?: (code: number) => void, connectionParams?: Record<string, unknown>): Client;
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
    MAESTRO_SECRET: TEST_SECRET,
    MAESTRO_DATA_DIR: '/nonexistent/maestro-test-data',
    ...options.env,
  });
  const studio = await startStudio({
    config,
    logger: options.logger ?? testLogger(),
    database,
    ...(options.pubsub ? { pubsub: options.pubsub } : {}),
    pubsubPrefix: options.pubsubPrefix ?? `test:${randomBytes(6).toString('hex')}:`,
    serveWeb: false,
    processMetrics: false,
    announceSetupLink: () => undefined,
    reaper: options.reaper ?? false,
    ...(options.credentialRecheckMs ? { credentialRecheckMs: options.credentialRecheckMs } : {}),
    ...(options.gateway ? { gateway: options.gateway } : {}),
  });
  const owner = await signInOwner(studio);
  const authorization = `Bearer ${owner.accessToken}`;
  const wsUrl = `${studio.url.replace(/^http/, 'ws')}/graphql`;
  const clients: Client[] = [];
  const wsClient = (onClosed?: (code: number) => void, params?: Record<string, unknown>) => {
    const client = createWsClient(wsUrl, onClosed, params ?? { authorization });
    clients.push(client);
    return client;
  };
  let shared: Client | undefined;
  const query = async <TData, TVariables>(
    document: Document<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData> => {
    const response = await postGraphQL(studio.url, document, variables, { authorization });
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
    owner,
    request: (document, variables) =>
      postGraphQL(studio.url, document, variables, { authorization }),
    requestAs: (credentials, document, variables) =>
      postGraphQL(
        studio.url,
        document,
        variables,
        credentials === undefined ? {} : { authorization: `Bearer ${credentials}` },
      ),
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

export interface TestOwner {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly workspaceId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export const OWNER_EMAIL = 'owner@example.test';
export const OWNER_PASSWORD = 'correct horse battery staple';

/**
 * Signs in the test Studio's first user: through first-run setup on a new database, or (a
 * second replica on a shared one) by logging in as that user.
 */
async function signInOwner(studio: Studio): Promise<TestOwner> {
  const fields = 'user { id } tokens { accessToken refreshToken } userErrors { message }';
  if (studio.setupLink) {
    const setupToken = new URL(studio.setupLink).hash.replace(/^#token=/, '');
    const response = await postGraphQL<
      {
        completeSetup: {
          user: { id: string };
          workspace: { id: string };
          tokens: { accessToken: string; refreshToken: string };
        };
      },
      unknown
    >(
      studio.url,
      `mutation($input: CompleteSetupInput!) { completeSetup(input: $input) { ${fields} workspace { id } } }`,
      {
        input: {
          setupToken,
          email: OWNER_EMAIL,
          password: OWNER_PASSWORD,
          name: 'Owner',
          workspaceName: 'Home',
        },
      },
    );
    const done = response.data?.completeSetup;
    if (!done?.tokens) throw new Error(`setup failed: ${JSON.stringify(response)}`);
    return {
      email: OWNER_EMAIL,
      password: OWNER_PASSWORD,
      userId: done.user.id,
      workspaceId: done.workspace.id,
      ...done.tokens,
    };
  }
  const response = await postGraphQL<
    {
      login: { user: { id: string }; tokens: { accessToken: string; refreshToken: string } };
      viewer: unknown;
    },
    unknown
  >(studio.url, `mutation($input: LoginInput!) { login(input: $input) { ${fields} } }`, {
    input: { email: OWNER_EMAIL, password: OWNER_PASSWORD },
  });
  const done = response.data?.login;
  if (!done?.tokens) throw new Error(`login failed: ${JSON.stringify(response)}`);
  const memberships = await postGraphQL<
    { viewer: { memberships: { workspace: { id: string } }[] } },
    unknown
  >(studio.url, '{ viewer { memberships { workspace { id } } } }', undefined, {
    authorization: `Bearer ${done.tokens.accessToken}`,
  });
  return {
    email: OWNER_EMAIL,
    password: OWNER_PASSWORD,
    userId: done.user.id,
    workspaceId: memberships.data?.viewer.memberships[0]?.workspace.id ?? '',
    ...done.tokens,
  };
}
