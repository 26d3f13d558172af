import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from '../domain/common/errors.js';
import type { Logger } from '../logging/logger.js';
import { markAuthorized } from './authorization.js';
import { UserError } from './common/user-error.type.js';

/** Request-level codes that Apollo Server assigns before execution; passed through as they are. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  ErrorCode.BAD_USER_INPUT,
]);

/**
 * The one place errors leave the server. A DomainError keeps its message and code; a request
 * error keeps Apollo's code; anything else is INTERNAL_SERVER_ERROR, logged with the request id,
 * and (in production) shown without its message. Stack traces never leave in production.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { production: boolean; logger: Logger },
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(original.field ? { field: [...original.field] } : {}),
        ...original.extensions,
      },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    return { ...base, extensions: { ...formatted.extensions, code, stacktrace: undefined } };
  }
  options.logger.error({ err: original, path: formatted.path }, 'unexpected error in operation');
  return {
    ...base,
    message: options.production ? 'Internal server error' : formatted.message,
    extensions: {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      ...(options.production ? {} : { stacktrace: formatted.extensions?.stacktrace }),
    },
  };
}

/** Formats the errors of a result delivered outside Apollo (graphql-ws). */
export function formatErrors(
  errors: readonly GraphQLError[],
  options: { production: boolean; logger: Logger },
): GraphQLFormattedError[] {
  return errors.map((error) => formatError(error.toJSON(), error, options));
}

/**
 * Whether a DomainError is an expected outcome reported in a mutation's `userErrors`, rather
 * than a GraphQL error. Authentication, authorization and rate limits stay GraphQL errors.
 */
export function isUserErrorCode(code: ErrorCode): boolean {
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.CONFLICT:
    case ErrorCode.NOT_FOUND:
    case ErrorCode.PLAN_PAUSED:
    case ErrorCode.STALE_LEASE:
      return true;
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.FORBIDDEN:
    case ErrorCode.RATE_LIMITED:
    case ErrorCode.INTERNAL_SERVER_ERROR:
      return false;
  }
}

/** Runs a mutation's work, turning expected failures into `userErrors`. */
export async function mutate<T>(
  work: () => Promise<T>,
): Promise<{ value: T | null; userErrors: UserError[] }> {
  try {
    return { value: await work(), userErrors: [] };
  } catch (error) {
    if (error instanceof DomainError && isUserErrorCode(error.code)) {
      // A mutation that failed (before or after authorizing) returns no data, only the reason.
      markAuthorized();
      return { value: null, userErrors: [UserError.from(error)] };
    }
    throw error;
  }
}
