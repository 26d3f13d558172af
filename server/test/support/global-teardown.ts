import { rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Removes what global-setup.ts made: the template database or the snapshot file. */
export default function globalTeardown(): void {
  const template = process.env.MAESTRO_TEST_TEMPLATE_DB;
  const url = process.env.DATABASE_URL;
  if (url && template && /^maestro_tpl_[0-9a-f]+$/.test(template)) {
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import pg from 'pg'; const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
         await c.connect(); await c.query('DROP DATABASE IF EXISTS ${template} WITH (FORCE)'); await c.end();`,
      ],
      { stdio: 'inherit' },
    );
  }
  const snapshot = process.env.MAESTRO_TEST_SNAPSHOT;
  if (snapshot) rmSync(snapshot, { force: true });
}
