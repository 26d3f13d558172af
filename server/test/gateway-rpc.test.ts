import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import PusherModule from 'pusher-js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { KnowledgeArtifactType } from '../src/domain/knowledge/knowledge.entity.js';
import { expectEventually } from './support/expect-eventually.js';
import { ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// pusher-js is CommonJS whose typings declare a default export: at run time the default
// import is the class itself.
type PusherClient = InstanceType<typeof PusherModule.default>;
type PusherChannel = ReturnType<PusherClient['subscribe']>;
const Pusher = ((PusherModule as unknown as { default?: unknown }).default ??
  PusherModule) as typeof PusherModule.default;

interface RpcReply {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: Record<string, unknown> & { [key: string]: unknown };
  error?: { code: number; message: string; data?: Record<string, unknown> };
}
interface Notification {
  jsonrpc: '2.0';
  method: string;
  params: Record<string, unknown> & { seq: number };
}

/**
 * A daemon driven only through the compatibility gateway (DESIGN §7): the real pusher-js
 * client subscribes to its project's private channel and speaks JSON-RPC 2.0 in `client-rpc`
 * events; Studio answers in `rpc-result` and notifies in `rpc`.
 */
class GatewayDaemon {
  readonly notifications: Notification[] = [];
  private readonly replies = new Map<string | number, (reply: RpcReply | RpcReply[]) => void>();
  /** Every rpc-result received, in order (answered or not). */
  readonly all: Array<RpcReply | RpcReply[]> = [];
  private next = 1;
  channel!: PusherChannel;

  constructor(readonly pusher: PusherClient) {
    pusher.bind('rpc-result', (reply: RpcReply) => this.settle(reply));
  }

  async subscribe(name: string): Promise<void> {
    this.channel = this.pusher.subscribe(name);
    await new Promise<void>((resolve, reject) => {
      this.channel.bind('pusher:subscription_succeeded', () => resolve());
      this.channel.bind('pusher:subscription_error', (data: unknown) =>
        reject(new Error(`subscription refused: ${JSON.stringify(data)}`)),
      );
    });
    this.channel.bind('rpc', (notification: Notification) => this.notifications.push(notification));
    this.channel.bind('rpc-result', (reply: RpcReply | RpcReply[]) => this.settle(reply));
  }

  /** One request on the channel; resolves with its reply. */
  call(method: string, params?: unknown): Promise<RpcReply> {
    const id = this.next++;
    return this.send(
      { jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id },
      id,
    ) as Promise<RpcReply>;
  }

  /** The result of a call that must succeed. */
  async result(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const reply = await this.call(method, params);
    if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
    return reply.result as Record<string, unknown>;
  }

  /** Sends any frame (a batch, raw text) and resolves with the reply keyed by `key`. */
  send(frame: unknown, key: string | number, onChannel = true): Promise<RpcReply | RpcReply[]> {
    const answered = new Promise<RpcReply | RpcReply[]>((resolve) =>
      this.replies.set(key, resolve),
    );
    if (onChannel) this.channel.trigger('client-rpc', frame);
    else this.pusher.send_event('client-rpc', frame);
    return answered;
  }

  notify(method: string, params: unknown): void {
    this.channel.trigger('client-rpc', { jsonrpc: '2.0', method, params });
  }

  private settle(reply: RpcReply | RpcReply[]): void {
    this.all.push(reply);
    const key = Array.isArray(reply)
      ? `batch:${reply.map((r) => String(r.id)).join(',')}`
      : reply.id;
    const waiting = key === null ? this.replies.get('null') : this.replies.get(key);
    if (waiting) {
      this.replies.delete(key ?? 'null');
      waiting(reply);
    }
  }
}

/** The JSON-RPC conformance of the gateway (issue 8): audit ids with MUST/SHOULD levels. */
const AUDITS = {
  'R-01':
    'MUST a daemon registers, is pushed run.dispatched, claims, streams, heartbeats and completes runs only through the gateway',
  'R-02': 'MUST a completion under a stale lease is -32010 and changes nothing',
  'R-03': 'MUST events.since back-fills the notifications a client missed, with their seq',
  'R-04': 'MUST an unknown method is -32601',
  'R-05': 'MUST positional, missing, unknown or mistyped params are -32602',
  'R-06': 'MUST a notification (no id) is done and not answered',
  'R-07':
    'MUST a batch is one array in request order, notifications left out, invalid entries -32600',
  'R-08': 'MUST a string is raw JSON-RPC text: invalid JSON is -32700 with id null',
  'R-09': 'MUST only auth.redeem and auth.refresh work without a channel',
  'R-10':
    'MUST auth.redeem and auth.refresh work before any channel; a spent refresh token is refused',
  'R-11':
    'MUST team.allocate notifies team.spawn on the project channel; the team channel back-fills it',
  'R-12': 'SHOULD a worker registers into its team through the team channel',
  'R-13':
    "MUST knowledge.search answers the channel's project's hybrid search, filtered; bad params are named",
  'R-14':
    "MUST run.planProposal posts a PLANNING run's reply into its plan's conversation under the lease",
} as const;
type AuditId = keyof typeof AUDITS;
const covered = new Set<AuditId>();
function audits(...ids: AuditId[]): string {
  for (const id of ids) covered.add(id);
  return ids.map((id) => `${id} ${AUDITS[id]}`).join('; ');
}

describe('compatibility gateway: a daemon over JSON-RPC 2.0', () => {
  let server: TestServer;
  const pushers: PusherClient[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const client of pushers) client.disconnect();
    await server.close();
  });

  const connect = async (token?: string): Promise<GatewayDaemon> => {
    const pusher = new Pusher('maestro', {
      cluster: 'mt1',
      wsHost: '127.0.0.1',
      wsPort: server.studio.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: {
        endpoint: `${server.url}/broadcasting/auth`,
        transport: 'ajax',
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
    });
    pushers.push(pusher);
    await new Promise<void>((resolve) => pusher.connection.bind('connected', () => resolve()));
    return new GatewayDaemon(pusher);
  };

  test(audits('R-01', 'R-02', 'R-03'), async () => {
    const { id: projectId } = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/gateway',
    });
    const daemon = await connect(server.owner.accessToken);
    await daemon.subscribe(`private-project.${projectId}`);

    const { session } = (await daemon.result('session.register', {
      role: 'LEAD',
      name: 'gateway-bot',
      machineId: 'machine-gateway',
      provider: 'command',
    })) as { session: { id: string; name: string; alive: boolean } };
    expect(session).toMatchObject({ name: 'gateway-bot', alive: true });

    const plan = await planWithTasks(server, projectId, 1);
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');

    const doRun = async (purpose: string) => {
      // the dispatcher targets the run at our session; the channel says so
      const pushed = await expectEventually(() => {
        const found = daemon.notifications.find(
          (n) => n.method === 'run.dispatched' && n.params.purpose === purpose,
        );
        if (!found) throw new Error(`no run.dispatched for ${purpose} yet`);
        return found;
      });
      expect(pushed.params).toMatchObject({ targetSessionId: session.id, planId: plan.planId });
      const claimed = (await daemon.result('run.claim', {
        sessionId: session.id,
        runId: pushed.params.runId,
      })) as {
        run: { id: string; purpose: string; git: { taskBranch: string | null } };
        leaseVersion: number;
      };
      expect(claimed.run).toMatchObject({ id: pushed.params.runId, purpose });
      const lease = { runId: claimed.run.id, leaseVersion: claimed.leaseVersion };
      await daemon.result('run.heartbeat', lease);
      const output = await daemon.result('run.output', {
        ...lease,
        chunks: [{ chunk: `${purpose} working\n` }, { chunk: 'done\n', stream: 'STDERR' }],
      });
      expect(output).toEqual({ lastSeq: 2 });
      const done = await daemon.result('run.complete', {
        ...lease,
        summary: `${purpose} done`,
        tokensIn: 10,
        tokensOut: 5,
      });
      expect(done).toMatchObject({ run: { id: claimed.run.id, status: 'SUCCEEDED' } });
      // a late or repeated completion under an old lease changes nothing
      const stale = await daemon.call('run.complete', {
        ...lease,
        leaseVersion: lease.leaseVersion - 1,
      });
      expect(stale.error).toMatchObject({ code: -32010, data: { graphqlCode: 'STALE_LEASE' } });
      return claimed.run.id;
    };

    const bootstrap = await doRun('BOOTSTRAP_EPIC');
    const execution = await doRun('EXECUTION');
    const { run } = await server.query<
      { run: { status: string; output: { nodes: { chunk: string; stream: string }[] } } },
      unknown
    >('query($id: ID!) { run(id: $id) { status output { nodes { chunk stream } } } }', {
      id: execution,
    });
    expect(run).toEqual({
      status: 'SUCCEEDED',
      output: {
        nodes: [
          { chunk: 'EXECUTION working\n', stream: 'STDOUT' },
          { chunk: 'done\n', stream: 'STDERR' },
        ],
      },
    });

    // a client that reconnects back-fills what it missed from the event log
    const since = (await daemon.result('events.since', { after: 0 })) as {
      notifications: Notification[];
      lastSeq: number;
    };
    const dispatched = since.notifications.filter((n) => n.method === 'run.dispatched');
    expect(dispatched.map((n) => n.params.runId)).toEqual(
      expect.arrayContaining([bootstrap, execution]),
    );
    expect(since.lastSeq).toBeGreaterThan(0);
    const live = daemon.notifications
      .filter((n) => n.method === 'run.dispatched')
      .map((n) => n.params.seq);
    expect(dispatched.map((n) => n.params.seq)).toEqual(expect.arrayContaining(live));

    await daemon.result('session.end', { sessionId: session.id });
  });

  test(audits('R-04', 'R-05', 'R-06', 'R-07', 'R-08', 'R-09'), async () => {
    const { id: projectId } = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/gateway-rules',
    });
    const daemon = await connect(server.owner.accessToken);
    await daemon.subscribe(`private-project.${projectId}`);

    expect((await daemon.call('no.such.method')).error).toMatchObject({ code: -32601 });
    expect((await daemon.call('session.register', ['LEAD'])).error).toMatchObject({ code: -32602 });
    const missing = (await daemon.call('session.register', { role: 'LEAD' })).error;
    expect(missing?.code).toBe(-32602);
    expect(missing?.message).toContain('"name"');
    expect(
      (await daemon.call('session.register', { role: 'CAPTAIN', name: 'x', machineId: 'm' })).error,
    ).toMatchObject({ code: -32602 });
    expect(
      (await daemon.call('session.heartbeat', { sessionId: 'ses_nope' })).error?.code,
    ).toBeLessThanOrEqual(-32000);

    const { session } = (await daemon.result('session.register', {
      role: 'WORKER',
      name: 'rules-bot',
      machineId: 'machine-rules',
    })) as { session: { id: string } };
    // a notification (no id) is done but not answered; the request after it is
    const { session: other } = (await daemon.result('session.register', {
      role: 'WORKER',
      name: 'notified-bot',
      machineId: 'machine-notified',
    })) as { session: { id: string } };
    daemon.notify('session.end', { sessionId: other.id });
    expect(
      (await daemon.result('session.heartbeat', { sessionId: session.id })).session,
    ).toMatchObject({ alive: true });
    await expectEventually(async () => {
      const { session: ended } = await server.query<{ session: { alive: boolean } }, unknown>(
        'query($id: ID!) { session(id: $id) { alive } }',
        { id: other.id },
      );
      expect(ended.alive).toBe(false);
    });
    expect(daemon.all.filter((reply) => !Array.isArray(reply) && reply.id === null)).toEqual([]);

    // a batch: each request answered in order, the notification left out
    const batch = (await daemon.send(
      [
        { jsonrpc: '2.0', method: 'session.heartbeat', params: { sessionId: session.id }, id: 'a' },
        { jsonrpc: '2.0', method: 'session.heartbeat', params: { sessionId: session.id } },
        { jsonrpc: '2.0', method: 'nope', id: 'b' },
        { foo: 'boo' },
      ],
      'batch:a,b,null',
    )) as RpcReply[];
    expect(batch.map((reply) => [reply.id, reply.error?.code ?? 'ok'])).toEqual([
      ['a', 'ok'],
      ['b', -32601],
      [null, -32600],
    ]);

    // a string is the raw JSON-RPC text: the parse error of the specification
    const parse = (await daemon.send(
      '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]',
      'null',
    )) as RpcReply;
    expect(parse).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });

    // only the auth methods work without a channel
    const off = (await daemon.send(
      { jsonrpc: '2.0', method: 'session.end', params: { sessionId: session.id }, id: 'off' },
      'off',
      false,
    )) as RpcReply;
    expect(off.error?.code).toBe(-32602);
    expect(off.error?.message).toContain('channel');
    const refreshed = (await daemon.send(
      {
        jsonrpc: '2.0',
        method: 'auth.refresh',
        params: { refreshToken: 'rt_not-a-token' },
        id: 'rf',
      },
      'rf',
      false,
    )) as RpcReply;
    expect(refreshed.error?.code).toBeLessThanOrEqual(-32000);
  });

  test(audits('R-11', 'R-12'), async () => {
    const { id: projectId } = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/gateway-team',
    });
    const lead = await connect(server.owner.accessToken);
    await lead.subscribe(`private-project.${projectId}`);
    const { session } = (await lead.result('session.register', {
      role: 'LEAD',
      name: 'lead-bot',
      machineId: 'machine-lead',
    })) as { session: { id: string } };
    const { team } = (await lead.result('team.allocate', {
      sessionId: session.id,
      dev: 2,
      review: 1,
      test: 0,
    })) as { team: { id: string; devWorkers: number } };
    expect(team.devWorkers).toBe(2);
    const spawn = await expectEventually(() => {
      const found = lead.notifications.find((n) => n.method === 'team.spawn');
      if (!found) throw new Error('no team.spawn yet');
      return found;
    });
    expect(spawn.params).toMatchObject({
      teamId: team.id,
      leadSessionId: session.id,
      dev: 2,
      review: 1,
      test: 0,
    });

    // a worker joins the team channel and back-fills the spawn it missed
    const worker = await connect(server.owner.accessToken);
    await worker.subscribe(`private-team.${team.id}`);
    const since = (await worker.result('events.since', { after: 0 })) as {
      notifications: { method: string; params: Record<string, unknown> }[];
    };
    expect(since.notifications.map((n) => n.method)).toEqual(['team.spawn']);
    expect(since.notifications[0]?.params).toMatchObject({ teamId: team.id });
    // a worker registered into the team through its own channel
    const joined = (await worker.result('session.register', {
      role: 'WORKER',
      name: 'worker-bot',
      machineId: 'machine-worker',
      teamId: team.id,
    })) as { session: { team: { id: string } } };
    expect(joined.session.team).toEqual({ id: team.id });
  });

  test(audits('R-10'), async () => {
    const { createCliInvite } = await server.query<{ createCliInvite: { token: string } }, unknown>(
      'mutation($i: CreateCliInviteInput!) { createCliInvite(input: $i) { token } }',
      { i: { workspaceId: server.owner.workspaceId } },
    );
    const daemon = await connect();
    const redeemed = (await daemon.send(
      {
        jsonrpc: '2.0',
        method: 'auth.redeem',
        params: { token: createCliInvite.token, machine: { id: 'm-gateway', name: 'gateway box' } },
        id: 1,
      },
      1,
      false,
    )) as RpcReply;
    const tokens = redeemed.result?.tokens as { accessToken: string; refreshToken: string };
    expect(tokens.accessToken).toBeTruthy();
    const refreshed = (await daemon.send(
      {
        jsonrpc: '2.0',
        method: 'auth.refresh',
        params: { refreshToken: tokens.refreshToken },
        id: 2,
      },
      2,
      false,
    )) as RpcReply;
    expect((refreshed.result?.tokens as { accessToken: string }).accessToken).toBeTruthy();
    // the same refresh token twice: refused (rotation)
    const again = (await daemon.send(
      {
        jsonrpc: '2.0',
        method: 'auth.refresh',
        params: { refreshToken: tokens.refreshToken },
        id: 3,
      },
      3,
      false,
    )) as RpcReply;
    expect(again.error?.code).toBeLessThanOrEqual(-32000);
  });

  test(audits('R-13'), async () => {
    const project = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/gateway-knowledge',
    });
    const other = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/gateway-knowledge-other',
    });
    const knowledge = server.studio.services.knowledge;
    await knowledge.upsertArtifacts(parsePublicIdOf('Project', project.id) as string, [
      {
        type: KnowledgeArtifactType.HELPER,
        name: 'retryWithBackoff',
        language: 'TypeScript',
        summary: 'Retries a call with exponential backoff.',
        fileRefs: [{ path: 'src/retry.ts' }],
      },
      {
        type: KnowledgeArtifactType.FUNCTION,
        name: 'retry_with_backoff',
        language: 'Python',
        summary: 'Retries a call with exponential backoff.',
      },
    ]);
    await knowledge.upsertArtifacts(parsePublicIdOf('Project', other.id) as string, [
      {
        type: KnowledgeArtifactType.HELPER,
        name: 'retryElsewhere',
        language: 'TypeScript',
        summary: 'Retries a call with backoff in another project.',
      },
    ]);
    const daemon = await connect(server.owner.accessToken);
    await daemon.subscribe(`private-project.${project.id}`);

    const { hits } = (await daemon.result('knowledge.search', { query: 'retry backoff' })) as {
      hits: Array<{ score: number; artifact: { name: string; fileRefs: unknown[] } }>;
    };
    expect(hits.map((hit) => hit.artifact.name).sort()).toEqual([
      'retryWithBackoff',
      'retry_with_backoff',
    ]);
    expect(hits[0]?.score).toBeGreaterThan(0);
    const filtered = (await daemon.result('knowledge.search', {
      query: 'retry backoff',
      language: 'python',
      type: ['FUNCTION'],
      first: 5,
    })) as { hits: Array<{ artifact: { name: string } }> };
    expect(filtered.hits.map((hit) => hit.artifact.name)).toEqual(['retry_with_backoff']);

    expect((await daemon.call('knowledge.search', {})).error).toMatchObject({ code: -32602 });
    expect((await daemon.call('knowledge.search', { query: 'x', page: 2 })).error).toMatchObject({
      code: -32602,
    });
    expect(
      (await daemon.call('knowledge.search', { query: 'x', type: ['SPELL'] })).error,
    ).toMatchObject({ code: -32602 });
    const tooMany = (await daemon.call('knowledge.search', { query: 'retry', first: 500 })).error;
    expect(tooMany?.message).toContain('first');
  });

  test(audits('R-14'), async () => {
    const { id: projectId } = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: 'https://github.com/acme/gateway-planning',
    });
    const daemon = await connect(server.owner.accessToken);
    await daemon.subscribe(`private-project.${projectId}`);
    const { session } = (await daemon.result('session.register', {
      role: 'LEAD',
      name: 'planner-bot',
      machineId: 'machine-planner',
    })) as { session: { id: string } };
    const { planId } = await planWithTasks(server, projectId, 0);
    const { sendPlanMessage } = await server.query<
      { sendPlanMessage: { planner: string; userErrors: unknown[] } },
      unknown
    >(
      'mutation($i: SendPlanMessageInput!) { sendPlanMessage(input: $i) { planner userErrors { message } } }',
      { i: { planId, text: 'Plan a search page.' } },
    );
    // no model endpoint in this Studio, but a daemon is connected: a PLANNING run answers
    expect(sendPlanMessage).toEqual({ planner: 'DAEMON', userErrors: [] });
    const pushed = await expectEventually(() => {
      const found = daemon.notifications.find(
        (n) => n.method === 'run.dispatched' && n.params.purpose === 'PLANNING',
      );
      if (!found) throw new Error('no run.dispatched for PLANNING yet');
      return found;
    });
    const claimed = (await daemon.result('run.claim', {
      sessionId: session.id,
      runId: pushed.params.runId,
    })) as { run: { id: string; instructions: { prompt?: string } | null }; leaseVersion: number };
    const lease = { runId: claimed.run.id, leaseVersion: claimed.leaseVersion };

    expect((await daemon.call('run.planProposal', lease)).error).toMatchObject({ code: -32602 });
    const stale = await daemon.call('run.planProposal', {
      ...lease,
      leaseVersion: lease.leaseVersion + 1,
      text: 'x',
    });
    expect(stale.error).toMatchObject({ code: -32010, data: { graphqlCode: 'STALE_LEASE' } });
    const proposal = JSON.stringify({
      title: 'Search',
      phases: [{ name: 'Backend', tasks: [{ key: 'index', title: 'Build the index' }] }],
    });
    const posted = (await daemon.result('run.planProposal', {
      ...lease,
      text: `\`\`\`json\n${proposal}\n\`\`\``,
    })) as { message: { kind: string; author: string; proposal: { title: string } } };
    expect(posted.message).toMatchObject({
      kind: 'PROPOSAL',
      author: 'PLANNER',
      proposal: { title: 'Search' },
    });
    expect(await daemon.result('run.complete', { ...lease, summary: 'proposed' })).toMatchObject({
      run: { status: 'SUCCEEDED' },
    });
    const { plan } = await server.query<
      { plan: { conversation: { messages: { nodes: { author: string; kind: string }[] } } } },
      unknown
    >('query($id: ID!) { plan(id: $id) { conversation { messages { nodes { author kind } } } } }', {
      id: planId,
    });
    expect(plan.conversation.messages.nodes.map((m) => `${m.author} ${m.kind}`)).toEqual([
      'USER FOLLOW_UP',
      'PLANNER PROPOSAL',
    ]);
  });

  test('every audit in the table has a test', () => {
    expect([...covered].sort()).toEqual(Object.keys(AUDITS).sort());
  });
});
