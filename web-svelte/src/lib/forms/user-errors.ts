/** A mutation's expected failure, as every payload's `userErrors { field message code }` has it. */
export interface UserErrorLike {
  readonly field: readonly string[] | null;
  readonly message: string;
  readonly code: string;
}

/** Messages to show next to each input, and those that belong to the form as a whole. */
export interface FormErrors<TField extends string> {
  readonly fields: Partial<Record<TField, string[]>>;
  readonly form: string[];
}

export function noErrors<TField extends string>(): FormErrors<TField> {
  return { fields: {}, form: [] };
}

/**
 * Sorts userErrors by the input they blame: `field` is a path inside the mutation's `input`
 * (e.g. ["remoteUrl"]). A path that names no input of this form (or none at all) goes to the
 * form-level list, so no message is ever dropped.
 */
export function groupUserErrors<TField extends string>(
  userErrors: readonly UserErrorLike[],
  knownFields: readonly TField[],
): FormErrors<TField> {
  const grouped: { fields: Partial<Record<TField, string[]>>; form: string[] } = {
    fields: {},
    form: [],
  };
  for (const error of userErrors) {
    const path = error.field ?? [];
    const key = (path[0] === 'input' ? path.slice(1) : path).join('.');
    const field = knownFields.find((known) => known === key);
    if (field === undefined) {
      grouped.form.push(error.message);
    } else {
      (grouped.fields[field] ??= []).push(error.message);
    }
  }
  return grouped;
}
