// Through operation-cost.ts, connection.ts declares type-graphql classes: load the polyfill first.
import { describe, expect, test } from '@jest/globals';
import { buildSchema, execute } from 'graphql';
import { checkOperation, type CheckedOperation } from './checked-operation.js';

const schema = buildSchema(`
  type Query { viewer: User! projects(first: Int): ProjectConnection! }
  type User { name: String! friend: User }
  type ProjectConnection { nodes: [Project!]! }
  type Project { id: ID! tasks(first: Int): ProjectConnection! }
`);
const limits = { maxTokens: 40, maxDepth: 5, maxAliases: 1, maxCost: 100 };

function check(query: string, variables?: Record<string, unknown>, operationName?: string) {
  return checkOperation(schema, limits, { query, variables, operationName });
}

function refusal(checked: CheckedOperation): Array<Record<string, unknown>> {
  if (checked.ok) throw new Error('expected a refusal');
  return checked.errors.map((error) => ({ message: error.message, ...error.extensions }));
}

describe('checkOperation (graphql-ws)', () => {
  test('an operation within the limits comes back ready to execute, with its cost', async () => {
    const checked = check('query($n: Int) { projects(first: $n) { nodes { id } } }', { n: 9 });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    expect(checked.cost).toBe(10);
    const rootValue = { projects: () => ({ nodes: [{ id: 'p1' }] }) };
    const result = await execute({ ...checked.args, rootValue });
    expect(result).toEqual({ data: { projects: { nodes: [{ id: 'p1' }] } } });
  });

  test.each([
    [
      'tokens',
      `{ viewer { ${'name '.repeat(40)}} }`,
      'query token count exceeds the maximum of 40 (parsing stopped at token 41)',
    ],
    [
      'depth',
      '{ viewer { friend { friend { friend { friend { name } } } } } }',
      'query depth 6 exceeds the maximum of 5',
    ],
    [
      'aliases',
      '{ a: viewer { name } b: viewer { name } }',
      'query alias count 2 exceeds the maximum of 1',
    ],
    [
      'cost',
      '{ projects(first: 10) { nodes { tasks(first: 10) { nodes { id } } } } }',
      'query cost 121 exceeds the maximum of 100',
    ],
  ])('the %s limit refuses with GRAPHQL_VALIDATION_FAILED', (name, query, message) => {
    const [error] = refusal(check(query));
    expect(error).toMatchObject({ message, code: 'GRAPHQL_VALIDATION_FAILED', limit: { name } });
  });

  test('the cost limit reads the variables', () => {
    const query =
      'query($n: Int) { projects(first: $n) { nodes { tasks(first: $n) { nodes { id } } } } }';
    expect(check(query, { n: 5 }).ok).toBe(true);
    expect(refusal(check(query, { n: 10 }))[0]?.limit).toEqual({
      name: 'cost',
      maximum: 100,
      actual: 121,
    });
  });

  test('other failures carry the codes Apollo gives them over HTTP', () => {
    expect(refusal(check('{ viewer { '))).toEqual([
      { message: 'Syntax Error: Expected Name, found <EOF>.', code: 'GRAPHQL_PARSE_FAILED' },
    ]);
    expect(refusal(check('{ nope }'))[0]).toMatchObject({
      message: 'Cannot query field "nope" on type "Query".',
      code: 'GRAPHQL_VALIDATION_FAILED',
    });
    expect(refusal(check('query A { viewer { name } }', {}, 'B'))).toEqual([
      { message: 'Unknown operation named "B".', code: 'OPERATION_RESOLUTION_FAILURE' },
    ]);
  });
});
