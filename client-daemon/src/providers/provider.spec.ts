import { describe, expect, test } from '@jest/globals';
import {
  claudeExtraArgs,
  commandLine,
  expandTemplate,
  MAX_PROMPT_ARGUMENT_BYTES,
  splitCommand,
  type CommandRequest,
} from './command-line.js';
import { retryAfter } from './openai-provider.js';
import { createProvider, PROVIDERS, ProviderSetupError } from './provider.js';

const WORKDIR = '/w/maestro/worktrees/p1/t1';
const GIT_DIR = '/w/maestro/repos/p1/worktrees/t1';
const request = (overrides: Partial<CommandRequest> = {}): CommandRequest => ({
  purpose: 'work',
  prompt: 'Fix the parser.',
  workdir: WORKDIR,
  model: undefined,
  env: {},
  ...overrides,
});
const big = 'x'.repeat(MAX_PROMPT_ARGUMENT_BYTES + 1);

describe('claude', () => {
  test.each([
    [
      'work, with a model',
      request({ model: 'claude-opus-4-1' }),
      [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--add-dir',
        WORKDIR,
        '--model',
        'claude-opus-4-1',
        '--permission-mode',
        'acceptEdits',
        '--',
        'Fix the parser.',
      ],
    ],
    [
      'text: no permission to edit',
      request({ purpose: 'text', prompt: '- review this' }),
      [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--add-dir',
        WORKDIR,
        '--',
        '- review this',
      ],
    ],
  ])('%s', (_, req, args) => {
    expect(commandLine('claude', req)).toEqual({
      executable: 'claude',
      args,
      stdin: undefined,
      env: {},
      promptFile: undefined,
      reader: 'claude',
    });
  });

  test('MAESTRO_CLAUDE_ARGS are appended before the prompt, without skipping permissions', () => {
    const line = commandLine(
      'claude',
      request({
        env: {
          MAESTRO_CLAUDE_ARGS:
            '--max-turns 30 --dangerously-skip-permissions --append-system-prompt "be brief" ' +
            '--permission-mode bypassPermissions --allow-dangerously-skip-permissions --',
        },
      }),
    );
    expect(line.args.slice(-7)).toEqual([
      'acceptEdits',
      '--max-turns',
      '30',
      '--append-system-prompt',
      'be brief',
      '--',
      'Fix the parser.',
    ]);
    expect(line.args).not.toContain('--dangerously-skip-permissions');
    expect(line.args).not.toContain('bypassPermissions');
  });

  test.each([
    ['', []],
    ['  ', []],
    ['--dangerously-skip-permissions', []],
    ['--permission-mode=bypassPermissions --verbose', ['--verbose']],
    ['--permission-mode plan', ['--permission-mode', 'plan']],
  ])('claudeExtraArgs(%j)', (value, kept) => {
    expect(claudeExtraArgs(value)).toEqual(kept);
  });

  test('a prompt too long for one argument goes through stdin', () => {
    const line = commandLine('claude', request({ prompt: big }));
    expect(line.args).not.toContain('--');
    expect(line.args).not.toContain(big);
    expect(line.stdin).toBe(big);
  });
});

describe('codex', () => {
  test.each([
    [
      'work',
      request(),
      ['exec', '--json', '--sandbox', 'workspace-write', '--', 'Fix the parser.'],
    ],
    [
      'text, with a model',
      request({ purpose: 'text', model: 'gpt-5-codex' }),
      [
        'exec',
        '--json',
        '--sandbox',
        'read-only',
        '--model',
        'gpt-5-codex',
        '--',
        'Fix the parser.',
      ],
    ],
  ])('%s', (_, req, args) => {
    expect(commandLine('codex', req)).toMatchObject({
      executable: 'codex',
      args,
      stdin: undefined,
      reader: 'codex',
    });
  });

  test('a long prompt is read from stdin (`-`)', () => {
    const line = commandLine('codex', request({ prompt: big }));
    expect(line.args.at(-1)).toBe('-');
    expect(line.stdin).toBe(big);
  });
});

