import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Actor } from '../../src/domain/access/actor.js';
import { createContext } from '../../src/graphql/context.js';
import { buildGraphQLSchema } from '../../src/graphql/schema.js';
import { testLogger } from './environment.js';
import type { TestServer } from './test-server.js';

let schema: Promise<GraphQLSchema> | undefined;

/**
 * Runs an operation against a test server's services as `actor`, in process. Until the Access
 * issue adds sign-in, this is how tests act as a user with a role.
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
