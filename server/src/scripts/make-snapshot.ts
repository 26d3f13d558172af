/**
 * Build step: a fresh embedded cluster with every migration applied, dumped next to the
 * compiled server. A first `npm start` loads it instead of running initdb (several times faster).
 */
import { writeFile } from 'node:fs/promises';
import { createPglite, openOnPglite, SNAPSHOT_PATH } from '../db/embedded.js';
import { createLogger } from '../logging/logger.js';

const started = Date.now();
const pglite = await createPglite();
const database = await openOnPglite(pglite, createLogger('warn'));
await database.dataSource.destroy();
const snapshot = await pglite.dumpDataDir('gzip');
await pglite.close();
await writeFile(SNAPSHOT_PATH, Buffer.from(await snapshot.arrayBuffer()));
process.stdout.write(
  `embedded snapshot: ${SNAPSHOT_PATH} (${snapshot.size} bytes, ${Date.now() - started} ms)\n`,
);
