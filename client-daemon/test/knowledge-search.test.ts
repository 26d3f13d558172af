import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../../server/src/domain/common/public-id.js';
import { KnowledgeArtifactType } from '../../server/src/domain/knowledge/knowledge.entity.js';
import { bareRepository } from '../../server/test/support/git-daemon.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { daemonEnv, maestro, signedInHome } from './support/daemons.js';

const exec = promisify(execFile);

interface SearchJson {
  projectId: string;
  embedder: { model: string; local: boolean };
  hits: Array<{
    score: number;
    vectorRank: number | null;
    textRank: number | null;
    artifact: { name: string; type: string; language: string | null; fileRefs: unknown[] };
  }>;
}

describe('maestro knowledge search', () => {
  let server: TestServer;
  let root: string;
  let home: string;
  let clone: string;
  let projectId: string;
  let otherProjectId: string;

  beforeAll(async () => {
    server = await startTestServer();
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-knowledge-'));
    const origin = await bareRepository(root, ['one']);
    projectId = (
      await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: origin,
        name: 'searchable',
      })
    ).id;
    otherProjectId = (
      await server.factory.project({
        workspaceId: server.owner.workspaceId,
        remoteUrl: 'https://github.com/acme/other',
      })
    ).id;
    clone = path.join(root, 'clone');
    await exec('git', ['clone', '-q', origin, clone]);
    const knowledge = server.studio.services.knowledge;
    await knowledge.upsertArtifacts(parsePublicIdOf('Project', projectId) as string, [
      {
        type: KnowledgeArtifactType.FUNCTION,
        name: 'parseProposal',
        language: 'TypeScript',
        summary: "Turns the planner's JSON into phases and tasks.",
        fileRefs: [{ path: 'src/planning/proposal-parser.ts', startLine: 12 }],
      },
      {
        type: KnowledgeArtifactType.HELPER,
        name: 'retry_with_backoff',
        language: 'Python',
        summary: 'Retries a call with exponential backoff and jitter.',
        fileRefs: [{ path: 'app/retry.py' }],
      },
      {
        type: KnowledgeArtifactType.HELPER,
        name: 'formatCurrency',
        language: 'TypeScript',
        summary: 'Formats an amount of money with its currency symbol.',
        fileRefs: [{ path: 'src/money/format.ts' }],
      },
      {
        type: KnowledgeArtifactType.COMPONENT,
        name: 'ProposalCard',
        language: 'TypeScript',
        framework: 'Svelte',
        summary: 'Shows a proposal with its phases.',
        fileRefs: [{ path: 'web/src/lib/ProposalCard.svelte' }],
      },
    ]);
    await knowledge.upsertArtifacts(parsePublicIdOf('Project', otherProjectId) as string, [
      {
        type: KnowledgeArtifactType.FUNCTION,
        name: 'parseProposalElsewhere',
        language: 'TypeScript',
        summary: 'Another project’s parser.',
      },
    ]);
    home = await signedInHome(server, 'knowledge');
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  const search = (args: string[], cwd = clone, extra: Record<string, string> = {}) =>
    maestro(['knowledge', 'search', ...args], daemonEnv(home, extra), cwd);

  test('finds the project from the clone’s origin and prints the best match first', async () => {
    const result = await search(['parse', 'proposal']);
    expect(result.stderr).toContain('ranked by local-lexical-v1');
    expect(result.stderr).toContain('matches words, not meaning');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^0\.\d{4} {2}function {2}parseProposal {2}TypeScript {2}src\/planning\/proposal-parser\.ts:12$/,
    );
    expect(lines[1]?.trim()).toBe("Turns the planner's JSON into phases and tasks.");
    // only this project's artifacts
    expect(result.stdout).not.toContain('parseProposalElsewhere');
  });

  test('--json, --type (any case, repeatable), --language and --first', async () => {
    const json = await search([
      'turns formats',
      '--type',
      'helper',
      '--type',
      'FUNCTION',
      '--json',
    ]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as SearchJson;
    expect(parsed.projectId).toBe(projectId);
    expect(parsed.embedder).toEqual({ model: 'local-lexical-v1', local: true });
    expect(parsed.hits.length).toBeGreaterThan(0);
    expect(parsed.hits.every((hit) => ['HELPER', 'FUNCTION'].includes(hit.artifact.type))).toBe(
      true,
    );
    const python = JSON.parse(
      (await search(['backoff', '--language', 'python', '--first', '1', '--json'])).stdout,
    ) as SearchJson;
    expect(python.hits.map((hit) => hit.artifact.name)).toEqual(['retry_with_backoff']);
  });

  test('--project works anywhere; without it, a directory outside a repository is an error', async () => {
    const elsewhere = await search(['parse proposal', '--project', otherProjectId, '--json'], root);
    expect(elsewhere.code).toBe(0);
    expect((JSON.parse(elsewhere.stdout) as SearchJson).hits[0]?.artifact.name).toBe(
      'parseProposalElsewhere',
    );
    const lost = await search(['parse proposal'], os.tmpdir());
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('is not in a git repository');
  });

  test('bad input is an error naming it (exit 1); a refused token exits 4', async () => {
    const badType = await search(['x', '--type', 'gadget']);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toContain('unknown artifact type "gadget"');
    const tooLong = await search(['x'.repeat(1001)]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/query must be 1-1000 characters.*BAD_USER_INPUT/);
    // an API token bound to the other project may not read this one
    const { createApiToken } = await server.query<{ createApiToken: { token: string } }, unknown>(
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }',
      {
        i: {
          workspaceId: server.owner.workspaceId,
          name: 'other project only',
          scopes: ['READ'],
          projectId: otherProjectId,
        },
      },
    );
    const refused = await search(['parse', '--project', projectId], clone, {
      MAESTRO_TOKEN: createApiToken.token,
      MAESTRO_STUDIO_URL: server.url,
    });
    expect(refused.stderr).toContain('FORBIDDEN');
    expect(refused.code).toBe(4);
  });
});
