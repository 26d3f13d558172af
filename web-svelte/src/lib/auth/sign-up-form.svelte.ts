import { MutationForm } from '$lib/forms/mutation-form.svelte';
import { SignUpDocument, type SignUpMutation } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { noteSession } from '$lib/graphql/session';

export type SignUpField = 'email' | 'name' | 'password';

/** The membership the invite granted to the new account. */
export type InvitedMember = NonNullable<SignUpMutation['signUp']['member']>;

/** A new account from an invite: created, signed in and a member in one step. */
export class SignUpForm extends MutationForm<SignUpField, InvitedMember> {
  email = $state('');
  name = $state('');
  password = $state('');

  protected readonly fields: readonly SignUpField[] = ['email', 'name', 'password'];

  submit(inviteToken: string): Promise<InvitedMember | undefined> {
    return this.run(
      async () => {
        const { signUp } = await request(SignUpDocument, {
          input: {
            inviteToken,
            email: this.email.trim(),
            name: this.name.trim(),
            password: this.password,
            delivery: 'COOKIE',
          },
        });
        noteSession(signUp.tokens);
        return { record: signUp.member, userErrors: signUp.userErrors };
      },
      (member) => `Welcome to “${member.workspace.name}”.`,
    );
  }

  protected reset(): void {
    this.password = '';
  }
}
