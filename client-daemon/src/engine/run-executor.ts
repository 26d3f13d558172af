import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performRepoAnalysis, type ArchitectureWriter } from '../analysis/analysis-run.js';
import { bootstrapEpic, cleanupBranches, mergeTask, releaseEpic } from '../git/deterministic.js';
import type { Git } from '../git/git.js';
import type { TaskWorktree, Worktrees } from '../git/worktrees.js';
import {
  DaemonCompleteRunDocument,
  DaemonFailRunDocument,
  DaemonKnowledgeHintsDocument,
  DaemonProjectPatternsDocument,
  DaemonPauseRunDocument,
  DaemonTaskCommentsDocument,
  type CompleteRunInput,
  type FailRunInput,
  type PauseRunInput,
} from '../generated/graphql.js';
import type { ProviderOutcome } from '../providers/output.js';
import type { Provider, ProviderPurpose, ProviderResult } from '../providers/provider.js';
import type { Logger } from './logger.js';
import {
  executionPrompt,
  reviewPrompt,
  textPrompt,
  type DaemonRun,
  type PromptArtifact,
  type PromptComment,
} from './prompts.js';
import { planningPrompt, postPlanningReply, postsToPlanChat } from './planning-post.js';
import { RunReporter, type Lease } from './run-reporter.js';
import { settled, UserErrorsFailure, type StudioCalls } from './studio-calls.js';

type Unleased<T> = Omit<T, 'runId' | 'leaseVersion'>;
/** What a run's end is reported with. */
type FinalReport =
  | { readonly how: 'complete'; readonly input: Unleased<CompleteRunInput> }
  | { readonly how: 'fail'; readonly input: Unleased<FailRunInput> }
  | { readonly how: 'pause'; readonly input: Unleased<PauseRunInput> };

/** How a run ended on this machine. */
export type RunEnd =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly reason: string }
  /** A provider's rate limit: the run waits in the queue until then. */
  | { readonly kind: 'paused'; readonly until: Date }
  /** The daemon is stopping: the run went back to the queue without counting an attempt. */
  | { readonly kind: 'handed-back' }
  /** Another session holds the run now; nothing was reported. */
  | { readonly kind: 'stale' };

export interface ExecutorOptions {
  readonly calls: StudioCalls;
  readonly git: Git;
  readonly worktrees: Worktrees;
  /** The provider for a run (the reviewer's for a REVIEW when the project names one). */
  readonly providerFor: (run: DaemonRun, purpose: ProviderPurpose) => Provider;
  /** The model for a run: the one Studio chose, else the configured one for its tier. */
  readonly modelFor: (run: DaemonRun) => string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** Called when a provider process starts (latency measurement, the TUI). */
  readonly onSpawn?: (run: DaemonRun, pid: number | undefined) => void;
  /** REPO_ANALYSIS: the static analyzer alone, even with an AI provider (`analysis = static`). */
  readonly staticAnalysis?: boolean;
}

/** What a run's purpose asks of the daemon. */
type Work = { summary: string; usage?: Usage; attended?: boolean };
interface Usage {
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly model: string | undefined;
}

/** A run that did not succeed, with what to report. */
class RunFailure extends Error {
  constructor(
    message: string,
    readonly details: { usage?: Usage; exitCode?: number | null; conflictFiles?: string[] } = {},
  ) {
    super(message);
  }
}

/** A provider that hit its rate limit. */
class RateLimited extends Error {
  constructor(
    readonly until: Date,
    message: string,
  ) {
    super(message);
  }
}

/** Stopped (the daemon is stopping, or the lease went stale). */
class Interrupted extends Error {}

const SUMMARY_CHARS = 8_000;
/** How many knowledge artifacts an EXECUTION prompt lists ("Reuse before writing"). */
const KNOWLEDGE_HINTS = 5;
/** The project's patterns an EXECUTION or REVIEW prompt lists, at most (analysis names up to 12). */
const PROMPT_PATTERNS = 12;
/** knowledgeSearch takes queries of at most 1,000 characters. */
const KNOWLEDGE_QUERY_CHARS = 1000;

/**
 * Does one claimed run and reports it under its lease: the deterministic runs with git
 * itself, the rest with a provider in the task's worktree (or a throwaway one). Work is
 * committed and pushed before the run is completed; a worktree is removed only once pushed.
 */
export class RunExecutor {
  constructor(private readonly options: ExecutorOptions) {}

