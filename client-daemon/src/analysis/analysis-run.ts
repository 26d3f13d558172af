import type { StudioCalls } from '../engine/studio-calls.js';
import { settled } from '../engine/studio-calls.js';
import { DaemonPostRepoAnalysisDocument } from '../generated/graphql.js';
import { analyzeRepository } from './analyze.js';
import type { GitRunner } from './files.js';
import {
  analysisPost,
  analyzerLabel,
  MAX_POSTED_ARTIFACTS,
  readWorkflow,
  type AnalysisPost,
} from './post-analysis.js';
import { counted } from './summary.js';
import type { RepoAnalysis } from './types.js';
import {
  PATTERNS_REQUEST,
  patternArtifacts,
  splitWrittenAnalysis,
  type WrittenAnalysis,
} from './written-patterns.js';

export interface AnalysisRunOptions {
  /** A checkout of the project's base branch (the run's scratch worktree). */
  readonly dir: string;
  readonly git: GitRunner;
  readonly calls: StudioCalls;
  readonly lease: { readonly runId: string; readonly leaseVersion: number };
  /** A SYSTEM line in the run's output. */
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal;
  /**
   * The session's AI provider, asked for the architecture summary and the code base's patterns
   * from the analyzer's facts;
   * none (the manual provider, or `analysis = static`): the analyzer's own summary is posted.
   */
  readonly writer?: ArchitectureWriter;
}

/** An AI provider that answers a text prompt (the run's provider, HARD tier). */
export interface ArchitectureWriter {
  /** The provider, and its model when known, as said in the output ("claude (opus)"). */
  readonly name: string;
  write(prompt: string): Promise<{ text: string; usage?: WriterUsage }>;
}

export interface WriterUsage {
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly model: string | undefined;
}

/** The provider's summary is cut to this many characters (Studio takes 20,000). */
export const MAX_WRITTEN_SUMMARY = 12_000;

/**
 * What the provider is asked: an architecture summary of the repository from the analyzer's
 * facts (the codebase document: languages, manifests, frameworks, directory map) and the
 * analyzer's own summary, then the code base's recurring patterns as a `json` block
 * (PATTERNS_REQUEST); it may read the checkout it runs in.
 */
export function architecturePrompt(facts: { summary: string; codebase: string }): string {
  return [
    'You are a software architect. Describe the architecture of the repository in this directory',
    'for the engineers and AI agents who will work on it: its parts and what each is for, how',
    'they depend on each other, the main flows, and the conventions a newcomer must follow.',
    'Read the code to check what the facts below suggest. Answer in Markdown, at most 600 words,',
    'with no preamble.',
    '',
    PATTERNS_REQUEST,
    '',
    "# The static analyzer's summary",
    '',
    facts.summary,
    '',
    facts.codebase,
  ].join('\n');
}

/**
 * A REPO_ANALYSIS run: the static analyzer reads the checkout, and its facts — the
 * RepoContext, the codebase, workflow and notes documents, the artifacts — are posted to Studio
 * under the run's lease. With a writer, the provider's answer replaces the analyzer's
 * architecture summary, labelled with the provider, and the patterns it names become PATTERN
 * artifacts (each checked against the checkout); a provider that fails costs only those.
 * The context files are always the analyzer's (deterministic: no change, no new version).
 */
export async function performRepoAnalysis(
  options: AnalysisRunOptions,
): Promise<{ summary: string; usage?: WriterUsage }> {
  const analysis = await analyzeRepository(options.dir, { git: options.git });
  const label = analyzerLabel(analysis);
  options.say(
    `${label}: ${counted(analysis.counts.files, 'file')}; ${analysis.languages.map((one) => one.name).join(', ') || 'no recognised language'}; ${counted(analysis.frameworks.length, 'framework')}; ${counted(analysis.counts.symbols, 'exported symbol')}`,
  );
  const post = analysisPost(analysis, await readWorkflow(options.dir, analysis));
  let usage: WriterUsage | undefined;
  let writtenBy: string | undefined;
  let patterns: number | undefined;
  if (options.writer) {
    const writer = options.writer;
    options.say(`asking ${writer.name} for the architecture summary and patterns`);
    try {
      const codebase = post.contextFiles.find((file) => file.kind === 'CODEBASE')?.content ?? '';
      const answer = await writer.write(
        architecturePrompt({ summary: analysis.summary, codebase }),
      );
      usage = answer.usage;
      const written = splitWrittenAnalysis(answer.text);
      let text = written.summary;
      if (text.length > MAX_WRITTEN_SUMMARY) text = `${text.slice(0, MAX_WRITTEN_SUMMARY - 1)}…`;
      patterns = await takePatterns(written, post, { ...options, analysis, writer: writer.name });
      if (text) {
        writtenBy = writer.name;
        post.repoContext = {
          ...post.repoContext,
          architectureSummary: `${text}\n\n(Written by ${writer.name} from the ${label}'s facts and the code.)`,
        };
      } else {
        options.say(`${writer.name} wrote no summary; the ${label}'s is posted`);
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      options.say(
        `${writer.name} failed (${error instanceof Error ? error.message : String(error)}); the ${label}'s facts are posted alone`,
      );
    }
  }
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
  const written = [
    ...(writtenBy ? ['the architecture summary'] : []),
    ...(patterns !== undefined ? [counted(patterns, 'pattern')] : []),
  ];
  const by = written.length
    ? `the ${label}, with ${written.join(' and ')} by ${options.writer?.name ?? ''}`
    : `the ${label}`;
  return {
    summary: `Analyzed by ${by}: ${analysis.summary} Posted ${files}; ${artifacts}.`,
    ...(usage ? { usage } : {}),
  };
}

/**
 * The provider's patterns block into the post: its PATTERN artifacts first (the symbols' give
 * way past MAX_POSTED_ARTIFACTS) and replacesPatterns when they replace the project's; each
 * outcome said in the run's output. Returns how many were taken, or undefined when the
 * project's patterns stay as they are.
 */
async function takePatterns(
  written: WrittenAnalysis,
  post: AnalysisPost,
  context: { dir: string; analysis: RepoAnalysis; writer: string; say: (line: string) => void },
): Promise<number | undefined> {
  const { writer, say } = context;
  if (written.error) {
    say(`${writer}'s patterns block is ${written.error}; the earlier patterns are kept`);
    return undefined;
  }
  if (written.patterns === undefined) {
    say(`${writer} gave no patterns block; the earlier patterns are kept`);
    return undefined;
  }
  const found = await patternArtifacts(written.patterns, context);
  for (const reason of found.dropped) say(`dropped ${reason}`);
  if (!found.replaces) {
    say(`none of ${writer}'s patterns held up; the earlier patterns are kept`);
    return undefined;
  }
  post.artifacts = [
    ...found.artifacts,
    ...post.artifacts.slice(0, MAX_POSTED_ARTIFACTS - found.artifacts.length),
  ];
  post.replacesPatterns = true;
  say(`${writer} named ${counted(found.artifacts.length, 'pattern')}`);
  return found.artifacts.length;
}
