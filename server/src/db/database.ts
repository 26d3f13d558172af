import { DataSource, MigrationExecutor, type DataSourceOptions, type QueryRunner } from 'typeorm';
import { ConfigError } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming-strategy.js';
import { PinoTypeOrmLogger } from './typeorm-logger.js';

/** The database a Studio runs on: external PostgreSQL, or embedded PGlite. */
export interface Database {
  readonly kind: 'postgres' | 'embedded';
  readonly dataSource: DataSource;
  /** Resolves when a trivial query succeeds; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Options shared by every data source: entities, migrations, naming. Never synchronize. */
export function baseDataSourceOptions(logger?: Logger) {
  return {
    type: 'postgres',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migration',
    ...(logger ? { logger: new PinoTypeOrmLogger(logger.child({ component: 'db' })) } : {}),
  } as const satisfies Partial<DataSourceOptions>;
}

// Any 64-bit constant; every replica uses the same one so only one migrates at a time.
const MIGRATION_LOCK_KEY = '7305948262019348';

/** Connects to PostgreSQL, takes the migration lock, and applies pending migrations. */
export async function openPostgres(
  url: string,
  logger: Logger,
  options: { poolSize?: number; applicationName?: string } = {},
): Promise<Database> {
  const dataSource = new DataSource({
    ...baseDataSourceOptions(logger),
    url,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'maestro-studio',
    connectTimeoutMS: 5000,
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new ConfigError('DATABASE_URL', `cannot be reached: ${describeConnectError(error)}`);
  }
  try {
    await migrateWithLock(dataSource, logger);
    return {
      kind: 'postgres',
      dataSource,
      ping: async () => {
        await dataSource.query('SELECT 1');
      },
      close: () => dataSource.destroy(),
    };
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

/**
 * Applies pending migrations while holding a session advisory lock, on that same connection
 * (so a pool of one cannot deadlock): replicas starting together migrate one at a time.
 */
async function migrateWithLock(dataSource: DataSource, logger: Logger): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await runMigrations(dataSource, logger, runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** Applies pending migrations, each in its own transaction, and logs what ran. */
export async function runMigrations(
  dataSource: DataSource,
  logger: Logger,
  runner?: QueryRunner,
): Promise<void> {
  const executor = new MigrationExecutor(dataSource, runner);
  executor.transaction = 'each';
  const applied = await executor.executePendingMigrations();
  if (applied.length > 0) {
    logger.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
  }
}

/** A short description of a connection failure, without credentials. */
export function describeConnectError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return describeConnectError(error.errors[0]);
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const address = (error as { address?: string }).address;
    const port = (error as { port?: number }).port;
    if (code && address) return `${code} ${address}${port ? `:${port}` : ''}`;
    return error.message.split('\n')[0] ?? error.name;
  }
  return String(error);
}
