/** Moves the item at `from` to `to` (clamped to the list), returning a new array. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const result = [...items];
  const [item] = result.splice(from, 1);
  if (item === undefined) return result;
  result.splice(Math.max(0, Math.min(to, result.length)), 0, item);
  return result;
}

/** Inserts `item` at `at` (clamped; the end when undefined), returning a new array. */
export function insertItem<T>(items: readonly T[], item: T, at: number | undefined): T[] {
  const result = [...items];
  result.splice(
    at === undefined ? result.length : Math.max(0, Math.min(at, result.length)),
    0,
    item,
  );
  return result;
}
