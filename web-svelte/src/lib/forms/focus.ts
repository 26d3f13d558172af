/** Moves focus to the first input the server blamed, so keyboard and screen-reader users land on it. */
export function focusFirstInvalid(form: HTMLFormElement | undefined): void {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
