// What the runs and sessions browser tests need besides the dashboard harness: an agent that
// talks to Studio as a daemon does, over HTTP with an API token (Bearer), and a second person.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { UI_TIMEOUT_MS, type Dashboard } from './dashboard.js';

interface GraphQLResult<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** GraphQL over HTTP as a bot does: `Authorization: Bearer <API token>`, no cookies. */
export class AgentApi {
  constructor(
    public url: string,
    private readonly token: string,
  ) {}

  async raw<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult<T>;
  }

  /** The mutation's payload; fails on errors and on userErrors. */
  async mutate<T>(field: string, input: Record<string, unknown>, selection: string): Promise<T> {
    const result = await this.raw<Record<string, T & { userErrors: unknown[] }>>(
      `mutation($input: ${inputType(field)}!) { ${field}(input: $input) { ${selection} userErrors { code field message } } }`,
      { input },
    );
    if (result.errors?.length) throw new Error(`${field}: ${JSON.stringify(result.errors)}`);
    const payload = result.data![field]!;
    if (payload.userErrors.length) {
      throw new Error(`${field}: ${JSON.stringify(payload.userErrors)}`);
    }
    return payload;
  }
}

/** The input type's name: registerSession → RegisterSessionInput. */
function inputType(field: string): string {
  return `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
}

/** Runs a mutation as the signed-in owner of the page; fails on errors and userErrors. */
export async function ownerMutate<T>(
  dashboard: Dashboard,
  field: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<T> {
  const data = await dashboard.graphql<Record<string, T & { userErrors: unknown[] }>>(
    `mutation($input: ${inputType(field)}!) { ${field}(input: $input) { ${selection} userErrors { code field message } } }`,
    { input },
  );
  const payload = data[field]!;
  if (payload.userErrors.length) throw new Error(`${field}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** An API token with the DISPATCH and READ scopes, as a bot's daemon would hold. */
export async function botToken(dashboard: Dashboard, projectId: string): Promise<string> {
  const { token } = await ownerMutate<{ token: string }>(
    dashboard,
    'createApiToken',
    { workspaceId: dashboard.workspaceId, projectId, name: 'ci-bot', scopes: ['DISPATCH', 'READ'] },
    'token',
  );
  return token;
}

/** Registers an agent session for the bot; returns its id. */
export async function registerSession(
  agent: AgentApi,
  projectId: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const { session } = await agent.mutate<{ session: { id: string } }>(
    'registerSession',
    {
      projectId,
      name,
      role: 'WORKER',
      provider: 'claude',
      machineId: `machine-${name}-${randomBytes(3).toString('hex')}`,
      ...extra,
    },
    'session { id }',
  );
  return session.id;
}

/**
 * A second person in the workspace with `role`, signed up through an invite link in a browser
 * context of their own. Returns their page; close its context when done.
 */
export async function invitedPerson(
  dashboard: Dashboard,
  role: string,
  person: { name: string; email: string; password: string },
): Promise<Page> {
  const { acceptUrl } = await ownerMutate<{ acceptUrl: string }>(
    dashboard,
    'createInvite',
    { workspaceId: dashboard.workspaceId, role, email: person.email },
    'acceptUrl',
  );
  const context = await dashboard.browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(acceptUrl);
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await page.waitForURL(/\/workspaces\/wsp_/);
  return page;
}
