import { requestErrorMessage } from '$lib/forms/request-error';
import {
  groupUserErrors,
  noErrors,
  type FormErrors,
  type UserErrorLike,
} from '$lib/forms/user-errors';

/**
 * Runs one mutation of the plan page and sorts what went wrong by the inputs it names; the rest
 * (and a failed request) belongs to the form. Resolves to the errors: none means it worked.
 */
export async function attempt<TField extends string>(
  fields: readonly TField[],
  mutate: () => Promise<readonly UserErrorLike[]>,
): Promise<FormErrors<TField>> {
  try {
    const userErrors = await mutate();
    return userErrors.length ? groupUserErrors(userErrors, fields) : noErrors();
  } catch (error) {
    return { fields: {}, form: [requestErrorMessage(error)] };
  }
}

export function failed(errors: FormErrors<string>): boolean {
  return errors.form.length > 0 || Object.values(errors.fields).some((list) => list?.length);
}
