import { GraphQLRequestError } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';
import {
  groupUserErrors,
  noErrors,
  type FormErrors,
  type UserErrorLike,
} from '$lib/forms/user-errors';

/** What an admin mutation returns: its payload fields and its userErrors. */
export interface ActionOutcome {
  readonly userErrors: readonly UserErrorLike[];
}

export interface ActionOptions<TField extends string> {
  /** Inputs that userErrors may name (a path inside `input`). */
  readonly fields: readonly TField[];
  /**
   * Where a refusal goes (a FORBIDDEN, CONFLICT or BAD_USER_INPUT GraphQL error, e.g. "an admin
   * cannot make an owner"): next to this input rather than at the top of the form.
   */
  readonly refusalField?: TField;
}

/**
 * One mutation a form or a row runs: one request at a time, userErrors next to the inputs they
 * name, a refusal of the API shown as the API words it, a status line on success. Nothing the
 * user typed is cleared on failure.
 */
export class AdminAction<TField extends string = never> {
  busy = $state(false);
  errors = $state<FormErrors<TField>>(noErrors());
  status = $state('');
  readonly #options: ActionOptions<TField>;

  constructor(options: ActionOptions<TField> = { fields: [] }) {
    this.#options = options;
  }

  errorsFor(field: TField): string[] {
    return this.errors.fields[field] ?? [];
  }

  get failed(): boolean {
    return this.errors.form.length > 0 || Object.keys(this.errors.fields).length > 0;
  }

  clear(): void {
    this.errors = noErrors();
    this.status = '';
  }

  /** Runs the mutation; resolves to its payload when it had no userErrors, else undefined. */
  async run<TPayload extends ActionOutcome>(
    mutate: () => Promise<TPayload>,
    describe: (payload: TPayload) => string,
  ): Promise<TPayload | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.status = '';
    try {
      const payload = await mutate();
      if (payload.userErrors.length > 0) {
        this.errors = groupUserErrors(payload.userErrors, this.#options.fields);
        return undefined;
      }
      this.errors = noErrors();
      this.status = describe(payload);
      return payload;
    } catch (error) {
      const message = requestErrorMessage(error);
      const field = this.#options.refusalField;
      this.errors =
        field !== undefined && isRefusal(error)
          ? { fields: { [field]: [message] } as Partial<Record<TField, string[]>>, form: [] }
          : { fields: {}, form: [message] };
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}

function isRefusal(error: unknown): boolean {
  return (
    error instanceof GraphQLRequestError &&
    ['FORBIDDEN', 'CONFLICT', 'BAD_USER_INPUT'].includes(error.code)
  );
}
