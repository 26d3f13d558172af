import type { LineReading, ProviderOutcome } from './output.js';
import { manualProvider } from './manual-provider.js';
import { openaiProvider } from './openai-provider.js';
import { spawnedProvider } from './spawned-provider.js';

export type ProviderName =
  'claude' | 'codex' | 'gemini' | 'aider' | 'openai' | 'manual' | 'command';

export const PROVIDERS: readonly ProviderName[] = [
  'claude',
  'codex',
  'gemini',
  'aider',
  'openai',
  'manual',
  'command',
];

/**
 * work: edit the worktree (EXECUTION, conflict resolution); text: answer in text (REVIEW,
 * PLANNING, REFINE, REPO_ANALYSIS, COMMENT_EVAL)
 */
export type ProviderPurpose = 'work' | 'text';

export interface ProviderRequest {
  readonly purpose: ProviderPurpose;
  readonly prompt: string;
  /**
   * The task worktree (or a clone for text runs); must pass checkWorkdir — the adapter checks
   * and throws SandboxError otherwise.
   */
  readonly workdir: string;
  readonly model: string | undefined;
  /** The environment for the child (PATH etc.). */
  readonly env: NodeJS.ProcessEnv;
  /** abort → SIGTERM the child (SIGKILL after 5 s), resolve with aborted: true */
  readonly signal: AbortSignal;
  /** Called for every line as it is read, in order: console lines and subtask directives. */
  readonly onLine: (reading: LineReading) => void;
  /** Called once the child process is spawned (pid), for latency measurement and logs. */
  readonly onSpawn?: (pid: number | undefined) => void;
}

export interface ProviderResult {
  readonly outcome: ProviderOutcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly aborted: boolean;
  /** The last ~40 lines of stderr, for the failure reason. */
  readonly stderrTail: string;
}

export interface Provider {
  readonly name: ProviderName;
  /** Whether it can do work runs (openai cannot: text only). manual needs a person. */
  readonly canWork: boolean;
  run(request: ProviderRequest): Promise<ProviderResult>;
}

export { SandboxError, ProviderSetupError } from './workdir-guard.js';

export interface ProviderOptions {
  /** The command template (setting `provider.command`), for the command provider. */
  command?: string;
  /** setting `openai.base_url` (else OPENAI_BASE_URL, else OpenAI's API). */
  openaiBaseUrl?: string;
  /** else OPENAI_API_KEY from the request's environment. */
  openaiApiKey?: string;
}

/** The adapter for a provider; nothing is checked or spawned until run(). */
export function createProvider(name: ProviderName, options: ProviderOptions = {}): Provider {
  switch (name) {
    case 'claude':
    case 'codex':
    case 'gemini':
    case 'aider':
    case 'command':
      return spawnedProvider(name, options);
    case 'openai':
      return openaiProvider(options);
    case 'manual':
      return manualProvider();
  }
}
