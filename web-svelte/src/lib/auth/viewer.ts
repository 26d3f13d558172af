import { ViewerDocument, type ViewerQuery } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { csrfToken } from '$lib/graphql/csrf';
import { refreshSession } from '$lib/graphql/session';

type ViewerFields = ViewerQuery['viewer'];

/** The signed-in user and their workspaces, as the layout shows them. */
export interface SignedInViewer {
  readonly user: NonNullable<ViewerFields['user']>;
  readonly memberships: ViewerFields['memberships'];
}

/**
 * Who is signed in, or null. `viewer` is public, so an expired access cookie shows as an
 * anonymous viewer rather than an error: then the session is refreshed once and asked again.
 */
export async function currentViewer(
  fetch: typeof globalThis.fetch,
): Promise<SignedInViewer | null> {
  const usedCsrf = csrfToken();
  let { viewer } = await request(ViewerDocument, {}, { fetch });
  if (!viewer.user && usedCsrf !== undefined && (await refreshSession(usedCsrf))) {
    ({ viewer } = await request(ViewerDocument, {}, { fetch }));
  }
  return viewer.user ? { user: viewer.user, memberships: viewer.memberships } : null;
}
