import path from 'node:path';
import type { ProviderOptions, ProviderRequest } from './provider.js';
import { ProviderSetupError } from './workdir-guard.js';

/** The providers that run an executable. */
export type SpawnedProviderName = 'claude' | 'codex' | 'gemini' | 'aider' | 'command';

/** Which output reader (output.ts) makes sense of the executable's stdout. */
export type ReaderKind = 'claude' | 'codex' | 'plain';

/** What commandLine needs of a request. */
export type CommandRequest = Pick<
  ProviderRequest,
  'purpose' | 'prompt' | 'workdir' | 'model' | 'env'
>;

/** How to start one provider run: pure data, built before anything is spawned. */
export interface CommandLine {
  readonly executable: string;
  readonly args: readonly string[];
  /** Written to the child's stdin, which is then closed; undefined: stdin is /dev/null. */
  readonly stdin: string | undefined;
  /** Added to the request's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the prompt must be written before the spawn (and removed after the run). */
  readonly promptFile: string | undefined;
  readonly reader: ReaderKind;
}

/**
 * Linux limits one argument (and one environment string) to 128 KiB. A prompt longer than this
 * goes through stdin or a file instead, so a large review diff cannot make the spawn fail.
 */
export const MAX_PROMPT_ARGUMENT_BYTES = 100_000;

/** The prompt file for a run: in the git dir, so nothing there is ever committed. */
export const promptFileIn = (gitDir: string) => path.join(gitDir, 'maestro-prompt.txt');

/** Flags that would let Claude act without asking; never passed, whatever is configured. */
const CLAUDE_UNSAFE = new Set([
  '--dangerously-skip-permissions',
  '--allow-dangerously-skip-permissions',
  '--permission-mode=bypassPermissions',
]);

/**
 * The argv for one run of a spawned provider. `gitDir` is the worktree's git dir (where prompt
 * files go); the engine's adapters pass the real one, tests any path.
 */
export function commandLine(
  name: SpawnedProviderName,
  request: CommandRequest,
  options: ProviderOptions = {},
  gitDir: string = path.join(request.workdir, '.git'),
): CommandLine {
  const { purpose, prompt, workdir, model } = request;
  const small = Buffer.byteLength(prompt) <= MAX_PROMPT_ARGUMENT_BYTES;
  const work = purpose === 'work';
  const modelArgs = model ? ['--model', model] : [];
  const base = { env: {}, promptFile: undefined, stdin: undefined } as const;
  switch (name) {
    case 'claude':
      // `--add-dir` takes several directories and would swallow a prompt after it: `--` ends
      // the options, which also keeps a prompt starting with "-" a prompt.
      return {
        ...base,
        executable: 'claude',
        args: [
          '-p',
          '--output-format',
          'stream-json',
          '--verbose',
          '--add-dir',
          workdir,
          ...modelArgs,
          ...(work ? ['--permission-mode', 'acceptEdits'] : []),
          ...claudeExtraArgs(request.env.MAESTRO_CLAUDE_ARGS),
          ...(small ? ['--', prompt] : []),
        ],
        stdin: small ? undefined : prompt,
        reader: 'claude',
      };
    case 'codex':
      // `--sandbox workspace-write` is what `--full-auto` stands for in exec (which never asks
      // for approval); newer Codex releases deprecate `--full-auto` in favour of it.
      return {
        ...base,
        executable: 'codex',
        args: [
          'exec',
          '--json',
          '--sandbox',
          work ? 'workspace-write' : 'read-only',
          ...modelArgs,
          ...(small ? ['--', prompt] : ['-']),
        ],
        stdin: small ? undefined : prompt,
        reader: 'codex',
      };
    case 'gemini':
      // auto_edit approves file edits only, like Claude's acceptEdits; headless Gemini leaves
      // out the tools that would need an approval (the shell), so nothing waits for a person.
      return {
        ...base,
        executable: 'gemini',
        args: [
          ...(small ? [`--prompt=${prompt}`] : []),
          ...modelArgs,
          ...(work ? ['--approval-mode', 'auto_edit'] : []),
        ],
        stdin: small ? undefined : prompt,
        reader: 'plain',
      };
    case 'aider': {
      const promptFile = small ? undefined : promptFileIn(gitDir);
      return {
        ...base,
        executable: 'aider',
        args: [
          '--yes-always',
          '--no-auto-commits',
          '--no-dirty-commits',
          '--no-gitignore',
          '--no-pretty',
          '--no-stream',
          '--no-check-update',
          '--no-show-model-warnings',
          ...modelArgs,
          ...(work ? [] : ['--chat-mode', 'ask']),
          ...(promptFile ? ['--message-file', promptFile] : [`--message=${prompt}`]),
        ],
        promptFile,
        reader: 'plain',
      };
    }
    case 'command': {
      const template = options.command?.trim();
      if (!template) {
        throw new ProviderSetupError(
          'the command provider has no command template: set one with ' +
            '`maestro config set provider.command "my-bot --prompt-file {promptFile} --dir {workdir}"`',
        );
      }
      const promptFile = promptFileIn(gitDir);
      const [executable, ...args] = expandTemplate(template, {
        prompt,
        promptFile,
        model: model ?? '',
        workdir,
        purpose,
      });
      if (!executable) throw new ProviderSetupError('provider.command names no executable');
      return {
        executable,
        args,
        stdin: undefined,
        env: {
          ...(small ? { MAESTRO_PROMPT: prompt } : {}),
          MAESTRO_PROMPT_FILE: promptFile,
          MAESTRO_PURPOSE: purpose,
          ...(model ? { MAESTRO_MODEL: model } : {}),
          MAESTRO_WORKDIR: workdir,
        },
        promptFile,
        reader: 'plain',
      };
    }
  }
}

