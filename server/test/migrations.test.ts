import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runMigrations } from '../src/db/database.js';
import { testLogger } from './support/environment.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  test('create exactly the schema the entities describe (no drift)', async () => {
    const pending = await db.database.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  test('install the vector extension, and vectors work', async () => {
    const [extension] = await db.database.dataSource.query<Array<{ extname: string }>>(
      `SELECT extname FROM pg_extension WHERE extname = 'vector'`,
    );
    expect(extension?.extname).toBe('vector');
    const [row] = await db.database.dataSource.query<Array<{ distance: number }>>(
      `SELECT '[1,0,0]'::vector <-> '[0,1,0]'::vector AS distance`,
    );
    expect(row?.distance).toBeCloseTo(Math.SQRT2, 5);
  });

  test('are recorded, and running them again changes nothing', async () => {
    const before = await db.database.dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM typeorm_migration ORDER BY id',
    );
    expect(before.map((row) => row.name)).toEqual(
      db.database.dataSource.migrations.map((migration) => migration.name),
    );
    await runMigrations(db.database.dataSource, testLogger());
    const after = await db.database.dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM typeorm_migration ORDER BY id',
    );
    expect(after).toEqual(before);
  });

  test('can be reverted and re-applied', async () => {
    const dataSource = db.database.dataSource;
    for (let i = 0; i < dataSource.migrations.length; i++) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    const tables = await dataSource.query<Array<{ tablename: string }>>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migration'`,
    );
    expect(tables).toEqual([]);
    await runMigrations(dataSource, testLogger());
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries).toEqual([]);
  });
});
