import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { navigating, page } from '$app/state';

/** Where /login sends the user after signing in: `next` when it is a path of this dashboard. */
export function safeNext(next: string | null | undefined): string {
  const fallback = resolve('/');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return fallback;
  }
  try {
    const url = new URL(next, location.origin);
    if (url.origin !== location.origin || url.pathname === resolve('/login')) return fallback;
    return `${url.pathname}${url.search}`;
  } catch {
    return fallback;
  }
}

/** /login?next=<path>: the path (and query, never the fragment) to come back to. */
export function loginHref(from?: URL): string {
  const login = resolve('/login');
  if (!from || from.pathname === login) return login;
  const next = `${from.pathname}${from.search}`;
  return next === resolve('/') ? login : `${login}?next=${encodeURIComponent(next)}`;
}

/**
 * The session is gone (the refresh failed): off to /login, remembering the page being shown or
 * being navigated to. Does nothing on /login itself.
 */
export function signInAgain(): void {
  const from = navigating.to?.url ?? page.url;
  if (from.pathname === resolve('/login')) return;
  void goto(loginHref(from), { replaceState: true });
}
