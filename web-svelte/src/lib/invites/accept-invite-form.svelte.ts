import { MutationForm } from '$lib/forms/mutation-form.svelte';
import { AcceptInviteDocument, type AcceptInviteMutation } from '$lib/generated/graphql';
import { GraphQLRequestError, request } from '$lib/graphql/client';

export type AcceptedMember = NonNullable<AcceptInviteMutation['acceptInvite']['member']>;

const SESSION_ENDED = 'Your session has ended. Reload this page and sign in to accept the invite.';

/** Accepting an invite as the signed-in user; every problem is the form's (it has no inputs). */
export class AcceptInviteForm extends MutationForm<never, AcceptedMember> {
  protected readonly fields: readonly never[] = [];

  submit(token: string): Promise<AcceptedMember | undefined> {
    return this.run(
      async () => {
        try {
          // The token is in this page's URL fragment: a lost session must not navigate away.
          const { acceptInvite } = await request(
            AcceptInviteDocument,
            { input: { token } },
            { onSessionLost: 'throw' },
          );
          return { record: acceptInvite.member, userErrors: acceptInvite.userErrors };
        } catch (error) {
          if (!(error instanceof GraphQLRequestError) || error.code !== 'UNAUTHENTICATED') {
            throw error;
          }
          const userErrors = [{ field: null, message: SESSION_ENDED, code: error.code }];
          return { record: null, userErrors };
        }
      },
      (member) => `You joined “${member.workspace.name}”.`,
    );
  }

  protected reset(): void {}
}
