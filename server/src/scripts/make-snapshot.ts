/**
 * Build step: a fresh embedded cluster with every migration applied, dumped next to the
 * compiled server. A first `npm start` loads it instead of running initdb (several times
 * faster). Skipped when the compiled migrations and PGlite are unchanged since the last one.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createPglite, openOnPglite, SNAPSHOT_PATH } from '../db/embedded.js';
import { createLogger } from '../logging/logger.js';

const MIGRATIONS_DIR = new URL('../db/migrations/', import.meta.url);
const STAMP_PATH = `${SNAPSHOT_PATH}.sha256`;

async function inputsDigest(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of ['@electric-sql/pglite', '@electric-sql/pglite-pgvector']) {
    // Neither package exports its package.json; it sits one level above the entry point.
    const manifest = new URL('../package.json', import.meta.resolve(name));
    hash.update(
      `${name} ${(JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version}\n`,
    );
  }
  for (const file of (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.js')).sort()) {
    hash.update(file);
    hash.update(await readFile(new URL(file, MIGRATIONS_DIR)));
  }
  return hash.digest('hex');
}

const digest = await inputsDigest();
const previous = await readFile(STAMP_PATH, 'utf8').catch(() => '');
const existing = await readFile(SNAPSHOT_PATH).then(
  () => true,
  () => false,
);
if (existing && previous.trim() === digest) {
  process.stdout.write(`embedded snapshot is current: ${SNAPSHOT_PATH}\n`);
} else {
  const started = Date.now();
  const pglite = await createPglite();
  const database = await openOnPglite(pglite, createLogger('warn'));
  await database.dataSource.destroy();
  const snapshot = await pglite.dumpDataDir('gzip');
  await pglite.close();
  await writeFile(SNAPSHOT_PATH, Buffer.from(await snapshot.arrayBuffer()));
  await writeFile(STAMP_PATH, `${digest}\n`);
  process.stdout.write(
    `embedded snapshot: ${SNAPSHOT_PATH} (${snapshot.size} bytes, ${Date.now() - started} ms)\n`,
  );
}
