import type { QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

interface PgPool {
  query<R extends QueryResultRow>(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: R[] }>;
}

/**
 * Runs a hot statement as a named prepared statement on the pool behind TypeORM: each
 * connection plans it once instead of on every call (for the run queue's claim, planning cost
 * more than executing). Autocommit; not for use inside a transaction.
 */
export async function preparedQuery<R extends QueryResultRow>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: readonly unknown[],
): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!pool) throw new Error('the data source has no pg pool');
  const result = await pool.query<R>({ name, text, values: [...values] });
  return result.rows;
}
