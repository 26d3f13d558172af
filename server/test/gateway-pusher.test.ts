import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import PusherModule from 'pusher-js';
import WebSocket from 'ws';
import { MemberRole } from '../src/domain/access/permissions.js';
import { uuidv7 } from '../src/domain/common/ids.js';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import { SessionRole, TeamEntity } from '../src/domain/session/session.entity.js';
import {
  GatewayRefusal,
  type GatewaySocket,
  type GatewaySubscriber,
  type PrivateChannel,
} from '../src/gateway/pusher/gateway-types.js';
import { addSession } from './support/agents.js';
import { expectEventually } from './support/expect-eventually.js';
import { accessTokenFor, addMember } from './support/members.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { RefusingSubscriber } from '../src/gateway/pusher/refusing-subscriber.js';

// pusher-js is CommonJS whose typings declare a default export: at run time the default
// import is the class itself.
type PusherClient = InstanceType<typeof PusherModule.default>;
const Pusher = ((PusherModule as unknown as { default?: unknown }).default ??
  PusherModule) as typeof PusherModule.default;

/**
 * The compatibility gateway's Pusher protocol 7 conformance suite (DESIGN.md §7, issue 8),
 * driven by the real pusher-js client and, where it cannot express a case, by raw frames.
 */
const AUDITS = {
  'P-01': 'MUST connection_established with socket_id "<int>.<int>" and activity_timeout 30',
  'P-02': 'MUST a wrong app key gets pusher:error 4001, then close 4001',
  'P-03': 'MUST protocol 6, or none, gets pusher:error 4007, then close 4007',
  'P-04': 'MUST pusher:ping is answered with pusher:pong',
  'P-05': 'MUST the server pings after activity_timeout of silence; a reply keeps the socket',
  'P-06': 'MUST no message within the pong timeout after the server ping closes with 4201',
  'P-07': 'MUST pusher-js subscribes to a private project channel through /broadcasting/auth',
  'P-08': 'MUST client events reach the subscriber; its answer goes to that socket alone',
  'P-09': 'MUST /broadcasting/auth without a bearer credential is 401; pusher-js reports it',
  'P-10': 'MUST a forged signature gets pusher:subscription_error 401; the socket stays open',
  'P-11': 'MUST a signature for another socket_id gets pusher:subscription_error 401',
  'P-12': 'MUST a foreign channel is 403 from /broadcasting/auth (workspace, token, unknown id)',
  'P-13': 'MUST malformed channel names are refused: 403 from the endpoint, subscription_error',
  'P-14': 'MUST a malformed socket_id is 400 from /broadcasting/auth',
  'P-15': 'MUST client events on a channel not subscribed are refused with pusher:error',
  'P-16': 'MUST frames up to the cap are accepted; larger ones get pusher:error, socket alive',
  'P-17': 'MUST invalid JSON, a frame without event, unknown pusher: events get pusher:error',
  'P-18': 'MUST pusher:unsubscribe ends the subscription; later client events are refused',
  'P-19': 'MUST closing Studio closes gateway sockets with 4200 (reconnect now)',
  'P-20': 'SHOULD subscribing again to a subscribed channel succeeds without a second call',
  'P-21': 'MUST a refusing subscriber gives subscription_error with its status; none → 503',
  'P-22': 'MUST private-team.<tem_…> is signed for those who can read the team’s project',
  'P-23': 'MUST a closed socket is unsubscribed from each channel, then closed',
  'P-24': 'MUST a subscriber failing on a client event gets pusher:error; the socket stays',
  'P-25': 'MUST the cap follows MAESTRO_GATEWAY_MAX_MESSAGE_BYTES',
  'P-26': 'MUST an API token is bound as the credential for its own project',
} as const;
type AuditId = keyof typeof AUDITS;
const covered = new Set<AuditId>();
function audit(id: AuditId): string {
  covered.add(id);
  return `${id} ${AUDITS[id]}`;
}

type Call =
  | { kind: 'subscribed'; socketId: string; channel: string; credential: string }
  | { kind: 'unsubscribed'; socketId: string; channel: string }
  | { kind: 'clientEvent'; socketId: string; channel: string; event: string; data: unknown }
  | { kind: 'closed'; socketId: string };

