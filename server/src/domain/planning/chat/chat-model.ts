import OpenAI, { APIConnectionTimeoutError, APIConnectionError, APIError } from 'openai';
import type { ChatMessage } from './planner-prompt.js';

/** The model planning runs on when MAESTRO_MODEL_HARD names none. */
export const DEFAULT_PLANNER_MODEL = 'gpt-4o';

/** A streamed chat completion that did not finish; `message` says plainly what failed. */
export class ChatModelFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatModelFailure';
  }
}

/** A chat model answering in a stream of text pieces (the OpenAI-compatible endpoint). */
export interface ChatModel {
  /** Where it is (for messages), e.g. `http://127.0.0.1:8080/v1`. */
  readonly endpoint: string;
  readonly model: string;
  /**
   * Streams the reply's text. Throws ChatModelFailure when the request fails, the stream
   * breaks, or it ends before the model said it finished (no `finish_reason`, or `length`).
   */
  stream(messages: readonly ChatMessage[], signal: AbortSignal): AsyncGenerator<string>;
}

export interface OpenAiChatOptions {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string | undefined;
  /** How long a request may take in all (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** Chat completions through the openai SDK against any OpenAI-compatible base URL. */
export class OpenAiChatModel implements ChatModel {
  readonly endpoint: string;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: OpenAiChatOptions) {
    this.endpoint = options.baseUrl;
    this.model = options.model ?? DEFAULT_PLANNER_MODEL;
    this.client = new OpenAI({
      // a local OpenAI-compatible server usually wants no key
      apiKey: options.apiKey ?? 'unused',
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 10 * 60_000,
    });
  }

  async *stream(messages: readonly ChatMessage[], signal: AbortSignal): AsyncGenerator<string> {
    let finish: string | null = null;
    let received = false;
    try {
      const stream = await this.client.chat.completions.create(
        { model: this.model, messages: messages.map((m) => ({ ...m })), stream: true },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finish = choice.finish_reason;
        const delta = choice?.delta?.content;
        if (delta) {
          received = true;
          yield delta;
        }
      }
    } catch (error) {
      throw new ChatModelFailure(this.describe(error, received));
    }
    if (finish === null) {
      throw new ChatModelFailure(
        `the stream from ${this.endpoint} ended before the model finished its reply`,
      );
    }
    if (finish === 'length') {
      throw new ChatModelFailure(
        `the model ${this.model} stopped at its output limit; the reply is incomplete`,
      );
    }
  }

  private describe(error: unknown, received: boolean): string {
    const at = `the model endpoint ${this.endpoint}`;
    if (error instanceof APIConnectionTimeoutError) return `${at} did not answer in time`;
    if (error instanceof APIConnectionError && !received) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return `${at} could not be reached${cause}`;
    }
    if (error instanceof APIError && error.status !== undefined) {
      const said = error.message.replace(new RegExp(`^${error.status}\\s*`), '');
      return `${at} answered HTTP ${error.status}${said ? `: ${said}` : ''}`;
    }
    const message = error instanceof Error ? error.message : String(error);
    const cause =
      error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `the stream from ${at} broke: ${message}${cause}`;
  }
}
