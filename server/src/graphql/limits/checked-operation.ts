import {
  GraphQLError,
  getOperationAST,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import { fragmentsOf, operationCost } from './operation-cost.js';
import { operationShapeRule } from './operation-shape.js';
import { VALIDATION_FAILED, limitError, type QueryLimits } from './query-limits.js';
import { parseWithTokenLimit } from './token-limit.js';

export interface OperationRequest {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
}

export type CheckedOperation =
  | { readonly ok: true; readonly args: ExecutionArgs; readonly cost: number }
  | { readonly ok: false; readonly errors: readonly GraphQLError[] };

/**
 * Parses, validates and costs an operation under the limits, as the HTTP pipeline does, for a
 * transport without Apollo (graphql-ws). Errors carry the codes Apollo gives the same failures
 * (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, OPERATION_RESOLUTION_FAILURE), so clients
 * see one behaviour on both; a refusal means nothing executes.
 */
export function checkOperation(
  schema: GraphQLSchema,
  limits: QueryLimits,
  request: OperationRequest,
): CheckedOperation {
  const document = parseWithTokenLimit(request.query, limits.maxTokens);
  if (document instanceof GraphQLError) return { ok: false, errors: [document] };
  const invalid = validate(schema, document, [...specifiedRules, operationShapeRule(limits)]);
  if (invalid.length > 0) return { ok: false, errors: invalid.map(asValidationFailure) };
  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    const message = request.operationName
      ? `Unknown operation named "${request.operationName}".`
      : 'Must provide operation name if query contains multiple operations.';
    const extensions = { code: 'OPERATION_RESOLUTION_FAILURE' };
    return { ok: false, errors: [new GraphQLError(message, { extensions })] };
  }
  const fragments = fragmentsOf(document);
  const cost = operationCost({
    schema,
    operation,
    fragment: (name) => fragments.get(name),
    variables: request.variables,
  });
  if (cost > limits.maxCost) {
    const report = { name: 'cost', maximum: limits.maxCost, actual: cost } as const;
    return { ok: false, errors: [limitError(report, { nodes: operation })] };
  }
  return {
    ok: true,
    cost,
    args: {
      schema,
      document,
      operationName: request.operationName,
      variableValues: request.variables,
    },
  };
}

function asValidationFailure(error: GraphQLError): GraphQLError {
  if (error.extensions.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: VALIDATION_FAILED },
  });
}
