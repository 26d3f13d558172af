import { createLogger, type Logger } from '../../src/logging/logger.js';

/** External services for integration tests, when the run provides them (CI does). */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;

/** The template database (Postgres) or snapshot file (PGlite) prepared by global-setup.ts. */
export const TEMPLATE_DB_ENV = 'MAESTRO_TEST_TEMPLATE_DB';
export const SNAPSHOT_ENV = 'MAESTRO_TEST_SNAPSHOT';

/** Logs from code under test are silent unless TEST_LOG_LEVEL says otherwise. */
export function testLogger(): Logger {
  const level = process.env.TEST_LOG_LEVEL;
  return createLogger(
    level === 'debug' || level === 'info' || level === 'trace' || level === 'warn'
      ? level
      : 'silent',
  );
}

/** A database URL naming another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
