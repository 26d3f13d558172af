import { MutationForm } from '$lib/forms/mutation-form.svelte';
import { LoginDocument, type SessionUserFragment } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { noteSession } from '$lib/graphql/session';

export type LoginField = 'email' | 'password';

/**
 * The sign-in form. Studio sets the session cookies; wrong credentials come back as an
 * UNAUTHENTICATED error and throttling as RATE_LIMITED, both shown above the button.
 */
export class LoginForm extends MutationForm<LoginField, SessionUserFragment> {
  email = $state('');
  password = $state('');

  protected readonly fields: readonly LoginField[] = ['email', 'password'];

  submit(): Promise<SessionUserFragment | undefined> {
    return this.run(
      async () => {
        const { login } = await request(LoginDocument, {
          input: { email: this.email.trim(), password: this.password, delivery: 'COOKIE' },
        });
        noteSession(login.tokens);
        return { record: login.user, userErrors: login.userErrors };
      },
      (user) => `Signed in as ${user.name}.`,
    );
  }

  protected reset(): void {
    this.password = '';
  }
}
