import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getIntrospectionQuery, type GraphQLFormattedError } from 'graphql';
import type { Client } from 'graphql-ws';
import { DEFAULT_QUERY_LIMITS } from '../src/graphql/limits/query-limits.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const { maxTokens, maxDepth, maxAliases, maxCost } = DEFAULT_QUERY_LIMITS;

/**
 * A query of exactly `count` tokens. Most of its fields carry `@skip(if: false)` (8 tokens
 * each), so it stays small enough for graphql-js's own budget of field comparisons.
 */
function tokens(count: number): string {
  const body = count - 2;
  const skipped = Math.floor(body / 8);
  const fields = [
    '__typename @skip(if: false) '.repeat(skipped),
    '__typename '.repeat(body - 8 * skipped),
  ];
  return `{ ${fields.join('')}}`;
}

/**
 * A workspace, then `cycles` × `projects(first: 1) { nodes { workspace {` …, ending in
 * `bottom`: depth 1 + 3 × cycles + the depth of `bottom`.
 */
function workspaceChain(cycles: number, bottom: string): string {
  const open = 'projects(first: 1) { nodes { workspace { '.repeat(cycles);
  return `query($id: ID!) { workspace(id: $id) { ${open}${bottom}${' } } }'.repeat(cycles)} } }`;
}

/** `count` aliased copies of a cheap field. */
function aliases(count: number): string {
  const fields = Array.from(
    { length: count },
    (_, i) => `a${i}: workspaces(first: 1) { totalCount }`,
  );
  return `{ ${fields.join(' ')} }`;
}

/** Costs 1 + 1 + 1 + 100 + 100 + 100 × 100 = 10 203: more than the default maximum. */
const COSTLY_CREATE = `mutation($input: CreateWorkspaceInput!) {
  createWorkspace(input: $input) {
    workspace { projects(first: 100) { nodes { plans(first: 100) { nodes { id } } } } }
  }
}`;

const COUNT = '{ workspaces { totalCount } }';

interface Result {
  data?: unknown;
  errors?: readonly GraphQLFormattedError[];
}

/** Runs one operation over graphql-ws and resolves with its result or its error message. */
function overWebSocket(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    let last: Result = {};
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (value) => {
          last = value;
        },
        error: (error) => {
          if (Array.isArray(error)) resolve({ errors: error });
          else reject(new Error(`the socket failed: ${JSON.stringify(error)}`));
        },
        complete: () => resolve(last),
      },
    );
  });
}

