/**
 * Embedded cold start: from process start to /readyz 200 on a fresh data directory (the first
 * `npm start` on a new machine). Target ≤ 5 s. Baselines measured in the same run:
 *  - node_floor: a bare node:http server answering 200 (the cost of starting Node at all);
 *  - pglite_floor: that server after loading the same embedded snapshot into a fresh PGlite
 *    data directory (the database part no Studio start can avoid).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, result, timeToReady, type BenchOptions } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAIN = path.join(root, 'server/dist/main.js');
const SNAPSHOT = path.join(root, 'server/dist/embedded-snapshot.tar.gz');
const TARGET_S = 5;

const urlFromLog = (stdout: string) => {
  const line = stdout.split('\n').find((l) => l.includes('"msg":"studio ready"'));
  return line ? `${(JSON.parse(line) as { url: string }).url}/readyz` : undefined;
};
const urlFromFloor = (stdout: string) => /^listening (\d+)$/m.exec(stdout)?.[1];

const NODE_FLOOR = `
import http from 'node:http';
const server = http.createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));`;

const PGLITE_FLOOR = `
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const pg = new PGlite({ dataDir: process.env.DIR, extensions: { vector }, loadDataDir: new Blob([await readFile(process.env.SNAPSHOT)]) });
await pg.waitReady;
await pg.query('select 1');
const server = http.createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => server.close(async () => { await pg.close(); process.exit(0); }));`;

export default async function startup(options: BenchOptions): Promise<void> {
  if (!existsSync(MAIN) || !existsSync(SNAPSHOT)) throw new Error('run `npm run build` first');
  const runs = options.quick ? 3 : 5;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-bench-startup-'));
  const fresh = (label: string, i: number) => path.join(scratch, `${label}-${i}`);
  const env = { DATABASE_URL: undefined, REDIS_URL: undefined, PORT: '0', LOG_LEVEL: 'info' };
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    const nodeFloor: number[] = [];
    const pgliteFloor: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = fresh('studio', i);
      cold.push(await timeToReady([MAIN], { ...env, MAESTRO_DATA_DIR: dir }, urlFromLog));
      warm.push(await timeToReady([MAIN], { ...env, MAESTRO_DATA_DIR: dir }, urlFromLog));
      nodeFloor.push(
        await timeToReady(['--input-type=module', '-e', NODE_FLOOR], {}, (out) => {
          const port = urlFromFloor(out);
          return port ? `http://127.0.0.1:${port}/` : undefined;
        }),
      );
      pgliteFloor.push(
        await timeToReady(
          ['--input-type=module', '-e', PGLITE_FLOOR],
          { DIR: fresh('pglite', i), SNAPSHOT },
          (out) => {
            const port = urlFromFloor(out);
            return port ? `http://127.0.0.1:${port}/` : undefined;
          },
        ),
      );
      console.log(
        `run ${i + 1}/${runs}: cold ${cold[i]?.toFixed(3)} s, warm ${warm[i]?.toFixed(3)} s, ` +
          `node floor ${nodeFloor[i]?.toFixed(3)} s, pglite floor ${pgliteFloor[i]?.toFixed(3)} s`,
      );
    }
    const ready = median(cold);
    result('startup', {
      ready_s: ready,
      warm_s: median(warm),
      node_floor_s: median(nodeFloor),
      pglite_floor_s: median(pgliteFloor),
      ratio_vs_pglite_floor: ready / median(pgliteFloor),
      target_s: TARGET_S,
      within_target: ready <= TARGET_S,
      runs,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
