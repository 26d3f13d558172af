import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'smol-toml';
import { ensureHome, homePaths, writePrivate } from './paths.js';

/** A project this machine may work on, keyed by its normalized remote. */
export interface KnownProject {
  readonly id: string;
  readonly name: string;
  readonly studio: string;
  /** `<host>:<owner>/<repo>` or `local:<path>`, as Studio normalizes remotes. */
  readonly remote: string;
  /** Where its clone lives on this machine, once known. */
  readonly path?: string;
  /** The name its sessions take. */
  readonly bot?: string;
}

export async function readProjects(home: string): Promise<KnownProject[]> {
  let text: string;
  try {
    text = await readFile(homePaths(home).projects, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const raw = parse(text) as { projects?: Record<string, Omit<KnownProject, 'remote'>> };
  return Object.entries(raw.projects ?? {}).map(([remote, project]) => ({ ...project, remote }));
}

/** Merges `found` into projects.toml (by remote and Studio), keeping paths and bot names. */
export async function rememberProjects(
  home: string,
  found: KnownProject[],
): Promise<KnownProject[]> {
  const known = await readProjects(home);
  const byRemote = new Map(known.map((project) => [project.remote, project]));
  for (const project of found) {
    const before = byRemote.get(project.remote);
    byRemote.set(project.remote, { ...before, ...project });
  }
  const all = [...byRemote.values()].sort((a, b) => a.remote.localeCompare(b.remote));
  await ensureHome(home);
  await writePrivate(
    homePaths(home).projects,
    stringify({
      projects: Object.fromEntries(all.map(({ remote, ...rest }) => [remote, rest])),
    }),
  );
  return all;
}
