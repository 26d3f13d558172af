import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database.js';
import { openPostgres } from '../server/src/db/database.js';
import { createPglite, openOnPglite } from '../server/src/db/embedded.js';
import { createLogger } from '../server/src/logging/logger.js';

/**
 * A database of a benchmark's own: a throw-away database on DATABASE_URL's server when it is
 * set (dropped by `drop`), else an in-memory embedded PGlite.
 */
export async function openBenchDatabase(
  poolSize?: number,
): Promise<{ database: Database; drop: () => Promise<void> }> {
  const logger = createLogger('warn');
  const url = process.env.DATABASE_URL;
  if (!url) {
    const pglite = await createPglite();
    return {
      database: await openOnPglite(pglite, logger, () => pglite.close()),
      drop: () => Promise.resolve(),
    };
  }
  const pg = (await import('pg')).default;
  const name = `maestro_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    database: await openPostgres(target.toString(), logger, poolSize ? { poolSize } : {}),
    drop: () => admin(`DROP DATABASE ${name} WITH (FORCE)`),
  };
}
