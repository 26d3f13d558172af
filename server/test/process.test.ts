import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DATABASE_URL, REDIS_URL } from './support/environment.js';
import { expectEventually } from './support/expect-eventually.js';
import { StudioProcess } from './support/studio-process.js';

const SECRET = 's'.repeat(40);

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const OWNER = {
  email: 'owner@example.test',
  password: 'a long enough password',
  name: 'Owner',
  workspaceName: 'Kept',
};
const SETUP =
  'mutation($input: CompleteSetupInput!) { completeSetup(input: $input) { workspace { id } tokens { accessToken } } }';

/** One GraphQL request to a Studio process, with a bearer token when given. */
async function graphql<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<{ data?: T; errors?: Array<{ extensions?: { code?: string } }> }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: T;
    errors?: Array<{ extensions?: { code?: string } }>;
  };
}

describe('the Studio process', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-process-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  describe('refuses a bad start with one line naming the variable, writing nothing', () => {
    test.each([
      [
        'an invalid PORT',
        { PORT: 'eighty' },
        'maestro: PORT must be an integer from 0 to 65535, got "eighty"',
        78,
      ],
      [
        'a malformed DATABASE_URL',
        { DATABASE_URL: 'postgres//nope', MAESTRO_SECRET: SECRET },
        'maestro: DATABASE_URL is not a valid URL',
        78,
      ],
      [
        'DATABASE_URL without MAESTRO_SECRET',
        { DATABASE_URL: 'postgres://127.0.0.1:1/app' },
        'maestro: MAESTRO_SECRET is required when DATABASE_URL is set',
        78,
      ],
      [
        'an unreachable DATABASE_URL',
        'unreachable-postgres',
        'maestro: DATABASE_URL cannot be reached: ECONNREFUSED 127.0.0.1:',
        78,
      ],
      [
        'an unreachable REDIS_URL',
        'unreachable-redis',
        'maestro: REDIS_URL cannot be reached: ECONNREFUSED 127.0.0.1:',
        78,
      ],
      ['an unknown LOG_LEVEL', { LOG_LEVEL: 'chatty' }, 'maestro: LOG_LEVEL must be one of', 78],
    ] as Array<
      [
        string,
        Record<string, string> | 'unreachable-postgres' | 'unreachable-redis',
        string,
        number,
      ]
    >)('%s', async (_what, given, line, code) => {
      const port = await closedPort();
      const env: Record<string, string> =
        given === 'unreachable-postgres'
          ? { DATABASE_URL: `postgres://maestro@127.0.0.1:${port}/app`, MAESTRO_SECRET: SECRET }
          : given === 'unreachable-redis'
            ? { REDIS_URL: `redis://127.0.0.1:${port}` }
            : given;
      const dataDir = path.join(scratch, `bad-${port}`);
      const studio = new StudioProcess({ PORT: '0', MAESTRO_DATA_DIR: dataDir, ...env });
      const exit = await studio.exited;
      expect(exit.code).toBe(code);
      const lines = studio.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.startsWith(line)).toBe(true);
      expect(existsSync(dataDir)).toBe(false);
    });

    test('a PORT already in use', async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as net.AddressInfo;
      try {
        const studio = new StudioProcess({
          PORT: String(port),
          MAESTRO_DATA_DIR: path.join(scratch, 'busy'),
        });
        const exit = await studio.exited;
        expect(exit.code).toBe(78);
        expect(studio.stderr.trim()).toBe(`maestro: PORT ${port} is already in use on 127.0.0.1`);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });

  describe('on the embedded database', () => {
    const dataDir = () => path.join(scratch, 'embedded');

    test('starts, serves GraphQL, and closes sockets with 1001 and exits 0 on SIGTERM', async () => {
      const studio = new StudioProcess({ PORT: '0', MAESTRO_DATA_DIR: dataDir() });
      const url = await studio.ready();
      const ready = studio.logs().find((line) => line.msg === 'studio ready');
      expect(ready).toMatchObject({ database: 'embedded', pubsub: 'in-process' });
      expect(studio.logs().some((line) => String(line.msg).includes('single-replica mode'))).toBe(
        true,
      );

      // First run: nobody exists yet, so the API refuses everything but setup, and the
      // terminal shows the one-time link that creates the owner.
      const anonymous = await graphql<{ workspaces: unknown }>(
        url,
        '{ workspaces { totalCount } }',
      );
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const link = new URL(await studio.setupLink());
      expect(link.pathname).toBe('/setup');
      expect(JSON.stringify(studio.logs())).not.toContain(link.hash.slice('#token='.length));
      const forged = await graphql(url, SETUP, {
        input: { ...OWNER, setupToken: `mst_${'A'.repeat(43)}` },
      });
      expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const setup = await graphql<{
        completeSetup: { workspace: { id: string }; tokens: { accessToken: string } };
      }>(url, SETUP, { input: { ...OWNER, setupToken: link.hash.slice('#token='.length) } });
      const workspaceId = setup.data?.completeSetup.workspace.id;
      expect(workspaceId).toMatch(/^wsp_/);
      const token = setup.data?.completeSetup.tokens.accessToken as string;

      let closeCode = 0;
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
        on: { closed: (event) => (closeCode = (event as { code: number }).code) },
      });
      const project = await graphql<{ createProject: { project: { id: string } } }>(
        url,
        `
          mutation ($w: ID!) {
            createProject(input: { workspaceId: $w, remoteUrl: "https://github.com/a/b" }) {
              project {
                id
              }
            }
          }
        `,
        { w: workspaceId },
        token,
      );
      const projectId = project.data?.createProject.project.id;
      const events: number[] = [];
      client.subscribe(
        {
          query: 'subscription($p: ID!) { projectEvents(projectId: $p, after: 0) { seq } }',
          variables: { p: projectId },
        },
        {
          next: (value) =>
            events.push((value.data as { projectEvents: { seq: number } }).projectEvents.seq),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await expectEventually(() => expect(events).toEqual([1]));

      const exit = await studio.stop('SIGTERM');
      // Exit code 0 means the Studio finished its own shutdown inside its 10 s deadline.
      expect(exit).toEqual({ code: 0, signal: null });
      expect(closeCode).toBe(1001);
      expect(studio.logs().some((line) => line.msg === 'studio stopped')).toBe(true);
      await client.dispose();
    });

    test('an idle Studio stops on SIGTERM with exit code 0 and releases its data directory', async () => {
      const dir = path.join(scratch, 'idle');
      const studio = new StudioProcess({ PORT: '0', MAESTRO_DATA_DIR: dir });
      await studio.ready();
      expect((await readdir(dir)).sort()).toEqual(['pgdata', 'secret', 'studio.lock']);
      expect(await studio.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(studio.logs().some((line) => line.msg === 'studio stopped')).toBe(true);
      expect((await readdir(dir)).sort()).toEqual(['pgdata', 'secret']);
    });

    test('finishes a request that is in flight when SIGTERM arrives', async () => {
      const studio = new StudioProcess({
        PORT: '0',
        MAESTRO_DATA_DIR: path.join(scratch, 'inflight'),
      });
      const url = new URL(await studio.ready());
      const body = JSON.stringify({ query: '{ __typename }' });
      const half = Math.floor(body.length / 2);
      const request = http.request({
        host: url.hostname,
        port: url.port,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          // The server answers "100 Continue" once it has parsed the headers: proof that the
          // request is in flight before the signal is sent.
          expect: '100-continue',
        },
      });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        request.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        request.on('error', reject);
      });
      const accepted = new Promise<void>((resolve) => request.once('continue', resolve));
      request.flushHeaders();
      await accepted;
      request.write(body.slice(0, half));
      studio.child.kill('SIGTERM');
      await expectEventually(() => expect(studio.stdout).toContain('"msg":"studio stopping"'));
      request.end(body.slice(half));
      expect(await response).toEqual({
        status: 200,
        text: expect.stringContaining('"__typename":"Query"'),
      });
      expect(await studio.exited).toEqual({ code: 0, signal: null });
    });

    test('keeps its data across restarts, and keeps a second Studio off the directory', async () => {
      const first = new StudioProcess({ PORT: '0', MAESTRO_DATA_DIR: dataDir() });
      const url = await first.ready();
      expect(first.logs().find((line) => line.msg === 'embedded database open')).toMatchObject({
        fresh: false,
      });

      const second = new StudioProcess({ PORT: '0', MAESTRO_DATA_DIR: dataDir() });
      const refused = await second.exited;
      expect(refused.code).toBe(78);
      expect(second.stderr).toMatch(
        /^maestro: MAESTRO_DATA_DIR is in use by another Studio \(process \d+\)/,
      );

      // The account and the generated secret survive: no new setup link, and the owner signs in.
      expect(first.stderr).not.toContain('/setup#token=');
      const login = await graphql<{ login: { tokens: { accessToken: string } } }>(
        url,
        'mutation($i: LoginInput!) { login(input: $i) { tokens { accessToken } } }',
        { i: { email: OWNER.email, password: OWNER.password } },
      );
      const body = await graphql<{ workspaces: { nodes: Array<{ name: string }> } }>(
        url,
        '{ workspaces { nodes { name } } }',
        undefined,
        login.data?.login.tokens.accessToken,
      );
      expect(body.data?.workspaces.nodes.map((node) => node.name)).toEqual(['Kept']);
      expect((await first.stop('SIGINT')).code).toBe(0);
      expect((await readdir(dataDir())).sort()).toEqual(['pgdata', 'secret']);
    });
  });

  const withServices = DATABASE_URL && REDIS_URL ? test : test.skip;
  withServices(
    DATABASE_URL && REDIS_URL
      ? 'runs on PostgreSQL and Redis when they are configured'
      : 'runs on PostgreSQL and Redis when they are configured (skipped: DATABASE_URL and REDIS_URL are not both set; .ci/run sets them)',
    async () => {
      const studio = new StudioProcess({
        PORT: '0',
        DATABASE_URL,
        REDIS_URL,
        MAESTRO_SECRET: SECRET,
        MAESTRO_DATA_DIR: path.join(scratch, 'unused'),
      });
      await studio.ready();
      expect(studio.logs().find((line) => line.msg === 'studio ready')).toMatchObject({
        database: 'postgres',
        pubsub: 'redis',
      });
      expect((await studio.stop()).code).toBe(0);
      expect(existsSync(path.join(scratch, 'unused'))).toBe(false);
    },
  );
});