  async perform(run: DaemonRun, leaseVersion: number, stop: AbortSignal): Promise<RunEnd> {
    const lease: Lease = { runId: run.id, leaseVersion };
    const log = this.options.log.child({ run: run.id, purpose: run.purpose });
    const abort = new AbortController();
    const onStop = () => abort.abort('stopping');
    stop.addEventListener('abort', onStop, { once: true });
    const reporter = new RunReporter(this.options.calls, lease, log, () => abort.abort('stale'));
    log.info('run started', { task: run.task?.title, attempt: run.attempt });
    try {
      // the first heartbeat (CLAIMED → RUNNING) goes out while the work is prepared
      const started = reporter.start();
      const work = await this.work(run, reporter, abort.signal, log);
      await started;
      await reporter.stop();
      if (reporter.stale) return { kind: 'stale' };
      await this.finish(lease, {
        how: 'complete',
        input: {
          summary: work.summary.slice(0, SUMMARY_CHARS),
          exitCode: 0,
          attended: work.attended ?? false,
          ...usageOf(work.usage),
        },
      });
      log.info('run completed', {
        tokensIn: work.usage?.tokensIn,
        tokensOut: work.usage?.tokensOut,
      });
      return { kind: 'completed' };
    } catch (error) {
      reporter.line(`maestro: ${messageOf(error)}`, 'SYSTEM');
      await reporter.stop();
      if (reporter.stale || abort.signal.reason === 'stale') return { kind: 'stale' };
      if (error instanceof Interrupted || abort.signal.reason === 'stopping') {
        // back to the queue at once, without counting an attempt
        await this.finish(lease, {
          how: 'pause',
          input: {
            resumeAt: new Date(Date.now() + 1_000).toISOString(),
            reason: 'the daemon running it stopped',
          },
        });
        log.info('run handed back: the daemon is stopping');
        return { kind: 'handed-back' };
      }
      if (error instanceof RateLimited) {
        await this.finish(lease, {
          how: 'pause',
          input: { resumeAt: error.until.toISOString(), reason: error.message },
        });
        log.warn('run paused for a rate limit', { until: error.until.toISOString() });
        return { kind: 'paused', until: error.until };
      }
      const details = error instanceof RunFailure ? error.details : {};
      const reason = messageOf(error).slice(0, 4_000);
      await this.finish(lease, {
        how: 'fail',
        input: {
          reason,
          ...(details.exitCode !== undefined && details.exitCode !== null
            ? { exitCode: details.exitCode }
            : {}),
          ...(details.conflictFiles ? { conflictFiles: details.conflictFiles } : {}),
          ...usageOf(details.usage),
        },
      });
      log.warn('run failed', { reason });
      return { kind: 'failed', reason };
    } finally {
      stop.removeEventListener('abort', onStop);
    }
  }

  /** The last word on a run, retried until Studio answers; a stale lease is not an error. */
  private async finish(lease: Lease, report: FinalReport): Promise<void> {
    const calls = this.options.calls;
    const options = {
      onRetry: (error: unknown) =>
        this.options.log.warn('Studio unreachable; retrying the report', {
          run: lease.runId,
          error: messageOf(error),
        }),
    };
    try {
      switch (report.how) {
        case 'complete': {
          const input: CompleteRunInput = { ...lease, ...report.input };
          settled((await calls.persist(DaemonCompleteRunDocument, { input }, options)).completeRun);
          return;
        }
        case 'fail': {
          const input: FailRunInput = { ...lease, ...report.input };
          settled((await calls.persist(DaemonFailRunDocument, { input }, options)).failRun);
          return;
        }
        case 'pause': {
          const input: PauseRunInput = { ...lease, ...report.input };
          settled((await calls.persist(DaemonPauseRunDocument, { input }, options)).pauseRun);
          return;
        }
      }
    } catch (error) {
      if (error instanceof UserErrorsFailure) {
        // STALE_LEASE (another session has it), or a run cancelled meanwhile: nothing to add
        this.options.log.warn(`${report.how} refused`, {
          run: lease.runId,
          code: error.code,
          error: error.message,
        });
        return;
      }
      throw error;
    }
  }