describe('query limits', () => {
  let server: TestServer;
  let workspaceId: string;
  const count = async () =>
    (await server.query<{ workspaces: { totalCount: number } }, unknown>(COUNT)).workspaces
      .totalCount;

  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = (await server.factory.project()).workspaceId;
  });
  afterAll(async () => {
    await server.close();
  });

  describe('extensions.cost', () => {
    test('reports the requested cost and the maximum on every response', async () => {
      const response = await server.request('{ workspaces(first: 5) { nodes { id } } }');
      expect(response.errors).toBeUndefined();
      expect(response.extensions).toEqual({ cost: { requested: 1 + 5, maximum: maxCost } });
      expect(maxCost).toBe(10_000);
    });

    test('a connection costs more with first: 50 than with first: 5', async () => {
      const five = await server.request('{ workspaces(first: 5) { nodes { id name } } }');
      const fifty = await server.request('{ workspaces(first: 50) { nodes { id name } } }');
      expect(five.extensions?.cost).toEqual({ requested: 6, maximum: maxCost });
      expect(fifty.extensions?.cost).toEqual({ requested: 51, maximum: maxCost });
    });

    test('nested connections multiply; scalars and pageInfo do not', async () => {
      const response = await server.request(`{
        workspaces(first: 10) {
          totalCount pageInfo { hasNextPage }
          edges { cursor node { projects(first: 10) { nodes { id } } } }
        }
      }`);
      expect(response.errors).toBeUndefined();
      // workspaces 1, pageInfo 1, edges 10, node 10, projects 10, their nodes 10 × 10
      expect(response.extensions?.cost).toEqual({ requested: 132, maximum: maxCost });
    });

    test('variables decide the page; without first or last the page is 20', async () => {
      const query = 'query($n: Int) { workspaces(first: $n) { nodes { id } } }';
      expect((await server.request(query, { n: 7 })).extensions?.cost).toMatchObject({
        requested: 8,
      });
      expect((await server.request(query, {})).extensions?.cost).toMatchObject({ requested: 21 });
    });

    test('mutations report their cost too', async () => {
      const response = await server.request(
        `mutation($input: CreateWorkspaceInput!) {
          createWorkspace(input: $input) { workspace { id } userErrors { message } }
        }`,
        { input: { name: 'Costed' } },
      );
      expect(response.errors).toBeUndefined();
      // the payload 1, the workspace 1, the list of userErrors assumed to hold 10
      expect(response.extensions?.cost).toEqual({ requested: 12, maximum: maxCost });
    });

    test('errors during execution report the cost that was admitted', async () => {
      const response = await server.request('{ workspaces(first: 101) { nodes { id } } }');
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.extensions?.cost).toEqual({ requested: 101, maximum: maxCost });
    });

    test('syntax and validation errors report a cost of 0: nothing was evaluated', async () => {
      for (const query of ['{ workspaces { ', '{ nope }']) {
        const response = await server.request(query);
        expect(response.status).toBe(400);
        expect(response.extensions).toEqual({ cost: { requested: 0, maximum: maxCost } });
      }
    });
  });

  describe('over HTTP', () => {
    test('the cost limit refuses before execution: a costly mutation creates nothing', async () => {
      const before = await count();
      const response = await server.request(COSTLY_CREATE, { input: { name: 'Too costly' } });
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors).toEqual([
        {
          message: 'query cost 10203 exceeds the maximum of 10000',
          locations: [{ line: 1, column: 1 }],
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            limit: { name: 'cost', maximum: maxCost, actual: 10_203 },
          },
        },
      ]);
      expect(response.extensions?.cost).toEqual({ requested: 10_203, maximum: maxCost });
      expect(await count()).toBe(before);
    });

    test('the cost limit reads the variables of each request', async () => {
      const query = `query($n: Int) {
        workspaces(first: $n) {
          nodes { projects(first: $n) { nodes { plans(first: $n) { totalCount } } } }
        }
      }`;
      const small = await server.request(query, { n: 10 });
      expect(small.errors).toBeUndefined();
      expect(small.extensions?.cost).toMatchObject({ requested: 1 + 10 + 10 + 100 + 100 });
      const large = await server.request(query, { n: 100 });
      expect(large.errors?.[0]?.message).toBe('query cost 20201 exceeds the maximum of 10000');
    });

    test('the depth limit: depth 15 runs, depth 16 is refused', async () => {
      const fifteen = await server.request(workspaceChain(4, 'projects(first: 1) { totalCount }'), {
        id: workspaceId,
      });
      expect(fifteen.errors).toBeUndefined();
      expect(fifteen.data).toHaveProperty('workspace.projects.nodes');

      const sixteen = await server.request(
        workspaceChain(4, 'projects(first: 1) { nodes { id } }'),
        { id: workspaceId },
      );
      expect(sixteen.status).toBe(400);
      expect(sixteen.data).toBeUndefined();
      expect(sixteen.errors).toMatchObject([
        {
          message: `query depth 16 exceeds the maximum of ${maxDepth}`,
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            limit: { name: 'depth', maximum: maxDepth, actual: 16 },
          },
        },
      ]);
    });

    test('the alias limit: 30 aliases run, 31 are refused', async () => {
      const thirty = await server.request(aliases(maxAliases));
      expect(thirty.errors).toBeUndefined();
      const more = await server.request(aliases(maxAliases + 1));
      expect(more.status).toBe(400);
      expect(more.errors).toMatchObject([
        {
          message: `query alias count 31 exceeds the maximum of ${maxAliases}`,
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            limit: { name: 'aliases', maximum: maxAliases, actual: 31 },
          },
        },
      ]);
    });

    test('the token limit: 2 000 tokens parse, 2 001 do not', async () => {
      const at = await server.request(tokens(maxTokens));
      expect(at.errors).toBeUndefined();
      expect(at.data).toEqual({ __typename: 'Query' });
      const over = await server.request(tokens(maxTokens + 1));
      expect(over.status).toBe(400);
      expect(over.errors).toMatchObject([
        {
          message:
            `query token count exceeds the maximum of ${maxTokens} ` +
            `(parsing stopped at token ${maxTokens + 1})`,
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            limit: { name: 'tokens', maximum: maxTokens, actual: maxTokens + 1 },
          },
        },
      ]);
      expect(over.extensions?.cost).toEqual({ requested: 0, maximum: maxCost });
    });

    test("GraphiQL's introspection query is within every limit", async () => {
      const response = await server.request(
        getIntrospectionQuery({
          descriptions: true,
          specifiedByUrl: true,
          directiveIsRepeatable: true,
          schemaDescription: true,
          inputValueDeprecation: true,
        }),
      );
      expect(response.errors).toBeUndefined();
      const schema = (response.data as { __schema: { types: Array<{ name: string }> } }).__schema;
      expect(schema.types.map((type) => type.name)).toContain('WorkspaceConnection');
      expect(response.extensions?.cost).toEqual({ requested: 1, maximum: maxCost });
    });
  });

  describe('over graphql-ws', () => {
    let client: Client;
    beforeAll(() => {
      client = server.wsClient();
    });

    test.each([
      ['cost', () => COSTLY_CREATE, 'query cost 10203 exceeds the maximum of 10000'],
      ['depth', () => workspaceChain(4, 'projects(first: 1) { nodes { id } }'), 'query depth 16'],
      ['aliases', () => aliases(maxAliases + 1), 'query alias count 31 exceeds'],
      ['tokens', () => tokens(maxTokens + 1), 'query token count exceeds the maximum of 2000'],
    ])('the %s limit refuses an operation; nothing executes', async (name, query, message) => {
      const before = await count();
      const result = await overWebSocket(client, query(), {
        id: workspaceId,
        input: { name: 'Over a socket' },
      });
      expect(result.data).toBeUndefined();
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.message).toContain(message);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        limit: { name },
      });
      expect(await count()).toBe(before);
    });

    test('a subscription over the cost limit is refused; the socket stays usable', async () => {
      const project = await server.factory.project();
      const result = await overWebSocket(
        client,
        `subscription($p: ID!) {
          projectEvents(projectId: $p) {
            project {
              workspace { projects(first: 100) { nodes { plans(first: 100) { nodes { id } } } } }
            }
          }
        }`,
        { p: project.id },
      );
      // projectEvents, project, workspace 1 each, projects 1, 100 projects, 100 × (plans 1 + 100)
      expect(result.errors?.[0]?.message).toBe('query cost 10204 exceeds the maximum of 10000');
      const after = await overWebSocket(client, '{ __typename }');
      expect(after).toEqual({ data: { __typename: 'Query' } });
    });

    test('syntax and validation errors carry the codes they have over HTTP', async () => {
      const syntax = await overWebSocket(client, '{ workspaces { ');
      expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      const invalid = await overWebSocket(client, '{ nope }');
      expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    test('introspection works over the socket too', async () => {
      const result = await overWebSocket(client, getIntrospectionQuery());
      expect(result.errors).toBeUndefined();
      expect(result.data).toHaveProperty('__schema.queryType.name', 'Query');
    });
  });

  test('the limits follow the configuration (MAESTRO_GRAPHQL_MAX_*)', async () => {
    const strict = await startTestServer({
      env: { MAESTRO_GRAPHQL_MAX_DEPTH: '3', MAESTRO_GRAPHQL_MAX_COST: '50' },
    });
    try {
      const deep = await strict.request('{ workspaces { nodes { projects { nodes { id } } } } }');
      expect(deep.errors?.[0]?.extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        limit: { name: 'depth', maximum: 3, actual: 5 },
      });
      const costly = await strict.request('{ workspaces(first: 100) { nodes { id } } }');
      expect(costly.errors?.[0]?.extensions).toMatchObject({
        limit: { name: 'cost', maximum: 50 },
      });
      const fine = await strict.request('{ workspaces(first: 10) { nodes { id } } }');
      expect(fine.errors).toBeUndefined();
      expect(fine.extensions?.cost).toEqual({ requested: 11, maximum: 50 });
    } finally {
      await strict.close();
    }
  });
});
