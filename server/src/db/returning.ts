import type { EntityManager } from 'typeorm';

/**
 * Runs an UPDATE or DELETE … RETURNING and gives its rows. TypeORM's raw `query()` answers
 * such commands with `[rows, rowCount]` rather than the rows, which makes `result.length`
 * always 2 — a trap this helper closes.
 */
export async function returning<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<T[]> {
  const result: unknown = await manager.query(sql, [...parameters]);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
