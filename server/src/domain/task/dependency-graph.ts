/**
 * Finds a cycle through `start` in a dependency graph (task → the tasks it depends on), if
 * there is one. Returns the path `[start, …, start]`, shortest first found by depth-first
 * search, or undefined.
 */
export function findCycle(
  dependsOn: ReadonlyMap<string, readonly string[]>,
  start: string,
): string[] | undefined {
  const visited = new Set<string>();
  const path: string[] = [start];
  const visit = (node: string): boolean => {
    for (const next of dependsOn.get(node) ?? []) {
      if (next === start) {
        path.push(start);
        return true;
      }
      if (visited.has(next)) continue;
      visited.add(next);
      path.push(next);
      if (visit(next)) return true;
      path.pop();
    }
    return false;
  };
  return visit(start) ? path : undefined;
}
