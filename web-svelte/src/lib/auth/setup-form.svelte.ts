import { MutationForm } from '$lib/forms/mutation-form.svelte';
import { CompleteSetupDocument, type CompleteSetupMutation } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { noteSession } from '$lib/graphql/session';

export type SetupField = 'email' | 'name' | 'password' | 'workspaceName' | 'setupToken';

type Payload = CompleteSetupMutation['completeSetup'];

/** What first-run setup creates: the owner (signed in) and their first workspace. */
export interface SetupResult {
  readonly user: NonNullable<Payload['user']>;
  readonly workspace: NonNullable<Payload['workspace']>;
}

/** First-run setup: the holder of the setup link becomes the owner of a new workspace. */
export class SetupForm extends MutationForm<SetupField, SetupResult> {
  email = $state('');
  name = $state('');
  password = $state('');
  workspaceName = $state('');
  /** From the link's fragment, or pasted when the link lost it. */
  setupToken = $state('');

  protected readonly fields: readonly SetupField[] = [
    'email',
    'name',
    'password',
    'workspaceName',
    'setupToken',
  ];

  submit(): Promise<SetupResult | undefined> {
    return this.run(
      async () => {
        const { completeSetup } = await request(CompleteSetupDocument, {
          input: {
            setupToken: this.setupToken.trim(),
            email: this.email.trim(),
            name: this.name.trim(),
            password: this.password,
            workspaceName: this.workspaceName.trim(),
            delivery: 'COOKIE',
          },
        });
        noteSession(completeSetup.tokens);
        const { user, workspace, userErrors } = completeSetup;
        return { record: user && workspace ? { user, workspace } : null, userErrors };
      },
      ({ workspace }) => `Studio is set up. Opening “${workspace.name}”…`,
    );
  }

  protected reset(): void {
    this.password = '';
  }
}
