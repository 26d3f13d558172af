import {
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ASTVisitor,
} from 'graphql';
import { limitError, type QueryLimits } from './query-limits.js';

/** How deep an operation nests and how many aliased fields it has, fragments expanded. */
export interface OperationShape {
  readonly depth: number;
  readonly aliases: number;
}

/**
 * Introspection is answered from memory and graphql-js bounds its nesting on its own
 * (MaxIntrospectionDepthRule, one of the specified rules), so these fields count as one level
 * and what is selected inside them is not measured. GraphiQL's introspection query is deep
 * only because of its `ofType` chains.
 */
export const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

type FragmentLookup = (name: string) => FragmentDefinitionNode | undefined | null;

const EMPTY: OperationShape = Object.freeze({ depth: 0, aliases: 0 });

/**
 * Measures one operation in a single walk. A fragment is measured once, however often it is
 * spread (the result is remembered), so a document that spreads fragments into each other
 * cannot make this exponential; a fragment that spreads itself, directly or not, counts as
 * empty where it recurs (NoFragmentCyclesRule reports the cycle).
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragment: FragmentLookup,
): OperationShape {
  const measured = new Map<string, OperationShape>();
  const inProgress = new Set<string>();

  const measureFragment = (name: string): OperationShape => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragment(name);
    if (!definition || inProgress.has(name)) return EMPTY;
    inProgress.add(name);
    const shape = measureSet(definition.selectionSet, new Set());
    inProgress.delete(name);
    measured.set(name, shape);
    return shape;
  };

  /** `spread` holds the fragments already spread at this level: execution merges repeats. */
  const measureSet = (set: SelectionSetNode, spread: Set<string>): OperationShape => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let shape: OperationShape;
      switch (selection.kind) {
        case Kind.FIELD: {
          const inner =
            selection.selectionSet && !INTROSPECTION_FIELDS.has(selection.name.value)
              ? measureSet(selection.selectionSet, new Set())
              : EMPTY;
          shape = { depth: inner.depth + 1, aliases: inner.aliases + (selection.alias ? 1 : 0) };
          break;
        }
        case Kind.INLINE_FRAGMENT:
          shape = measureSet(selection.selectionSet, spread);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          if (spread.has(name)) continue;
          spread.add(name);
          shape = measureFragment(name);
          break;
        }
      }
      depth = Math.max(depth, shape.depth);
      aliases += shape.aliases;
    }
    return { depth, aliases };
  };

  return measureSet(operation.selectionSet, new Set());
}

/**
 * A validation rule refusing operations deeper than `maxDepth` or with more than `maxAliases`
 * aliased fields. It runs with the other rules, so Apollo caches its verdict with the document.
 */
export function operationShapeRule(limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const shape = measureOperation(operation, (name) => context.getFragment(name));
      if (shape.depth > limits.maxDepth) {
        context.reportError(
          limitError(
            { name: 'depth', maximum: limits.maxDepth, actual: shape.depth },
            { nodes: operation },
          ),
        );
      }
      if (shape.aliases > limits.maxAliases) {
        context.reportError(
          limitError(
            { name: 'aliases', maximum: limits.maxAliases, actual: shape.aliases },
            { nodes: operation },
          ),
        );
      }
      return false;
    },
  });
}
