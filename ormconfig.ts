/**
 * The data source for the TypeORM CLI (`npm run migration:generate -- server/src/db/migrations/<name>`).
 * With DATABASE_URL it compares the entities against that database; without it, against a
 * throw-away in-memory PGlite with every existing migration applied, so the generated
 * migration holds exactly the change.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { baseDataSourceOptions } from './server/src/db/database.js';
import { createPglite, openOnPglite, pgliteDataSourceOptions } from './server/src/db/embedded.js';
import { createLogger } from './server/src/logging/logger.js';

async function dataSource(): Promise<DataSource> {
  const url = process.env.DATABASE_URL;
  if (url) return new DataSource({ ...baseDataSourceOptions(), url });
  const pglite = await createPglite();
  const migrated = await openOnPglite(pglite, createLogger('warn'));
  await migrated.dataSource.destroy();
  return new DataSource(pgliteDataSourceOptions(pglite));
}

export default await dataSource();
