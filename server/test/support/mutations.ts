import type { TestServer } from './test-server.js';

export interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: string;
}

/** The input type of a mutation, by the API's convention: `createTask` → `CreateTaskInput`. */
export function inputTypeOf(name: string): string {
  return `${name[0]?.toUpperCase()}${name.slice(1)}Input`;
}

/**
 * Calls `mutation { <name>(input: $input) { <selection> userErrors { … } } }` and returns the
 * payload; GraphQL errors fail the call.
 */
export async function mutation<T = Record<string, unknown>>(
  server: TestServer,
  name: string,
  input: Record<string, unknown>,
  selection = '',
): Promise<T & { userErrors: UserErrorShape[] }> {
  const typeName = inputTypeOf(name);
  const data = await server.query<Record<string, T & { userErrors: UserErrorShape[] }>, unknown>(
    `mutation($input: ${typeName}!) { ${name}(input: $input) { ${selection} userErrors { field message code } } }`,
    { input },
  );
  const payload = data[name];
  if (!payload) throw new Error(`no payload for ${name}`);
  return payload;
}

/** Like mutation(), but the call must succeed: no userErrors. */
export async function ok<T = Record<string, unknown>>(
  server: TestServer,
  name: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<T> {
  const payload = await mutation<T>(server, name, input, selection);
  if (payload.userErrors.length) {
    throw new Error(`${name} failed: ${JSON.stringify(payload.userErrors)}`);
  }
  return payload;
}
