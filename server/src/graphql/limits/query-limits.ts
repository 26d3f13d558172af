import { GraphQLError, type GraphQLErrorOptions } from 'graphql';

/**
 * The limits every GraphQL operation is checked against before it executes, over HTTP and
 * graphql-ws alike. docs/api.md ("Limits and cost") explains each one to API integrators.
 */
export interface QueryLimits {
  /** Lexical tokens in the document; parsing stops at the first token past it. */
  readonly maxTokens: number;
  /** Nesting of fields in an operation, fragments expanded; introspection counts as 1. */
  readonly maxDepth: number;
  /** Aliased fields in an operation, fragments expanded. */
  readonly maxAliases: number;
  /** The static cost of an operation with its variables (see operation-cost.ts). */
  readonly maxCost: number;
}

/**
 * - tokens: a full introspection query is about 180 tokens and our largest operation about 60;
 *   2 000 leaves room for generated documents while keeping the parse and validation of a
 *   hostile document (repeated fields) under about 50 ms.
 * - depth: workspaces → projects → plans → tasks through `edges { node }`, down to a scalar,
 *   is depth 13; 15 allows that and stops cyclic chains (`parent { parent { … } }`).
 * - aliases: `nodes(ids:)` fetches up to 100 objects without aliases; 30 allows a few
 *   variants of one field and stops alias amplification (e.g. 1 000 × `totalCount`).
 * - cost: 10 000 objects, e.g. 100 projects × 100 tasks, but not 100 × 100 × anything.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxTokens: 2000,
  maxDepth: 15,
  maxAliases: 30,
  maxCost: 10_000,
});

/** The defaults with the given overrides (from the configuration) applied. */
export function queryLimits(overrides: Partial<QueryLimits> = {}): QueryLimits {
  return {
    maxTokens: overrides.maxTokens ?? DEFAULT_QUERY_LIMITS.maxTokens,
    maxDepth: overrides.maxDepth ?? DEFAULT_QUERY_LIMITS.maxDepth,
    maxAliases: overrides.maxAliases ?? DEFAULT_QUERY_LIMITS.maxAliases,
    maxCost: overrides.maxCost ?? DEFAULT_QUERY_LIMITS.maxCost,
  };
}

export type LimitName = 'tokens' | 'depth' | 'aliases' | 'cost';

/** What `extensions.limit` of a refusal carries. */
export interface LimitReport {
  readonly name: LimitName;
  readonly maximum: number;
  readonly actual: number;
}

/** Apollo's code for validation failures; a limit refusal is one, like a failed built-in rule. */
export const VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';

const SUBJECT: Record<LimitName, string> = {
  tokens: 'token count',
  depth: 'depth',
  aliases: 'alias count',
  cost: 'cost',
};

/** The message of a refusal, e.g. "query depth 16 exceeds the maximum of 15". */
export function limitMessage(report: LimitReport): string {
  if (report.name === 'tokens') {
    // Parsing stops at the first token past the maximum, so the total is not known.
    return (
      `query token count exceeds the maximum of ${report.maximum} ` +
      `(parsing stopped at token ${report.actual})`
    );
  }
  return `query ${SUBJECT[report.name]} ${report.actual} exceeds the maximum of ${report.maximum}`;
}

/** The GraphQL error refusing an operation that exceeds a limit, located at `at`. */
export function limitError(
  report: LimitReport,
  at: Pick<GraphQLErrorOptions, 'nodes' | 'source' | 'positions'> = {},
): GraphQLError {
  return new GraphQLError(limitMessage(report), {
    ...at,
    extensions: { code: VALIDATION_FAILED, limit: { ...report } },
  });
}