/** Records every call; echoes client events back as client-echo; refuses what it is told to. */
class RecordingSubscriber implements GatewaySubscriber {
  readonly calls: Call[] = [];
  readonly refused = new Map<string, GatewayRefusal>();

  subscribed(socket: GatewaySocket, channel: PrivateChannel, credential: string): Promise<void> {
    this.calls.push({ kind: 'subscribed', socketId: socket.id, channel: channel.name, credential });
    const refusal = this.refused.get(channel.name);
    return refusal ? Promise.reject(refusal) : Promise.resolve();
  }

  unsubscribed(socket: GatewaySocket, channel: PrivateChannel): void {
    this.calls.push({ kind: 'unsubscribed', socketId: socket.id, channel: channel.name });
  }

  clientEvent(
    socket: GatewaySocket,
    channel: PrivateChannel,
    event: string,
    data: unknown,
  ): Promise<void> {
    this.calls.push({
      kind: 'clientEvent',
      socketId: socket.id,
      channel: channel.name,
      event,
      data,
    });
    if (event === 'client-explode') return Promise.reject(new Error('the subscriber broke'));
    socket.send(channel.name, 'client-echo', { event, data });
    return Promise.resolve();
  }

  closed(socket: GatewaySocket): void {
    this.calls.push({ kind: 'closed', socketId: socket.id });
  }

  of(socketId: string): Call[] {
    return this.calls.filter((call) => call.socketId === socketId);
  }
}

interface Frame {
  readonly event: string;
  readonly channel?: string;
  readonly data: unknown;
}

/** A raw `ws` client that keeps every frame it receives. */
class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer) => this.frames.push(JSON.parse(raw.toString('utf8')) as Frame));
    ws.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
  }

  async open(): Promise<this> {
    await this.opened;
    return this;
  }

  /** The first frame of this event not taken yet (waits for it). */
  async next(event: string, channel?: string, timeoutMs = 5000): Promise<Frame> {
    return expectEventually(
      () => {
        const index = this.frames.findIndex(
          (frame) => frame.event === event && (channel === undefined || frame.channel === channel),
        );
        if (index < 0) {
          throw new Error(`no ${event} frame yet; received ${JSON.stringify(this.frames)}`);
        }
        return this.frames.splice(index, 1)[0] as Frame;
      },
      { timeoutMs },
    );
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async socketId(): Promise<string> {
    const established = await this.next('pusher:connection_established');
    return (decode(established.data) as { socket_id: string }).socket_id;
  }

  /** A ping round trip: the connection is alive and everything sent before it was handled. */
  async alive(): Promise<void> {
    this.send({ event: 'pusher:ping', data: {} });
    await this.next('pusher:pong');
  }
}

/** Server frames carry data as a JSON string. */
function decode(data: unknown): unknown {
  return typeof data === 'string' ? JSON.parse(data) : data;
}

const SOCKET_ID_FORMAT = /^\d+\.\d+$/;

