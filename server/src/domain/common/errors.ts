/**
 * The error codes of the public contract. They appear in GraphQL `extensions.code`, in
 * `userErrors[].code`, and (through one mapping each) in JSON-RPC errors and daemon exit
 * codes. Adding a code is a contract change: update docs/api.md and every exhaustive switch.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  STALE_LEASE = 'STALE_LEASE',
  RATE_LIMITED = 'RATE_LIMITED',
  PLAN_PAUSED = 'PLAN_PAUSED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * An expected failure raised by a domain service. `field` is the path of the offending input
 * (e.g. ['remoteUrl']) when one input is to blame.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field: readonly string[] | undefined = undefined,
    /** More for clients, in `extensions` (e.g. `retryAfterSeconds` with RATE_LIMITED). */
    readonly extensions: Readonly<Record<string, unknown>> | undefined = undefined,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function badInput(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.BAD_USER_INPUT, message, [field]);
}

export function notFound(what: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `${what} was not found`);
}

export function conflict(message: string, field?: string): DomainError {
  return new DomainError(ErrorCode.CONFLICT, message, field === undefined ? undefined : [field]);
}

export function rateLimited(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError(ErrorCode.RATE_LIMITED, message, undefined, { retryAfterSeconds });
}

export function unauthenticated(message: string): DomainError {
  return new DomainError(ErrorCode.UNAUTHENTICATED, message);
}
