import { InvitePreviewDocument, type InvitePreviewQuery } from '$lib/generated/graphql';
import { GraphQLRequestError, request } from '$lib/graphql/client';

export type InviteDetails = InvitePreviewQuery['invitePreview'];

/**
 * What the invite in the URL fragment offers. The token is read in the browser and sent only
 * in request bodies, never in a URL. Studio's error says why an invite cannot be used
 * (expired, used, revoked, or a CLI invite, which is redeemed on a machine).
 */
export class InvitePreview {
  details = $state.raw<InviteDetails | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  loading = $state(false);
  readonly token: string;

  constructor(token: string) {
    this.token = token;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = undefined;
    try {
      const { invitePreview } = await request(InvitePreviewDocument, { token: this.token });
      this.details = invitePreview;
    } catch (error) {
      this.details = undefined;
      this.error = error instanceof GraphQLRequestError ? error.message : 'Something went wrong.';
    } finally {
      this.loading = false;
    }
  }
}
