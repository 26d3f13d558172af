/**
 * Writes schema/schema.graphql from the code (`npm run schema:emit`), or with --check exits 1
 * when the committed file differs from what the code produces.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildGraphQLSchema, printContract } from '../graphql/schema.js';

export const SCHEMA_FILE = fileURLToPath(
  new URL('../../../schema/schema.graphql', import.meta.url),
);

const sdl = printContract(await buildGraphQLSchema());
if (process.argv.includes('--check')) {
  const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
  if (committed !== sdl) {
    process.stderr.write(
      'schema/schema.graphql is out of date with the code: run `npm run build && npm run schema:emit`, then `npm run codegen`\n',
    );
    process.exit(1);
  }
  process.stdout.write('schema/schema.graphql matches the code\n');
} else {
  await writeFile(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
