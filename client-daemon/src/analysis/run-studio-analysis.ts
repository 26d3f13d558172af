import { SignedOutError } from '../auth/token-source.js';
import { StudioError } from '../connection/studio-client.js';
import { callsForStudio } from '../engine/daemon-setup.js';
import { messageOf } from '../engine/run-executor.js';
import { DaemonStartRepoAnalysisDocument } from '../generated/graphql.js';
import { Git } from '../git/git.js';
import { readConfig } from '../home/config.js';
import { ProjectNotFound, resolveProject } from '../project/resolve-project.js';

export interface StudioAnalysisOptions {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the project is looked for (its repository's origin) when `projectId` is not given. */
  readonly cwd: string;
  readonly projectId: string | undefined;
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * `maestro analyze --studio`: asks Studio to analyze the project (startRepoAnalysis), which
 * queues a REPO_ANALYSIS run for a connected daemon, or names the one already open. Prints the
 * run's id (`--json`: one object). Exit 0, 1 on an error, 4 when Studio refuses the credentials
 * or the caller (analysis needs an architect, an admin or the owner).
 */
export async function runStudioAnalysis(options: StudioAnalysisOptions): Promise<0 | 1 | 4> {
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
    const { startRepoAnalysis } = await calls.request(DaemonStartRepoAnalysisDocument, {
      projectId,
    });
    const problem = startRepoAnalysis.userErrors[0];
    const run = startRepoAnalysis.run;
    if (problem || !run) {
      options.err(
        `error: ${problem?.message ?? 'Studio queued no run'}${problem ? ` (${problem.code})` : ''}`,
      );
      return 1;
    }
    const alreadyQueued = startRepoAnalysis.alreadyQueued ?? false;
    if (options.json) {
      options.out(JSON.stringify({ projectId, runId: run.id, status: run.status, alreadyQueued }));
      return 0;
    }
    options.err(
      alreadyQueued
        ? `an analysis of ${projectId} is already ${run.status.toLowerCase()}: no second one was queued`
        : `queued a repository analysis of ${projectId}; a connected daemon (maestro connect) does it`,
    );
    options.out(run.id);
    return 0;
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
