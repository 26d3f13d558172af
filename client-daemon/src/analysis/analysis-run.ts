import type { StudioCalls } from '../engine/studio-calls.js';
import { settled } from '../engine/studio-calls.js';
import { DaemonPostRepoAnalysisDocument } from '../generated/graphql.js';
import { analyzeRepository } from './analyze.js';
import type { GitRunner } from './files.js';
import { analysisPost, analyzerLabel, readWorkflow } from './post-analysis.js';
import { counted } from './summary.js';

export interface AnalysisRunOptions {
  /** A checkout of the project's base branch (the run's scratch worktree). */
  readonly dir: string;
  readonly git: GitRunner;
  readonly calls: StudioCalls;
  readonly lease: { readonly runId: string; readonly leaseVersion: number };
  /** A SYSTEM line in the run's output. */
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * A REPO_ANALYSIS run: the static analyzer reads the checkout, and its facts — the
 * RepoContext, the codebase, workflow and notes documents, the artifacts — are posted to Studio
 * under the run's lease. Returns the run's summary. Nothing here is an AI's answer.
 */
export async function performRepoAnalysis(
  options: AnalysisRunOptions,
): Promise<{ summary: string }> {
  const analysis = await analyzeRepository(options.dir, { git: options.git });
  const label = analyzerLabel(analysis);
  options.say(
    `${label}: ${counted(analysis.counts.files, 'file')}; ${analysis.languages.map((one) => one.name).join(', ') || 'no recognised language'}; ${counted(analysis.frameworks.length, 'framework')}; ${counted(analysis.counts.symbols, 'exported symbol')}`,
  );
  const post = analysisPost(analysis, await readWorkflow(options.dir, analysis));
  options.say(
    `posting the repository context, ${counted(post.contextFiles.length, 'context file')} and ${counted(post.artifacts.length, 'artifact')}`,
  );
  const { postRepoAnalysis: result } = await options.calls.persist(
    DaemonPostRepoAnalysisDocument,
    { input: { ...options.lease, ...post } },
    options.signal ? { signal: options.signal } : {},
  );
  settled(result);
  const files = `context files: ${result.contextFilesChanged ?? 0} changed, ${result.contextFilesUnchanged ?? 0} unchanged`;
  const artifacts = `artifacts: ${result.artifactsCreated ?? 0} created, ${result.artifactsUpdated ?? 0} updated, ${result.artifactsUnchanged ?? 0} unchanged, ${result.artifactsRemoved ?? 0} removed`;
  options.say(`${files}; ${artifacts}`);
  return {
    summary: `Analyzed by the ${label}: ${analysis.summary} Posted ${files}; ${artifacts}.`,
  };
}
