import { RunsRetryRunDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';

/** The Retry button's cycle: one request at a time, Studio's refusal shown as it says it. */
export class RetryRunAction {
  submitting = $state(false);
  error = $state<string | undefined>(undefined);
  /** The new run, once queued. */
  retried = $state<{ id: string } | undefined>(undefined);

  async retry(runId: string): Promise<void> {
    if (this.submitting) return;
    this.submitting = true;
    this.error = undefined;
    try {
      const { retryRun } = await request(RunsRetryRunDocument, { runId });
      if (retryRun.userErrors.length > 0 || !retryRun.run) {
        this.error =
          retryRun.userErrors.map((e) => e.message).join(' ') ||
          'Studio did not return the new run.';
      } else {
        this.retried = { id: retryRun.run.id };
      }
    } catch (error) {
      this.error = requestErrorMessage(error);
    } finally {
      this.submitting = false;
    }
  }
}
