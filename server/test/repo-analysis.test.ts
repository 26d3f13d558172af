import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import { RunPurpose } from '../src/domain/run/run.types.js';
import { queueRun } from './support/agents.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok, type UserErrorShape } from './support/mutations.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const random = () => randomBytes(4).toString('hex');

interface Counts {
  repoContextChanged: boolean;
  contextFilesChanged: number;
  contextFilesUnchanged: number;
  artifactsCreated: number;
  artifactsUpdated: number;
  artifactsUnchanged: number;
  artifactsRemoved: number;
}
const COUNTS =
  'repoContextChanged contextFilesChanged contextFilesUnchanged artifactsCreated artifactsUpdated artifactsUnchanged artifactsRemoved';

/** A post as the daemon makes it: the repository context, three context files, artifacts. */
function findings(overrides: { codebase?: string; artifacts?: Record<string, unknown>[] } = {}) {
  return {
    repoContext: {
      framework: 'React',
      techStack: ['TypeScript', 'Python', 'React'],
      architectureSummary: 'A TypeScript web app with a Python service (static analyzer v1).',
      directoryMap: [
        { path: 'web/', role: 'React components' },
        { path: 'service/', role: 'Python package' },
      ],
    },
    contextFiles: [
      { kind: 'CODEBASE', name: 'codebase', content: overrides.codebase ?? '# Codebase\n\nv1\n' },
      { kind: 'WORKFLOW', name: 'workflow', content: '# Workflow\n\n- npm test\n' },
      { kind: 'NOTES', name: 'notes', content: '# Notes\n\nstatic analyzer v1\n' },
    ],
    artifacts: overrides.artifacts ?? [
      {
        type: 'COMPONENT',
        name: 'PriceTag',
        language: 'TypeScript',
        framework: 'React',
        summary: 'Exported function PriceTag in web/src/PriceTag.tsx.',
        files: [{ path: 'web/src/PriceTag.tsx', startLine: 3 }],
        structure: { kind: 'function' },
      },
      {
        type: 'FUNCTION',
        name: 'slugify',
        language: 'Python',
        summary: 'Exported function slugify in service/text.py.',
        files: [{ path: 'service/text.py', startLine: 1 }],
      },
    ],
  };
}

