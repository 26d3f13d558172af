import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'smol-toml';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));

/** `maestro …` as a real process; resolves with its exit code and output. */
function maestro(args: string[], env: Record<string, string>) {
  if (!existsSync(fileURLToPath(new URL('../dist/commands/auth.js', import.meta.url)))) {
    throw new Error('client-daemon is not built: run `npm run build`');
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MAESTRO_TOKEN: '', MAESTRO_STUDIO_URL: '', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, ...out })),
  );
}

describe('maestro auth, config, doctor and version', () => {
  let server: TestServer;
  let home: string;
  let projectId: string;
  beforeAll(async () => {
    server = await startTestServer();
    home = await mkdtemp(path.join(os.tmpdir(), 'maestro-home-'));
    projectId = (
      await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: 'git@github.com:acme/Widgets.git',
      })
    ).id;
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  const invite = async () =>
    (
      await server.query<{ createCliInvite: { token: string } }, unknown>(
        'mutation($i: CreateCliInviteInput!) { createCliInvite(input: $i) { token } }',
        { i: { workspaceId: server.owner.workspaceId } },
      )
    ).createCliInvite.token;
  const env = () => ({ MAESTRO_HOME: home });

  test('a CLI invite connects the machine: identity, projects, a stable machine id, tokens kept privately', async () => {
    const token = await invite();
    const first = await maestro(
      ['auth', token, '--studio', `${server.url}/`, '--name', 'build-box', '--json'],
      env(),
    );
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as {
      studio: string;
      machineId: string;
      user: { email: string };
      workspace: { id: string };
      projects: { id: string; remote: string }[];
      credentials: 'keyring' | 'file';
    };
    expect(result).toMatchObject({
      studio: server.url,
      machineId: expect.stringMatching(/^m-[0-9a-f]{24}$/),
      user: { email: server.owner.email },
      workspace: { id: server.owner.workspaceId },
      projects: [{ id: projectId, remote: 'github.com:acme/widgets' }],
    });
    expect((await readFile(path.join(home, 'machine.id'), 'utf8')).trim()).toBe(result.machineId);

    const config = parse(await readFile(path.join(home, 'config.toml'), 'utf8')) as {
      studio: string;
      identities: { studio: string; email: string; workspaceId: string }[];
    };
    expect(config.studio).toBe(server.url);
    expect(config.identities).toEqual([
      expect.objectContaining({ studio: server.url, email: server.owner.email }),
    ]);
    const projects = parse(await readFile(path.join(home, 'projects.toml'), 'utf8')) as {
      projects: Record<string, { id: string; studio: string }>;
    };
    expect(projects.projects['github.com:acme/widgets']).toMatchObject({
      id: projectId,
      studio: server.url,
    });
    // Tokens never land in the config files.
    expect(await readFile(path.join(home, 'config.toml'), 'utf8')).not.toMatch(/eyJ/);
    const credentials = path.join(home, 'credentials');
    if (result.credentials === 'file') {
      expect(first.stderr).toContain('warning: no keyring service here');
      expect((await stat(credentials)).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(await readFile(credentials, 'utf8')) as Record<string, string>;
      const saved = JSON.parse(stored[`${server.url}#${server.owner.userId}`] ?? '{}') as {
        refreshToken?: string;
      };
      expect(saved.refreshToken).toEqual(expect.any(String));
    } else {
      expect(existsSync(credentials)).toBe(false);
    }

    // Again with a new invite: the same machine, the same identity (not a second one).
    const again = await maestro(['auth', await invite(), '--studio', server.url, '--json'], env());
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { machineId: string }).machineId).toBe(result.machineId);
    const reread = parse(await readFile(path.join(home, 'config.toml'), 'utf8')) as {
      identities: unknown[];
    };
    expect(reread.identities).toHaveLength(1);

    // An invite is good once: the second use is an authentication failure (exit 4).
    const reused = await maestro(['auth', token, '--studio', server.url], env());
    expect(reused.code).toBe(4);
    expect(reused.stderr).toMatch(/^error: .*invite/m);
  });

  test('bad tokens, a bad URL and an unreachable Studio are clear errors', async () => {
    const garbage = await maestro(['auth', 'not-a-token', '--studio', server.url], env());
    expect(garbage.code).toBe(4);
    expect(garbage.stderr).toMatch(/^error: /m);
    const url = await maestro(['auth', 'x', '--studio', 'ftp://studio'], env());
    expect(url).toMatchObject({
      code: 1,
      stderr: 'error: --studio must be an http(s) URL, got ftp://studio\n',
    });
    const down = await maestro(['auth', 'x', '--studio', 'http://127.0.0.1:9'], env());
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach Studio at http://127.0.0.1:9');
  });

  test('doctor checks git, the providers on PATH, credentials, the Studio, its clock and the identity', async () => {
    const bin = path.join(home, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'claude'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
    const pathWith = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
    const ok = await maestro(['doctor', '--json'], {
      ...env(),
      PATH: pathWith,
      OPENAI_API_KEY: '',
    });
    expect(ok.code).toBe(0);
    const checks = JSON.parse(ok.stdout) as { check: string; status: string; detail: string }[];
    const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
    expect(byName.git).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^git version/),
    });
    expect(byName.providers).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(`claude (${path.join(bin, 'claude')})`),
    });
    expect(byName.studio).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(`${server.url} is ready`),
    });
    expect(byName.clock).toMatchObject({ status: 'ok' });
    expect(byName.identity).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(server.owner.email),
    });
    expect(['ok', 'warn']).toContain(byName.credentials?.status);

    // No provider, and a Studio that is not there: a warning and a failure (exit 1).
    const down = await maestro(['doctor', '--studio', 'http://127.0.0.1:9'], {
      ...env(),
      PATH: '/usr/bin:/bin',
      OPENAI_API_KEY: '',
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(
      /^warn providers +none of claude, codex, gemini, aider is on PATH/m,
    );
    expect(down.stdout).toMatch(/^fail studio +cannot reach http:\/\/127\.0\.0\.1:9/m);
  });

  test('status checks each identity with a fresh access token, renewing it through the rotated refresh token', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'maestro-status-'));
    const fileEnv = { MAESTRO_HOME: own, MAESTRO_CREDENTIALS: 'file' };
    try {
      const none = await maestro(['status'], fileEnv);
      expect(none).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('not connected to any Studio'),
      });
      expect((await maestro(['auth', await invite(), '--studio', server.url], fileEnv)).code).toBe(
        0,
      );
      const fine = await maestro(['status', '--json'], fileEnv);
      expect(fine.code).toBe(0);
      expect(JSON.parse(fine.stdout)).toMatchObject({
        credentials: 'file',
        studio: server.url,
        identities: [{ studio: server.url, email: server.owner.email, signedIn: true }],
        projects: [{ id: projectId, remote: 'github.com:acme/widgets' }],
      });

      const file = path.join(own, 'credentials');
      const account = `${server.url}#${server.owner.userId}`;
      const stored = () =>
        readFile(file, 'utf8').then(
          (text) =>
            JSON.parse((JSON.parse(text) as Record<string, string>)[account] ?? '{}') as Record<
              string,
              string
            >,
        );
      const write = async (tokens: Record<string, string>) =>
        writeFile(file, JSON.stringify({ [account]: JSON.stringify(tokens) }), { mode: 0o600 });
      // An access token about to expire is renewed; the refresh token rotates and is kept.
      const before = await stored();
      await write({ ...before, accessTokenExpiresAt: new Date(Date.now() + 10_000).toISOString() });
      expect((await maestro(['status'], fileEnv)).code).toBe(0);
      const after = await stored();
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(Date.parse(after.accessTokenExpiresAt ?? '')).toBeGreaterThan(Date.now() + 60_000);
      // A refresh token Studio does not know: signed out, exit 4.
      await write({
        ...after,
        refreshToken: 'not-a-refresh-token',
        accessTokenExpiresAt: new Date(0).toISOString(),
      });
      const out = await maestro(['status', '--json'], fileEnv);
      expect(out.code).toBe(4);
      expect(JSON.parse(out.stdout)).toMatchObject({
        identities: [{ signedIn: false, reason: expect.any(String) }],
      });
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  test('config get and set read and check settings; version prints the version', async () => {
    const set = await maestro(['config', 'set', 'models.easy', 'claude-haiku-4-5'], env());
    expect(set.code).toBe(0);
    const get = await maestro(['config', 'get', 'models.easy', '--json'], env());
    expect(JSON.parse(get.stdout)).toEqual({ key: 'models.easy', value: 'claude-haiku-4-5' });
    expect((await maestro(['config', 'get', 'log.level'], env())).stdout).toBe('');
    const unknown = await maestro(['config', 'set', 'colour', 'blue'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown setting colour; the settings are studio, provider');
    const bad = await maestro(['config', 'set', 'log.level', 'loud'], env());
    expect(bad).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('log.level must be debug, info, warn or error'),
    });
    // The identity written by auth survives a settings change.
    const config = parse(await readFile(path.join(home, 'config.toml'), 'utf8')) as {
      identities: unknown[];
      settings: Record<string, string>;
    };
    expect(config.settings).toEqual({ 'models.easy': 'claude-haiku-4-5' });
    expect(config.identities).toHaveLength(1);

    const version = await maestro(['version', '--json'], env());
    expect(JSON.parse(version.stdout)).toEqual({
      version: '0.1.0',
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    });
  });
});
