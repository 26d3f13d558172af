import {
  GraphQLError,
  parse,
  type DocumentNode,
  type GraphQLFormattedError,
  type ParseOptions,
} from 'graphql';
import { VALIDATION_FAILED, limitMessage, limitError, type LimitReport } from './query-limits.js';

/**
 * The parser's options enforcing the token limit: graphql-js counts tokens as it reads them
 * and stops at the first one past the maximum, so an oversized document costs no more to refuse
 * than a document of the maximum size to parse. (Counting the rest would cost as much as
 * parsing it, so a refusal reports the token at which parsing stopped.)
 */
export function parseOptions(maxTokens: number): ParseOptions {
  return { maxLexicalTokens: maxTokens };
}

/** graphql-js's message; 16.x spells it "more that", later versions may fix the typo. */
const TOO_MANY_TOKENS = /Document contains more tha[nt] (\d+) tokens\. Parsing aborted\./;

/** The limit report for graphql-js's syntax error "Document contains more than N tokens". */
export function tokenLimitReport(message: string): LimitReport | null {
  const match = TOO_MANY_TOKENS.exec(message);
  if (!match) return null;
  const maximum = Number(match[1]);
  return { name: 'tokens', maximum, actual: maximum + 1 };
}

/**
 * Apollo reports every parse failure as GRAPHQL_PARSE_FAILED; this turns the token limit's
 * into a limit refusal like the others (for Apollo's `formatError`, before our own).
 */
export function formatTokenLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return formatted;
  const report = tokenLimitReport(formatted.message);
  if (!report) return formatted;
  return {
    ...formatted,
    message: limitMessage(report),
    extensions: { ...formatted.extensions, code: VALIDATION_FAILED, limit: report },
  };
}

/**
 * Parses a document under the token limit, for transports that parse themselves (graphql-ws).
 * Failures come back as errors coded as Apollo codes them: GRAPHQL_PARSE_FAILED for syntax,
 * GRAPHQL_VALIDATION_FAILED with `extensions.limit` for the token limit.
 */
export function parseWithTokenLimit(
  source: string,
  maxTokens: number,
): DocumentNode | GraphQLError {
  try {
    return parse(source, parseOptions(maxTokens));
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = { ...(error.source ? { source: error.source } : {}), positions: error.positions };
    const report = tokenLimitReport(error.message);
    if (report) return limitError(report, at);
    return new GraphQLError(error.message, {
      ...at,
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  }
}
