import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { fragmentsOf, operationCost } from './operation-cost.js';
import { limitError, type QueryLimits } from './query-limits.js';

/** What every HTTP response carries in `extensions.cost`. */
export interface CostReport {
  /** The operation's static cost with this request's variables; 0 if it was not computed. */
  readonly requested: number;
  readonly maximum: number;
}

/**
 * Computes each request's cost once the operation is known (after parsing and validation,
 * which Apollo caches per document), refuses it before execution when it is over the maximum,
 * and reports it in `extensions.cost` of every response, errors included. The cost of an
 * operation without variables cannot change, so it is remembered with the parsed document.
 */
export function queryLimitsPlugin(limits: Pick<QueryLimits, 'maxCost'>): ApolloServerPlugin {
  const constantCosts = new WeakMap<OperationDefinitionNode, number>();
  const costOf = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined,
  ): number => {
    const constant = !operation.variableDefinitions?.length;
    const known = constant ? constantCosts.get(operation) : undefined;
    if (known !== undefined) return known;
    const fragments = fragmentsOf(document);
    const cost = operationCost({
      schema,
      operation,
      fragment: (name) => fragments.get(name),
      variables,
    });
    if (constant) constantCosts.set(operation, cost);
    return cost;
  };

  return {
    requestDidStart: () => {
      let requested = 0;
      return Promise.resolve({
        didResolveOperation: ({ schema, document, operation, request }) => {
          if (!operation) return Promise.resolve();
          requested = costOf(schema, document, operation, request.variables);
          if (requested <= limits.maxCost) return Promise.resolve();
          const refusal = limitError(
            { name: 'cost', maximum: limits.maxCost, actual: requested },
            { nodes: operation },
          );
          // Apollo answers with this error instead of executing; 400 as for other refusals.
          return Promise.reject(
            new GraphQLError(refusal.message, {
              nodes: operation,
              extensions: { ...refusal.extensions, http: { status: 400 } },
            }),
          );
        },
        willSendResponse: ({ response }) => {
          const cost: CostReport = { requested, maximum: limits.maxCost };
          const result =
            response.body.kind === 'single'
              ? response.body.singleResult
              : response.body.initialResult;
          result.extensions = { ...result.extensions, cost };
          return Promise.resolve();
        },
      });
    },
  } satisfies ApolloServerPlugin<BaseContext>;
}
