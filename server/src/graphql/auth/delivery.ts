import type { IssuedSession } from '../../domain/auth/auth.service.js';
import { sameSecret } from '../../domain/auth/opaque-token.js';
import { badInput, unauthenticated } from '../../domain/common/errors.js';
import { clearedCookies, COOKIES, sessionCookies } from '../../http/session-cookies.js';
import type { GraphQLContext } from '../context.js';
import { AuthTokensType, TokenDelivery } from './auth.type.js';

/** Hands a session to the client: in the payload, or as cookies (then the tokens are null). */
export function deliver(
  ctx: GraphQLContext,
  session: IssuedSession,
  delivery: TokenDelivery | null | undefined,
): AuthTokensType {
  const cookie = delivery === TokenDelivery.COOKIE;
  if (cookie) {
    if (!ctx.http) throw badInput('delivery', 'COOKIE delivery needs an HTTP request; use BEARER');
    ctx.http.setCookies(sessionCookies(session, ctx.http.secure));
  }
  return Object.assign(new AuthTokensType(), {
    accessToken: cookie ? null : session.accessToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt,
    refreshToken: cookie ? null : session.refreshToken,
    refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    csrfToken: cookie ? session.csrfToken : null,
  });
}

/**
 * The refresh token of a request: the one in the input, else the browser's cookie, which
 * counts only with the CSRF token repeated in X-CSRF-Token (double submit).
 */
export function refreshTokenOf(ctx: GraphQLContext, given: string | null | undefined): string {
  if (given) return given;
  const cookie = ctx.http?.cookies[COOKIES.refresh];
  if (!cookie) throw unauthenticated('no refresh token: pass refreshToken, or sign in again');
  const csrfCookie = ctx.http?.cookies[COOKIES.csrf];
  const header = ctx.http?.csrfHeader;
  if (!csrfCookie || !header || !sameSecret(csrfCookie, header)) {
    throw unauthenticated('the X-CSRF-Token header is missing or does not match the session');
  }
  return cookie;
}

export function clearSessionCookies(ctx: GraphQLContext): void {
  if (ctx.http && ctx.http.cookies[COOKIES.refresh] !== undefined) {
    ctx.http.setCookies(clearedCookies(ctx.http.secure));
  }
}
