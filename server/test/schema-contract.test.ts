import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { PUBLIC_FIELDS } from '../src/graphql/authorization.js';
import { buildGraphQLSchema, printContract } from '../src/graphql/schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the schema contract', () => {
  test('schema/schema.graphql is what the code produces (run `npm run schema:emit` after changing resolvers)', async () => {
    const committed = await readFile(`${root}schema/schema.graphql`, 'utf8');
    expect(printContract(await buildGraphQLSchema())).toBe(committed);
  });

  test('the dashboard knows the same public root fields as the server', async () => {
    // The dashboard refreshes its session on UNAUTHENTICATED, except for operations made only
    // of public fields (a wrong password must not look like an expired session).
    const source = await readFile(`${root}web-svelte/src/lib/graphql/transport.ts`, 'utf8');
    const list = /const PUBLIC_FIELDS = new Set\(\[([^\]]*)\]\)/.exec(source)?.[1] ?? '';
    const fields = [...list.matchAll(/'([A-Za-z_]+)'/g)].map((match) => match[1]);
    expect(fields.filter((field) => field !== '__typename').sort()).toEqual(
      [...PUBLIC_FIELDS].sort(),
    );
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
