/**
 * `npm run bench -- <name> [--quick]`: runs one benchmark. Each prints a ratio against a
 * baseline measured in the same run, and ends with `RESULT <name> key=value …`.
 */
import type { BenchOptions } from './lib.js';

const BENCHMARKS: Record<
  string,
  () => Promise<{ default: (options: BenchOptions) => Promise<void> }>
> = {
  startup: () => import('./startup.js'),
  'graphql-read': () => import('./graphql-read.js'),
  dispatch: () => import('./dispatch.js'),
  daemon: () => import('./daemon.js'),
  knowledge: () => import('./knowledge.js'),
};

const args = process.argv.slice(2);
const name = args.find((arg) => !arg.startsWith('-'));
const load = name ? BENCHMARKS[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [--quick]`);
  process.exit(2);
}
const bench = await load();
await bench.default({ quick: args.includes('--quick') });
