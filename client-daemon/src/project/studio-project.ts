import { SignedOutError } from '../auth/token-source.js';
import { StudioError } from '../connection/studio-client.js';
import { callsForStudio } from '../engine/daemon-setup.js';
import { messageOf } from '../engine/run-executor.js';
import type { StudioCalls } from '../engine/studio-calls.js';
import { Git } from '../git/git.js';
import { readConfig } from '../home/config.js';
import { ProjectNotFound, resolveProject } from './resolve-project.js';

/** Where a one-shot command finds its Studio and project. */
export interface StudioProjectOptions {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the project is looked for (its repository's origin) when `projectId` is not given. */
  readonly cwd: string;
  readonly projectId: string | undefined;
  readonly err: (line: string) => void;
}

/** Exit codes (CONVENTIONS): 0 ok, 1 error, 4 authentication. */
export type StudioExit = 0 | 1 | 4;

/**
 * Runs a one-shot command against this machine's Studio and a project: `--project`, or the one
 * the repository in `cwd` belongs to (its origin, through projects.toml, then Studio; never
 * created here). Studio refusing the credentials or the caller is exit 4, naming what to do; a
 * project that cannot be found or another Studio error is exit 1.
 */
export async function withStudioProject(
  options: StudioProjectOptions,
  work: (calls: StudioCalls, projectId: string) => Promise<StudioExit>,
): Promise<StudioExit> {
  const config = await readConfig(options.home);
  const studio = options.env.MAESTRO_STUDIO_URL?.trim() || config.studio;
  if (!studio) {
    options.err('this machine is not connected to a Studio: run maestro auth <token> first');
    return 1;
  }
  try {
    const { calls, identity } = await callsForStudio(
      options.home,
      options.env,
      studio,
      options.err,
    );
    const projectId =
      options.projectId ??
      (
        await resolveProject({
          home: options.home,
          git: new Git(options.env),
          cwd: options.cwd,
          studio,
          workspaceId: identity?.workspaceId ?? '',
          calls,
          interactive: false,
          err: options.err,
        })
      ).id;
    return await work(calls, projectId);
  } catch (error) {
    if (
      error instanceof SignedOutError ||
      (error instanceof StudioError && ['UNAUTHENTICATED', 'FORBIDDEN'].includes(error.code ?? ''))
    ) {
      options.err(
        error instanceof StudioError && error.code === 'FORBIDDEN'
          ? `${error.message} (FORBIDDEN)`
          : `${messageOf(error)}: run maestro auth <token> again`,
      );
      return 4;
    }
    if (error instanceof ProjectNotFound || error instanceof StudioError) {
      options.err(
        error instanceof StudioError && error.code
          ? `error: ${error.message} (${error.code})`
          : `error: ${messageOf(error)}`,
      );
      return 1;
    }
    throw error;
  }
}
