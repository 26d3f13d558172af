// connection.ts declares type-graphql classes, which need the metadata polyfill loaded first.
import { describe, expect, test } from '@jest/globals';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/page-size.js';
import { ASSUMED_LIST_SIZE, fragmentsOf, operationCost } from './operation-cost.js';

/** Shaped like Maestro's schema: Relay connections, plain lists, an interface, a union. */
const schema = buildSchema(`
  interface Node { id: ID! }
  type Query {
    viewer: User!
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    projects(first: Int, after: String, last: Int, before: String): ProjectConnection!
    events(first: Int! = 100): EventConnection!
    legacy: ProjectConnection!
    search: [SearchResult!]!
    tags: [String!]!
    matrix: [[Task!]!]!
  }
  type Mutation { createProject(name: String!): ProjectPayload! }
  type Subscription { taskChanged: Task! }
  type ProjectPayload { project: Project, userErrors: [UserError!]! }
  type UserError { message: String! }
  type User implements Node {
    id: ID!
    name: String!
    projects(first: Int, last: Int): ProjectConnection!
  }
  type Project implements Node {
    id: ID!
    name: String!
    owner: User!
    parent: Project
    tasks(first: Int, last: Int): TaskConnection!
    phases: [Phase!]!
  }
  type Phase { name: String! tasks: [Task!]! }
  type Task implements Node { id: ID! title: String! }
  type ProjectConnection {
    edges: [ProjectEdge!]!
    nodes: [Project!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type ProjectEdge { cursor: String! node: Project! }
  type TaskConnection { edges: [TaskEdge!]! nodes: [Task!]! pageInfo: PageInfo! totalCount: Int! }
  type TaskEdge { cursor: String! node: Task! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type EventConnection { nodes: [Event!]! totalCount: Int! }
  type Event { seq: Int! }
  union SearchResult = Project | Task
`);

function cost(source: string, variables?: Record<string, unknown>): number {
  const document = parse(source);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  const fragments = fragmentsOf(document);
  return operationCost({ schema, operation, fragment: (name) => fragments.get(name), variables });
}

