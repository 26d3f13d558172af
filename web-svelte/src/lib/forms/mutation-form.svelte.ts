import { requestErrorMessage } from './request-error';
import { groupUserErrors, noErrors, type FormErrors, type UserErrorLike } from './user-errors';

/** What a create/update mutation returns: the record on success, userErrors otherwise. */
export interface MutationOutcome<TRecord> {
  readonly record: TRecord | null;
  readonly userErrors: readonly UserErrorLike[];
}

/**
 * The submit cycle shared by every mutation form: one request at a time, userErrors shown next
 * to the inputs they name, what the user typed kept on failure, a status line on success.
 * Subclasses hold the input values and build the mutation.
 */
export abstract class MutationForm<TField extends string, TRecord> {
  submitting = $state(false);
  errors = $state<FormErrors<TField>>(noErrors());
  /** The last success, for a polite live region. */
  status = $state('');

  protected abstract readonly fields: readonly TField[];

  /** Messages for one input (empty when it is fine). */
  errorsFor(field: TField): string[] {
    return this.errors.fields[field] ?? [];
  }

  /** Runs the mutation; resolves to the new record, or undefined when it failed. */
  protected async run(
    mutate: () => Promise<MutationOutcome<TRecord>>,
    describe: (record: TRecord) => string,
  ): Promise<TRecord | undefined> {
    if (this.submitting) return undefined;
    this.submitting = true;
    this.status = '';
    try {
      const outcome = await mutate();
      if (outcome.userErrors.length > 0 || !outcome.record) {
        this.errors = outcome.userErrors.length
          ? groupUserErrors(outcome.userErrors, this.fields)
          : { fields: {}, form: ['Studio did not return the new record.'] };
        return undefined;
      }
      this.errors = noErrors();
      this.status = describe(outcome.record);
      this.reset();
      return outcome.record;
    } catch (error) {
      this.errors = { fields: {}, form: [requestErrorMessage(error)] };
      return undefined;
    } finally {
      this.submitting = false;
    }
  }

  /** Clears the inputs after a success. */
  protected abstract reset(): void;
}
