import { GraphQLRequestError } from '$lib/graphql/client';

/** "14 minutes", "1 minute", "45 seconds". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * What a form shows for a failed request. A throttled one (RATE_LIMITED) says how long to wait,
 * from `extensions.retryAfterSeconds`, so the reader does not have to guess.
 */
export function requestErrorMessage(error: unknown): string {
  if (!(error instanceof GraphQLRequestError)) return 'Something went wrong; try again.';
  if (error.code === 'RATE_LIMITED') {
    const wait = error.retryAfterSeconds;
    return wait === undefined
      ? `Too many attempts: ${error.message}`
      : `Too many attempts. Try again in ${formatWait(wait)}.`;
  }
  return error.message;
}
