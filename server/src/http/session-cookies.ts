import type { IssuedSession } from '../domain/auth/auth.service.js';

/** The cookies of a browser session (docs/api.md, "Authentication"). */
export const COOKIES = {
  access: 'maestro_access',
  refresh: 'maestro_refresh',
  csrf: 'maestro_csrf',
} as const;

/** The header a cookie-authenticated request repeats the CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Parses a Cookie header; later duplicates do not override earlier ones. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // a malformed value is ignored, as browsers do
    }
  }
  return cookies;
}

interface CookieOptions {
  readonly httpOnly: boolean;
  readonly sameSite: 'Strict' | 'Lax';
  readonly path: string;
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
}

function serialize(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    `SameSite=${options.sameSite}`,
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

function seconds(until: Date): number {
  return Math.max(0, Math.floor((until.getTime() - Date.now()) / 1000));
}

/**
 * Set-Cookie values for a session: the access token (httpOnly, SameSite=Lax, whole site), the
 * refresh token (httpOnly, SameSite=Strict, only sent to /graphql) and the CSRF token
 * (readable by the page, which repeats it in X-CSRF-Token).
 */
export function sessionCookies(session: IssuedSession, secure: boolean): string[] {
  const refreshAge = seconds(session.refreshTokenExpiresAt);
  return [
    serialize(COOKIES.access, session.accessToken, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAgeSeconds: seconds(session.accessTokenExpiresAt),
      secure,
    }),
    serialize(COOKIES.refresh, session.refreshToken, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/graphql',
      maxAgeSeconds: refreshAge,
      secure,
    }),
    serialize(COOKIES.csrf, session.csrfToken, {
      httpOnly: false,
      sameSite: 'Strict',
      path: '/',
      maxAgeSeconds: refreshAge,
      secure,
    }),
  ];
}

/** Set-Cookie values that delete the session's cookies. */
export function clearedCookies(secure: boolean): string[] {
  return [
    serialize(COOKIES.access, '', {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAgeSeconds: 0,
      secure,
    }),
    serialize(COOKIES.refresh, '', {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/graphql',
      maxAgeSeconds: 0,
      secure,
    }),
    serialize(COOKIES.csrf, '', {
      httpOnly: false,
      sameSite: 'Strict',
      path: '/',
      maxAgeSeconds: 0,
      secure,
    }),
  ];
}
