import { MutationForm } from '$lib/forms/mutation-form.svelte';
import { CreateWorkspaceDocument, type WorkspaceFieldsFragment } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';

export type WorkspaceField = 'name' | 'slug';

/** The "create a workspace" form: its inputs and its createWorkspace call. */
export class WorkspaceForm extends MutationForm<WorkspaceField, WorkspaceFieldsFragment> {
  name = $state('');
  slug = $state('');

  protected readonly fields: readonly WorkspaceField[] = ['name', 'slug'];

  submit(): Promise<WorkspaceFieldsFragment | undefined> {
    const slug = this.slug.trim();
    return this.run(
      async () => {
        const { createWorkspace } = await request(CreateWorkspaceDocument, {
          input: { name: this.name.trim(), ...(slug ? { slug } : {}) },
        });
        return { record: createWorkspace.workspace, userErrors: createWorkspace.userErrors };
      },
      (workspace) => `Workspace “${workspace.name}” created.`,
    );
  }

  protected reset(): void {
    this.name = '';
    this.slug = '';
  }
}
