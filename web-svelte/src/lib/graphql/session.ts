import { RefreshSessionDocument, type SessionTokensFragment } from '$lib/generated/graphql';
import { csrfToken } from './csrf';
import { GraphQLRequestError, post } from './transport';

/**
 * The browser session as the page can know it. The access and refresh tokens are httpOnly
 * cookies; what the page sees is the CSRF cookie (present while signed in) and, after a
 * sign-in or refresh in this page, when the access token expires.
 */
let accessTokenExpiresAt: number | undefined;

/** Margin before the access token's expiry at which it counts as expired already. */
const EXPIRY_SKEW_MS = 5_000;

/** Remembers the expiry of a session that was just issued (sign-in, set-up, sign-up, refresh). */
export function noteSession(tokens: SessionTokensFragment | null | undefined): void {
  const expires = tokens ? Date.parse(tokens.accessTokenExpiresAt) : Number.NaN;
  accessTokenExpiresAt = Number.isNaN(expires) ? undefined : expires;
}

/** After sign-out. */
export function forgetSession(): void {
  accessTokenExpiresAt = undefined;
}

/** True when this page issued the session and its access token has (nearly) expired. */
export function accessTokenExpired(now = Date.now()): boolean {
  return accessTokenExpiresAt !== undefined && now >= accessTokenExpiresAt - EXPIRY_SKEW_MS;
}

/** Whether a session cookie is around at all (refreshing without one cannot work). */
export function hasSession(): boolean {
  return csrfToken() !== undefined;
}

const LOCK_NAME = 'maestro-session-refresh';
let inFlight: Promise<boolean> | undefined;

/**
 * Exchanges the refresh cookie for a new session: resolves true when there is a fresh one,
 * false when the session is gone (sign in again); network failures reject.
 *
 * Single-flight: every refresh token works once, and presenting a used one revokes the whole
 * session, so concurrent callers share one exchange, and tabs take turns through a Web Lock.
 * `usedCsrf` is the CSRF token the failed request or socket carried: when the cookie holds
 * another one by the time it is this caller's turn, someone else already refreshed, and the
 * caller just retries.
 */
export function refreshSession(usedCsrf?: string): Promise<boolean> {
  inFlight ??= withLock(() => exchange(usedCsrf)).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? await locks.request(LOCK_NAME, work) : await work();
}

async function exchange(usedCsrf: string | undefined): Promise<boolean> {
  const current = csrfToken();
  if (current === undefined) return false;
  if (usedCsrf !== undefined && current !== usedCsrf) return true;
  try {
    const { refreshSession } = await post(RefreshSessionDocument, {
      input: { delivery: 'COOKIE' },
    });
    if (!refreshSession.tokens) return false;
    noteSession(refreshSession.tokens);
    return true;
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED') {
      forgetSession();
      return false;
    }
    throw error;
  }
}
