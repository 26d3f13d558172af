import type { Actor } from '../domain/access/actor.js';
import { csrfHash } from '../domain/auth/auth.service.js';
import { sameSecret } from '../domain/auth/opaque-token.js';
import { DomainError } from '../domain/common/errors.js';
import type { Services } from '../services.js';
import { COOKIES } from './session-cookies.js';

/** The credentials a request or a graphql-ws connection presents. */
export interface Credentials {
  /** The Authorization header (or connection_init's `authorization`). */
  readonly authorization?: string | undefined;
  readonly cookies: Readonly<Record<string, string>>;
  /** The X-CSRF-Token header (or connection_init's `csrfToken`). */
  readonly csrfToken?: string | undefined;
}

function anonymous(reason: string): Actor {
  return { kind: 'anonymous', reason };
}

function failed(error: unknown): Actor {
  if (error instanceof DomainError) return anonymous(error.message);
  throw error;
}

/**
 * Turns credentials into an actor: a bearer API token (`mtk_…`) or access JWT, else the
 * session cookie with a matching CSRF token. Credentials that do not verify give an anonymous
 * actor whose `reason` becomes the UNAUTHENTICATED message of anything that needs sign-in, so
 * that sign-in and refresh still work with a stale token around.
 */
export async function authenticate(services: Services, credentials: Credentials): Promise<Actor> {
  const header = credentials.authorization?.trim();
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return anonymous('the Authorization header must be "Bearer <token>"');
    const token = match[1];
    try {
      return token.startsWith('mtk_')
        ? await services.apiTokens.authenticate(token)
        : await services.auth.authenticate(token);
    } catch (error) {
      return failed(error);
    }
  }
  const cookie = credentials.cookies[COOKIES.access];
  if (!cookie) return { kind: 'anonymous' };
  let user;
  try {
    user = await services.auth.authenticate(cookie);
  } catch (error) {
    return failed(error);
  }
  const csrf = credentials.csrfToken;
  if (!csrf || !user.csrf || !sameSecret(csrfHash(csrf), user.csrf)) {
    return anonymous('the X-CSRF-Token header is missing or does not match the session');
  }
  const { csrf: _bound, ...actor } = user;
  return actor;
}
