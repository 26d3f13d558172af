/**
 * The one mapping between the server's error codes (GraphQL `extensions.code`, `userErrors[].code`)
 * and JSON-RPC error codes. Application codes live in -32000…-32099, the range the JSON-RPC 2.0
 * specification leaves to the implementation; where an HTTP status says the same thing, the last
 * two digits echo it (401, 403, 404, 409, 429). INTERNAL_SERVER_ERROR is the specification's own
 * -32603 Internal error. These numbers are part of the contract: never renumber one.
 */
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from '../../domain/common/errors.js';
import { INTERNAL_ERROR, INVALID_PARAMS, JsonRpcError } from './json-rpc.js';

/** The lowest and highest application codes the specification allows. */
export const APPLICATION_CODE_MIN = -32099;
export const APPLICATION_CODE_MAX = -32000;

/**
 * The JSON-RPC code of an ErrorCode. A new ErrorCode fails to compile here until it is mapped.
 *
 * BAD_USER_INPUT is -32005, not the specification's -32602 Invalid params. -32602 says the call
 * itself is malformed (a missing or mistyped parameter: the client's code is wrong); BAD_USER_INPUT
 * is a domain refusal of a well-formed call (this remote URL is not a git URL: the value is wrong,
 * `data.field` names it). Keeping them apart lets a daemon tell a bug in itself from a value to
 * show its user. -32602 stays for parameter checks done by the gateway's methods and for GraphQL's
 * request-level failures (below).
 */
export function rpcCodeOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.UNAUTHENTICATED:
      return -32001;
    case ErrorCode.FORBIDDEN:
      return -32003;
    case ErrorCode.NOT_FOUND:
      return -32004;
    case ErrorCode.BAD_USER_INPUT:
      return -32005;
    case ErrorCode.CONFLICT:
      return -32009;
    case ErrorCode.STALE_LEASE:
      return -32010;
    case ErrorCode.RATE_LIMITED:
      return -32029;
    case ErrorCode.PLAN_PAUSED:
      return -32030;
    case ErrorCode.INTERNAL_SERVER_ERROR:
      return INTERNAL_ERROR;
    default:
      return unmapped(code);
  }
}

function unmapped(code: never): never {
  throw new Error(`ErrorCode ${String(code)} has no JSON-RPC code`);
}

/** Every ErrorCode, in declaration order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

const BY_RPC_CODE: ReadonlyMap<number, ErrorCode> = new Map(
  ERROR_CODES.map((code) => [rpcCodeOf(code), code]),
);
if (BY_RPC_CODE.size !== ERROR_CODES.length) {
  throw new Error('two ErrorCodes share a JSON-RPC code');
}

/** The ErrorCode a JSON-RPC code stands for; undefined for the protocol's own codes but -32603. */
export function graphqlCodeOf(rpc: number): ErrorCode | undefined {
  return BY_RPC_CODE.get(rpc);
}

export interface ApplicationCode {
  readonly code: number;
  readonly name: ErrorCode;
  readonly meaning: string;
  /** Whether sending the same call again can succeed (after what `clientShould` says). */
  readonly retry: boolean;
  readonly clientShould: string;
}

/** Keyed by the enum, so a new ErrorCode also fails to compile until it is described. */
const DESCRIPTIONS: Readonly<Record<ErrorCode, Omit<ApplicationCode, 'code' | 'name'>>> = {
  [ErrorCode.UNAUTHENTICATED]: {
    meaning: 'no credentials, or they did not verify (expired, revoked); the message says why',
    retry: true,
    clientShould: 'refresh the access token once (single-flight), then retry',
  },
  [ErrorCode.FORBIDDEN]: {
    meaning: "the token's role, membership or project scope does not allow this call",
    retry: false,
    clientShould: 'not retry; ask for access or use a token scoped to the project',
  },
  [ErrorCode.NOT_FOUND]: {
    meaning: 'a referenced object (project, task, run, …) does not exist',
    retry: false,
    clientShould: 'not retry; drop the reference',
  },
  [ErrorCode.BAD_USER_INPUT]: {
    meaning: 'a parameter was well-formed but refused; `data.field` names it',
    retry: false,
    clientShould: 'not retry unchanged; show the message to the user',
  },
  [ErrorCode.CONFLICT]: {
    meaning: "the change collides with existing data or the object's state",
    retry: false,
    clientShould: 'read the current state, then decide again',
  },
  [ErrorCode.STALE_LEASE]: {
    meaning: 'a run call carried an outdated lease version: the run was handed elsewhere',
    retry: false,
    clientShould: 'stop working on the run and discard its lease',
  },
  [ErrorCode.RATE_LIMITED]: {
    meaning: 'too many attempts; `data.retryAfterSeconds` says when to try again',
    retry: true,
    clientShould: 'wait `data.retryAfterSeconds`, then retry',
  },
  [ErrorCode.PLAN_PAUSED]: {
    meaning: 'the plan is paused',
    retry: false,
    clientShould: 'hold the work until the plan is resumed',
  },
  [ErrorCode.INTERNAL_SERVER_ERROR]: {
    meaning: 'a bug or an outage on the server; details are only in its log',
    retry: true,
    clientShould: 'retry an idempotent call with exponential backoff',
  },
};

