import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Git } from '../src/git/git.js';
import { manualDoneFile, writeManualDone } from '../src/providers/manual-provider.js';
import type { LineReading } from '../src/providers/output.js';
import {
  createProvider,
  ProviderSetupError,
  SandboxError,
  type ProviderName,
  type ProviderOptions,
  type ProviderRequest,
} from '../src/providers/provider.js';

const STAND_INS = fileURLToPath(new URL('./support/stand-ins', import.meta.url));
const git = new Git({
  ...process.env,
  GIT_AUTHOR_NAME: 'Maestro Test',
  GIT_AUTHOR_EMAIL: 'test@maestro.test',
  GIT_COMMITTER_NAME: 'Maestro Test',
  GIT_COMMITTER_EMAIL: 'test@maestro.test',
  GIT_CONFIG_NOSYSTEM: '1',
});

/** The provider adapters against stand-in executables, in a real git repository and worktree. */
describe('provider adapters', () => {
  let root: string;
  let repo: string;
  let worktree: string;
  let log: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-providers-'));
    repo = path.join(root, 'repo');
    worktree = path.join(root, 'worktrees', 'task-1');
    log = path.join(root, 'argv.jsonl');
    await git.run(root, 'init', '-q', '--initial-branch=main', repo);
    await writeFile(path.join(repo, 'notes.txt'), 'first line\n');
    await git.run(repo, 'add', '-A');
    await git.run(repo, 'commit', '-q', '-m', 'initial commit');
    await git.run(repo, 'worktree', 'add', '-q', '-b', 'task-1', worktree);
    env = {
      ...process.env,
      PATH: `${STAND_INS}${path.delimiter}${process.env.PATH ?? ''}`,
      STAND_IN_LOG: log,
      MAESTRO_CLAUDE_ARGS: '',
    };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** One run, collecting what the engine would see. */
  async function run(
    name: ProviderName,
    request: Partial<ProviderRequest> & { prompt: string },
    options: ProviderOptions = {},
  ) {
    const readings: LineReading[] = [];
    let pid: number | undefined;
    let spawned = false;
    const result = await createProvider(name, options).run({
      purpose: 'work',
      workdir: repo,
      model: undefined,
      env,
      signal: new AbortController().signal,
      onLine: (reading) => readings.push(reading),
      onSpawn: (id) => {
        spawned = true;
        pid = id;
      },
      ...request,
    });
    return {
      result,
      pid,
      spawned,
      display: readings.flatMap((reading) => reading.display),
      subtasks: readings.flatMap((reading) => reading.subtasks),
    };
  }
  const lastArgv = async () =>
    JSON.parse((await readFile(log, 'utf8')).trim().split('\n').at(-1) as string) as string[];
  const argvCount = async () =>
    existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').length : 0;
  const notes = (dir = repo) => readFile(path.join(dir, 'notes.txt'), 'utf8');
  const head = (dir = repo) => git.run(dir, 'rev-parse', 'HEAD');
  const near = (date: Date | undefined, ms: number) => {
    expect(date).toBeInstanceOf(Date);
    expect(Math.abs((date as Date).getTime() - (Date.now() + ms))).toBeLessThan(1500);
  };

  describe('claude', () => {
    test('a work run edits the worktree and reports its lines, subtasks, usage and cost', async () => {
      const before = await head();
      const prompt = [
        'Add a line to the notes.',
        'STAND-IN: append notes.txt from claude',
        'STAND-IN: subtask {"title":"Cover the edge cases"}',
      ].join('\n');
      const { result, display, subtasks, pid } = await run('claude', {
        prompt,
        model: 'claude-opus-4-1',
        env: { ...env, MAESTRO_CLAUDE_ARGS: '--dangerously-skip-permissions --max-turns 40' },
      });
      expect(await notes()).toBe('first line\nfrom claude\n');
      expect(await head()).toBe(before); // the daemon commits, not the provider
      expect(display).toContain("I'll add the line to notes.txt.");
      expect(display.some((line) => line.startsWith('[Edit] {"file_path":'))).toBe(true);
      expect(display.at(-1)).toBe('Done: appended to notes.txt.');
      expect(subtasks).toEqual(['{"title":"Cover the edge cases"}']);
      expect(result).toEqual({
        outcome: {
          text: 'Done: appended to notes.txt.',
          tokensIn: 8 + 4096 + 12000,
          tokensOut: 240,
          costUsd: 0.0421,
          model: 'claude-opus-4-1',
          failed: undefined,
          rateLimitedUntil: undefined,
        },
        exitCode: 0,
        signal: null,
        aborted: false,
        stderrTail: '',
      });
      expect(pid).toEqual(expect.any(Number));
      const argv = await lastArgv();
      expect(argv).toEqual([
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--add-dir',
        repo,
        '--model',
        'claude-opus-4-1',
        '--permission-mode',
        'acceptEdits',
        '--max-turns',
        '40',
        '--',
        prompt,
      ]);
      expect(argv).not.toContain('--dangerously-skip-permissions');
    });

    test('a review cannot edit and ends with its verdict', async () => {
      const { result } = await run('claude', {
        purpose: 'text',
        prompt:
          'Review.\nSTAND-IN: append notes.txt sneaky\nSTAND-IN: verdict VERDICT: CHANGES_REQUESTED',
      });
      expect(await notes()).toBe('first line\nfrom claude\n');
      expect(result.outcome.text).toBe('Reviewed the changes.\nVERDICT: CHANGES_REQUESTED');
      expect(result.outcome.failed).toBeUndefined();
      expect(await lastArgv()).not.toContain('--permission-mode');
    });

    test('a usage limit is a rate-limited outcome and a non-zero exit', async () => {
      const { result } = await run('claude', { prompt: 'STAND-IN: rate-limit' });
      expect(result.exitCode).toBe(1);
      expect(result.outcome.failed).toMatch(/^Claude AI usage limit reached\|\d{10}$/);
      near(result.outcome.rateLimitedUntil, 2000);
    });

    test('a prompt too long for one argument goes through stdin', async () => {
      const prompt = `${'context '.repeat(20_000)}\nSTAND-IN: append notes.txt from a long prompt`;
      const { result } = await run('claude', { prompt, workdir: worktree });
      expect(result.exitCode).toBe(0);
      expect(await notes(worktree)).toBe('first line\nfrom a long prompt\n');
      expect(await lastArgv()).not.toContain('--');
    });

    test('an abort stops a running provider with SIGTERM', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const { result, pid } = await run('claude', {
        prompt: 'STAND-IN: sleep 60000\nSTAND-IN: append notes.txt too late',
        signal: controller.signal,
        onLine: () => controller.abort(),
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result).toMatchObject({ aborted: true, exitCode: null, signal: 'SIGTERM' });
      expect(() => process.kill(pid as number, 0)).toThrow(/ESRCH/);
      expect(await notes()).not.toContain('too late');
    });
  });

  describe('codex', () => {
    test('a work run edits in a writable sandbox and adds up the turns', async () => {
      const prompt = 'STAND-IN: append notes.txt from codex\nSTAND-IN: subtask {"title":"Docs"}';
      const { result, display, subtasks } = await run('codex', {
        prompt,
        model: 'gpt-5-codex',
        workdir: worktree,
      });
      expect(await notes(worktree)).toMatch(/^first line\n(.*\n)*from codex\n$/);
      expect(display).toEqual([
        `[file] update ${path.join(worktree, 'notes.txt')}`,
        'This needs a follow-up.\nMAESTRO:SUBTASK{"title":"Docs"}',
        '$ bash -lc "git status --short"',
        'Done: appended to notes.txt.',
      ]);
      expect(subtasks).toEqual(['{"title":"Docs"}']);
      expect(result.outcome).toEqual({
        text: 'Done: appended to notes.txt.',
        tokensIn: 24763,
        tokensOut: 1228,
        costUsd: 0,
        model: 'gpt-5-codex',
        failed: undefined,
        rateLimitedUntil: undefined,
      });
      expect(result.exitCode).toBe(0);
      expect(await lastArgv()).toEqual([
        'exec',
        '--json',
        '--sandbox',
        'workspace-write',
        '--model',
        'gpt-5-codex',
        '--',
        prompt,
      ]);
    });

    test('a review runs read-only', async () => {
      const { result } = await run('codex', {
        purpose: 'text',
        prompt: 'Review.\nSTAND-IN: append notes.txt sneaky',
      });
      expect(await notes()).not.toContain('sneaky');
      expect(result.outcome.text).toBe('Reviewed the changes.\nVERDICT: APPROVED');
      expect(await lastArgv()).toContain('read-only');
    });

    test('a rate limit pauses; a failure fails', async () => {
      const limited = await run('codex', { prompt: 'STAND-IN: rate-limit' });
      expect(limited.result.exitCode).toBe(1);
      expect(limited.result.outcome.failed).toMatch(/try again in 2s/);
      near(limited.result.outcome.rateLimitedUntil, 2000);
      const failed = await run('codex', { prompt: 'STAND-IN: fail' });
      expect(failed.result.exitCode).toBe(1);
      expect(failed.result.outcome.failed).toMatch(/^stream error: unexpected status 500/);
      expect(failed.result.outcome.rateLimitedUntil).toBeUndefined();
    });
  });

  describe('what stops a run before it starts', () => {
    test('an executable missing from PATH names it and the way out', async () => {
      const empty = path.join(root, 'empty-bin');
      await mkdir(empty, { recursive: true });
      const attempt = run('gemini', { prompt: 'hello', env: { ...env, PATH: empty } });
      await expect(attempt).rejects.toThrow(ProviderSetupError);
      await expect(attempt).rejects.toThrow(
        /gemini was not found on PATH: install it, or choose another provider with `maestro config set provider/,
      );
    });

    test('the sandbox rule refuses a directory before anything is spawned', async () => {
      const outside = await mkdtemp(path.join(os.tmpdir(), 'maestro-no-git-'));
      const count = await argvCount();
      try {
        for (const workdir of [os.tmpdir(), outside, 'relative/dir', path.join(repo, 'missing')]) {
          await expect(run('claude', { prompt: 'hello', workdir })).rejects.toThrow(SandboxError);
        }
        await expect(run('codex', { prompt: 'hello', workdir: outside })).rejects.toThrow(
          /is not inside a git repository/,
        );
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
      expect(await argvCount()).toBe(count);
    });
  });

  describe('command', () => {
    const options = {
      command: 'bot --prompt-file {promptFile} --model {model} --dir "{workdir}" --for {purpose}',
    };

    test('the template is filled in and the prompt file lives in the git dir', async () => {
      const gitDir = path.resolve(worktree, await git.run(worktree, 'rev-parse', '--git-dir'));
      const { result, display, subtasks } = await run(
        'command',
        {
          prompt:
            'Do it.\nSTAND-IN: append notes.txt from a bot\nSTAND-IN: subtask {"title":"More"}',
          model: 'local-7b',
          workdir: worktree,
        },
        options,
      );
      const promptFile = path.join(gitDir, 'maestro-prompt.txt');
      expect(display).toEqual([
        `argv ${JSON.stringify(['--prompt-file', promptFile, '--model', 'local-7b', '--dir', worktree, '--for', 'work'])}`,
        'MAESTRO_PURPOSE=work',
        'MAESTRO_MODEL=local-7b',
        `MAESTRO_WORKDIR=${worktree}`,
        'MAESTRO_PROMPT=Do it.',
        'prompt file: Do it.',
        'appended to notes.txt',
        'MAESTRO:SUBTASK{"title":"More"}',
      ]);
      expect(subtasks).toEqual(['{"title":"More"}']);
      expect(result.exitCode).toBe(0);
      expect(result.outcome.model).toBe('local-7b');
      expect(await notes(worktree)).toContain('from a bot\n');
      expect(existsSync(promptFile)).toBe(false);
      expect(await git.run(worktree, 'status', '--porcelain')).toBe('M notes.txt');
    });

    test('a non-zero exit is reported as such, with the end of stderr', async () => {
      const { result } = await run(
        'command',
        { prompt: 'STAND-IN: stderr cannot reach the model\nSTAND-IN: exit 3' },
        options,
      );
      expect(result.exitCode).toBe(3);
      expect(result.outcome.failed).toBeUndefined();
      expect(result.stderrTail).toBe('cannot reach the model');
    });

    test('no template is an error naming the setting', async () => {
      await expect(run('command', { prompt: 'hello' })).rejects.toThrow(/provider\.command/);
    });

    test('a child that ignores SIGTERM is killed 5 s after the abort', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const { result } = await run(
        'command',
        {
          prompt: 'STAND-IN: ignore-sigterm\nSTAND-IN: sleep 60000',
          signal: controller.signal,
          onLine: (reading) => {
            if (reading.display.includes('SIGTERM will be ignored')) controller.abort();
          },
        },
        options,
      );
      expect(result).toMatchObject({ aborted: true, signal: 'SIGKILL' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
      expect(Date.now() - started).toBeLessThan(9000);
    });
  });

  describe('manual', () => {
    test('waits for `maestro task done` in the worktree, then reads and removes it', async () => {
      const lines: string[] = [];
      const running = run('manual', {
        prompt: 'Fix it by hand.',
        workdir: worktree,
        onLine: (reading) => {
          lines.push(...reading.display);
          void writeManualDone(path.join(worktree, 'sub'), { summary: 'Fixed by hand.' });
        },
      });
      await mkdir(path.join(worktree, 'sub'), { recursive: true });
      const { result, spawned } = await running;
      expect(spawned).toBe(true);
      expect(lines).toEqual([
        `Waiting for you: do the work in ${worktree}, then run \`maestro task done\` there.`,
      ]);
      expect(result).toMatchObject({
        outcome: { text: 'Fixed by hand.', failed: undefined },
        exitCode: 0,
        aborted: false,
      });
      expect(existsSync(await manualDoneFile(worktree))).toBe(false);
      expect(path.dirname(await manualDoneFile(worktree))).toBe(
        path.resolve(worktree, await git.run(worktree, 'rev-parse', '--git-dir')),
      );
    });

    test('a person can report failure, or the run can be aborted', async () => {
      const failing = run('manual', { prompt: 'x', purpose: 'text' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await writeManualDone(repo, { failed: 'cannot reproduce' });
      expect((await failing).result).toMatchObject({
        outcome: { failed: 'cannot reproduce', text: '' },
        exitCode: 1,
      });
      const controller = new AbortController();
      const aborted = run('manual', { prompt: 'x', signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      expect((await aborted).result).toMatchObject({ aborted: true, exitCode: null });
    });
  });

  describe('openai', () => {
    let server: Server;
    let baseUrl: string;
    const requests: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      server = createServer((req, res) => void answer(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** A small OpenAI-compatible chat completions endpoint, streaming like the real one. */
    async function answer(req: IncomingMessage, res: ServerResponse) {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(body) as { model: string };
      requests.push({ ...request, authorization: req.headers.authorization });
      if (request.model === 'limited') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
        res.end(
          JSON.stringify({
            error: {
              message: 'Rate limit reached for requests',
              type: 'requests',
              code: 'rate_limit_exceeded',
            },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const id = 'chatcmpl-standin';
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        res.write(
          `data: ${JSON.stringify({
            id,
            object: 'chat.completion.chunk',
            created: 1763726400,
            model: `${request.model}-2024-07-18`,
            choices: [{ index: 0, delta, finish_reason: finish }],
            usage: null,
          })}\n\n`,
        );
      chunk({ role: 'assistant', content: '' });
      for (const piece of [
        'The change ',
        'looks right.\nMAESTRO:SUB',
        'TASK{"title":"Add a test"}\nVER',
        'DICT: APPROVED',
      ]) {
        chunk({ content: piece });
        if (request.model === 'slow' && !res.closed) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 60_000);
            res.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
      }
      chunk({}, 'stop');
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created: 1763726400,
          model: `${request.model}-2024-07-18`,
          choices: [],
          usage: { prompt_tokens: 812, completion_tokens: 19, total_tokens: 831 },
        })}\n\n`,
      );
      res.end('data: [DONE]\n\n');
    }

    test('a text run streams lines, subtasks and the usage', async () => {
      const { result, display, subtasks } = await run(
        'openai',
        { purpose: 'text', prompt: 'Review this.', env: { ...env, OPENAI_API_KEY: 'sk-test' } },
        { openaiBaseUrl: baseUrl },
      );
      expect(display).toEqual([
        'The change looks right.',
        'MAESTRO:SUBTASK{"title":"Add a test"}',
        'VERDICT: APPROVED',
      ]);
      expect(subtasks).toEqual(['{"title":"Add a test"}']);
      expect(result).toEqual({
        outcome: {
          text: 'The change looks right.\nMAESTRO:SUBTASK{"title":"Add a test"}\nVERDICT: APPROVED',
          tokensIn: 812,
          tokensOut: 19,
          costUsd: 0,
          model: 'gpt-4o-mini-2024-07-18',
          failed: undefined,
          rateLimitedUntil: undefined,
        },
        exitCode: 0,
        signal: null,
        aborted: false,
        stderrTail: '',
      });
      expect(requests.at(-1)).toMatchObject({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Review this.' }],
        authorization: 'Bearer sk-test',
      });
    });

    test('a 429 is a rate-limited outcome from retry-after', async () => {
      const count = requests.length;
      const { result } = await run(
        'openai',
        {
          purpose: 'text',
          prompt: 'x',
          model: 'limited',
          env: { ...env, OPENAI_BASE_URL: baseUrl },
        },
        {},
      );
      expect(requests.length).toBe(count + 1); // no retries: the engine decides
      expect(result.exitCode).toBe(1);
      expect(result.outcome.failed).toMatch(/429/);
      near(result.outcome.rateLimitedUntil, 2000);
    });

    test('an abort ends the stream', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      const { result, display } = await run(
        'openai',
        { purpose: 'text', prompt: 'x', model: 'slow', signal: controller.signal },
        { openaiBaseUrl: baseUrl },
      );
      expect(display).toEqual(['The change ']); // the partial line, once it is over
      expect(result).toMatchObject({
        aborted: true,
        exitCode: null,
        outcome: { text: 'The change ' },
      });
    });

    test('work runs are refused', async () => {
      await expect(run('openai', { prompt: 'edit' }, { openaiBaseUrl: baseUrl })).rejects.toThrow(
        /only answers in text/,
      );
    });
  });
});
