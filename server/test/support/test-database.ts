import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { openPostgres, type Database } from '../../src/db/database.js';
import { createPglite, openOnPglite } from '../../src/db/embedded.js';
import {
  DATABASE_URL,
  SNAPSHOT_ENV,
  TEMPLATE_DB_ENV,
  testLogger,
  withDatabase,
} from './environment.js';

export interface TestDatabase {
  readonly database: Database;
  /** The connection string of this file's own database (PostgreSQL only). */
  readonly url: string | undefined;
  /** Another connection to the same database, as a second replica would open. */
  openAnother(): Promise<Database>;
  close(): Promise<void>;
}

/**
 * A migrated database of the test file's own: a fresh PostgreSQL database copied from the
 * run's template when DATABASE_URL is set, otherwise an in-memory PGlite loaded from the
 * run's snapshot.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const logger = testLogger();
  if (DATABASE_URL) {
    const template = process.env[TEMPLATE_DB_ENV];
    if (!template) throw new Error('global-setup did not prepare a template database');
    const name = `maestro_t_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    const url = withDatabase(DATABASE_URL, name);
    const opened: Database[] = [];
    const open = async () => {
      const database = await openPostgres(url, logger, { poolSize: 5 });
      opened.push(database);
      return database;
    };
    const database = await open();
    return {
      database,
      url,
      openAnother: open,
      close: async () => {
        for (const db of opened) await db.close().catch(() => undefined);
        await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  }
  const snapshotFile = process.env[SNAPSHOT_ENV];
  if (!snapshotFile) throw new Error('global-setup did not prepare a database snapshot');
  const pglite = await createPglite({ snapshot: new Blob([await readFile(snapshotFile)]) });
  const database = await openOnPglite(pglite, logger, () => pglite.close());
  return {
    database,
    url: undefined,
    // PGlite has one session per process: a second replica shares the same handle.
    openAnother: () => Promise.resolve({ ...database, close: () => Promise.resolve() }),
    close: () => database.close(),
  };
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
