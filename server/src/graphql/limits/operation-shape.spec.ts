import { describe, expect, test } from '@jest/globals';
import {
  buildSchema,
  getIntrospectionQuery,
  parse,
  specifiedRules,
  validate,
  Kind,
  getOperationAST,
} from 'graphql';
import { measureOperation, operationShapeRule } from './operation-shape.js';

function shape(source: string) {
  const document = parse(source);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  const fragments = new Map(
    document.definitions
      .filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return measureOperation(operation, (name) => fragments.get(name));
}

const schema = buildSchema(`
  type Query { task: Task }
  type Task { id: ID! title: String! parent: Task children: [Task!]! }
`);

function nested(levels: number): string {
  return `{ task { ${'parent { '.repeat(levels)}id${' }'.repeat(levels)} } }`;
}

describe('measureOperation', () => {
  test.each([
    ['{ __typename }', 1],
    ['{ task { id } }', 2],
    ['{ task { id parent { id } children { parent { title } } } }', 4],
    [nested(10), 12],
  ])('the depth of %s is %d', (source, depth) => {
    expect(shape(source).depth).toBe(depth);
  });

  test('fragments and inline fragments are expanded where they are spread', () => {
    const source = `{ task { ...Deep ... on Task { parent { ...Deep } } } }
      fragment Deep on Task { parent { parent { id } } }`;
    expect(shape(source).depth).toBe(5);
  });

  test('introspection counts as one level, however deep the standard query is', () => {
    expect(shape(getIntrospectionQuery()).depth).toBe(1);
    expect(
      shape('{ task { id } __type(name: "Task") { fields { type { ofType { name } } } } }'),
    ).toEqual({ depth: 2, aliases: 0 });
  });

  test('aliases are counted, fragments expanded wherever they are spread', () => {
    const source = `{ a: task { ...Two } b: task { ...Two } task { x: parent { ...Two } } }
      fragment Two on Task { one: id two: title }`;
    expect(shape(source).aliases).toBe(2 + 2 + 2 + 1 + 2);
  });

  test('a fragment spread twice at one level counts once, as execution merges it', () => {
    const source = `{ task { ...Two ...Two } } fragment Two on Task { one: id two: title }`;
    expect(shape(source).aliases).toBe(2);
  });

  test('fragments doubling at each level are measured once each', () => {
    const levels = 60;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i + 1} on Task { a: parent { ...F${i} } b: parent { ...F${i} } }`,
    ).join('\n');
    const started = performance.now();
    const measured = shape(`{ task { ...F${levels} } } fragment F0 on Task { id } ${fragments}`);
    expect(measured.depth).toBe(levels + 2);
    expect(measured.aliases).toBe(2 ** (levels + 1) - 2);
    expect(performance.now() - started).toBeLessThan(100);
  });

  test('fragment cycles end (NoFragmentCyclesRule reports them)', () => {
    const source = `{ task { ...A } }
      fragment A on Task { parent { ...B } }
      fragment B on Task { parent { ...A } }`;
    expect(shape(source).depth).toBe(3);
  });
});

describe('operationShapeRule', () => {
  const rules = [...specifiedRules, operationShapeRule({ maxDepth: 5, maxAliases: 2 })];
  const errors = (source: string) => validate(schema, parse(source), rules);

  test('operations within the limits pass', () => {
    expect(errors(`${nested(3)} `)).toEqual([]);
    expect(errors('{ a: task { id } b: task { id } }')).toEqual([]);
  });

  test('a deeper operation is refused with the limit, the maximum and the actual depth', () => {
    const [error, ...more] = errors(nested(4));
    expect(more).toEqual([]);
    expect(error?.message).toBe('query depth 6 exceeds the maximum of 5');
    expect(error?.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: { name: 'depth', maximum: 5, actual: 6 },
    });
    expect(error?.locations).toEqual([{ line: 1, column: 1 }]);
  });

  test('too many aliases are refused', () => {
    const [error] = errors('{ a: task { id } b: task { id } c: task { x: id } }');
    expect(error?.message).toBe('query alias count 4 exceeds the maximum of 2');
    expect(error?.extensions.limit).toEqual({ name: 'aliases', maximum: 2, actual: 4 });
  });

  test('each operation of a document is checked', () => {
    const found = errors(`query Fine { task { id } } query Deep ${nested(6)}`);
    expect(found.map((error) => error.message)).toEqual(['query depth 8 exceeds the maximum of 5']);
    expect(found[0]?.locations).toEqual([{ line: 1, column: 28 }]);
  });

  test('the standard introspection query passes', () => {
    expect(errors(getIntrospectionQuery())).toEqual([]);
  });
});
