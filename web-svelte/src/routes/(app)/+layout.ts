import { error, redirect } from '@sveltejs/kit';
import { loginHref } from '$lib/auth/sign-in-redirect';
import { currentViewer } from '$lib/auth/viewer';
import { SetupRequiredDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { LayoutLoad } from './$types';

/**
 * Every page of this group needs a signed-in user: who it is (for the header), or /login.
 * Before the first account exists there is nobody to sign in as, so the error page explains
 * where the setup link is instead. Runs once on entering the group, not per page: requests
 * made later refresh the session themselves.
 */
export const load: LayoutLoad = async ({ fetch, url, untrack }) => {
  const viewer = await currentViewer(fetch).catch(failLoad);
  if (viewer) return { viewer };
  const { setupRequired } = await request(SetupRequiredDocument, {}, { fetch }).catch(failLoad);
  if (setupRequired) {
    error(503, {
      message:
        'Studio has no account yet. Open the one-time setup link to create the owner account.',
      code: 'SETUP_REQUIRED',
    });
  }
  const login = untrack(() => loginHref(url));
  redirect(307, login);
};