describe('gemini and aider', () => {
  test.each([
    [
      'work',
      request({ model: 'gemini-2.5-pro' }),
      ['--prompt=Fix the parser.', '--model', 'gemini-2.5-pro', '--approval-mode', 'auto_edit'],
    ],
    ['text', request({ purpose: 'text' }), ['--prompt=Fix the parser.']],
  ])('gemini, %s', (_, req, args) => {
    expect(commandLine('gemini', req)).toMatchObject({
      executable: 'gemini',
      args,
      reader: 'plain',
    });
  });

  test('gemini reads a long prompt from stdin, without --prompt', () => {
    expect(commandLine('gemini', request({ prompt: big }))).toMatchObject({
      args: ['--approval-mode', 'auto_edit'],
      stdin: big,
    });
  });

  const aiderBase = [
    '--yes-always',
    '--no-auto-commits',
    '--no-dirty-commits',
    '--no-gitignore',
    '--no-pretty',
    '--no-stream',
    '--no-check-update',
    '--no-show-model-warnings',
  ];
  test.each([
    [
      'work',
      request({ model: 'sonnet' }),
      [...aiderBase, '--model', 'sonnet', '--message=Fix the parser.'],
    ],
    [
      'text: ask mode',
      request({ purpose: 'text' }),
      [...aiderBase, '--chat-mode', 'ask', '--message=Fix the parser.'],
    ],
  ])('aider, %s', (_, req, args) => {
    expect(commandLine('aider', req, {}, GIT_DIR)).toMatchObject({
      executable: 'aider',
      args,
      promptFile: undefined,
    });
  });

  test('aider reads a long prompt from a file in the git dir', () => {
    const line = commandLine('aider', request({ prompt: big }), {}, GIT_DIR);
    expect(line.promptFile).toBe(`${GIT_DIR}/maestro-prompt.txt`);
    expect(line.args.slice(-2)).toEqual(['--message-file', `${GIT_DIR}/maestro-prompt.txt`]);
  });
});

describe('command templates', () => {
  test('placeholders are replaced per word, so values with spaces stay one argument', () => {
    const line = commandLine(
      'command',
      request({ prompt: 'Fix "the" parser', model: 'big-model' }),
      {
        command:
          'my-bot --prompt-file {promptFile} --model {model} --dir {workdir} --say={prompt} --for {purpose}',
      },
      GIT_DIR,
    );
    expect(line).toEqual({
      executable: 'my-bot',
      args: [
        '--prompt-file',
        `${GIT_DIR}/maestro-prompt.txt`,
        '--model',
        'big-model',
        '--dir',
        WORKDIR,
        '--say=Fix "the" parser',
        '--for',
        'work',
      ],
      stdin: undefined,
      env: {
        MAESTRO_PROMPT: 'Fix "the" parser',
        MAESTRO_PROMPT_FILE: `${GIT_DIR}/maestro-prompt.txt`,
        MAESTRO_PURPOSE: 'work',
        MAESTRO_MODEL: 'big-model',
        MAESTRO_WORKDIR: WORKDIR,
      },
      promptFile: `${GIT_DIR}/maestro-prompt.txt`,
      reader: 'plain',
    });
  });

  test('a long prompt is left out of the environment (the file has it)', () => {
    const line = commandLine(
      'command',
      request({ prompt: big }),
      { command: 'bot {promptFile}' },
      GIT_DIR,
    );
    expect(line.env).not.toHaveProperty('MAESTRO_PROMPT');
    expect(line.env).not.toHaveProperty('MAESTRO_MODEL');
  });

  test.each([
    ['bot  a\tb', ['bot', 'a', 'b']],
    ['"/opt/my bot/run" --x "a b" c', ['/opt/my bot/run', '--x', 'a b', 'c']],
    ['bot "say \\"hi\\"" \'it\'\'s\'', ['bot', 'say "hi"', 'its']],
    ['bot "" x', ['bot', '', 'x']],
    ['bot --json=\'{"a":1}\'', ['bot', '--json={"a":1}']],
    ['bot --json={"a":1}', ['bot', '--json={a:1}']],
    ['bot a\\ b', ['bot', 'a b']],
  ])('splitCommand(%j)', (text, words) => {
    expect(splitCommand(text)).toEqual(words);
  });

  test('an unterminated quote names the setting', () => {
    expect(() =>
      expandTemplate('bot "oops', {
        prompt: '',
        promptFile: '',
        model: '',
        workdir: '',
        purpose: '',
      }),
    ).toThrow(/unterminated " in provider\.command/);
  });

  test.each([undefined, '', '   '])(
    'no template (%j) is an error naming provider.command',
    (command) => {
      expect(() => commandLine('command', request(), { command })).toThrow(ProviderSetupError);
      expect(() => commandLine('command', request(), { command })).toThrow(
        /maestro config set provider\.command/,
      );
    },
  );
});

describe('providers', () => {
  test('every provider has an adapter; only openai cannot work', () => {
    expect(PROVIDERS.map((name) => [name, createProvider(name).canWork])).toEqual([
      ['claude', true],
      ['codex', true],
      ['gemini', true],
      ['aider', true],
      ['openai', false],
      ['manual', true],
      ['command', true],
    ]);
  });

  const NOW = new Date('2026-11-21T12:00:00.000Z');
  test.each([
    [{ 'retry-after': '2' }, new Date(NOW.getTime() + 2000)],
    [{ 'retry-after-ms': '1500', 'retry-after': '9' }, new Date(NOW.getTime() + 1500)],
    [{ 'retry-after': 'Sat, 21 Nov 2026 12:05:00 GMT' }, new Date('2026-11-21T12:05:00Z')],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('retryAfter(%j)', (headers, until) => {
    expect(retryAfter(new Headers(headers), NOW)).toEqual(until);
  });
});
