import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in answers one chat completion request with. */
export type ScriptedReply =
  | {
      readonly kind: 'stream';
      readonly pieces: readonly string[];
      /** Stop after this many pieces until `hold` resolves (to look at a reply mid-stream). */
      readonly holdAfter?: number;
      readonly hold?: Promise<void>;
      /** Destroy the connection after the pieces, without a finish_reason. */
      readonly cut?: boolean;
    }
  | { readonly kind: 'status'; readonly status: number; readonly message: string };

export interface ReceivedRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly messages: ReadonlyArray<{ role: string; content: string }>;
  readonly authorization: string | undefined;
}

/**
 * An OpenAI-compatible chat completions endpoint on 127.0.0.1 (`POST /v1/chat/completions`),
 * speaking OpenAI's wire format: server-sent `chat.completion.chunk`s ending in `[DONE]` with
 * `stream: true`, one `chat.completion` without. Each request takes the next scripted reply;
 * with none scripted it answers HTTP 500, so a test never gets an answer it did not write.
 */
export class OpenAiStandIn {
  readonly requests: ReceivedRequest[] = [];
  private readonly replies: ScriptedReply[] = [];
  private server: Server | undefined;
  baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  /** The next replies, in order. */
  script(...replies: ScriptedReply[]): void {
    this.replies.push(...replies);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const request = JSON.parse(body) as Omit<ReceivedRequest, 'authorization'>;
    this.requests.push({
      model: request.model,
      stream: request.stream === true,
      messages: request.messages,
      authorization: req.headers.authorization,
    });
    const reply = this.replies.shift() ?? {
      kind: 'status',
      status: 500,
      message: 'the stand-in has no reply scripted',
    };
    if (reply.kind === 'status') {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: reply.message, type: 'server_error' } }));
      return;
    }
    const created = 1763726400;
    const model = `${request.model}-standin`;
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-standin',
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.pieces.join('') },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(
        `data: ${JSON.stringify({
          id: 'chatcmpl-standin',
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`,
      );
    chunk({ role: 'assistant', content: '' });
    for (const [index, piece] of reply.pieces.entries()) {
      if (reply.hold && index === reply.holdAfter) await reply.hold;
      chunk({ content: piece });
    }
    if (reply.cut) {
      // what was written reaches the client first, then the connection breaks
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 50));
      res.socket?.destroy();
      return;
    }
    chunk({}, 'stop');
    res.end('data: [DONE]\n\n');
  }
}
