import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where the daemon keeps its state: MAESTRO_HOME, else ~/.maestro. */
export function maestroHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.MAESTRO_HOME?.trim();
  return path.resolve(home ? home : path.join(os.homedir(), '.maestro'));
}

/** The files under the home (DESIGN §9). */
export function homePaths(home: string) {
  return {
    home,
    config: path.join(home, 'config.toml'),
    projects: path.join(home, 'projects.toml'),
    machineId: path.join(home, 'machine.id'),
    credentials: path.join(home, 'credentials'),
    logs: path.join(home, 'logs'),
    worktrees: path.join(home, 'worktrees'),
  };
}

/** Creates the home (owner-only) if it is missing. */
export async function ensureHome(home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
}

/** Writes a file the owner alone may read, replacing it whole. */
export async function writePrivate(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** `m-` and 24 hex digits: what Studio accepts as a machine id (`A-Za-z0-9._:-`, ≤ 128). */
const MACHINE_ID = /^m-[0-9a-f]{24}$/;

/**
 * This machine's stable id: read from machine.id, made once when there is none (or it was
 * mangled). Studio records sessions and CLI logins against it.
 */
export async function machineId(home: string): Promise<string> {
  const file = homePaths(home).machineId;
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (MACHINE_ID.test(existing)) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await ensureHome(home);
  const id = `m-${randomBytes(12).toString('hex')}`;
  await writePrivate(file, `${id}\n`);
  return id;
}
