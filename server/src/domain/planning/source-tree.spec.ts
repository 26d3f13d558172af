import { describe, expect, test } from '@jest/globals';
import { readJson, type SourceNode } from './source-tree.js';

/** The plain value of a node, to compare with JSON.parse. */
function plain(node: SourceNode): unknown {
  switch (node.kind) {
    case 'array':
      return node.items.map(plain);
    case 'object':
      return Object.fromEntries([...node.entries].map(([name, value]) => [name, plain(value)]));
    case 'null':
      return null;
    default:
      return node.value;
  }
}

describe('readJson', () => {
  test.each([
    ['{}'],
    ['[]'],
    ['  {"a": [1, -2.5, 3e2, 0, -0.125E-2], "b": {"c": null}}  '],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"'],
    ['[true, false, null, "x"]'],
    ['{\r\n\t"a": "b"\r\n}'],
  ])('reads %s as JSON.parse does', (text) => {
    const read = readJson(text);
    if (!read.ok) throw new Error(read.message);
    expect(plain(read.node)).toEqual(JSON.parse(text));
  });

  test('every value knows its line, counted from firstLine', () => {
    const read = readJson('{\n  "a": [\n    1,\n    {"b": true}\n  ]\n}', 10);
    if (!read.ok) throw new Error(read.message);
    expect(read.node.line).toBe(10);
    const a = read.node.kind === 'object' ? read.node.entries.get('a') : undefined;
    expect(a?.line).toBe(11);
    expect(a?.kind === 'array' && a.items.map((item) => item.line)).toEqual([12, 13]);
  });

  test.each([
    ['{"a": 1,}', 1, 8, 'a comma before "}" (trailing commas are not JSON)'],
    ['[1,\n2,\n]', 2, 2, 'a comma before "]" (trailing commas are not JSON)'],
    ['{\n  a: 1\n}', 2, 3, 'unexpected "a"; expected a field name in double quotes'],
    ['{"a" 1}', 1, 6, 'unexpected "1"; expected ":" after the field name'],
    ['{"a": 01}', 1, 8, 'unexpected "1"; expected "," or "}"'],
    ['{"a": tru}', 1, 7, 'unexpected "t"; expected a value'],
    ['{"a": "x\ny"}', 1, 9, 'a line break inside a string (write it as \\n)'],
    ['{"a": "\\x"}', 1, 8, 'an unknown escape "\\x" in a string'],
    ['{"a": "\\u12"}', 1, 8, 'a \\u escape needs four hex digits'],
    ['{"a": "open', 1, 7, 'a string that never ends'],
    ['{"a": 1} trailing', 1, 10, 'unexpected text after the JSON value'],
    ['{"a": -}', 1, 7, 'a malformed number'],
    ['', 1, 1, 'unexpected end of the JSON text; expected a value'],
  ])('%j fails on line %i, column %i: %s', (text, line, column, message) => {
    expect(readJson(text)).toEqual({ ok: false, line, column, message });
  });

  test('refuses nesting deeper than 64 levels instead of overflowing the stack', () => {
    const read = readJson('['.repeat(100_000));
    expect(read).toMatchObject({ ok: false, message: 'nested deeper than 64 levels' });
  });
});
