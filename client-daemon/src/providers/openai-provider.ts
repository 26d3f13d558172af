import OpenAI, { APIError, APIUserAbortError } from 'openai';
import { rateLimitReset, subtasksIn, type ProviderOutcome } from './output.js';
import type { Provider, ProviderOptions, ProviderRequest, ProviderResult } from './provider.js';
import { ProviderSetupError, guardWorkdir } from './workdir-guard.js';

export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';
const OPENAI_API = 'https://api.openai.com/v1';

/**
 * An OpenAI-compatible chat completions API (OpenAI itself, or any server at
 * `openai.base_url`): text runs only, since it cannot edit a worktree. The answer streams to
 * onLine line by line; the usage comes with the last chunk. The SDK does not retry: a 429
 * becomes a rate-limited outcome and the engine decides when to ask again.
 */
export function openaiProvider(
  options: ProviderOptions,
  now: () => Date = () => new Date(),
): Provider {
  return {
    name: 'openai',
    canWork: false,
    async run(request) {
      if (request.purpose === 'work') {
        throw new ProviderSetupError(
          'the openai provider only answers in text and cannot edit a worktree: choose claude, ' +
            'codex, gemini, aider, manual or command for work runs (`maestro config set provider …`)',
        );
      }
      await guardWorkdir(request.workdir, request.env);
      const baseURL = options.openaiBaseUrl ?? request.env.OPENAI_BASE_URL ?? OPENAI_API;
      let apiKey = options.openaiApiKey ?? request.env.OPENAI_API_KEY;
      if (!apiKey) {
        // a local OpenAI-compatible server usually wants no key; OpenAI itself does
        if (new URL(baseURL).hostname === 'api.openai.com') {
          throw new ProviderSetupError(
            'the openai provider needs an API key: set OPENAI_API_KEY, or point ' +
              '`maestro config set openai.base_url …` at a compatible server',
          );
        }
        apiKey = 'unused';
      }
      const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 30 * 60_000 });
      return complete(client, request, now);
    },
  };
}

async function complete(
  client: OpenAI,
  request: ProviderRequest,
  now: () => Date,
): Promise<ProviderResult> {
  const model = request.model ?? OPENAI_DEFAULT_MODEL;
  let text = '';
  let pending = '';
  let answeredBy: string | undefined;
  let usage = { in: 0, out: 0 };
  const emit = (line: string) => request.onLine({ display: [line], subtasks: subtasksIn(line) });
  const outcome = (failed?: string, rateLimitedUntil?: Date): ProviderOutcome => ({
    text,
    tokensIn: usage.in,
    tokensOut: usage.out,
    costUsd: 0,
    model: answeredBy ?? model,
    failed,
    rateLimitedUntil,
  });
  const ended = (exitCode: number | null, result: ProviderOutcome, stderrTail = '') => {
    if (pending) emit(pending);
    pending = '';
    return { outcome: result, exitCode, signal: null, aborted: request.signal.aborted, stderrTail };
  };

  if (request.signal.aborted) return ended(null, outcome());
  request.onSpawn?.(undefined);
  try {
    const stream = await client.chat.completions.create(
      {
        model,
        messages: [{ role: 'user', content: request.prompt }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: request.signal },
    );
    for await (const chunk of stream) {
      answeredBy = chunk.model || answeredBy;
      if (chunk.usage) {
        usage = { in: chunk.usage.prompt_tokens, out: chunk.usage.completion_tokens };
      }
      const delta = chunk.choices[0]?.delta?.content;
      if (!delta) continue;
      text += delta;
      const lines = (pending + delta).split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line);
    }
    // an abort may just end the stream
    return ended(request.signal.aborted ? null : 0, outcome());
  } catch (error) {
    if (request.signal.aborted || error instanceof APIUserAbortError) {
      return ended(null, outcome());
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof APIError && error.status === 429) {
      const until =
        retryAfter(error.headers as Headers | undefined, now()) ??
        rateLimitReset(`rate limit: ${message}`, now());
      return ended(1, outcome(message, until), message);
    }
    return ended(1, outcome(message), message);
  }
}

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers | undefined, now: Date): Date | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return new Date(now.getTime() + ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return new Date(now.getTime() + seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : new Date(date);
}
