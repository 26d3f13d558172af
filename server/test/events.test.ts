import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Transactions } from '../src/domain/common/transactions.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import type { MessageHandler, PubSub, Unsubscribe } from '../src/pubsub/pubsub.js';
import { InProcessPubSub } from '../src/pubsub/in-process.pubsub.js';
import { testLogger } from './support/environment.js';
import { expectEventually } from './support/expect-eventually.js';
import { subscribe } from './support/graphql-client.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SUBSCRIBE = `subscription($p: ID!, $after: SafeInt) {
  projectEvents(projectId: $p, after: $after) { id seq type payload occurredAt projectId }
}`;
interface Delivered {
  projectEvents: {
    id: string;
    seq: number;
    type: string;
    payload: Record<string, unknown>;
    projectId: string;
  };
}

/**
 * Appends `count` events to a project from concurrent transactions, as several services
 * writing at once would. (The log mechanism does not care about the type; ProjectCreated is
 * the only one defined so far.)
 */
async function appendConcurrently(
  server: TestServer,
  projectId: string,
  count: number,
  concurrency = 8,
) {
  const key = parsePublicIdOf('Project', projectId);
  if (!key) throw new Error('bad project id');
  const transactions = new Transactions(server.studio.database.dataSource, testLogger());
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        await transactions.run((tx) =>
          server.studio.services.events.append(tx, key, 'ProjectCreated', { n }),
        );
      }
    }),
  );
}

function seqs(values: Delivered[]): number[] {
  return values.map((value) => value.projectEvents.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('the project event log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test('createProject writes ProjectCreated as seq 1, with public ids in the payload', async () => {
    const project = await server.factory.project({ name: 'Evented' });
    const data = await server.query<
      {
        events: {
          totalCount: number;
          nodes: Array<{
            seq: number;
            type: string;
            payload: Record<string, unknown>;
            projectId: string;
          }>;
        };
      },
      unknown
    >(
      'query($p: ID!) { events(projectId: $p) { totalCount nodes { seq type payload projectId } } }',
      {
        p: project.id,
      },
    );
    expect(data.events.totalCount).toBe(1);
    expect(data.events.nodes).toEqual([
      {
        seq: 1,
        type: 'ProjectCreated',
        projectId: project.id,
        payload: expect.objectContaining({
          projectId: project.id,
          workspaceId: project.workspaceId,
          name: 'Evented',
          normalizedRemote: project.normalizedRemote,
        }),
      },
    ]);
  });

  test('events(after:, first:) pages through the log in order', async () => {
    const project = await server.factory.project();
    await appendConcurrently(server, project.id, 24);
    type Page = {
      events: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        nodes: Array<{ seq: number }>;
      };
    };
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page: Page = await server.query<Page, unknown>(
        'query($p: ID!, $after: SafeInt, $first: Int) { events(projectId: $p, after: $after, first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes { seq } } }',
        { p: project.id, after, first: 10 },
      );
      expect(page.events.totalCount).toBe(25);
      seen.push(...page.events.nodes.map((node) => node.seq));
      if (!page.events.pageInfo.hasNextPage) break;
      after = Number(page.events.pageInfo.endCursor);
    }
    expect(seen).toEqual(range(1, 25));
  });

  test.each([
    [{ after: -1 }, 'after', 'after must be a sequence number, 0 or more'],
    [{ first: 101 }, 'first', 'first must be from 0 to 100, got 101'],
  ])('events refuses %j', async (variables, field, message) => {
    const project = await server.factory.project();
    const response = await server.request(
      'query($p: ID!, $after: SafeInt, $first: Int) { events(projectId: $p, after: $after, first: $first) { totalCount } }',
      { p: project.id, ...variables },
    );
    expect(response.errors?.[0]).toMatchObject({
      message,
      extensions: { code: 'BAD_USER_INPUT', field: [field] },
    });
  });

  test('events for an unknown or malformed project id are refused with the reason', async () => {
    const unknown = await server.request(
      '{ events(projectId: "prj_0000000000000000000000") { totalCount } }',
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await server.request(
      '{ events(projectId: "wsp_0000000000000000000000") { totalCount } }',
    );
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('projectEvents replays from `after`, then continues live: every seq once, in order', async () => {
    const project = await server.factory.project();
    await appendConcurrently(server, project.id, 40);
    const probe = server.subscribe<Delivered, unknown>(SUBSCRIBE, { p: project.id, after: 10 });
    // Writers keep going while the subscriber replays: the hand-over must lose nothing.
    await Promise.all([probe.waitFor(5), appendConcurrently(server, project.id, 160)]);
    const values = await probe.waitFor(41 + 160 - 10);
    probe.close();
    expect(seqs(values)).toEqual(range(11, 201));
    expect(values[0]?.projectEvents.projectId).toBe(project.id);
  });

  test('without `after`, projectEvents delivers only what is committed from now on', async () => {
    const project = await server.factory.project();
    const probe = server.subscribe<Delivered, unknown>(SUBSCRIBE, { p: project.id });
    // Nothing to replay; the stream is attached once a live event shows up.
    await expectEventually(async () => {
      await appendConcurrently(server, project.id, 1, 1);
      expect(probe.values.length).toBeGreaterThan(0);
    });
    await appendConcurrently(server, project.id, 20);
    const { events } = await server.query<{ events: { totalCount: number } }, unknown>(
      'query($p: ID!) { events(projectId: $p, first: 0) { totalCount } }',
      { p: project.id },
    );
    await expectEventually(() =>
      expect(probe.values.at(-1)?.projectEvents.seq).toBe(events.totalCount),
    );
    probe.close();
    const delivered = seqs(probe.values);
    // ProjectCreated (seq 1) was committed before subscribing, so it is not delivered.
    expect(delivered[0]).toBeGreaterThan(1);
    expect(delivered).toEqual(range(delivered[0] ?? 0, events.totalCount));
  });

  test('a subscriber that disconnects while 50 events happen gets exactly those 50 on reconnecting with after, then live ones', async () => {
    const project = await server.factory.project();
    const firstClient = server.wsClient();
    const before = subscribe<Delivered, unknown>(firstClient, SUBSCRIBE, {
      p: project.id,
      after: 0,
    });
    await appendConcurrently(server, project.id, 4, 2);
    const seen = await before.waitFor(5);
    const lastSeen = seen.at(-1)?.projectEvents.seq ?? 0;
    await firstClient.dispose();
    await appendConcurrently(server, project.id, 50, 5);
    const again = server.subscribe<Delivered, unknown>(SUBSCRIBE, {
      p: project.id,
      after: lastSeen,
    });
    const missed = await again.waitFor(50);
    expect(seqs(missed)).toEqual(range(lastSeen + 1, lastSeen + 50));
    await appendConcurrently(server, project.id, 3, 1);
    const all = await again.waitFor(53);
    again.close();
    expect(seqs(all)).toEqual(range(lastSeen + 1, lastSeen + 53));
  });

  test('a rolled-back transaction leaves no event and publishes nothing', async () => {
    const project = await server.factory.project();
    const key = parsePublicIdOf('Project', project.id) as string;
    const probe = server.subscribe<Delivered, unknown>(SUBSCRIBE, { p: project.id, after: 0 });
    await probe.waitFor(1);
    const transactions = new Transactions(server.studio.database.dataSource, testLogger());
    await expect(
      transactions.run(async (tx) => {
        await server.studio.services.events.append(tx, key, 'ProjectCreated', {
          doomed: true,
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await appendConcurrently(server, project.id, 1, 1);
    const values = await probe.waitFor(2);
    probe.close();
    expect(seqs(values)).toEqual([1, 2]);
    expect(values.some((value) => value.projectEvents.payload.doomed)).toBe(false);
  });

  test('subscription arguments are checked before streaming', async () => {
    const project = await server.factory.project();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ p: project.id, after: 5 }, "after is 5, beyond the project's last event (1)"],
      [{ p: project.id, after: -3 }, 'after must be a sequence number, 0 or more'],
      [{ p: 'prj_0000000000000000000000' }, 'projectId: no project prj_0000000000000000000000'],
      [{ p: 'nope' }, 'projectId is not a Project id'],
    ];
    for (const [variables, message] of cases) {
      const probe = server.subscribe<Delivered, unknown>(SUBSCRIBE, variables);
      const errors = (await probe.waitForError()) as Array<{ message: string }>;
      probe.close();
      expect(errors[0]?.message).toContain(message);
    }
  });
});

/** A bus that loses and reorders notifications: the log must still deliver every event once. */
class UnreliableBus implements PubSub {
  readonly mode = 'in-process' as const;
  private count = 0;
  private held: Array<() => Promise<void>> = [];
  constructor(private readonly inner: InProcessPubSub) {}

  async publish(channel: string, message: string): Promise<void> {
    this.count++;
    if (this.count % 5 === 0) return; // lost
    if (this.count % 7 === 0) {
      // overtaken: delivered after the next one
      this.held.push(() => this.inner.publish(channel, message));
      return;
    }
    await this.inner.publish(channel, message);
    for (const release of this.held.splice(0)) await release();
  }
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.inner.subscribe(channel, handler);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('the project event log on an unreliable bus', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      pubsub: new UnreliableBus(new InProcessPubSub(testLogger())),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  test('lost and reordered notifications are recovered from the log', async () => {
    const project = await server.factory.project();
    const probe = server.subscribe<Delivered, unknown>(SUBSCRIBE, { p: project.id, after: 0 });
    await probe.waitFor(1);
    await appendConcurrently(server, project.id, 99, 4);
    // The final notification may itself be lost; one more event closes any trailing gap.
    await expectEventually(async () => {
      if (probe.values.length < 100) await appendConcurrently(server, project.id, 1, 1);
      expect(probe.values.length).toBeGreaterThanOrEqual(100);
    });
    probe.close();
    const delivered = seqs(probe.values);
    expect(delivered.slice(0, 100)).toEqual(range(1, 100));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered).toEqual(range(1, delivered.length));
  });
});
