// Through operation-cost.ts, connection.ts declares type-graphql classes: load the polyfill first.
import { describe, expect, test } from '@jest/globals';
import { ApolloServer, type GraphQLResponse } from '@apollo/server';
import { buildSchema } from 'graphql';
import { queryLimitsPlugin } from './limits.plugin.js';
import { operationShapeRule } from './operation-shape.js';
import { formatTokenLimitError, parseOptions } from './token-limit.js';

const schema = buildSchema(`
  type Query { projects(first: Int): ProjectConnection! }
  type Mutation { touch: Project! }
  type ProjectConnection { nodes: [Project!]! }
  type Project { id: ID! tasks(first: Int): ProjectConnection! }
`);
const limits = { maxTokens: 60, maxDepth: 5, maxAliases: 2, maxCost: 100 };

/** An Apollo Server wired as http-server.ts wires Studio's, counting what executes. */
async function startApollo() {
  const executed: string[] = [];
  interface Project {
    id: string;
    tasks(args: { first?: number }): { nodes: Project[] };
  }
  const page = (first: number | undefined): Project[] =>
    Array.from({ length: first ?? 2 }, (_, i) => ({
      id: `p${i}`,
      tasks: (args) => ({ nodes: page(args.first) }),
    }));
  const apollo = new ApolloServer({
    schema,
    rootValue: {
      projects: ({ first }: { first?: number }) => {
        executed.push('projects');
        return { nodes: page(first) };
      },
      touch: () => {
        executed.push('touch');
        return { id: 'p0' };
      },
    },
    parseOptions: parseOptions(limits.maxTokens),
    validationRules: [operationShapeRule(limits)],
    formatError: (formatted) => formatTokenLimitError(formatted),
    plugins: [queryLimitsPlugin(limits)],
  });
  await apollo.start();
  const run = async (query: string, variables?: Record<string, unknown>) =>
    single(await apollo.executeOperation({ query, variables }));
  return { apollo, executed, run };
}

function single(response: GraphQLResponse) {
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status ?? 200, ...response.body.singleResult };
}

describe('queryLimitsPlugin', () => {
  test('every response reports its cost; errors before costing report 0', async () => {
    const { apollo, run } = await startApollo();
    try {
      const ok = await run('{ projects(first: 3) { nodes { id } } }');
      expect(ok.errors).toBeUndefined();
      expect(ok.extensions).toEqual({ cost: { requested: 4, maximum: 100 } });

      const withVariables = await run('query($n: Int) { projects(first: $n) { nodes { id } } }', {
        n: 7,
      });
      expect(withVariables.extensions?.cost).toEqual({ requested: 8, maximum: 100 });

      const invalid = await run('{ nope }');
      expect(invalid.status).toBe(400);
      expect(invalid.extensions?.cost).toEqual({ requested: 0, maximum: 100 });

      const syntax = await run('{ projects { ');
      expect(syntax.extensions?.cost).toEqual({ requested: 0, maximum: 100 });
    } finally {
      await apollo.stop();
    }
  });

  test('an operation over the cost limit is refused with 400 before it executes', async () => {
    const { apollo, executed, run } = await startApollo();
    try {
      const refused = await run('mutation { touch { tasks(first: 100) { nodes { id } } } }');
      expect(refused.status).toBe(400);
      expect(refused.data).toBeUndefined();
      expect(refused.errors).toEqual([
        {
          message: 'query cost 102 exceeds the maximum of 100',
          locations: [{ line: 1, column: 1 }],
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            limit: { name: 'cost', maximum: 100, actual: 102 },
          },
        },
      ]);
      expect(refused.extensions?.cost).toEqual({ requested: 102, maximum: 100 });
      expect(executed).toEqual([]);
    } finally {
      await apollo.stop();
    }
  });

  test('a document Apollo has cached reports the same cost on every request', async () => {
    const { apollo, run } = await startApollo();
    try {
      const query = '{ projects(first: 10) { nodes { tasks(first: 5) { nodes { id } } } } }';
      for (let i = 0; i < 3; i++) {
        expect((await run(query)).extensions?.cost).toEqual({ requested: 71, maximum: 100 });
      }
    } finally {
      await apollo.stop();
    }
  });

  test('the token, depth and alias limits refuse through Apollo with the same code', async () => {
    const { apollo, executed, run } = await startApollo();
    try {
      const tokens = await run(`{ projects { nodes { ${'id '.repeat(60)}} } }`);
      const depth = await run(
        '{ projects { nodes { tasks { nodes { tasks { nodes { id } } } } } } }',
      );
      const aliases = await run('{ a: projects { x: nodes { id } } b: projects { nodes { id } } }');
      for (const [response, name] of [
        [tokens, 'tokens'],
        [depth, 'depth'],
        [aliases, 'aliases'],
      ] as const) {
        expect(response.status).toBe(400);
        expect(response.errors?.[0]?.extensions).toMatchObject({
          code: 'GRAPHQL_VALIDATION_FAILED',
          limit: { name },
        });
      }
      expect(tokens.errors?.[0]?.message).toBe(
        'query token count exceeds the maximum of 60 (parsing stopped at token 61)',
      );
      expect(depth.errors?.[0]?.message).toBe('query depth 7 exceeds the maximum of 5');
      expect(aliases.errors?.[0]?.message).toBe('query alias count 3 exceeds the maximum of 2');
      expect(executed).toEqual([]);
    } finally {
      await apollo.stop();
    }
  });
});