describe('repository analysis: startRepoAnalysis and postRepoAnalysis', () => {
  let server: TestServer;
  let projectId: string;

  beforeAll(async () => {
    server = await startTestServer();
    projectId = (await server.factory.project({ workspaceId: server.owner.workspaceId })).id;
  });
  afterAll(async () => {
    await server.close();
  });

  const register = async () =>
    (
      await ok<{ session: { id: string } }>(
        server,
        'registerSession',
        { projectId, role: 'WORKER', name: `bot-${random()}`, machineId: `m-${random()}` },
        'session { id }',
      )
    ).session.id;
  const claim = (sessionId: string, runId: string) =>
    ok<{ run: { id: string; purpose: string } | null; leaseVersion: number }>(
      server,
      'claimRun',
      { sessionId, runId },
      'run { id purpose } leaseVersion',
    );
  const start = () =>
    mutation<{
      run: { id: string; status: string; purpose: string } | null;
      alreadyQueued: boolean;
    }>(server, 'startRepoAnalysis', { projectId }, 'run { id status purpose } alreadyQueued');
  const post = (runId: string, leaseVersion: number, body: Record<string, unknown>) =>
    mutation<Counts>(server, 'postRepoAnalysis', { runId, leaseVersion, ...body }, COUNTS);
  const knowledge = () =>
    server.query<
      {
        project: {
          repoContext: {
            framework: string | null;
            techStack: string[];
            directoryMap: Record<string, string>;
          } | null;
          contextFiles: { name: string; version: number; versions: { version: number }[] }[];
          knowledge: { totalCount: number; nodes: { name: string; type: string }[] };
        };
      },
      unknown
    >(
      `query($id: ID!) { project(id: $id) {
         repoContext { framework techStack directoryMap }
         contextFiles { name version versions { version } }
         knowledge(first: 100) { totalCount nodes { name type } } } }`,
      { id: projectId },
    );
  const versions = async () =>
    Object.fromEntries(
      (await knowledge()).project.contextFiles.map((file) => [file.name, file.version]),
    );

  /** A REPO_ANALYSIS run claimed by a fresh session: its id and lease. */
  const claimedAnalysis = async () => {
    // each test starts its own: an earlier test's run is out of the way
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'CANCELLED'
        WHERE purpose = 'REPO_ANALYSIS' AND status IN ('QUEUED', 'CLAIMED', 'RUNNING')`,
    );
    const sessionId = await register();
    const started = await start();
    expect(started.userErrors).toEqual([]);
    expect(started.alreadyQueued).toBe(false);
    const runId = started.run?.id as string;
    // the run is targeted at the best idle session, which may be one an earlier test registered
    const [row] = await server.studio.database.dataSource.query<
      Array<{ target_session_id: string | null }>
    >('SELECT target_session_id FROM agent_run WHERE id = $1', [parsePublicIdOf('Run', runId)]);
    const holder = row?.target_session_id
      ? toPublicId('AgentSession', row.target_session_id)
      : sessionId;
    const claimed = await claim(holder, runId);
    expect(claimed.run?.purpose).toBe('REPO_ANALYSIS');
    return { runId, leaseVersion: claimed.leaseVersion, sessionId: holder };
  };

  test('queues one run per project at a time, targeted at an idle session, which claims it', async () => {
    const sessionId = await register();
    const first = await start();
    expect(first.userErrors).toEqual([]);
    expect(first.run).toMatchObject({ status: 'QUEUED', purpose: 'REPO_ANALYSIS' });
    expect(first.alreadyQueued).toBe(false);
    const again = await start();
    expect(again.run?.id).toBe(first.run?.id);
    expect(again.alreadyQueued).toBe(true);
    const row = await server.studio.database.dataSource.query<
      Array<{ target_session_id: string | null; plan_id: string | null }>
    >('SELECT target_session_id, plan_id FROM agent_run WHERE id = $1', [
      parsePublicIdOf('Run', first.run?.id as string),
    ]);
    expect(row[0]?.plan_id).toBeNull();
    expect(row[0]?.target_session_id).toBe(parsePublicIdOf('AgentSession', sessionId));
    // the session's next claim is the analysis, with the project's branches to check out
    const claimed = await ok<{
      run: {
        id: string;
        git: { baseBranch: string; remoteUrl: string; epicBranch: string | null };
      };
    }>(server, 'claimRun', { sessionId }, 'run { id git { remoteUrl baseBranch epicBranch } }');
    expect(claimed.run.id).toBe(first.run?.id);
    expect(claimed.run.git.epicBranch).toBeNull();
    expect(claimed.run.git.baseBranch).toBe('main');
    // in flight, it is still the one returned
    const inFlight = await start();
    expect(inFlight.run?.id).toBe(first.run?.id);
    expect(inFlight.alreadyQueued).toBe(true);
    await ok(server, 'completeRun', { runId: first.run?.id, leaseVersion: 1 }, 'run { id }');
    const next = await start();
    expect(next.run?.id).not.toBe(first.run?.id);
    expect(next.alreadyQueued).toBe(false);
    // leave nothing open for the other tests to trip on
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'CANCELLED' WHERE id = $1`,
      [parsePublicIdOf('Run', next.run?.id as string)],
    );
  });

  test('a developer may not start an analysis; an architect may', async () => {
    const developer = await addMember(server, server.owner.workspaceId, MemberRole.DEVELOPER);
    const architect = await addMember(server, server.owner.workspaceId, MemberRole.ARCHITECT);
    const call = async (userKey: string) =>
      server.requestAs<{ startRepoAnalysis: { run: { id: string } | null } | null }, unknown>(
        await accessTokenFor(server, userKey),
        'mutation($input: StartRepoAnalysisInput!) { startRepoAnalysis(input: $input) { run { id } userErrors { code } } }',
        { input: { projectId } },
      );
    const refused = await call(developer.userKey);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await call(architect.userKey);
    expect(allowed.errors).toBeUndefined();
    const runId = allowed.data?.startRepoAnalysis?.run?.id as string;
    await server.studio.database.dataSource.query(
      `UPDATE agent_run SET status = 'CANCELLED' WHERE id = $1`,
      [parsePublicIdOf('Run', runId)],
    );
  });

  test('posts facts, files and artifacts; the same post again is no new version; one change is one', async () => {
    const { runId, leaseVersion } = await claimedAnalysis();
    const first = await post(runId, leaseVersion, findings());
    expect(first).toMatchObject({
      userErrors: [],
      repoContextChanged: true,
      contextFilesChanged: 3,
      contextFilesUnchanged: 0,
      artifactsCreated: 2,
      artifactsUpdated: 0,
      artifactsRemoved: 0,
    });
    const after = (await knowledge()).project;
    expect(after.repoContext).toEqual({
      framework: 'React',
      techStack: ['TypeScript', 'Python', 'React'],
      directoryMap: { 'web/': 'React components', 'service/': 'Python package' },
    });
    expect(after.knowledge.nodes.map((node) => `${node.type} ${node.name}`).sort()).toEqual([
      'COMPONENT PriceTag',
      'FUNCTION slugify',
    ]);
    expect(await versions()).toEqual({ codebase: 1, workflow: 1, notes: 1 });

    const same = await post(runId, leaseVersion, findings());
    expect(same).toMatchObject({
      userErrors: [],
      repoContextChanged: false,
      contextFilesChanged: 0,
      contextFilesUnchanged: 3,
      artifactsCreated: 0,
      artifactsUpdated: 0,
      artifactsUnchanged: 2,
      artifactsRemoved: 0,
    });
    expect(await versions()).toEqual({ codebase: 1, workflow: 1, notes: 1 });

    // the codebase changed and slugify is gone; a hand-made artifact stays
    await server.studio.services.knowledge.upsertArtifacts(
      parsePublicIdOf('Project', projectId) as string,
      [{ type: 'PATTERN' as never, name: 'Retry with backoff', fileRefs: [{ path: 'docs/x.md' }] }],
    );
    const changed = await post(
      runId,
      leaseVersion,
      findings({
        codebase: '# Codebase\n\nv2\n',
        artifacts: [
          {
            ...findings().artifacts[0],
            summary: 'Moved.',
            files: [{ path: 'web/src/PriceTag.tsx', startLine: 9 }],
          },
        ],
      }),
    );
    expect(changed).toMatchObject({
      userErrors: [],
      contextFilesChanged: 1,
      contextFilesUnchanged: 2,
      artifactsCreated: 0,
      artifactsUpdated: 1,
      artifactsUnchanged: 0,
      artifactsRemoved: 1,
    });
    const now = (await knowledge()).project;
    const codebase = now.contextFiles.find((file) => file.name === 'codebase');
    expect(codebase).toEqual({ name: 'codebase', version: 2, versions: [{ version: 1 }] });
    // each new version's event names the analysis run that wrote it
    const { events } = await server.query<
      { events: { nodes: { type: string; payload: Record<string, unknown> }[] } },
      unknown
    >('query($p: ID!) { events(projectId: $p, first: 100) { nodes { type payload } } }', {
      p: projectId,
    });
    expect(
      events.nodes
        .filter((event) => event.type === 'ContextFileUpdated')
        .map((event) => `${String(event.payload['name'])} v${String(event.payload['version'])}`),
    ).toEqual(['codebase v1', 'workflow v1', 'notes v1', 'codebase v2']);
    for (const event of events.nodes.filter((one) => one.type === 'ContextFileUpdated'))
      expect(event.payload['runId']).toBe(runId);
    expect(now.knowledge.nodes.map((node) => node.name).sort()).toEqual([
      'PriceTag',
      'Retry with backoff',
    ]);
  });

  test("an AI's patterns replace the analysed patterns only when the post says so", async () => {
    const { runId, leaseVersion } = await claimedAnalysis();
    const project = parsePublicIdOf('Project', projectId) as string;
    await server.studio.services.knowledge.upsertArtifacts(project, [
      { type: 'PATTERN' as never, name: 'Written by hand', fileRefs: [{ path: 'docs/y.md' }] },
    ]);
    const pattern = (name: string) => ({
      type: 'PATTERN',
      name,
      language: 'TypeScript',
      summary: `${name}. (Found by claude reading the code.)`,
      files: [{ path: 'web/src/format.ts' }],
      structure: { kind: 'pattern', writtenBy: 'claude' },
    });
    const component = findings().artifacts[0] as Record<string, unknown>;
    const patterns = async () =>
      (await knowledge()).project.knowledge.nodes
        .filter((node) => node.type === 'PATTERN')
        .map((node) => node.name)
        .sort();

    const named = await post(runId, leaseVersion, {
      ...findings({ artifacts: [component, pattern('Money in cents')] }),
      replacesPatterns: true,
    });
    expect(named.userErrors).toEqual([]);
    expect(await patterns()).toEqual(expect.arrayContaining(['Money in cents', 'Written by hand']));

    // a static analysis (the default) and an explicit false keep the analysed pattern
    for (const replacesPatterns of [undefined, false]) {
      const statics = await post(runId, leaseVersion, {
        ...findings({ artifacts: [component] }),
        ...(replacesPatterns === undefined ? {} : { replacesPatterns }),
      });
      expect(statics).toMatchObject({ userErrors: [], artifactsRemoved: 0 });
      expect(await patterns()).toEqual(expect.arrayContaining(['Money in cents']));
    }

    // another reading replaces it; the hand-made one is not analysis's to remove
    const replaced = await post(runId, leaseVersion, {
      ...findings({ artifacts: [component, pattern('Result type')] }),
      replacesPatterns: true,
    });
    expect(replaced).toMatchObject({ userErrors: [], artifactsCreated: 1, artifactsRemoved: 1 });
    expect(await patterns()).not.toContain('Money in cents');
    expect(await patterns()).toEqual(expect.arrayContaining(['Result type', 'Written by hand']));

    // a reading that found none removes them all
    const none = await post(runId, leaseVersion, {
      ...findings({ artifacts: [component] }),
      replacesPatterns: true,
    });
    expect(none).toMatchObject({ userErrors: [], artifactsRemoved: 1 });
    expect(await patterns()).not.toContain('Result type');
    expect(await patterns()).toContain('Written by hand');

    // not a boolean: refused by the schema, naming the field, and nothing changes
    const before = await knowledge();
    await expect(
      post(runId, leaseVersion, { ...findings({ artifacts: [] }), replacesPatterns: 'yes' }),
    ).rejects.toThrow(/replacesPatterns/);
    expect(await knowledge()).toEqual(before);
  });

  test('bad input names the field and changes nothing', async () => {
    const { runId, leaseVersion } = await claimedAnalysis();
    const before = await knowledge();
    const bad: Array<[string, Record<string, unknown>]> = [
      [
        'artifacts.1.name',
        findings({
          artifacts: [findings().artifacts[0] as never, { ...findings().artifacts[1], name: ' ' }],
        }),
      ],
      [
        'artifacts.0.summary',
        findings({ artifacts: [{ ...findings().artifacts[0], summary: 'x'.repeat(10_001) }] }),
      ],
      [
        'contextFiles.1.name',
        {
          ...findings(),
          contextFiles: [
            { kind: 'NOTES', name: 'notes', content: 'a' },
            { kind: 'NOTES', name: 'notes', content: 'b' },
          ],
        },
      ],
      [
        'contextFiles.0.content',
        {
          ...findings(),
          contextFiles: [{ kind: 'NOTES', name: 'n', content: 'x'.repeat(1_000_001) }],
        },
      ],
      [
        'repoContext.techStack',
        {
          ...findings(),
          repoContext: { ...findings().repoContext, techStack: Array(51).fill('Go') },
        },
      ],
      [
        'repoContext.directoryMap.0.path',
        {
          ...findings(),
          repoContext: { ...findings().repoContext, directoryMap: [{ path: '', role: 'x' }] },
        },
      ],
      [
        'artifacts',
        findings({
          artifacts: Array.from({ length: 1001 }, () => findings().artifacts[0] as never),
        }),
      ],
    ];
    for (const [field, body] of bad) {
      const payload = await post(runId, leaseVersion, body);
      expect([field, payload.userErrors.map((e: UserErrorShape) => [e.code, e.field])]).toEqual([
        field,
        [['BAD_USER_INPUT', [field]]],
      ]);
    }
    // an unknown enum value is refused by the schema, naming the field
    const wrongType = await server.request<unknown, unknown>(
      `mutation($input: PostRepoAnalysisInput!) { postRepoAnalysis(input: $input) { userErrors { code } } }`,
      {
        input: {
          runId,
          leaseVersion,
          ...findings({ artifacts: [{ ...findings().artifacts[0], type: 'GADGET' }] }),
        },
      },
    );
    expect(wrongType.errors?.[0]?.message).toMatch(/type/);
    expect(await knowledge()).toEqual(before);
  });

  test('a stale lease is STALE_LEASE; another purpose is refused; nothing changes', async () => {
    const { runId, leaseVersion } = await claimedAnalysis();
    const before = await knowledge();
    const stale = await post(
      runId,
      leaseVersion + 1,
      findings({ codebase: '# Codebase\n\nstale\n' }),
    );
    expect(stale.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['STALE_LEASE', ['leaseVersion']],
    ]);
    const execution = await queueRun(server, { projectId, purpose: RunPurpose.EXECUTION });
    const sessionId = await register();
    const claimed = await claim(sessionId, toPublicId('Run', execution.id));
    const wrong = await post(
      toPublicId('Run', execution.id),
      claimed.leaseVersion,
      findings({ codebase: '# Codebase\n\nwrong\n' }),
    );
    expect(wrong.userErrors.map((e) => [e.code, e.field])).toEqual([['BAD_USER_INPUT', ['runId']]]);
    expect(await knowledge()).toEqual(before);
  });

  test('another member may not post under a session that is not theirs', async () => {
    const { runId, leaseVersion } = await claimedAnalysis();
    const architect = await addMember(server, server.owner.workspaceId, MemberRole.ARCHITECT);
    const response = await server.requestAs<unknown, unknown>(
      await accessTokenFor(server, architect.userKey),
      'mutation($input: PostRepoAnalysisInput!) { postRepoAnalysis(input: $input) { userErrors { code } } }',
      { input: { runId, leaseVersion, ...findings() } },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
