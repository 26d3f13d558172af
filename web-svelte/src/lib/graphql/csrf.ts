/** The cookie Studio sets next to the httpOnly session cookies, readable by the page. */
export const CSRF_COOKIE = 'maestro_csrf';

/**
 * The session's CSRF token (double submit): every cookie-authenticated request repeats it in
 * X-CSRF-Token, and graphql-ws's connection_init in `csrfToken`. Undefined when signed out.
 */
export function csrfToken(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const index = part.indexOf('=');
    if (index <= 0 || part.slice(0, index).trim() !== CSRF_COOKIE) continue;
    const raw = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(raw) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