/** One row per ErrorCode, in declaration order, for docs/protocol.md. */
export const APPLICATION_CODES: readonly ApplicationCode[] = ERROR_CODES.map((name) => ({
  code: rpcCodeOf(name),
  name,
  ...DESCRIPTIONS[name],
}));

/**
 * Apollo's request-level codes, raised before execution (graphql/errors.ts passes them through).
 * Through the gateway the method is known and the only thing the caller controls is `params`, so
 * a GraphQL request that could not be parsed, validated or resolved means the params did not fit:
 * -32602 Invalid params, with the GraphQL code kept in `data.graphqlCode`.
 */
export const GRAPHQL_REQUEST_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
] as const;
export type GraphQLRequestCode = (typeof GRAPHQL_REQUEST_CODES)[number];

const INTERNAL_MESSAGE = 'Internal error';

/** Extension members that never leave through the gateway. */
const PRIVATE_EXTENSIONS = new Set(['code', 'stacktrace', 'exception']);

type AnyGraphQLError = GraphQLFormattedError | GraphQLError;

/**
 * The JSON-RPC error for a GraphQL result's errors: the first error decides, by its
 * `extensions.code`; its other extensions (`field`, `retryAfterSeconds`, …) go to `data` next to
 * `graphqlCode`. Formatted errors (graphql/errors.ts `formatError`) are the expected input; for a
 * raw GraphQLError a DomainError behind it is recognized. An error without a known code is an
 * internal error whose message is not passed on.
 */
export function rpcErrorFromGraphQL(errors: readonly AnyGraphQLError[]): JsonRpcError {
  const first = errors[0];
  if (first === undefined) return internal();
  const { code, extensions } = codeAndExtensions(first);
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return new JsonRpcError(rpcCodeOf(code), first.message, {
      graphqlCode: code,
      ...publicExtensions(extensions),
    });
  }
  if (isRequestCode(code)) {
    return new JsonRpcError(INVALID_PARAMS, first.message, {
      graphqlCode: code,
      ...publicExtensions(extensions),
    });
  }
  return internal();
}

export interface UserErrorLike {
  readonly code: ErrorCode;
  readonly field?: readonly string[] | null;
  readonly message: string;
}

/**
 * The JSON-RPC error for a mutation payload's `userErrors`: the first decides code and message,
 * all of them go to `data.userErrors` (so a form can mark every field).
 */
export function rpcErrorFromUserErrors(userErrors: readonly UserErrorLike[]): JsonRpcError {
  const first = userErrors[0];
  if (first === undefined || first.code === ErrorCode.INTERNAL_SERVER_ERROR) return internal();
  return new JsonRpcError(rpcCodeOf(first.code), first.message, {
    graphqlCode: first.code,
    ...(first.field ? { field: [...first.field] } : {}),
    userErrors: userErrors.map((error) => ({
      code: error.code,
      field: error.field ? [...error.field] : null,
      message: error.message,
    })),
  });
}

function internal(): JsonRpcError {
  return new JsonRpcError(INTERNAL_ERROR, INTERNAL_MESSAGE, {
    graphqlCode: ErrorCode.INTERNAL_SERVER_ERROR,
  });
}

function codeAndExtensions(error: AnyGraphQLError): {
  code: unknown;
  extensions: Readonly<Record<string, unknown>>;
} {
  const original = 'originalError' in error ? error.originalError : undefined;
  if (original instanceof DomainError) {
    return {
      code: original.code,
      extensions: {
        ...(original.field ? { field: [...original.field] } : {}),
        ...original.extensions,
      },
    };
  }
  const extensions: Readonly<Record<string, unknown>> = error.extensions ?? {};
  return { code: extensions.code, extensions };
}

function publicExtensions(extensions: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(extensions).filter(
      ([key, value]) => !PRIVATE_EXTENSIONS.has(key) && value !== undefined,
    ),
  );
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

function isRequestCode(code: unknown): code is GraphQLRequestCode {
  return typeof code === 'string' && (GRAPHQL_REQUEST_CODES as readonly string[]).includes(code);
}
