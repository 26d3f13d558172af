import { MutationForm } from '$lib/forms/mutation-form.svelte';
import { PlansCreatePlanDocument, type PlansListItemFragment } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';

export type PlanField = 'name' | 'description';

/** The "new plan" form: a name and a description, and its createPlan call. */
export class PlanForm extends MutationForm<PlanField, PlansListItemFragment> {
  name = $state('');
  description = $state('');

  protected readonly fields: readonly PlanField[] = ['name', 'description'];

  submit(projectId: string): Promise<PlansListItemFragment | undefined> {
    const description = this.description.trim();
    return this.run(
      async () => {
        const { createPlan } = await request(PlansCreatePlanDocument, {
          input: { projectId, name: this.name, ...(description ? { description } : {}) },
        });
        return { record: createPlan.plan, userErrors: createPlan.userErrors };
      },
      (plan) => `Plan “${plan.name}” created.`,
    );
  }

  protected reset(): void {
    this.name = '';
    this.description = '';
  }
}
