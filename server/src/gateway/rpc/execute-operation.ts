import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { execute, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Actor } from '../../domain/access/actor.js';
import type { ClientInfo } from '../../domain/auth/auth.service.js';
import { createContext } from '../../graphql/context.js';
import { formatErrors } from '../../graphql/errors.js';
import type { Logger } from '../../logging/logger.js';
import type { Services } from '../../services.js';
import { INVALID_PARAMS, JsonRpcError } from '../jsonrpc/json-rpc.js';
import { rpcErrorFromGraphQL } from '../jsonrpc/error-codes.js';

/** What an operation runs with: the schema and services of this Studio, and who is calling. */
export interface OperationRunner {
  readonly schema: GraphQLSchema;
  readonly services: Services;
  readonly logger: Logger;
  readonly production: boolean;
}

/**
 * Runs one named operation of schema/operations/gateway in-process against the same schema
 * as /graphql, as `actor`. GraphQL errors become the JSON-RPC error of the call: variables
 * GraphQL refuses (a missing, unknown or mistyped param) are Invalid params; errors raised by
 * resolvers map through their code.
 */
export async function runOperation<TData, TVariables>(
  runner: OperationRunner,
  actor: Actor,
  client: ClientInfo,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const contextValue = createContext(runner.services, runner.logger, `rpc-${randomUUID()}`, actor, {
    client,
  });
  const result = await execute({
    schema: runner.schema,
    document,
    variableValues: variables as Record<string, unknown>,
    contextValue,
  });
  if (result.errors?.length) {
    const first = result.errors[0];
    // refused before execution (no data at all): the variables — the call's params — do not
    // fit the operation
    if (first && result.data === undefined) {
      throw new JsonRpcError(INVALID_PARAMS, paramsMessage(first.message));
    }
    const formatted: GraphQLFormattedError[] = formatErrors(result.errors, runner);
    throw rpcErrorFromGraphQL(formatted);
  }
  if (!result.data) throw new JsonRpcError(INVALID_PARAMS, 'the call returned nothing');
  return result.data as TData;
}

/** GraphQL's words for a bad variable, in the call's terms (`$input.x` → `params.x`). */
function paramsMessage(message: string): string {
  return message
    .replace(/Variable "\$input" got invalid value [^;]*; /, '')
    .replace(/Variable "\$(\w+)"/g, 'param "$1"')
    .replace(/"input\.([\w.[\]]+)"/g, '"$1"');
}
