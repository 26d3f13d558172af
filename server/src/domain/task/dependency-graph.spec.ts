import { describe, expect, test } from '@jest/globals';
import { findCycle } from './dependency-graph.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findCycle', () => {
  test('finds none in a DAG, even with shared dependencies (a diamond)', () => {
    expect(findCycle(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }), 'a')).toBeUndefined();
  });

  test('returns the path of a cycle through the start', () => {
    expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'] }), 'a')).toEqual(['a', 'b', 'c', 'a']);
  });

  test('finds a task depending on itself', () => {
    expect(findCycle(graph({ a: ['a'] }), 'a')).toEqual(['a', 'a']);
  });

  test('ignores cycles that do not pass through the start', () => {
    expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['b'] }), 'a')).toBeUndefined();
  });

  test('backtracks out of dead ends', () => {
    expect(findCycle(graph({ a: ['x', 'b'], x: ['y'], y: [], b: ['a'] }), 'a')).toEqual([
      'a',
      'b',
      'a',
    ]);
  });

  test('copes with a long chain', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 5000; i++) edges[`t${i}`] = [`t${i + 1}`];
    edges.t5000 = ['t0'];
    expect(findCycle(graph(edges), 't0')).toHaveLength(5002);
  });
});
