import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../../server/src/domain/common/public-id.js';
import { Transactions } from '../../server/src/domain/common/transactions.js';
import { testLogger } from '../../server/test/support/environment.js';
import { expectEventually } from '../../server/test/support/expect-eventually.js';
import { openTestDatabase, type TestDatabase } from '../../server/test/support/test-database.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));

/** The API token the command runs with (set per server in beforeAll). */
let token = '';

/** `maestro …` as a real process, with MAESTRO_TOKEN; output collected as it arrives. */
function maestro(args: string[], env: Record<string, string> = { MAESTRO_TOKEN: token }) {
  if (!existsSync(fileURLToPath(new URL('../dist/commands/events/tail.js', import.meta.url)))) {
    throw new Error('client-daemon is not built: run `npm run build`');
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MAESTRO_TOKEN: '', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, out, exited };
}

async function append(server: TestServer, projectId: string, count: number): Promise<void> {
  const key = parsePublicIdOf('Project', projectId) as string;
  const transactions = new Transactions(server.studio.database.dataSource, testLogger());
  for (let n = 0; n < count; n++) {
    await transactions.run((tx) =>
      server.studio.services.events.append(tx, key, 'ProjectCreated', { n }),
    );
  }
}

describe('maestro events tail', () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await openTestDatabase();
    server = await startTestServer({ database: db.database });
    const created = await server.query<{ createApiToken: { token: string } }, unknown>(
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }',
      { i: { workspaceId: server.owner.workspaceId, name: 'events tail', scopes: ['READ'] } },
    );
    token = created.createApiToken.token;
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  test('replays the log with --after 0 as NDJSON and exits 0 at --limit', async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    await append(server, project.id, 2);
    const run = maestro([
      'events',
      'tail',
      project.id,
      '--studio',
      server.url,
      '--after',
      '0',
      '--limit',
      '3',
      '--json',
    ]);
    expect(await run.exited).toBe(0);
    const lines = run.out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; type: string; projectId: string });
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3]);
    expect(lines[0]).toMatchObject({ type: 'ProjectCreated', projectId: project.id });
  });

  test('without --after it starts from now, and prints live events as text', async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    const run = maestro(['events', 'tail', project.id, '--studio', server.url, '--limit', '2']);
    await expectEventually(() =>
      expect(run.out.stderr).toContain(`following ${project.id} after seq 1`),
    );
    await append(server, project.id, 2);
    expect(await run.exited).toBe(0);
    expect(
      run.out.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(['#2', '#3']);
  });

  test('resumes from the last event printed when Studio restarts', async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    const port = server.studio.port;
    const run = maestro([
      'events',
      'tail',
      project.id,
      '--studio',
      server.url,
      '--after',
      '0',
      '--limit',
      '4',
      '--json',
    ]);
    await expectEventually(() => expect(run.out.stdout).toContain('"seq":1'));
    await server.close();
    await expectEventually(() => expect(run.out.stderr).toContain('reconnecting in'));
    server = await startTestServer({ database: db.database, port });
    await append(server, project.id, 3);
    expect(await run.exited).toBe(0);
    const seqs = run.out.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
  });

  test.each([
    [
      ['prj_0000000000000000000000'],
      'error: projectId: no project prj_0000000000000000000000 (NOT_FOUND)',
    ],
    [['wsp_0000000000000000000000'], 'error: projectId is not a Project id'],
  ])('refuses %j with exit code 1 and the reason', async (args, message) => {
    const run = maestro(['events', 'tail', ...args, '--studio', server.url]);
    expect(await run.exited).toBe(1);
    expect(run.out.stderr).toContain(message);
    expect(run.out.stdout).toBe('');
  });

  test('refuses missing or bad credentials with exit code 4', async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    for (const env of [{}, { MAESTRO_TOKEN: 'mtk_nope' }] as Record<string, string>[]) {
      const run = maestro(['events', 'tail', project.id, '--studio', server.url], env);
      expect(await run.exited).toBe(4);
      expect(run.out.stderr).toMatch(/^error: .+ \(UNAUTHENTICATED\)$/m);
    }
    const second = await server.query<
      { createApiToken: { token: string; apiToken: { id: string } } },
      unknown
    >(
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }',
      { i: { workspaceId: server.owner.workspaceId, name: 'soon revoked', scopes: ['READ'] } },
    );
    await server.query(
      'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { revokedAt } } }',
      { i: { apiTokenId: second.createApiToken.apiToken.id } },
    );
    const revoked = maestro(['events', 'tail', project.id, '--studio', server.url], {
      MAESTRO_TOKEN: second.createApiToken.token,
    });
    expect(await revoked.exited).toBe(4);
    expect(revoked.out.stderr).toContain('error: the API token was revoked (UNAUTHENTICATED)');
  });

  test('refuses a bad flag before connecting', async () => {
    const run = maestro(['events', 'tail', 'prj_x', '--after', '-4']);
    expect(await run.exited).not.toBe(0);
    expect(run.out.stderr).toContain('--after');
  });

  test('an interrupt stops it with exit code 2', async () => {
    const project = await server.factory.project({ workspaceId: server.owner.workspaceId });
    const run = maestro(['events', 'tail', project.id, '--studio', server.url]);
    await expectEventually(() => expect(run.out.stderr).toContain('following'));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(2);
  });
});
