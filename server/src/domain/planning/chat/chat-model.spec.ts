import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ChatModelFailure, DEFAULT_PLANNER_MODEL, OpenAiChatModel } from './chat-model.js';

/** Drains a stream, returning its text or the failure's message. */
async function drain(model: OpenAiChatModel): Promise<string> {
  let text = '';
  try {
    for await (const piece of model.stream(
      [{ role: 'user', content: 'hi' }],
      new AbortController().signal,
    )) {
      text += piece;
    }
    return text;
  } catch (error) {
    expect(error).toBeInstanceOf(ChatModelFailure);
    return `failed: ${(error as Error).message}`;
  }
}

describe('OpenAiChatModel failures, said plainly', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (res: import('node:http').ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('the model defaults to a sensible name when MAESTRO_MODEL_HARD is unset', () => {
    expect(new OpenAiChatModel({ baseUrl, apiKey: undefined, model: undefined }).model).toBe(
      DEFAULT_PLANNER_MODEL,
    );
  });

  test('connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const model = new OpenAiChatModel({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: undefined,
      model: 'm',
    });
    expect(await drain(model)).toMatch(
      new RegExp(
        `^failed: the model endpoint http://127\\.0\\.0\\.1:${port}/v1 could not be reached`,
      ),
    );
  });

  test('an HTTP error names its status and the endpoint’s message', async () => {
    answer = (res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
    };
    expect(await drain(new OpenAiChatModel({ baseUrl, apiKey: 'bad', model: 'm' }))).toBe(
      `failed: the model endpoint ${baseUrl} answered HTTP 401: Incorrect API key provided`,
    );
  });

  test('a stream that ends without a finish_reason, or at the output limit, is incomplete', async () => {
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk({ content: 'Half an ans' }, null) + 'data: [DONE]\n\n');
    };
    const model = new OpenAiChatModel({ baseUrl, apiKey: undefined, model: 'm' });
    expect(await drain(model)).toBe(
      `failed: the stream from ${baseUrl} ended before the model finished its reply`,
    );
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk({ content: 'Long' }, 'length') + 'data: [DONE]\n\n');
    };
    expect(await drain(model)).toBe(
      'failed: the model m stopped at its output limit; the reply is incomplete',
    );
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk({ content: 'Whole.' }, 'stop') + 'data: [DONE]\n\n');
    };
    expect(await drain(model)).toBe('Whole.');
  });
});