  private async work(
    run: DaemonRun,
    reporter: RunReporter,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Work> {
    const git = run.git;
    if (!git)
      throw new RunFailure(`a ${run.purpose} run needs the plan's branches; Studio sent none`);
    const { worktrees } = this.options;
    const projectId = run.project.id;
    const epic = git.epicBranch;
    const needEpic = (): string => {
      if (!epic) throw new RunFailure(`a ${run.purpose} run needs the plan's epic branch`);
      return epic;
    };
    const needTask = (): string => {
      if (!git.taskBranch || !run.task)
        throw new RunFailure(`a ${run.purpose} run needs a task and its branch`);
      return git.taskBranch;
    };
    const say = (line: string) => reporter.line(line, 'SYSTEM');
    switch (run.purpose) {
      case 'BOOTSTRAP_EPIC':
        return this.inScratch(run, git.baseBranch, async (dir) => {
          await bootstrapEpic(this.options.git, dir, { base: git.baseBranch, epic: needEpic() });
          say(`${needEpic()} is on origin, from ${git.baseBranch}`);
          return { summary: `Started ${needEpic()} from ${git.baseBranch}` };
        });
      case 'MERGE':
        return this.inScratch(run, git.baseBranch, async (dir) => {
          const task = needTask();
          const outcome = await mergeTask(this.options.git, dir, {
            base: git.baseBranch,
            epic: needEpic(),
            task,
          });
          if (!outcome.merged) {
            throw new RunFailure(`MERGE CONFLICT in ${outcome.conflicts.join(', ')}`, {
              conflictFiles: [...outcome.conflicts],
            });
          }
          say(`merged ${task} into ${needEpic()} (--no-ff) and pushed`);
          return { summary: `Merged ${task} into ${needEpic()}` };
        });
      case 'RELEASE':
        return this.inScratch(run, git.baseBranch, async (dir) => {
          await releaseEpic(this.options.git, dir, { base: git.baseBranch, epic: needEpic() });
          say(`merged ${needEpic()} into ${git.baseBranch} (--no-ff) and pushed`);
          return { summary: `Released ${needEpic()} into ${git.baseBranch}` };
        });
      case 'RELEASE_CLEANUP':
        return this.inScratch(run, git.baseBranch, async (dir) => {
          const listed = run.instructions?.branches;
          const branches = Array.isArray(listed) ? listed.map(String) : [];
          const outcome = await cleanupBranches(this.options.git, dir, {
            base: git.baseBranch,
            epic: needEpic(),
            delete: branches,
          });
          const local = await worktrees.removeReleased(projectId, branches, git.baseBranch);
          for (const name of outcome.deleted) say(`deleted ${name} on origin`);
          for (const name of outcome.kept)
            say(`kept ${name}: it holds commits in neither ${git.baseBranch} nor ${needEpic()}`);
          for (const dir of local.kept)
            say(`kept the worktree ${dir}: it has work not in ${git.baseBranch}`);
          return {
            summary: `Deleted ${outcome.deleted.length} branches${outcome.kept.length ? `; kept ${outcome.kept.join(', ')}` : ''}; removed ${local.removed.length} worktrees`,
          };
        });
      case 'REPO_ANALYSIS':
        return this.inScratch(run, git.baseBranch, (dir) =>
          performRepoAnalysis({
            dir,
            git: this.options.git,
            calls: this.options.calls,
            lease: reporter.lease,
            say,
            signal,
            ...this.architectureWriter(run, dir, reporter, signal),
          }),
        );
      case 'EXECUTION':
        return this.execute(run, needTask(), needEpic(), reporter, signal, log);
      case 'REVIEW':
        return this.review(run, needTask(), needEpic(), reporter, signal);
      default:
        return this.inScratch(run, epic ?? git.baseBranch, async (dir) => {
          const prompt = planningPrompt(run) ?? textPrompt(run);
          const result = await this.provide(run, 'text', prompt, dir, reporter, signal);
          // PLANNING and REFINE replies go into the plan's conversation before completing
          if (postsToPlanChat(run))
            await postPlanningReply(this.options.calls, reporter.lease, result.outcome.text, log);
          return { summary: result.outcome.text, usage: result.outcome };
        });
    }
  }

  /**
   * The session's provider as the writer of a REPO_ANALYSIS run's architecture summary and
   * patterns (text purpose, in the checkout), unless it is a person (manual) or
   * `analysis = static`.
   */
  private architectureWriter(
    run: DaemonRun,
    dir: string,
    reporter: RunReporter,
    signal: AbortSignal,
  ): { writer?: ArchitectureWriter } {
    const provider = this.options.providerFor(run, 'text');
    if (this.options.staticAnalysis || provider.name === 'manual') return {};
    const model = this.options.modelFor(run);
    return {
      writer: {
        name: `${provider.name}${model ? ` (${model})` : ''}`,
        write: async (prompt) => {
          const { outcome } = await this.provide(run, 'text', prompt, dir, reporter, signal);
          return { text: outcome.text, usage: outcome };
        },
      },
    };
  }

  /** The task's work: its worktree, the provider, then commit and push. */
  private async execute(
    run: DaemonRun,
    branch: string,
    epic: string,
    reporter: RunReporter,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Work> {
    const git = run.git as NonNullable<DaemonRun['git']>;
    const task = run.task as NonNullable<DaemonRun['task']>;
    // looked up while the worktree is made, so it adds nothing to the wait for the provider
    const knowledge = this.knowledgeFor(run.project.id, task);
    const worktree = await this.options.worktrees.prepare(run.project.id, task.id, {
      remoteUrl: git.remoteUrl,
      task: branch,
      epic,
    });
    reporter.line(
      `worktree ${worktree.dir} on ${branch} (${worktree.reused ? 'from origin' : `new, from ${epic}`})`,
      'SYSTEM',
    );
    const conflicts =
      run.instructions?.kind === 'RESOLVE_CONFLICT' ? await this.mergeEpic(worktree, epic) : [];
    const comments = task.revisionCount > 0 || run.instructions ? await this.comments(task.id) : [];
    const prompt = executionPrompt(run, { comments, conflicts, ...(await knowledge) });
    const provider = this.options.providerFor(run, 'work');
    const result = await this.provide(run, 'work', prompt, worktree.dir, reporter, signal);
    if (conflicts.length > 0) await this.concludeMerge(worktree, epic, conflicts);
    const { head } = await this.options.worktrees.commitAndPush(
      worktree,
      `${task.title}\n\nMaestro run ${run.id}`,
    );
    reporter.line(`pushed ${branch} at ${head.slice(0, 12)}`, 'SYSTEM');
    const removal = await this.options.worktrees.remove(worktree);
    if (!removal.removed)
      log.warn('worktree kept', { dir: worktree.dir, because: removal.because });
    return {
      summary: result.outcome.text || `${provider.name} finished ${task.title}`,
      usage: result.outcome,
      attended: provider.name === 'manual',
    };
  }

  /** A conflict to resolve: the epic merged into the task branch, conflicts left for the agent. */
  private async mergeEpic(worktree: TaskWorktree, epic: string): Promise<string[]> {
    const git = this.options.git;
    await git.run(worktree.dir, 'fetch', '-q', 'origin');
    const merged = await git.attempt(
      worktree.dir,
      'merge',
      '--no-ff',
      '-m',
      `Merge ${epic} into ${worktree.branch}`,
      `origin/${epic}`,
    );
    if (merged.ok) return [];
    const files = (await git.run(worktree.dir, 'diff', '--name-only', '--diff-filter=U'))
      .split('\n')
      .filter(Boolean);
    if (files.length === 0) throw new RunFailure(`merging ${epic} failed: ${merged.stderr.trim()}`);
    return files;
  }

  /**
   * After the agent resolved the conflicts: no conflict markers may be left in the files that
   * were in conflict (git still lists them as unmerged until they are added), then the merge
   * is committed with everything else the agent changed.
   */
  private async concludeMerge(
    worktree: TaskWorktree,
    epic: string,
    conflicts: readonly string[],
  ): Promise<void> {
    const git = this.options.git;
    const unresolved: string[] = [];
    for (const file of conflicts) {
      const text = await readFile(path.join(worktree.dir, file), 'utf8').catch(() => '');
      if (/^(<{7}|>{7})( |$)/m.test(text) || /^={7}$/m.test(text)) unresolved.push(file);
    }
    if (unresolved.length > 0) {
      await git.attempt(worktree.dir, 'merge', '--abort');
      throw new RunFailure(
        `the conflicts merging ${epic} are not resolved in ${unresolved.join(', ')}`,
      );
    }
    await git.run(worktree.dir, 'add', '-A');
    const merging = await git.attempt(worktree.dir, 'rev-parse', '-q', '--verify', 'MERGE_HEAD');
    if (merging.ok) await git.run(worktree.dir, 'commit', '-q', '--no-edit');
  }

  /** A review: the diff of the task branch against the epic, judged by the (reviewer's) provider. */
  private async review(
    run: DaemonRun,
    branch: string,
    epic: string,
    reporter: RunReporter,
    signal: AbortSignal,
  ): Promise<Work> {
    const patterns = this.patternsOf(run.project.id);
    return this.inScratch(run, branch, async (dir) => {
      const diff = await this.options.git.run(dir, 'diff', `origin/${epic}...origin/${branch}`);
      const result = await this.provide(
        run,
        'text',
        reviewPrompt(run, diff, await patterns),
        dir,
        reporter,
        signal,
      );
      return { summary: result.outcome.text, usage: result.outcome };
    });
  }

  /** Runs the provider, streaming its lines; a failure, rate limit or stop is thrown. */
  private async provide(
    run: DaemonRun,
    purpose: ProviderPurpose,
    prompt: string,
    workdir: string,
    reporter: RunReporter,
    signal: AbortSignal,
  ): Promise<ProviderResult> {
    const provider = this.options.providerFor(run, purpose);
    const model = this.options.modelFor(run);
    reporter.line(`${provider.name}${model ? ` (${model})` : ''} in ${workdir}`, 'SYSTEM');
    const result = await provider.run({
      purpose,
      prompt,
      workdir,
      model,
      env: this.options.env,
      signal,
      onLine: (reading) => {
        for (const line of reading.display) reporter.line(line);
        // directives come from the developer's work; a reviewer or planner only answers
        if (purpose === 'work')
          for (const directive of reading.subtasks) reporter.subtask(directive);
      },
      onSpawn: (pid) => this.options.onSpawn?.(run, pid),
    });
    const outcome = { ...result.outcome, model: result.outcome.model ?? model };
    if (result.aborted || signal.aborted) throw new Interrupted(`${provider.name} was stopped`);
    const failed =
      outcome.failed ?? (result.exitCode !== 0 ? exitText(provider.name, result) : undefined);
    if (failed !== undefined) {
      if (outcome.rateLimitedUntil) throw new RateLimited(outcome.rateLimitedUntil, failed);
      throw new RunFailure(failed, { usage: outcome, exitCode: result.exitCode });
    }
    return { ...result, outcome };
  }

  private async inScratch(
    run: DaemonRun,
    ref: string,
    body: (dir: string) => Promise<Work>,
  ): Promise<Work> {
    const git = run.git as NonNullable<DaemonRun['git']>;
    const dir = await this.options.worktrees.scratch(run.project.id, run.id, git.remoteUrl, ref);
    try {
      return await body(dir);
    } finally {
      await this.options.worktrees.dropScratch(run.project.id, dir);
    }
  }

  /**
   * The project's knowledge artifacts nearest the task (its title and description), for the
   * prompt's "Reuse before writing", and its patterns, for "Conventions of this code base". A
   * failed search costs the prompt those sections, not the run.
   */
  private async knowledgeFor(
    projectId: string,
    task: { title: string; description: string },
  ): Promise<{ reuse: PromptArtifact[]; patterns: PromptArtifact[] }> {
    const query = `${task.title}\n${task.description}`.trim().slice(0, KNOWLEDGE_QUERY_CHARS);
    try {
      const { knowledgeSearch, knowledgeEmbedder, project } = await this.options.calls.request(
        DaemonKnowledgeHintsDocument,
        { projectId, query, first: KNOWLEDGE_HINTS, patterns: PROMPT_PATTERNS },
      );
      // The local embedder matches words, not meaning: a hit only its vectors found shares no
      // word with the task, so it is noise in a prompt. An embeddings model's nearest are kept.
      return {
        reuse: knowledgeSearch
          .filter((hit) => !knowledgeEmbedder.local || hit.textRank !== null)
          .map((hit) => hit.artifact),
        patterns: project?.knowledge.nodes ?? [],
      };
    } catch (error) {
      this.options.log.warn('could not search the project knowledge', {
        error: messageOf(error),
      });
      return { reuse: [], patterns: [] };
    }
  }

  /** The project's patterns for a review's prompt; a failed read costs only that section. */
  private async patternsOf(projectId: string): Promise<PromptArtifact[]> {
    try {
      const { project } = await this.options.calls.request(DaemonProjectPatternsDocument, {
        projectId,
        first: PROMPT_PATTERNS,
      });
      return project?.knowledge.nodes ?? [];
    } catch (error) {
      this.options.log.warn('could not read the project patterns', { error: messageOf(error) });
      return [];
    }
  }

  private async comments(taskId: string): Promise<PromptComment[]> {
    try {
      const { task } = await this.options.calls.request(DaemonTaskCommentsDocument, { taskId });
      return task?.comments.nodes ?? [];
    } catch (error) {
      this.options.log.warn('could not read the task comments', { error: messageOf(error) });
      return [];
    }
  }
}

function usageOf(usage: Usage | ProviderOutcome | undefined): Partial<CompleteRunInput> {
  if (!usage) return {};
  return {
    tokensIn: Math.round(usage.tokensIn),
    tokensOut: Math.round(usage.tokensOut),
    costUsd: usage.costUsd,
    ...(usage.model ? { model: usage.model } : {}),
  };
}

function exitText(name: string, result: ProviderResult): string {
  const how = result.signal
    ? `was killed by ${result.signal}`
    : `exited with code ${result.exitCode}`;
  const tail = result.stderrTail.trim().split('\n').slice(-5).join('\n');
  return `${name} ${how}${tail ? `: ${tail}` : ''}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
