import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Actor } from '../../src/domain/access/actor.js';
import { createContext } from '../../src/graphql/context.js';
import { buildGraphQLSchema } from '../../src/graphql/schema.js';
import { testLogger } from './environment.js';
import type { TestServer } from './test-server.js';

let schema: Promise<GraphQLSchema> | undefined;

/**
 * Runs an operation against a test server's services as `actor`, in process: for acting as any
 * actor (a user, an API token, the system) without issuing credentials. Tests of the HTTP and
 * WebSocket paths use real tokens instead (accessTokenFor, requestAs).
 */
export async function executeAs(
  server: TestServer,
  actor: Actor,
  source: string,
  variableValues?: Record<string, unknown>,
): Promise<ExecutionResult> {
  schema ??= buildGraphQLSchema();
  return graphql({
    schema: await schema,
    source,
    variableValues,
    contextValue: createContext(server.studio.services, testLogger(), 'test', actor),
  });
}
