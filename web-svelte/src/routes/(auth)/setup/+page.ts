import { SetupRequiredDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  const { setupRequired } = await request(SetupRequiredDocument, {}, { fetch }).catch(failLoad);
  return { setupRequired };
};
