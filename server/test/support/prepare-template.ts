/**
 * Run by global-setup.ts in a child process (under @swc-node/register): migrates one database
 * for the whole test run and prints where it is, as JSON on stdout.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgres } from '../../src/db/database.js';
import { createPglite, openOnPglite } from '../../src/db/embedded.js';
import {
  DATABASE_URL,
  SNAPSHOT_ENV,
  TEMPLATE_DB_ENV,
  testLogger,
  withDatabase,
} from './environment.js';

const logger = testLogger();
if (DATABASE_URL) {
  const template = `maestro_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const database = await openPostgres(withDatabase(DATABASE_URL, template), logger, {
    poolSize: 1,
  });
  await database.close();
  process.stdout.write(JSON.stringify({ [TEMPLATE_DB_ENV]: template }));
} else {
  const pglite = await createPglite();
  const database = await openOnPglite(pglite, logger);
  await database.dataSource.destroy();
  const snapshot = await pglite.dumpDataDir('gzip');
  await pglite.close();
  const file = path.join(os.tmpdir(), `maestro-test-${process.pid}-${Date.now()}.tar.gz`);
  await writeFile(file, Buffer.from(await snapshot.arrayBuffer()));
  process.stdout.write(JSON.stringify({ [SNAPSHOT_ENV]: file }));
}
