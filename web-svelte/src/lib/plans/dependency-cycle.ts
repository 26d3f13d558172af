/** A task as the cycle check sees it: its id and the ids it waits for. */
export interface DependencyNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/**
 * The cycle that making `taskId` wait for `dependsOn` would close, as task ids in order
 * (`taskId`, …, back to the task that waits for `taskId`), or undefined when there is none.
 * A task waiting for itself is a cycle of one.
 */
export function findDependencyCycle(
  nodes: readonly DependencyNode[],
  taskId: string,
  dependsOn: readonly string[],
): string[] | undefined {
  const edges = new Map<string, readonly string[]>(nodes.map((node) => [node.id, node.dependsOn]));
  edges.set(taskId, dependsOn);
  // A path from one of the new dependencies back to taskId closes a cycle through taskId.
  const visited = new Set<string>();
  const path: string[] = [];
  const walk = (id: string): boolean => {
    if (id === taskId) return true;
    if (visited.has(id)) return false;
    visited.add(id);
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      if (walk(next)) return true;
    }
    path.pop();
    return false;
  };
  for (const first of dependsOn) {
    if (walk(first)) return [taskId, ...path];
  }
  return undefined;
}

/** "A → B → C → A": the cycle as the reader sees it, by title. */
export function describeCycle(cycle: readonly string[], titleOf: (id: string) => string): string {
  return [...cycle, cycle[0]!].map(titleOf).join(' → ');
}
