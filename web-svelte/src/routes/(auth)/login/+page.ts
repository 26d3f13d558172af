import { safeNext } from '$lib/auth/sign-in-redirect';
import { SetupRequiredDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
  const { setupRequired } = await request(SetupRequiredDocument, {}, { fetch }).catch(failLoad);
  const next = url.searchParams.get('next');
  return { setupRequired, next: safeNext(next), returning: next !== null };
};
