import { constants as fsConstants, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PglitePgConnection } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ConfigError } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { baseDataSourceOptions, runMigrations, type Database } from './database.js';

/** The snapshot written at build time: a fresh cluster with every migration applied. */
export const SNAPSHOT_PATH = fileURLToPath(new URL('../embedded-snapshot.tar.gz', import.meta.url));

/** A PGlite cluster with the vector extension: in memory, or persisted in `dataDir`. */
export async function createPglite(
  options: { dataDir?: string; snapshot?: Blob } = {},
): Promise<PGlite> {
  // The one-argument form: `new PGlite(undefined, options)` ignores its options.
  const pglite = new PGlite({
    extensions: { vector },
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
  });
  await pglite.waitReady;
  return pglite;
}

/**
 * TypeORM options for an existing PGlite instance, through the ordinary `pg` driver. PGlite has
 * exactly one session, so the pool holds one client: transactions serialize, never interleave.
 */
export function pgliteDataSourceOptions(pglite: PGlite, logger?: Logger): DataSourceOptions {
  class PgliteClient extends pg.Client {
    constructor(config: pg.ClientConfig) {
      super({ ...config, connection: new PglitePgConnection({ pglite }) } as pg.ClientConfig);
    }
  }
  return {
    ...baseDataSourceOptions(logger),
    host: 'localhost',
    username: 'postgres',
    password: 'embedded',
    database: 'postgres',
    poolSize: 1,
    // A query made outside its transaction's manager would wait for the one connection
    // forever; failing after 15 s turns that bug into an error.
    extra: { Client: PgliteClient, idleTimeoutMillis: 0, connectionTimeoutMillis: 15_000 },
  };
}

/** Opens TypeORM on an existing PGlite instance and applies pending migrations. */
export async function openOnPglite(
  pglite: PGlite,
  logger: Logger,
  onClose: () => Promise<void> = () => Promise.resolve(),
): Promise<Database> {
  const dataSource = new DataSource(pgliteDataSourceOptions(pglite, logger));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource, logger);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return {
    kind: 'embedded',
    dataSource,
    ping: async () => {
      await dataSource.query('SELECT 1');
    },
    close: async () => {
      await dataSource.destroy();
      await onClose();
    },
  };
}

/**
 * Opens (creating on first start) the embedded database under `dataDir`. A first start loads
 * the build-time snapshot when there is one, which is several times faster than initdb.
 * A lock file keeps a second Studio off the same directory.
 */
export async function openEmbedded(dataDir: string, logger: Logger): Promise<Database> {
  const clusterDir = path.join(dataDir, 'pgdata');
  await fs.mkdir(dataDir, { recursive: true });
  const releaseLock = await lockDataDir(dataDir);
  try {
    const fresh = !existsSync(clusterDir);
    const snapshot = fresh ? await readSnapshot(logger) : undefined;
    const started = Date.now();
    const pglite = await createPglite({ dataDir: clusterDir, ...(snapshot ? { snapshot } : {}) });
    logger.info(
      { dataDir, fresh, fromSnapshot: snapshot !== undefined, ms: Date.now() - started },
      'embedded database open',
    );
    return await openOnPglite(pglite, logger, async () => {
      await pglite.close();
      await releaseLock();
    });
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

async function readSnapshot(logger: Logger): Promise<Blob | undefined> {
  try {
    return new Blob([await fs.readFile(SNAPSHOT_PATH)]);
  } catch {
    logger.warn({ path: SNAPSHOT_PATH }, 'no embedded snapshot; creating the cluster from scratch');
    return undefined;
  }
}

/** Takes `<dataDir>/studio.lock`; a lock left by a process that no longer runs is taken over. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'studio.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(
        lockPath,
        fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY,
      );
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await fs.readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new ConfigError(
          'MAESTRO_DATA_DIR',
          `is in use by another Studio (process ${owner}); stop it or choose another directory`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new ConfigError('MAESTRO_DATA_DIR', `could not be locked (${lockPath})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
