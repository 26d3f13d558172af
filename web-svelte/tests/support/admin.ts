// Helpers for the administration tests (tests/admin.test.ts): reading what a field's error says,
// and calling Studio as an integration would, with an API token over plain HTTP.
import { expect } from '@jest/globals';
import type { Locator } from 'playwright-core';
import { eventually } from './dashboard.js';

/** The messages shown next to an input (its `<id>-error` list), once it is marked invalid. */
export async function fieldError(input: Locator): Promise<string> {
  await eventually(async () => expect(await input.getAttribute('aria-invalid')).toBe('true'));
  const id = await input.getAttribute('id');
  if (!id) throw new Error('the input has no id');
  return input.page().locator(`[id="${id}-error"]`).innerText();
}

/** POSTs a query to Studio's /graphql with `Authorization: Bearer <token>` (no cookies). */
export async function graphqlWithToken(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: Record<string, unknown> | null; errors?: Array<{ message: string }> }> {
  const response = await fetch(new URL('/graphql', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string }>;
  };
}
