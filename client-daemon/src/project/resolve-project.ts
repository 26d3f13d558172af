import { createInterface } from 'node:readline/promises';
import { normalizeRemote, RemoteError } from '@maestro/shared';
import type { Git } from '../git/git.js';
import { CreateProjectDocument, DaemonProjectsByRemoteDocument } from '../generated/graphql.js';
import { readProjects, rememberProjects, type KnownProject } from '../home/projects.js';
import { settled, type StudioCalls } from '../engine/studio-calls.js';

/** Why a project could not be resolved, said plainly (exit code 1). */
export class ProjectNotFound extends Error {}

export interface ResolveOptions {
  readonly home: string;
  readonly git: Git;
  /** The directory `maestro connect` runs in. */
  readonly cwd: string;
  readonly studio: string;
  readonly workspaceId: string;
  readonly calls: StudioCalls;
  /** Whether a person can be asked (stdin and stderr are terminals). */
  readonly interactive: boolean;
  readonly err: (line: string) => void;
}

/**
 * The project of the repository in `cwd`: its origin normalized to `<host>:<owner>/<repo>`,
 * looked up in projects.toml, then in Studio (`projectsByRemote`), and — when a person is
 * there to say yes — created. What is found is remembered in projects.toml with the clone's path.
 */
export async function resolveProject(options: ResolveOptions): Promise<KnownProject> {
  const top = await options.git.attempt(options.cwd, 'rev-parse', '--show-toplevel');
  if (!top.ok) {
    throw new ProjectNotFound(
      `${options.cwd} is not in a git repository: run maestro connect in a clone of the project, or use --all`,
    );
  }
  const root = top.stdout;
  const origin = await options.git.attempt(root, 'remote', 'get-url', 'origin');
  if (!origin.ok || origin.stdout === '') {
    throw new ProjectNotFound(`the repository at ${root} has no remote "origin"`);
  }
  let normalized: string;
  try {
    normalized = normalizeRemote(origin.stdout).normalized;
  } catch (error) {
    if (error instanceof RemoteError)
      throw new ProjectNotFound(`origin (${origin.stdout}) ${error.message}`);
    throw error;
  }
  const known = (await readProjects(options.home)).find(
    (project) => project.remote === normalized && project.studio === options.studio,
  );
  if (known) {
    return remember(options, { ...known, path: root });
  }
  const { projectsByRemote } = await options.calls.request(DaemonProjectsByRemoteDocument, {
    remoteUrl: origin.stdout,
  });
  const mine =
    projectsByRemote.find((project) => project.workspace.id === options.workspaceId) ??
    projectsByRemote[0];
  if (mine) {
    return remember(options, {
      id: mine.id,
      name: mine.name,
      studio: options.studio,
      remote: mine.normalizedRemote,
      path: root,
    });
  }
  if (!options.interactive) {
    throw new ProjectNotFound(
      `no project on ${options.studio} is linked to ${normalized}: create it in Studio (or run maestro connect in a terminal to create it here)`,
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt
    .question(`No project on ${options.studio} is linked to ${normalized}. Create it? [y/N] `)
    .finally(() => prompt.close());
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new ProjectNotFound(`no project for ${normalized}; nothing was created`);
  }
  const { createProject } = await options.calls.request(CreateProjectDocument, {
    input: { workspaceId: options.workspaceId, remoteUrl: origin.stdout },
  });
  const created = settled(createProject).project;
  if (!created) throw new ProjectNotFound('Studio created no project');
  options.err(`created the project ${created.name}`);
  return remember(options, {
    id: created.id,
    name: created.name,
    studio: options.studio,
    remote: created.normalizedRemote,
    path: root,
  });
}

async function remember(options: ResolveOptions, project: KnownProject): Promise<KnownProject> {
  await rememberProjects(options.home, [project]);
  return project;
}
