// What the knowledge browser's tests need besides the dashboard: a real repository (the
// polyglot fixture the daemon's analysis tests use) pushed to a local bare origin, a project on
// it, and a real `maestro connect` daemon signed in to the dashboard's Studio with a CLI invite.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type Dashboard } from './dashboard.js';
import { DaemonProcess, daemonEnv, git } from './daemon.js';

const exec = promisify(execFile);
/** A TypeScript/React package, a Python (FastAPI) service and a Go (Gin) worker. */
export const POLYGLOT_FIXTURE = path.join(ROOT, 'client-daemon/test/fixtures/polyglot-repo');

async function commitAndPush(clone: string, message: string): Promise<void> {
  await git(clone, 'add', '-A');
  await git(
    clone,
    '-c',
    'user.name=Fixture',
    '-c',
    'user.email=fixture@maestro.test',
    'commit',
    '-q',
    '-m',
    message,
  );
  await git(clone, 'push', '-q', 'origin', 'main');
}

export interface FixtureRepository {
  /** The bare origin: the project's remoteUrl. */
  readonly origin: string;
  /** A working clone, where the daemon runs and changes are made. */
  readonly clone: string;
  /** Adds an npm script to web/package.json and pushes it (the workflow file changes). */
  addLintScript(): Promise<void>;
}

/** The fixture committed to a fresh repository and pushed to a bare origin under `dir`. */
export async function polyglotRepository(dir: string): Promise<FixtureRepository> {
  const origin = path.join(dir, 'origin.git');
  await exec('git', ['init', '-q', '--bare', '--initial-branch=main', origin]);
  const clone = path.join(dir, 'clone');
  await mkdir(clone);
  await cp(POLYGLOT_FIXTURE, clone, { recursive: true });
  await git(clone, 'init', '-q', '--initial-branch=main');
  await git(clone, 'remote', 'add', 'origin', origin);
  await commitAndPush(clone, 'the polyglot shop');
  return {
    origin,
    clone,
    addLintScript: async () => {
      const manifest = path.join(clone, 'web', 'package.json');
      const parsed = JSON.parse(await readFile(manifest, 'utf8')) as {
        scripts: Record<string, string>;
      };
      parsed.scripts['lint'] = 'eslint src';
      await writeFile(manifest, `${JSON.stringify(parsed, null, 2)}\n`);
      await commitAndPush(clone, 'a lint script');
    },
  };
}

/** Creates a project on `remoteUrl` in the dashboard's workspace, through the API. */
export async function createProject(
  dashboard: Dashboard,
  name: string,
  remoteUrl: string,
): Promise<string> {
  const { createProject } = await dashboard.graphql<{
    createProject: { project: { id: string } | null; userErrors: { message: string }[] };
  }>(
    'mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } userErrors { message } } }',
    { i: { workspaceId: dashboard.workspaceId, name, remoteUrl } },
  );
  if (!createProject.project) {
    throw new Error(`createProject failed: ${JSON.stringify(createProject.userErrors)}`);
  }
  return createProject.project.id;
}

/**
 * `maestro connect` in the clone, analysing with the static analyzer only (no provider is
 * asked), so what the pages show is the analyzer's facts.
 */
export function analystDaemon(home: string, clone: string): DaemonProcess {
  return new DaemonProcess(
    'analyst-bot',
    ['--provider', 'claude', '--name', 'analyst-bot'],
    daemonEnv(home, { MAESTRO_ANALYSIS: 'static' }),
    clone,
  );
}