describe('operationCost', () => {
  test.each([
    ['scalars and __typename cost nothing', '{ __typename tags }', 0],
    ['an object field costs 1', '{ viewer { name } }', 1],
    ['objects inside objects add up', '{ viewer { id } node(id: "x") { id } }', 2],
    [
      'a mutation payload with a list of errors',
      'mutation { createProject(name: "a") { project { id } userErrors { message } } }',
      1 + 1 + ASSUMED_LIST_SIZE,
    ],
    ['a subscription event', 'subscription { taskChanged { id } }', 1],
    [
      'introspection costs 1 per root field',
      '{ __schema { types { fields { type { ofType { name } } } } } __type(name: "T") { name } }',
      2,
    ],
  ])('%s', (_name, source, expected) => {
    expect(cost(source)).toBe(expected);
  });

  test('a connection multiplies the objects of its page by first', () => {
    expect(cost('{ projects(first: 5) { nodes { id } } }')).toBe(1 + 5);
    expect(cost('{ projects(first: 50) { nodes { id } } }')).toBe(1 + 50);
  });

  test('edges and their nodes both count; pageInfo once per connection; totalCount is free', () => {
    expect(
      cost(
        `{ projects(first: 10) {
          edges { cursor node { id } } pageInfo { hasNextPage } totalCount
        } }`,
      ),
    ).toBe(1 + 10 + 10 + 1);
  });

  test('nested connections multiply', () => {
    const source = '{ projects(first: 10) { nodes { tasks(first: 5) { nodes { id } } } } }';
    expect(cost(source)).toBe(1 + 10 + 10 + 10 * 5);
  });

  test('the page is last, else first, else the schema default, else the API default', () => {
    expect(cost('{ projects { nodes { id } } }')).toBe(1 + DEFAULT_PAGE_SIZE);
    expect(cost('{ projects(last: 7) { nodes { id } } }')).toBe(1 + 7);
    expect(cost('{ projects(first: 5, last: 7) { nodes { id } } }')).toBe(1 + 7);
    expect(cost('{ events { nodes { seq } } }')).toBe(1 + 100);
    expect(cost('{ events(first: 3) { nodes { seq } } }')).toBe(1 + 3);
  });

  test('a page is at most MAX_PAGE_SIZE and at least 0', () => {
    expect(cost('{ projects(first: 1000) { nodes { id } } }')).toBe(1 + MAX_PAGE_SIZE);
    expect(cost('{ projects(first: -5) { nodes { id } } }')).toBe(1);
    expect(cost('{ projects(first: 0) { nodes { tasks(first: 100) { nodes { id } } } } }')).toBe(1);
  });

  test('variables decide the page, with the operation defaults and the API default', () => {
    const source = 'query($n: Int) { projects(first: $n) { nodes { id } } }';
    expect(cost(source, { n: 30 })).toBe(1 + 30);
    expect(cost(source, {})).toBe(1 + DEFAULT_PAGE_SIZE);
    expect(cost(source, { n: null })).toBe(1 + DEFAULT_PAGE_SIZE);
    expect(cost(source, { n: 'many' })).toBe(1 + DEFAULT_PAGE_SIZE);
    expect(cost('query($n: Int = 40) { projects(first: $n) { nodes { id } } }')).toBe(1 + 40);
    expect(cost('query($n: Int = 40) { projects(first: $n) { nodes { id } } }', { n: 2 })).toBe(3);
  });

  test('a plain list of objects is assumed to hold ASSUMED_LIST_SIZE', () => {
    const source = '{ projects(first: 2) { nodes { phases { tasks { id } } } } }';
    const phases = 2 * ASSUMED_LIST_SIZE;
    expect(cost(source)).toBe(1 + 2 + phases + phases * ASSUMED_LIST_SIZE);
    expect(cost('{ matrix { id } }')).toBe(ASSUMED_LIST_SIZE * ASSUMED_LIST_SIZE);
  });

  test('a *Connection field without first/last is an ordinary object', () => {
    expect(cost('{ legacy { nodes { id } } }')).toBe(1 + ASSUMED_LIST_SIZE);
  });

  test('nodes(ids:) holds one object per id', () => {
    expect(cost('{ nodes(ids: ["a", "b", "c"]) { id } }')).toBe(3);
    const source = `query($ids: [ID!]!) {
      nodes(ids: $ids) { ... on Project { tasks(first: 10) { nodes { id } } } }
    }`;
    expect(cost(source, { ids: ['a', 'b'] })).toBe(2 + 2 + 2 * 10);
    expect(cost('{ nodes(ids: "a") { id } }')).toBe(1);
  });

  test('fragments count where they are spread, with the page of their connection', () => {
    const source = `
      { projects(first: 3) { ...Page } viewer { projects(first: 7) { ...Page } } }
      fragment Page on ProjectConnection { nodes { ...Fields } }
      fragment Fields on Project { owner { id } }`;
    expect(cost(source)).toBe(1 + (3 + 3) + 1 + 1 + (7 + 7));
  });

  test('abstract types: every inline fragment counts (an upper bound)', () => {
    const source = '{ search { ... on Project { owner { id } } ... on Task { id } } }';
    expect(cost(source)).toBe(ASSUMED_LIST_SIZE + ASSUMED_LIST_SIZE);
  });

  test('a fragment spread twice at one level counts once, as execution merges it', () => {
    const source =
      '{ viewer { ...U ...U } } fragment U on User { projects(first: 4) { nodes { id } } }';
    expect(cost(source)).toBe(1 + 1 + 4);
  });

  test('@skip and @include are honoured, with variables', () => {
    expect(cost('{ viewer @skip(if: true) { id } node(id: "x") { id } }')).toBe(1);
    const source = `query($all: Boolean!) {
      viewer { id } projects(first: 50) @include(if: $all) { nodes { id } }
    }`;
    expect(cost(source, { all: false })).toBe(1);
    expect(cost(source, { all: true })).toBe(1 + 1 + 50);
  });

  test('fragments doubling at each level are costed once each, and the cost saturates', () => {
    const levels = 80;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i + 1} on Project { parent { ...F${i} } other: parent { ...F${i} } }`,
    ).join('\n');
    const source = `{ projects(first: 1) { nodes { ...F${levels} } } }
      fragment F0 on Project { owner { id } }
      ${fragments}`;
    const started = performance.now();
    expect(cost(source)).toBe(Number.MAX_SAFE_INTEGER);
    expect(performance.now() - started).toBeLessThan(100);
  });

  test('a fragment cycle (invalid, refused by validation) does not hang', () => {
    const source = `{ node(id: "x") { ...A } }
      fragment A on Project { parent { ...B } }
      fragment B on Project { parent { ...A } }`;
    expect(cost(source)).toBeGreaterThan(0);
  });
});
