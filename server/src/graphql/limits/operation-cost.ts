import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isWrappingType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/page-size.js';
import { INTROSPECTION_FIELDS } from './operation-shape.js';

/** The size assumed for a list of objects that is not a connection page (e.g. `Plan.phases`). */
export const ASSUMED_LIST_SIZE = 10;

type Variables = Readonly<Record<string, unknown>>;

export interface CostInput {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly fragment: (name: string) => FragmentDefinitionNode | undefined;
  /** The request's variables as sent; defaults from the operation are applied here. */
  readonly variables?: Variables | null | undefined;
}

/**
 * The static cost of an operation: how many objects its response can hold at most (taking
 * plain lists to hold ASSUMED_LIST_SIZE).
 *
 * - A field whose type is an object, interface or union costs 1 for each time it can appear;
 *   scalars, enums and `__typename` cost nothing.
 * - A list of objects can appear ASSUMED_LIST_SIZE times, except: the lists of a connection
 *   (`edges`, `nodes`) hold the connection's page, `last ?? first` (the argument's schema
 *   default or DEFAULT_PAGE_SIZE when neither is given; at most MAX_PAGE_SIZE); and a list
 *   field with an `ids` list argument (`nodes(ids:)`) holds one per id.
 * - A connection is a field whose type's name ends in `Connection` and that takes `first` or
 *   `last`. It costs 1 itself; its `pageInfo` costs 1, not one per item.
 * - `__schema` and `__type` cost 1 and what they select nothing (answered from memory).
 * - `@skip`/`@include` are honoured; fragments of an abstract type all count (an upper bound).
 *
 * Each fragment is costed once per page-size context, so spreading fragments into each other
 * cannot make the walk exponential. The result saturates at Number.MAX_SAFE_INTEGER.
 */
export function operationCost(input: CostInput): number {
  const { schema } = input;
  const variables = withDefaults(input.operation, input.variables ?? {});
  const root = schema.getRootType(input.operation.operation);
  if (!root) return 0;
  const costed = new Map<string, number>();
  const inProgress = new Set<string>();

  /** The cost of a selection set for one parent object; `page` is set inside a connection. */
  const costOfSet = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    page: number | null,
    spread: Set<string>,
  ): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (!included(selection, variables)) continue;
      switch (selection.kind) {
        case Kind.FIELD:
          total += costOfField(selection, parent, page);
          break;
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          if (isCompositeType(type)) total += costOfSet(selection.selectionSet, type, page, spread);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          if (spread.has(name)) continue;
          spread.add(name);
          total += costOfFragment(name, page);
          break;
        }
      }
    }
    return saturate(total);
  };

  const costOfFragment = (name: string, page: number | null): number => {
    const key = `${name}/${page ?? ''}`;
    const known = costed.get(key);
    if (known !== undefined) return known;
    const definition = input.fragment(name);
    const type = definition && schema.getType(definition.typeCondition.name.value);
    if (!definition || !isCompositeType(type) || inProgress.has(key)) return 0;
    inProgress.add(key);
    const cost = costOfSet(definition.selectionSet, type, page, new Set());
    inProgress.delete(key);
    costed.set(key, cost);
    return cost;
  };

  const costOfField = (node: FieldNode, parent: GraphQLCompositeType, page: number | null) => {
    const name = node.name.value;
    if (INTROSPECTION_FIELDS.has(name)) return 1;
    const field =
      isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    const type = field && getNamedType(field.type);
    if (!field || !isCompositeType(type)) return 0;
    const count = appearances(field, node, page, variables);
    const inner = node.selectionSet
      ? costOfSet(node.selectionSet, type, connectionPage(field, node, variables), new Set())
      : 0;
    return saturate(count * (1 + inner));
  };

  return costOfSet(input.operation.selectionSet, root, null, new Set());
}

/** How many objects a field can produce for one parent object. */
function appearances(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  page: number | null,
  variables: Variables,
): number {
  let count = 1;
  let outer = true;
  for (let type: GraphQLType = field.type; isWrappingType(type); type = type.ofType) {
    if (!isListType(type)) continue;
    count *= outer ? outerListSize(field, node, page, variables) : ASSUMED_LIST_SIZE;
    outer = false;
  }
  return count;
}

function outerListSize(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  page: number | null,
  variables: Variables,
): number {
  if (page !== null) return page;
  if (field.args.some((arg) => arg.name === 'ids' && isListType(unwrapNonNull(arg.type)))) {
    const ids = argument(node, 'ids', variables);
    if (Array.isArray(ids)) return ids.length;
    if (ids !== undefined && ids !== null) return 1;
  }
  return ASSUMED_LIST_SIZE;
}

/** The page a connection field returns, or null when the field is not a connection. */
function connectionPage(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Variables,
): number | null {
  const paged = field.args.filter((arg) => arg.name === 'first' || arg.name === 'last');
  if (paged.length === 0 || !getNamedType(field.type).name.endsWith('Connection')) return null;
  const value = (name: string): number | null => {
    const given = node.arguments?.some((arg) => arg.name.value === name);
    const raw = given
      ? argument(node, name, variables)
      : paged.find((arg) => arg.name === name)?.defaultValue;
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  };
  const size = value('last') ?? value('first') ?? DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(Math.trunc(size), 0), MAX_PAGE_SIZE);
}

function unwrapNonNull(type: GraphQLType): GraphQLType {
  return isNonNullType(type) ? type.ofType : type;
}

function argument(node: FieldNode, name: string, variables: Variables): unknown {
  const value = node.arguments?.find((arg) => arg.name.value === name)?.value;
  return value === undefined ? undefined : valueOf(value, variables);
}

function valueOf(value: ValueNode, variables: Variables): unknown {
  return value.kind === Kind.VARIABLE
    ? variables[value.name.value]
    : valueFromASTUntyped(value, variables);
}

/** `@skip(if:)` and `@include(if:)`, as execution will read them. */
function included(selection: SelectionNode, variables: Variables): boolean {
  for (const directive of selection.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((arg) => arg.name.value === 'if')?.value;
    const value = condition && valueOf(condition, variables);
    if (name === 'skip' && value === true) return false;
    if (name === 'include' && value === false) return false;
  }
  return true;
}

/** The request's variables with the operation's own defaults filled in. */
function withDefaults(operation: OperationDefinitionNode, given: Variables): Variables {
  const definitions = operation.variableDefinitions ?? [];
  if (!definitions.some((definition) => definition.defaultValue)) return given;
  const values: Record<string, unknown> = { ...given };
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) {
      values[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }
  return values;
}

function saturate(value: number): number {
  return Math.min(value, Number.MAX_SAFE_INTEGER);
}

const fragmentsByDocument = new WeakMap<DocumentNode, Map<string, FragmentDefinitionNode>>();

/** The fragments of a document by name, remembered per document (Apollo reuses them). */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  let fragments = fragmentsByDocument.get(document);
  if (!fragments) {
    fragments = new Map();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }
    fragmentsByDocument.set(document, fragments);
  }
  return fragments;
}
