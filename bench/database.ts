import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database.js';
import { openPostgres } from '../server/src/db/database.js';
import { createPglite, openOnPglite } from '../server/src/db/embedded.js';
import { startStudio, type Studio } from '../server/src/app.js';
import { loadConfig } from '../server/src/config/config.js';
import { createLogger } from '../server/src/logging/logger.js';
import { InProcessPubSub } from '../server/src/pubsub/in-process.pubsub.js';
import type { Services } from '../server/src/services.js';

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

/** What first-run setup returned: the owner's workspace and session. */
export type BenchSetup = Awaited<ReturnType<Services['auth']['completeSetup']>>;

/** The owner every benchmark's Studio is set up with. */
export const BENCH_OWNER = { email: 'bench@example.test', password: 'bench password' };

/**
 * A Studio in this process on `database` (free loopback port, in-process bus, no web app, no
 * reaper), set up with BENCH_OWNER: the workspace and the owner's first session.
 */
export async function startBenchStudio(
  scratch: string,
  database: Database,
): Promise<{ studio: Studio; setup: BenchSetup }> {
  const logger = createLogger('silent');
  const studio = await startStudio({
    config: loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      MAESTRO_SECRET: randomBytes(24).toString('hex'),
      MAESTRO_DATA_DIR: scratch,
    }),
    logger,
    database,
    pubsub: new InProcessPubSub(logger),
    serveWeb: false,
    processMetrics: false,
    announceSetupLink: () => undefined,
    reaper: false,
  });
  const setup = await studio.services.auth.completeSetup(
    {
      setupToken: (await studio.services.auth.issueSetupToken()) as string,
      ...BENCH_OWNER,
      name: 'Bench',
      workspaceName: 'Bench',
    },
    { address: null },
    'api',
  );
  return { studio, setup };
}
