import { describe, expect, test } from '@jest/globals';
import { GraphQLError, getIntrospectionQuery, parse, type GraphQLFormattedError } from 'graphql';
import {
  formatTokenLimitError,
  parseOptions,
  parseWithTokenLimit,
  tokenLimitReport,
} from './token-limit.js';

/** `{ a a … a }`: `count` names and two braces. */
function document(count: number): string {
  return `{ ${'a '.repeat(count)}}`;
}

function parseFailure(source: string, maxTokens: number): GraphQLError {
  try {
    parse(source, parseOptions(maxTokens));
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('the token limit', () => {
  test('a document of exactly the maximum parses; one token more does not', () => {
    expect(() => parse(document(8), parseOptions(10))).not.toThrow();
    expect(parseFailure(document(9), 10).message).toMatch(/more tha[nt] 10 tokens/);
  });

  test('comments are not tokens', () => {
    expect(() => parse(`# a comment\n${document(8)} # another`, parseOptions(10))).not.toThrow();
  });

  test('graphql-js reports the limit in a message we recognise', () => {
    const error = parseFailure(document(100), 10);
    expect(tokenLimitReport(error.message)).toEqual({ name: 'tokens', maximum: 10, actual: 11 });
    expect(tokenLimitReport('Syntax Error: Expected Name, found <EOF>.')).toBeNull();
  });

  test("Apollo's parse failure for the limit becomes a refusal; others stay as they are", () => {
    const formatted: GraphQLFormattedError = {
      message: parseFailure(document(100), 10).message,
      locations: [{ line: 1, column: 23 }],
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    };
    expect(formatTokenLimitError(formatted)).toEqual({
      message: 'query token count exceeds the maximum of 10 (parsing stopped at token 11)',
      locations: [{ line: 1, column: 23 }],
      extensions: {
        code: 'GRAPHQL_VALIDATION_FAILED',
        limit: { name: 'tokens', maximum: 10, actual: 11 },
      },
    });
    const syntax = {
      message: 'Syntax Error: Unexpected "}".',
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    };
    expect(formatTokenLimitError(syntax)).toBe(syntax);
  });

  test('parseWithTokenLimit returns the document, a limit refusal or a coded syntax error', () => {
    expect(parseWithTokenLimit(getIntrospectionQuery(), 2000)).toHaveProperty('kind', 'Document');
    const refused = parseWithTokenLimit(document(100), 10) as GraphQLError;
    expect(refused.message).toBe(
      'query token count exceeds the maximum of 10 (parsing stopped at token 11)',
    );
    expect(refused.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: { name: 'tokens', maximum: 10, actual: 11 },
    });
    expect(refused.locations).toEqual([{ line: 1, column: 21 }]);
    const syntax = parseWithTokenLimit('{ a', 10) as GraphQLError;
    expect(syntax.message).toBe('Syntax Error: Expected Name, found <EOF>.');
    expect(syntax.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });
});
