import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';

/**
 * The key material for tokens: MAESTRO_SECRET when set; in embedded mode, generated once and
 * kept (mode 0600) in the data directory, so tokens survive restarts.
 */
export async function resolveSecret(config: Config): Promise<string> {
  if (config.secret !== undefined) return config.secret;
  const file = path.join(config.dataDir, 'secret');
  try {
    const stored = (await fs.readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  await fs.mkdir(config.dataDir, { recursive: true });
  await fs.writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