describe('compatibility gateway: Pusher protocol 7', () => {
  let server: TestServer;
  /** A second replica on the same database: short timings, a small cap, no subscriber. */
  let quick: TestServer;
  const subscriber = new RecordingSubscriber();
  const pushers: PusherClient[] = [];
  const raws: RawClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ gateway: { subscriber } });
    quick = await startTestServer({
      database: server.studio.database,
      env: { MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '2048' },
      gateway: { subscriber: new RecordingSubscriber(), activityTimeoutS: 1, pongTimeoutMs: 300 },
    });
  });

  afterAll(async () => {
    for (const client of pushers) client.disconnect();
    for (const raw of raws) raw.ws.terminate();
    await quick?.close();
    await server?.close();
  });

  const wsBase = (on: TestServer) => on.url.replace(/^http/, 'ws');

  async function raw(
    on: TestServer = server,
    path = '/app/maestro?protocol=7&client=raw&version=1.0',
  ): Promise<RawClient> {
    const client = new RawClient(new WebSocket(`${wsBase(on)}${path}`));
    raws.push(client);
    return client.open();
  }

  function pusher(token: string | undefined, on: TestServer = server, key = 'maestro') {
    const client = new Pusher(key, {
      cluster: 'mt1',
      wsHost: '127.0.0.1',
      wsPort: on.studio.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: {
        endpoint: `${on.url}/broadcasting/auth`,
        transport: 'ajax',
        headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      },
    });
    pushers.push(client);
    return client;
  }

  async function connected(client: PusherClient): Promise<string> {
    if (client.connection.state !== 'connected') {
      await new Promise<void>((resolve, reject) => {
        client.connection.bind('connected', () => resolve());
        client.connection.bind('failed', () => reject(new Error('pusher-js failed to connect')));
      });
    }
    return client.connection.socket_id;
  }

  /** Subscribes with pusher-js and resolves with the outcome event and its data. */
  function subscribeWith(
    client: PusherClient,
    channelName: string,
  ): Promise<{ outcome: 'succeeded' | 'error'; data: unknown }> {
    const channel = client.subscribe(channelName);
    return new Promise((resolve) => {
      channel.bind('pusher:subscription_succeeded', (data: unknown) =>
        resolve({ outcome: 'succeeded', data }),
      );
      channel.bind('pusher:subscription_error', (data: unknown) =>
        resolve({ outcome: 'error', data }),
      );
    });
  }

  async function auth(
    body: Record<string, string>,
    /** The bearer credential; null sends no Authorization header. */
    token: string | null = server.owner.accessToken,
    as: 'form' | 'json' = 'form',
    on: TestServer = server,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${on.url}/broadcasting/auth`, {
      method: 'POST',
      headers: {
        'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: as === 'form' ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Signs `channel` for a raw client and subscribes it; resolves with the reply frame. */
  async function rawSubscribe(client: RawClient, socketId: string, channel: string) {
    const signed = await auth({ socket_id: socketId, channel_name: channel });
    expect(signed.status).toBe(200);
    client.send({ event: 'pusher:subscribe', data: { channel, ...signed.body } });
    return expectEventually(() => {
      const reply = client.frames.find(
        (frame) =>
          frame.channel === channel &&
          (frame.event === 'pusher_internal:subscription_succeeded' ||
            frame.event === 'pusher:subscription_error'),
      );
      if (!reply) throw new Error(`no subscription reply on ${channel}`);
      client.frames.splice(client.frames.indexOf(reply), 1);
      return reply;
    });
  }

  const projectChannel = async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    return { project, channel: `private-project.${project.id}` };
  };

  test(audit('P-01'), async () => {
    const client = await raw();
    const established = await client.next('pusher:connection_established');
    expect(typeof established.data).toBe('string');
    const data = decode(established.data) as Record<string, unknown>;
    expect(data).toEqual({
      socket_id: expect.stringMatching(SOCKET_ID_FORMAT),
      activity_timeout: 30,
    });

    const js = pusher(server.owner.accessToken);
    expect(await connected(js)).toMatch(SOCKET_ID_FORMAT);
    expect(await connected(js)).not.toBe(data.socket_id);
  });

  test(audit('P-02'), async () => {
    const client = await raw(server, '/app/not-our-key?protocol=7&client=raw&version=1.0');
    const error = await client.next('pusher:error');
    expect(error.data).toEqual({ code: 4001, message: 'App key "not-our-key" not in use' });
    expect(await client.closed).toEqual({ code: 4001, reason: 'App key "not-our-key" not in use' });
    expect(client.frames).toEqual([]);

    // pusher-js reads it as "refused" and stops.
    const js = pusher(server.owner.accessToken, server, 'not-our-key');
    const refused = await new Promise<unknown>((resolve) => js.connection.bind('error', resolve));
    expect(refused).toMatchObject({ error: { data: { code: 4001 } } });
    await expectEventually(() => expect(js.connection.state).not.toBe('connecting'));
  });

  test(audit('P-03'), async () => {
    for (const query of ['?protocol=6&client=raw', '?client=raw&version=1.0', '?protocol=7.0']) {
      const client = await raw(server, `/app/maestro${query}`);
      const error = await client.next('pusher:error');
      expect(error.data).toMatchObject({ code: 4007 });
      expect((error.data as { message: string }).message).toContain('protocol 7');
      expect((await client.closed).code).toBe(4007);
    }
  });

  test(audit('P-04'), async () => {
    const client = await raw();
    await client.socketId();
    client.send({ event: 'pusher:ping', data: {} });
    const pong = await client.next('pusher:pong');
    expect(pong).toEqual({ event: 'pusher:pong', data: '{}' });
    client.send('{"event":"pusher:ping"}');
    await client.next('pusher:pong');
  });

  test(audit('P-05'), async () => {
    const client = await raw(quick);
    await client.socketId();
    const ping = await client.next('pusher:ping');
    expect(ping).toEqual({ event: 'pusher:ping', data: '{}' });
    client.send({ event: 'pusher:pong', data: {} });
    // The answer reset the clock: a second ping comes after another silence, not a close.
    await client.next('pusher:ping');
    client.send({ event: 'pusher:pong', data: {} });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  test(audit('P-06'), async () => {
    const client = await raw(quick);
    await client.socketId();
    await client.next('pusher:ping');
    const error = await client.next('pusher:error');
    expect(error.data).toEqual({ code: 4201, message: 'Pong reply not received' });
    expect(await client.closed).toEqual({ code: 4201, reason: 'Pong reply not received' });
  });

  test(audit('P-07'), async () => {
    const { channel } = await projectChannel();
    const js = pusher(server.owner.accessToken);
    const socketId = await connected(js);
    const result = await subscribeWith(js, channel);
    expect(result).toEqual({ outcome: 'succeeded', data: {} });
    // pusher-js forwards channel_data for private channels: the subscriber got the credential.
    expect(subscriber.of(socketId)).toEqual([
      { kind: 'subscribed', socketId, channel, credential: server.owner.accessToken },
    ]);
  });

  test(audit('P-08'), async () => {
    const { channel } = await projectChannel();
    const js = pusher(server.owner.accessToken);
    const socketId = await connected(js);
    expect((await subscribeWith(js, channel)).outcome).toBe('succeeded');
    const bystander = await raw();
    const bystanderId = await bystander.socketId();
    expect((await rawSubscribe(bystander, bystanderId, channel)).event).toBe(
      'pusher_internal:subscription_succeeded',
    );

    const echoed = new Promise<unknown>((resolve) =>
      js.channel(channel).bind('client-echo', resolve),
    );
    const request = { jsonrpc: '2.0', method: 'session.heartbeat', id: 1 };
    expect(js.channel(channel).trigger('client-rpc', request)).toBe(true);
    expect(await echoed).toEqual({ event: 'client-rpc', data: request });
    expect(subscriber.of(socketId)).toContainEqual({
      kind: 'clientEvent',
      socketId,
      channel,
      event: 'client-rpc',
      data: request,
    });

    // A string `data` arrives as the string (raw JSON-RPC text, parse errors included).
    bystander.send({ event: 'client-rpc', channel, data: '{"jsonrpc": "2.0", "method"' });
    const own = await bystander.next('client-echo', channel);
    expect(decode(own.data)).toEqual({ event: 'client-rpc', data: '{"jsonrpc": "2.0", "method"' });
    await bystander.alive();
    expect(bystander.frames.filter((frame) => frame.event === 'client-echo')).toEqual([]);
  });

  test(audit('P-09'), async () => {
    const { channel } = await projectChannel();
    const denied = await auth({ socket_id: '1.2', channel_name: channel }, null);
    expect(denied.status).toBe(401);
    expect(denied.body.error).toContain('Bearer');
    const invalid = await auth({ socket_id: '1.2', channel_name: channel }, 'not-a-token');
    expect(invalid.status).toBe(401);

    const js = pusher(undefined);
    const socketId = await connected(js);
    const result = await subscribeWith(js, channel);
    expect(result).toMatchObject({ outcome: 'error', data: { type: 'AuthError', status: 401 } });
    expect(subscriber.of(socketId)).toEqual([]);
  });

  test(audit('P-10'), async () => {
    const { channel } = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    const channelData = JSON.stringify({ user_id: server.owner.userId, credential: 'x' });
    for (const forged of [`maestro:${'0'.repeat(64)}`, 'maestro:', 'other:abc', '']) {
      client.send({
        event: 'pusher:subscribe',
        data: { channel, auth: forged, channel_data: channelData },
      });
      const error = await client.next('pusher:subscription_error', channel);
      expect(decode(error.data)).toMatchObject({ type: 'AuthError', status: 401 });
      expect((decode(error.data) as { error: string }).error).toContain('invalid signature');
    }
    // A real signature whose channel_data was swapped for another credential.
    const signed = await auth({ socket_id: socketId, channel_name: channel });
    client.send({
      event: 'pusher:subscribe',
      data: { channel, auth: signed.body.auth, channel_data: channelData },
    });
    expect(decode((await client.next('pusher:subscription_error', channel)).data)).toMatchObject({
      status: 401,
    });
    client.send({ event: 'pusher:subscribe', data: { channel } });
    const missing = decode((await client.next('pusher:subscription_error', channel)).data);
    expect(missing).toMatchObject({ type: 'AuthError', status: 401 });
    expect((missing as { error: string }).error).toContain('/broadcasting/auth');
    await client.alive();
    expect(subscriber.of(socketId)).toEqual([]);
  });

  test(audit('P-11'), async () => {
    const { channel } = await projectChannel();
    const victim = await raw();
    const victimId = await victim.socketId();
    const thief = await raw();
    const thiefId = await thief.socketId();
    const signed = await auth({ socket_id: victimId, channel_name: channel });
    thief.send({ event: 'pusher:subscribe', data: { channel, ...signed.body } });
    const error = decode((await thief.next('pusher:subscription_error', channel)).data);
    expect(error).toMatchObject({ type: 'AuthError', status: 401 });
    expect((error as { error: string }).error).toContain(thiefId);
    await thief.alive();
    expect(subscriber.of(thiefId)).toEqual([]);
  });

  test(audit('P-12'), async () => {
    // A developer of the owner's workspace, and a project in a workspace they are not in.
    const developer = await addMember(server, server.owner.workspaceId, MemberRole.DEVELOPER);
    const token = await accessTokenFor(server, developer.userKey);
    const elsewhere = await server.factory.workspace();
    const foreign = await server.factory.project({ workspaceId: elsewhere.id });
    const home = await server.factory.project({ workspaceId: server.owner.workspaceId });

    const refused = await auth(
      { socket_id: '1.2', channel_name: `private-project.${foreign.id}` },
      token,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain('no such channel, or no read access');
    const unknown = await auth(
      { socket_id: '1.2', channel_name: `private-project.${toPublicId('Project', uuidv7())}` },
      token,
    );
    // An unknown id and a forbidden one read the same, so ids cannot be probed.
    expect(unknown.status).toBe(403);
    expect((unknown.body.error as string).replace(/private-project\.\S+/, '')).toBe(
      (refused.body.error as string).replace(/private-project\.\S+/, ''),
    );
    const allowed = await auth(
      { socket_id: '1.2', channel_name: `private-project.${home.id}` },
      token,
    );
    expect(allowed.status).toBe(200);

    // pusher-js as the developer: refused on the foreign project, with the endpoint's status.
    const js = pusher(token);
    await connected(js);
    expect(await subscribeWith(js, `private-project.${foreign.id}`)).toMatchObject({
      outcome: 'error',
      data: { type: 'AuthError', status: 403 },
    });
  });

  test(audit('P-13'), async () => {
    const client = await raw();
    const socketId = await client.socketId();
    const { project } = await projectChannel();
    for (const name of [
      'public-channel',
      `presence-project.${project.id}`,
      `private-encrypted-project.${project.id}`,
      'private-project.prj_nope',
      `private-team.${project.id}`,
      `private-project.${project.id}.extra`,
    ]) {
      const signed = await auth({ socket_id: socketId, channel_name: name });
      expect({ name, status: signed.status }).toEqual({ name, status: 403 });
      client.send({ event: 'pusher:subscribe', data: { channel: name } });
      const error = await client.next('pusher:subscription_error', name);
      expect(decode(error.data)).toMatchObject({ type: 'AuthError', status: 403 });
    }
    const missing = await auth({ socket_id: socketId });
    expect(missing.status).toBe(400);
    // pusher-js's own view of a public channel on this server.
    const js = pusher(server.owner.accessToken);
    await connected(js);
    expect(await subscribeWith(js, 'news')).toMatchObject({
      outcome: 'error',
      data: { status: 403 },
    });
    await client.alive();
  });

  test(audit('P-14'), async () => {
    const { channel } = await projectChannel();
    for (const socketId of ['', 'abc', '1.2.3', '1', '1.2; drop', `${'9'.repeat(30)}.1`]) {
      const response = await auth({ socket_id: socketId, channel_name: channel });
      expect({ socketId, status: response.status }).toEqual({ socketId, status: 400 });
    }
    const json = await auth({ socket_id: '12.34', channel_name: channel }, null, 'json');
    expect(json.status).toBe(401);
    const ok = await auth(
      { socket_id: '12.34', channel_name: channel },
      server.owner.accessToken,
      'json',
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      auth: expect.stringMatching(/^maestro:[0-9a-f]{64}$/),
      channel_data: expect.any(String),
    });
    expect(JSON.parse(ok.body.channel_data as string)).toEqual({
      user_id: server.owner.userId,
      credential: server.owner.accessToken,
    });
  });

  test(audit('P-15'), async () => {
    const { channel } = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    client.send({ event: 'client-rpc', channel, data: { jsonrpc: '2.0', method: 'x' } });
    const error = await client.next('pusher:error');
    expect((error.data as { code: null; message: string }).code).toBeNull();
    expect((error.data as { message: string }).message).toContain(channel);
    client.send({ event: 'client-rpc', data: {} });
    expect((await client.next('pusher:error')).data).toMatchObject({ code: null });
    await client.alive();
    expect(subscriber.of(socketId)).toEqual([]);
  });

  /** A client-rpc frame of exactly `bytes` bytes. */
  function frameOf(bytes: number, channel: string): string {
    const empty = JSON.stringify({ event: 'client-rpc', channel, data: '' });
    return JSON.stringify({ event: 'client-rpc', channel, data: 'x'.repeat(bytes - empty.length) });
  }

  test(audit('P-16'), async () => {
    const { channel } = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    expect((await rawSubscribe(client, socketId, channel)).event).toBe(
      'pusher_internal:subscription_succeeded',
    );
    const atCap = frameOf(10_240, channel);
    expect(Buffer.byteLength(atCap)).toBe(10_240);
    client.send(atCap);
    await client.next('client-echo', channel);

    client.send(frameOf(10_241, channel));
    const error = await client.next('pusher:error');
    expect(error.data).toEqual({
      code: null,
      message: 'message too large: 10241 bytes; the cap is 10240',
    });
    // Bytes, not characters: 10,240 characters of "é" are 20 KB.
    const wide = JSON.stringify({ event: 'client-rpc', channel, data: 'é'.repeat(5200) });
    client.send(wide);
    expect((await client.next('pusher:error')).data).toMatchObject({
      message: `message too large: ${Buffer.byteLength(wide)} bytes; the cap is 10240`,
    });
    await client.alive();
    expect(subscriber.of(socketId).filter((call) => call.kind === 'clientEvent')).toHaveLength(1);
  });

  test(audit('P-17'), async () => {
    const client = await raw();
    await client.socketId();
    for (const [text, fragment] of [
      ['{"event": "client-rpc", "data": ', 'invalid JSON'],
      ['not json at all', 'invalid JSON'],
      ['[]', 'a frame must be a JSON object'],
      ['{"data": {}}', '"event" is missing'],
      ['{"event": "pusher:bogus", "data": {}}', 'unsupported event "pusher:bogus"'],
      ['{"event": "pusher_internal:subscription_succeeded", "data": {}}', 'unsupported event'],
      ['{"event": "my-event", "data": {}}', 'client-… events'],
      ['{"event": "pusher:subscribe", "data": {}}', 'pusher:subscribe needs data'],
      ['{"event": "pusher:unsubscribe", "data": 5}', 'pusher:unsubscribe needs data'],
    ] as const) {
      client.send(text);
      const error = await client.next('pusher:error');
      expect(error.data).toEqual({ code: null, message: expect.stringContaining(fragment) });
    }
    client.ws.send(Buffer.from('{"event":"pusher:ping"}'), { binary: true });
    expect((await client.next('pusher:error')).data).toMatchObject({
      message: expect.stringContaining('binary frames'),
    });
    await client.alive();
  });

  test(audit('P-18'), async () => {
    const { channel } = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    await rawSubscribe(client, socketId, channel);
    client.send({ event: 'pusher:unsubscribe', data: { channel } });
    client.send({ event: 'client-rpc', channel, data: {} });
    expect((await client.next('pusher:error')).data).toMatchObject({
      message: expect.stringContaining('not subscribed'),
    });
    expect(subscriber.of(socketId).map((call) => call.kind)).toEqual([
      'subscribed',
      'unsubscribed',
    ]);
    // Unsubscribing from a channel not subscribed is a no-op.
    client.send({ event: 'pusher:unsubscribe', data: { channel } });
    await client.alive();
    expect(subscriber.of(socketId)).toHaveLength(2);

    // pusher-js's unsubscribe reaches the subscriber the same way.
    const js = pusher(server.owner.accessToken);
    const jsId = await connected(js);
    await subscribeWith(js, channel);
    js.unsubscribe(channel);
    await expectEventually(() =>
      expect(subscriber.of(jsId).map((call) => call.kind)).toEqual(['subscribed', 'unsubscribed']),
    );
  });

  test(audit('P-20'), async () => {
    const { channel } = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    const signed = await auth({ socket_id: socketId, channel_name: channel });
    const subscribe = { event: 'pusher:subscribe', data: { channel, ...signed.body } };
    client.send(subscribe);
    client.send(subscribe);
    await client.next('pusher_internal:subscription_succeeded', channel);
    await client.next('pusher_internal:subscription_succeeded', channel);
    expect(subscriber.of(socketId)).toHaveLength(1);
  });

  test(audit('P-21'), async () => {
    const { channel } = await projectChannel();
    subscriber.refused.set(channel, new GatewayRefusal('the project is paused for you', 403));
    const js = pusher(server.owner.accessToken);
    await connected(js);
    expect(await subscribeWith(js, channel)).toEqual({
      outcome: 'error',
      data: { type: 'AuthError', error: 'the project is paused for you', status: 403 },
    });

    // A Studio whose RPC layer is off serves the protocol and refuses subscriptions with 503.
    const bare = await startTestServer({
      database: server.studio.database,
      gateway: { subscriber: new RefusingSubscriber() },
    });
    try {
      const client = await raw(bare);
      const socketId = await client.socketId();
      const signed = await auth(
        { socket_id: socketId, channel_name: channel },
        server.owner.accessToken,
        'form',
        bare,
      );
      expect(signed.status).toBe(200);
      client.send({ event: 'pusher:subscribe', data: { channel, ...signed.body } });
      const reply = await client.next('pusher:subscription_error', channel);
      expect(decode(reply.data)).toEqual({
        type: 'AuthError',
        error: 'the RPC gateway is not enabled',
        status: 503,
      });
      await client.alive();
    } finally {
      await bare.close();
    }
  });

  test(audit('P-22'), async () => {
    const { project } = await projectChannel();
    const lead = await addSession(server, project.id, { role: SessionRole.LEAD });
    const teamKey = uuidv7();
    await server.studio.database.dataSource.manager.insert(TeamEntity, {
      id: teamKey,
      projectId: parsePublicIdOf('Project', project.id) as string,
      leadSessionId: parsePublicIdOf('AgentSession', lead) as string,
      channel: `private-team.${toPublicId('Team', teamKey)}`,
      workerCount: 1,
      devWorkers: 1,
      reviewWorkers: 0,
      testWorkers: 0,
    });
    const channel = `private-team.${toPublicId('Team', teamKey)}`;
    const js = pusher(server.owner.accessToken);
    const socketId = await connected(js);
    expect((await subscribeWith(js, channel)).outcome).toBe('succeeded');
    expect(subscriber.of(socketId)).toEqual([
      { kind: 'subscribed', socketId, channel, credential: server.owner.accessToken },
    ]);

    const outsider = await addMember(
      server,
      (await server.factory.workspace()).id,
      MemberRole.OWNER,
    );
    const refused = await auth(
      { socket_id: socketId, channel_name: channel },
      await accessTokenFor(server, outsider.userKey),
    );
    expect(refused.status).toBe(403);
    const unknown = await auth({
      socket_id: socketId,
      channel_name: `private-team.${toPublicId('Team', uuidv7())}`,
    });
    expect(unknown.status).toBe(403);
  });

  test(audit('P-23'), async () => {
    const first = await projectChannel();
    const second = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    await rawSubscribe(client, socketId, first.channel);
    await rawSubscribe(client, socketId, second.channel);
    client.ws.close(1000);
    await expectEventually(() =>
      expect(subscriber.of(socketId).map((call) => call.kind)).toEqual([
        'subscribed',
        'subscribed',
        'unsubscribed',
        'unsubscribed',
        'closed',
      ]),
    );
  });

  test(audit('P-24'), async () => {
    const { channel } = await projectChannel();
    const client = await raw();
    const socketId = await client.socketId();
    await rawSubscribe(client, socketId, channel);
    client.send({ event: 'client-explode', channel, data: {} });
    const error = await client.next('pusher:error');
    expect(error.data).toEqual({ code: null, message: expect.stringContaining('internal error') });
    expect(JSON.stringify(error.data)).not.toContain('the subscriber broke');
    client.send({ event: 'client-rpc', channel, data: { after: true } });
    expect(decode((await client.next('client-echo', channel)).data)).toEqual({
      event: 'client-rpc',
      data: { after: true },
    });
  });

  test(audit('P-25'), async () => {
    const { channel } = await projectChannel();
    const client = await raw(quick);
    const socketId = await client.socketId();
    const response = await auth(
      { socket_id: socketId, channel_name: channel },
      server.owner.accessToken,
      'form',
      quick,
    );
    client.send({ event: 'pusher:subscribe', data: { channel, ...response.body } });
    await client.next('pusher_internal:subscription_succeeded', channel);
    client.send(frameOf(2049, channel));
    expect((await client.next('pusher:error')).data).toEqual({
      code: null,
      message: 'message too large: 2049 bytes; the cap is 2048',
    });
    client.send(frameOf(2048, channel));
    await client.next('client-echo', channel);
  });

  test(audit('P-26'), async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    const other = await server.factory.project({ workspaceId: server.owner.workspaceId });
    const created = await server.query<{ createApiToken: { token: string } }, unknown>(
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }',
      {
        i: {
          workspaceId: server.owner.workspaceId,
          projectId: project.id,
          name: `daemon-${Date.now()}`,
          scopes: ['READ', 'DISPATCH'],
        },
      },
    );
    const token = created.createApiToken.token;
    const js = pusher(token);
    const socketId = await connected(js);
    expect((await subscribeWith(js, `private-project.${project.id}`)).outcome).toBe('succeeded');
    expect(subscriber.of(socketId)).toEqual([
      { kind: 'subscribed', socketId, channel: `private-project.${project.id}`, credential: token },
    ]);
    expect(await subscribeWith(js, `private-project.${other.id}`)).toMatchObject({
      outcome: 'error',
      data: { status: 403 },
    });
  });

  test(audit('P-19'), async () => {
    const { channel } = await projectChannel();
    const quickSubscriber = new RecordingSubscriber();
    const closing = await startTestServer({
      database: server.studio.database,
      gateway: { subscriber: quickSubscriber },
    });
    const client = await raw(closing);
    const socketId = await client.socketId();
    const signed = await auth(
      { socket_id: socketId, channel_name: channel },
      server.owner.accessToken,
      'form',
      closing,
    );
    client.send({ event: 'pusher:subscribe', data: { channel, ...signed.body } });
    await client.next('pusher_internal:subscription_succeeded', channel);
    const js = pusher(server.owner.accessToken, closing);
    await connected(js);
    const jsClosed = new Promise<unknown>((resolve) => js.connection.bind('error', resolve));

    await closing.close();
    const error = await client.next('pusher:error');
    expect(error.data).toEqual({ code: 4200, message: 'server restarting, reconnect now' });
    expect(await client.closed).toEqual({ code: 4200, reason: 'server restarting, reconnect now' });
    expect(await jsClosed).toMatchObject({ data: { code: 4200 } });
    js.disconnect();
    expect(quickSubscriber.of(socketId).map((call) => call.kind)).toEqual([
      'subscribed',
      'unsubscribed',
      'closed',
    ]);
  });

  test('every audit in the table has a test', () => {
    expect([...covered].sort()).toEqual(Object.keys(AUDITS).sort());
  });
});
