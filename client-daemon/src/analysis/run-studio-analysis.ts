import { DaemonStartRepoAnalysisDocument } from '../generated/graphql.js';
import { withStudioProject, type StudioExit } from '../project/studio-project.js';

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
export async function runStudioAnalysis(options: StudioAnalysisOptions): Promise<StudioExit> {
  return withStudioProject(options, async (calls, projectId) => {
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
  });
}
