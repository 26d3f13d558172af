import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { buildGraphQLSchema, printContract } from '../src/graphql/schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the schema contract', () => {
  test('schema/schema.graphql is what the code produces (run `npm run schema:emit` after changing resolvers)', async () => {
    const committed = await readFile(`${root}schema/schema.graphql`, 'utf8');
    expect(printContract(await buildGraphQLSchema())).toBe(committed);
  });

  test('generated client documents are current (run `npm run codegen` after changing operations)', async () => {
    const run = promisify(execFile);
    await expect(
      run(
        process.execPath,
        [
          `${root}node_modules/@graphql-codegen/cli/esm/bin.js`,
          '--config',
          'codegen.yml',
          '--check',
        ],
        {
          cwd: root,
        },
      ),
    ).resolves.toBeDefined();
  }, 60_000);
});