/**
 * MAESTRO_CLAUDE_ARGS (space-separated, double quotes group), without any flag that would skip
 * Claude's permission checks and without `--`, which would turn the prompt into two.
 */
export function claudeExtraArgs(value: string | undefined): string[] {
  const words = value?.trim() ? splitCommand(value, 'MAESTRO_CLAUDE_ARGS') : [];
  const kept: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (word === '--permission-mode' && words[i + 1] === 'bypassPermissions') {
      i += 1;
      continue;
    }
    if (CLAUDE_UNSAFE.has(word) || word === '--') continue;
    kept.push(word);
  }
  return kept;
}

/** Placeholders a command template may use. */
export interface TemplateValues {
  readonly prompt: string;
  readonly promptFile: string;
  readonly model: string;
  readonly workdir: string;
  readonly purpose: string;
}

/**
 * A command template split into words first, then each `{prompt}`, `{promptFile}`, `{model}`,
 * `{workdir}` and `{purpose}` replaced, so a value with spaces stays one argument. Other
 * braces are left as they are.
 */
export function expandTemplate(template: string, values: TemplateValues): string[] {
  return splitCommand(template, 'provider.command').map((word) =>
    word.replace(/\{(prompt|promptFile|model|workdir|purpose)\}/g, (_, key: keyof TemplateValues) =>
      String(values[key]),
    ),
  );
}

/**
 * Splits a command line on whitespace, as a shell would for simple cases: "double" or 'single'
 * quotes group words (and may be empty), a backslash escapes the next character outside single
 * quotes. Nothing else (no variables, globs or pipes) is interpreted.
 */
export function splitCommand(text: string, what = 'the command'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += char;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (char === '"' || char === "'") quote = char;
      else if (char === '\\' && i + 1 < text.length) word += text[++i];
      else word += char;
    }
  }
  if (quote) throw new ProviderSetupError(`unterminated ${quote} in ${what}: ${text}`);
  if (inWord) words.push(word);
  return words;
}
