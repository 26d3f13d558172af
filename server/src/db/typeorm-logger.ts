import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from '../logging/logger.js';

/** Routes TypeORM's messages into pino; queries are logged at trace level only. */
export class PinoTypeOrmLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}

  logQuery(query: string, parameters?: unknown[]): void {
    this.logger.trace({ query, parameters }, 'sql');
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    this.logger.debug({ err: error, query, parameters }, 'sql failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, query }, 'slow sql');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info({ migration: message }, 'migration');
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ detail: message }, 'typeorm');
    else this.logger.debug({ detail: message }, 'typeorm');
  }
}
