import { MutationForm } from '$lib/forms/mutation-form.svelte';
import {
  CreateProjectDocument,
  type ProjectFieldsFragment,
  type ReleaseMode,
} from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';

/** Inputs this form shows; errors on any other path (e.g. a derived slug) go to the form. */
export type ProjectField = 'remoteUrl' | 'name' | 'baseBranch' | 'releaseMode';

export const RELEASE_MODES: readonly ReleaseMode[] = ['MERGE', 'PULL_REQUEST'];

/** The "add a project" form: its inputs and its createProject call. */
export class ProjectForm extends MutationForm<ProjectField, ProjectFieldsFragment> {
  remoteUrl = $state('');
  name = $state('');
  baseBranch = $state('');
  releaseMode = $state<ReleaseMode>('MERGE');

  protected readonly fields: readonly ProjectField[] = [
    'remoteUrl',
    'name',
    'baseBranch',
    'releaseMode',
  ];

  submit(workspaceId: string): Promise<ProjectFieldsFragment | undefined> {
    const name = this.name.trim();
    const baseBranch = this.baseBranch.trim();
    return this.run(
      async () => {
        const { createProject } = await request(CreateProjectDocument, {
          input: {
            workspaceId,
            remoteUrl: this.remoteUrl.trim(),
            releaseMode: this.releaseMode,
            ...(name ? { name } : {}),
            ...(baseBranch ? { baseBranch } : {}),
          },
        });
        return { record: createProject.project, userErrors: createProject.userErrors };
      },
      (project) => `Project “${project.name}” added.`,
    );
  }

  protected reset(): void {
    this.remoteUrl = '';
    this.name = '';
    this.baseBranch = '';
    this.releaseMode = 'MERGE';
  }
}
