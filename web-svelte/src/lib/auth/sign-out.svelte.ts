import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { LogoutDocument } from '$lib/generated/graphql';
import { GraphQLRequestError, request } from '$lib/graphql/client';
import { forgetSession } from '$lib/graphql/session';

/**
 * The header's sign-out: `logout` revokes the session (the refresh cookie names it) and Studio
 * clears the cookies; then /login. Only an unreachable Studio keeps the user here, with an error.
 */
export class SignOut {
  busy = $state(false);
  error = $state<string | undefined>(undefined);

  async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = undefined;
    try {
      await request(LogoutDocument, { input: {} });
    } catch (error) {
      // UNAUTHENTICATED: the session was already over; anything else is worth saying.
      if (!(error instanceof GraphQLRequestError) || error.code !== 'UNAUTHENTICATED') {
        this.error =
          error instanceof GraphQLRequestError
            ? `Could not sign out: ${error.message}`
            : 'Could not sign out; try again.';
        this.busy = false;
        return;
      }
    }
    forgetSession();
    await goto(resolve('/login'), { invalidateAll: true });
    this.busy = false;
  }
}
