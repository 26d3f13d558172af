import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import WebSocket from 'ws';
import { isWellFormedResponse } from '../src/gateway/jsonrpc/response-check.js';
import { expectEventually } from './support/expect-eventually.js';
import { mulberry32 } from './support/prng.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const FRAMES = 10_000;

describe('compatibility gateway: 10,000 random and malformed frames', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test('no crash, the connection lives, and every reply is well-formed', async () => {
    const { id: projectId } = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/fuzz',
    });
    const channel = `private-project.${projectId}`;
    const ws = new WebSocket(`${server.wsUrl.replace(/\/graphql$/, '')}/app/maestro?protocol=7`);
    const received: string[] = [];
    let closed: number | undefined;
    ws.on('message', (raw: Buffer) => received.push(raw.toString('utf8')));
    ws.on('close', (code) => (closed = code));
    await new Promise((resolve) => ws.once('open', resolve));
    const socketId = await expectEventually(() => {
      const first = JSON.parse(received[0] ?? 'null') as { data: string } | null;
      if (!first) throw new Error('not established yet');
      return (JSON.parse(first.data) as { socket_id: string }).socket_id;
    });
    const response = await fetch(`${server.url}/broadcasting/auth`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.owner.accessToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ socket_id: socketId, channel_name: channel }).toString(),
    });
    const signed = (await response.json()) as { auth: string; channel_data: string };
    ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel, ...signed } }));
    await expectEventually(() =>
      expect(received.some((frame) => frame.includes('subscription_succeeded'))).toBe(true),
    );

    const random = mulberry32(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const text = (length: number) =>
      Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x2fff))).join('');
    const value = (depth = 0): unknown => {
      switch (Math.floor(random() * (depth > 2 ? 5 : 8))) {
        case 0:
          return null;
        case 1:
          return random() < 0.5;
        case 2:
          return pick([0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308]);
        case 3:
          return text(Math.floor(random() * 12));
        case 4:
          return pick(['2.0', '1.0', 'session.heartbeat', 'run.claim', 'rpc.x', '']);
        case 5:
          return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
        default:
          return Object.fromEntries(
            Array.from({ length: Math.floor(random() * 4) }, () => [
              pick(['jsonrpc', 'method', 'params', 'id', 'event', 'data', 'channel', text(3)]),
              value(depth + 1),
            ]),
          );
      }
    };
    const methods = [
      'session.heartbeat',
      'task.blockers',
      'project.lookup',
      'events.since',
      'run.heartbeat',
      'run.output',
      'no.such.method',
      'rpc.discover',
    ];
    const rpc = (): unknown => {
      const request = {
        jsonrpc: pick(['2.0', '2.0', '2.0', '1.0', 2]),
        method: random() < 0.9 ? pick(methods) : value(),
        ...(random() < 0.8
          ? {
              params:
                random() < 0.7
                  ? { after: 0, sessionId: text(4), taskId: 'tsk_x', remoteUrl: text(8) }
                  : value(),
            }
          : {}),
        ...(random() < 0.8 ? { id: pick([1, 'a', null, 2.5, value()]) } : {}),
      };
      return request;
    };
    const frame = (): string => {
      const kind = random();
      if (kind < 0.15) return text(Math.floor(random() * 40)); // not JSON at all
      if (kind < 0.25) return JSON.stringify(value()); // JSON, not a frame
      if (kind < 0.3)
        return `{"event":"client-rpc","channel":"${channel}","data":${JSON.stringify(text(20))}}`;
      if (kind < 0.33) return 'x'.repeat(11_000); // over the cap
      if (kind < 0.45) {
        return JSON.stringify({
          event: pick([
            'pusher:ping',
            'pusher:subscribe',
            'pusher:unsubscribe',
            'pusher:nope',
            'client-x',
            'rpc',
            text(6),
          ]),
          data: value(),
          ...(random() < 0.5
            ? { channel: pick([`private-project.prj_other`, 'public', text(5)]) }
            : {}),
        });
      }
      // JSON-RPC on the channel: single requests, notifications, batches, raw text
      const payload =
        random() < 0.2
          ? Array.from({ length: Math.floor(random() * 5) }, () =>
              random() < 0.8 ? rpc() : value(),
            )
          : random() < 0.1
            ? JSON.stringify(rpc()).slice(0, Math.floor(random() * 30))
            : rpc();
      return JSON.stringify({ event: 'client-rpc', channel, data: payload });
    };

    for (let sent = 0; sent < FRAMES; sent++) {
      ws.send(frame());
      // let the socket drain now and then, as a real client's writes would
      if (sent % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    // alive: a ping still answered, and a last call still served
    ws.send(JSON.stringify({ event: 'pusher:ping', data: {} }));
    ws.send(
      JSON.stringify({
        event: 'client-rpc',
        channel,
        data: { jsonrpc: '2.0', method: 'events.since', params: { after: 0 }, id: 'last' },
      }),
    );
    await expectEventually(
      () => expect(received.some((f) => f.includes('\\"id\\":\\"last\\"'))).toBe(true),
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    // quiet: nothing more arrives between two looks
    await expectEventually(
      async () => {
        const before = received.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(received.length).toBe(before);
      },
      { timeoutMs: 60_000, intervalMs: 0 },
    );
    expect(closed).toBeUndefined();

    const counts: Record<string, number> = {};
    for (const raw of received) {
      const parsed = JSON.parse(raw) as { event: unknown; data: unknown; channel?: unknown };
      expect(typeof parsed.event).toBe('string');
      const event = parsed.event as string;
      counts[event] = (counts[event] ?? 0) + 1;
      if (event === 'pusher:error') {
        const data = parsed.data as { code: unknown; message: unknown };
        expect(data.code === null || typeof data.code === 'number').toBe(true);
        expect(typeof data.message).toBe('string');
      } else {
        expect(typeof parsed.data).toBe('string');
        const data: unknown = JSON.parse(parsed.data as string);
        if (event === 'rpc-result') {
          const replies = Array.isArray(data) ? data : [data];
          expect(replies.length).toBeGreaterThan(0);
          for (const reply of replies) {
            if (!isWellFormedResponse(reply)) throw new Error(`malformed reply: ${raw}`);
          }
        }
      }
    }
    // the frames exercised what they were meant to
    expect(counts['pusher:error']).toBeGreaterThan(1000);
    expect(counts['rpc-result']).toBeGreaterThan(1000);
    expect(counts['pusher:pong']).toBeGreaterThanOrEqual(1);
    ws.close();
  }, 180_000);
});
