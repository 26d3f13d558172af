import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Migrates one database for the whole run; each test file then gets a copy of it (PostgreSQL:
 * `CREATE DATABASE … TEMPLATE`; PGlite: a loaded snapshot). The work runs in a child process
 * because jest loads this file outside its module mapper; the result reaches the test workers
 * through the environment.
 */
export default function globalSetup(): void {
  // Several jest projects use this setup; the first one prepares for the whole run.
  if (process.env.MAESTRO_TEST_SNAPSHOT || process.env.MAESTRO_TEST_TEMPLATE_DB) return;
  const script = fileURLToPath(new URL('./prepare-template.ts', import.meta.url));
  const output = execFileSync(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', '--no-warnings', script],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  for (const [name, value] of Object.entries(JSON.parse(output) as Record<string, string>)) {
    process.env[name] = value;
  }
}
