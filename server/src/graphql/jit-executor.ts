import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  getOperationAST,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = CompiledQuery | ExecutionResult;

/**
 * Executes operations with graphql-jit: each operation is compiled once into a function
 * specialised for its selection set, and later requests run that function instead of walking
 * the document. Apollo reuses the parsed document for a repeated query text, so the compiled
 * form is cached per document and operation name. The resolvers, context and schema are the
 * same as graphql-js would use; only the walking of the selection set differs.
 */
export function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  const cache = new WeakMap<DocumentNode, Map<string, Compiled>>();
  return async (request) => {
    let byOperation = cache.get(request.document);
    if (!byOperation) {
      byOperation = new Map();
      cache.set(request.document, byOperation);
    }
    // As sent: Apollo's own operationName is the resolved operation's, null when none was.
    const asked = request.request.operationName ?? undefined;
    const name = asked ?? '';
    let compiled = byOperation.get(name);
    if (!compiled) {
      compiled = getOperationAST(request.document, asked)
        ? compileQuery(schema, request.document, asked)
        : { errors: [unresolvedOperation(asked)] };
      byOperation.set(name, compiled);
    }
    // A document that cannot compile comes back as an ExecutionResult with its errors.
    if (!isCompiledQuery(compiled)) return compiled;
    const variables = request.request.variables ?? {};
    const result = await compiled.query(undefined, request.context, variables);
    if (!result.errors) return result;
    // Errors without data come from coercing the variables, before execution: the request's
    // input is wrong, which Apollo reports as BAD_USER_INPUT on its own execution path too.
    const inputErrors = result.data === undefined;
    return { ...result, errors: result.errors.map((error) => toUpstreamError(error, inputErrors)) };
  };
}

/**
 * The request names an operation the document does not define, or sends several without a
 * name: the client's mistake, which Apollo answers as OPERATION_RESOLUTION_FAILURE (400) once
 * the executor reports it (without errors from the executor it answered 500). Apollo's own
 * operationName is the resolved operation's, null here, so the name as sent is checked.
 */
function unresolvedOperation(operationName: string | undefined): GraphQLError {
  const message = operationName
    ? `The document defines no operation named "${operationName}"`
    : 'The document defines several operations: operationName must say which one to run';
  return new GraphQLError(message);
}

/**
 * graphql-jit's errors leave `extensions` undefined (and read-only) when the original error has
 * none, which Apollo Server does not expect; rebuild those (and input errors, to code them) as
 * graphql-js errors, keeping the message, path, locations and original error.
 */
function toUpstreamError(error: GraphQLError, inputError: boolean): GraphQLError {
  if (error.extensions && !inputError) return error;
  const upstream = new GraphQLError(error.message, {
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    extensions: { ...error.extensions, ...(inputError ? { code: 'BAD_USER_INPUT' } : {}) },
  });
  (upstream as { locations: GraphQLError['locations'] }).locations = error.locations;
  return upstream;
}

/**
 * Apollo Server accepts a custom executor only through its gateway interface; this "gateway"
 * serves one fixed schema and executes with graphql-jit.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const executor = jitExecutor(schema);
  return {
    load: () => Promise.resolve({ executor }),
    onSchemaLoadOrUpdate: (callback) => {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    stop: () => Promise.resolve(),
  };
}
