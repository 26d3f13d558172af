import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { toPublicId } from '../src/domain/common/public-id.js';
import {
  ContextFileKind,
  KnowledgeArtifactEntity,
  KnowledgeArtifactType,
  EMBEDDING_DIMENSIONS,
} from '../src/domain/knowledge/knowledge.entity.js';
import { PlanMessageAuthor, PlanMessageKind } from '../src/domain/plan/plan.entity.js';
import { RunPurpose } from '../src/domain/run/run.types.js';
import { SessionRole } from '../src/domain/session/session.entity.js';
import { uuidv7 } from '../src/domain/common/ids.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import { addSession, appendOutput, queueRun } from './support/agents.js';
import { expectEventually } from './support/expect-eventually.js';
import { ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('runs, sessions and knowledge', () => {
  let server: TestServer;
  let projectId: string;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const project = await server.factory.project();
    projectId = project.id;
    workspaceId = project.workspaceId;
  });
  afterAll(async () => {
    await server.close();
  });

  test('run(id) shows a queued run with its dispatch reason, task, plan and target session', async () => {
    const { planId, taskIds } = await planWithTasks(server, projectId, 1);
    const session = await addSession(server, projectId, { name: 'alice-bot' });
    const run = await queueRun(server, {
      projectId,
      taskId: taskIds[0],
      targetSessionId: session,
      model: 'claude-sonnet',
      dispatchReason: {
        rule: 'proficiency-then-idle-time',
        candidates: [
          {
            sessionId: session,
            name: 'alice-bot',
            eligible: true,
            score: 4.5,
            note: 'frontend 5 ≥ 3',
          },
        ],
        winner: session,
        explanation: 'the only eligible idle session',
      },
    });
    const id = toPublicId('Run', run.id);
    const data = await server.query<{ run: Record<string, unknown> }, unknown>(
      `query($id: ID!) { run(id: $id) {
        id purpose status tier attempt leaseVersion model tokensIn tokensOut costUsd outputSeq
        dispatchReason { rule winner explanation candidates { sessionId name eligible score note } }
        task { id } plan { id } project { id } session { id } targetSession { id name alive }
      } }`,
      { id },
    );
    expect(data.run).toEqual({
      id,
      purpose: 'EXECUTION',
      status: 'QUEUED',
      tier: 'STANDARD',
      attempt: 1,
      leaseVersion: 0,
      model: 'claude-sonnet',
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      outputSeq: 0,
      dispatchReason: {
        rule: 'proficiency-then-idle-time',
        winner: session,
        explanation: 'the only eligible idle session',
        candidates: [
          {
            sessionId: session,
            name: 'alice-bot',
            eligible: true,
            score: 4.5,
            note: 'frontend 5 ≥ 3',
          },
        ],
      },
      task: { id: taskIds[0] },
      plan: null,
      project: { id: projectId },
      session: null,
      targetSession: { id: session, name: 'alice-bot', alive: true },
    });
    void planId;
    const events = await server.query<
      { events: { nodes: Array<{ type: string; payload: Record<string, unknown> }> } },
      unknown
    >('query($p: ID!) { events(projectId: $p, first: 100) { nodes { type payload } } }', {
      p: projectId,
    });
    expect(
      events.events.nodes.find((e) => e.type === 'RunQueued' && e.payload.runId === id)?.payload,
    ).toEqual({
      runId: id,
      purpose: 'EXECUTION',
      taskId: taskIds[0],
      targetSessionId: session,
    });
  });

  test('tiers follow the purpose', async () => {
    const expected: Record<string, string> = {
      PLANNING: 'HARD',
      REPO_ANALYSIS: 'HARD',
      REFINE: 'HARD',
      EXECUTION: 'STANDARD',
      REVIEW: 'EASY',
      COMMENT_EVAL: 'EASY',
      MERGE: 'NONE',
      BOOTSTRAP_EPIC: 'NONE',
      RELEASE: 'NONE',
      RELEASE_CLEANUP: 'NONE',
    };
    for (const purpose of Object.values(RunPurpose)) {
      const run = await queueRun(server, { projectId, purpose });
      expect([purpose, run.tier]).toEqual([purpose, expected[purpose]]);
    }
  });

  test('runs(projectId, filter) filters by status, purpose, task and session', async () => {
    const { id: project } = await server.factory.project();
    const { taskIds } = await planWithTasks(server, project, 2);
    await queueRun(server, { projectId: project, taskId: taskIds[0] });
    await queueRun(server, { projectId: project, taskId: taskIds[0], purpose: RunPurpose.REVIEW });
    const merge = await queueRun(server, {
      projectId: project,
      taskId: taskIds[1],
      purpose: RunPurpose.MERGE,
    });
    const ids = async (filter: Record<string, unknown> | null) =>
      (
        await server.query<{ runs: { totalCount: number; nodes: Array<{ id: string }> } }, unknown>(
          'query($p: ID!, $f: RunFilter) { runs(projectId: $p, filter: $f) { totalCount nodes { id } } }',
          { p: project, f: filter },
        )
      ).runs;
    expect((await ids(null)).totalCount).toBe(3);
    expect((await ids({ purpose: ['MERGE', 'RELEASE'] })).nodes).toEqual([
      { id: toPublicId('Run', merge.id) },
    ]);
    expect((await ids({ taskId: taskIds[0] })).totalCount).toBe(2);
    expect((await ids({ status: ['RUNNING'] })).totalCount).toBe(0);
    expect((await ids({ sessionId: await addSession(server, project) })).totalCount).toBe(0);
  });

  test('task.runs pages the runs of many tasks, first or last, batched', async () => {
    const { phaseId, taskIds } = await planWithTasks(server, projectId, 3);
    const made: string[] = [];
    for (let i = 0; i < 4; i++)
      made.push(toPublicId('Run', (await queueRun(server, { projectId, taskId: taskIds[0] })).id));
    await queueRun(server, { projectId, taskId: taskIds[1] });
    const data = await server.query<
      {
        node: {
          tasks: Array<{
            first: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean } };
            last: { nodes: Array<{ id: string }>; pageInfo: { hasPreviousPage: boolean } };
            runs: { totalCount: number };
          }>;
        };
      },
      unknown
    >(
      `query($id: ID!) { node(id: $id) { ... on Phase { tasks {
        first: runs(first: 2) { nodes { id } pageInfo { hasNextPage } }
        last: runs(last: 1) { nodes { id } pageInfo { hasPreviousPage } }
        runs { totalCount }
      } } } }`,
      { id: phaseId },
    );
    const [a, b, c] = data.node.tasks;
    expect(a?.first).toEqual({
      nodes: [{ id: made[0] }, { id: made[1] }],
      pageInfo: { hasNextPage: true },
    });
    expect(a?.last).toEqual({ nodes: [{ id: made[3] }], pageInfo: { hasPreviousPage: true } });
    expect(a?.runs.totalCount).toBe(4);
    expect(b?.first.pageInfo.hasNextPage).toBe(false);
    expect(b?.runs.totalCount).toBe(1);
    expect(c?.first.nodes).toEqual([]);
    const paged = await server.query<{ task: { runs: { nodes: Array<{ id: string }> } } }, unknown>(
      'query($id: ID!, $after: String) { task(id: $id) { runs(first: 2, after: $after) { nodes { id } } } }',
      { id: taskIds[0], after: null },
    );
    expect(paged.task.runs.nodes.map((n) => n.id)).toEqual(made.slice(0, 2));
  });

  test("runOutput pages a run's output by seq, and refuses bad arguments", async () => {
    const run = await queueRun(server, { projectId });
    const id = toPublicId('Run', run.id);
    await appendOutput(server, run.id, ['one\n', 'two\n']);
    await appendOutput(server, run.id, ['three\n']);
    const page = async (after: number, first: number) =>
      (
        await server.query<
          {
            runOutput: {
              totalCount: number;
              pageInfo: { hasNextPage: boolean; endCursor: string };
              nodes: Array<{ seq: number; chunk: string; stream: string; runId: string }>;
            };
          },
          unknown
        >(
          'query($r: ID!, $a: SafeInt, $f: Int) { runOutput(runId: $r, after: $a, first: $f) { totalCount pageInfo { hasNextPage endCursor } nodes { seq chunk stream runId } } }',
          { r: id, a: after, f: first },
        )
      ).runOutput;
    const first = await page(0, 2);
    expect(first.totalCount).toBe(3);
    expect(first.nodes).toEqual([
      { seq: 1, chunk: 'one\n', stream: 'STDOUT', runId: id },
      { seq: 2, chunk: 'two\n', stream: 'STDOUT', runId: id },
    ]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: '2' });
    expect((await page(2, 10)).nodes.map((n) => n.chunk)).toEqual(['three\n']);
    const bad = await server.request(
      'query($r: ID!) { runOutput(runId: $r, after: -1) { totalCount } }',
      { r: id },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await server.request(
      '{ runOutput(runId: "run_0000000000000000000000") { totalCount } }',
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('the runOutput subscription replays and then follows, each chunk once, in order', async () => {
    const run = await queueRun(server, { projectId });
    const id = toPublicId('Run', run.id);
    for (let i = 0; i < 10; i++) await appendOutput(server, run.id, [`pre ${i}`]);
    const probe = server.subscribe<{ runOutput: { seq: number; chunk: string } }, unknown>(
      'subscription($r: ID!, $a: SafeInt) { runOutput(runId: $r, after: $a) { seq chunk } }',
      { r: id, a: 4 },
    );
    await probe.waitFor(3);
    await Promise.all(
      Array.from({ length: 4 }, (_, writer) =>
        (async () => {
          for (let i = 0; i < 10; i++)
            await appendOutput(server, run.id, [`w${writer} ${i}`, `w${writer} ${i}b`]);
        })(),
      ),
    );
    const values = await probe.waitFor(6 + 80);
    probe.close();
    expect(values.map((v) => v.runOutput.seq)).toEqual(Array.from({ length: 86 }, (_, i) => i + 5));
    const beyond = server.subscribe<unknown, unknown>(
      'subscription($r: ID!) { runOutput(runId: $r, after: 1000) { seq } }',
      { r: id },
    );
    const errors = (await beyond.waitForError()) as Array<{ message: string }>;
    beyond.close();
    expect(errors[0]?.message).toBe("after is 1000, beyond the run's last chunk (90)");
  });

  test('sessionRuns pushes the runs already queued for a session, then new ones, and no others', async () => {
    const { id: project } = await server.factory.project();
    const mine = await addSession(server, project, { name: 'mine' });
    const other = await addSession(server, project, { name: 'other' });
    const waiting = await queueRun(server, { projectId: project, targetSessionId: mine });
    const probe = server.subscribe<{ sessionRuns: { id: string; status: string } }, unknown>(
      'subscription($s: ID!) { sessionRuns(sessionId: $s) { id status } }',
      { s: mine },
    );
    await probe.waitFor(1);
    await queueRun(server, { projectId: project, targetSessionId: other });
    await queueRun(server, { projectId: project });
    const next = await queueRun(server, { projectId: project, targetSessionId: mine });
    const values = await probe.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    probe.close();
    expect(probe.values.map((v) => v.sessionRuns.id)).toEqual([
      toPublicId('Run', waiting.id),
      toPublicId('Run', next.id),
    ]);
    expect(values.every((v) => v.sessionRuns.status === 'QUEUED')).toBe(true);
  });

  test('sessions show their skills, liveness and runs; ended ones only when asked', async () => {
    const { id: project } = await server.factory.project({ workspaceId });
    const skill = (
      await ok<{ skill: { id: string } }>(
        server,
        'createSkill',
        { workspaceId, name: `Skill ${Date.now()}` },
        'skill { id }',
      )
    ).skill.id;
    const live = await addSession(server, project, {
      name: 'live',
      role: SessionRole.LEAD,
      skills: [[skill, 4]],
    });
    await addSession(server, project, { name: 'stale', heartbeatAgoMs: 120_000 });
    await addSession(server, project, { name: 'gone', ended: true });
    const data = await server.query<
      {
        project: {
          sessions: Array<{ name: string; alive: boolean }>;
          all: Array<{ name: string }>;
        };
      },
      unknown
    >(
      'query($id: ID!) { project(id: $id) { sessions { name alive } all: sessions(includeEnded: true) { name } } }',
      { id: project },
    );
    expect(data.project.sessions).toEqual([
      { name: 'stale', alive: false },
      { name: 'live', alive: true },
    ]);
    expect(data.project.all.map((s) => s.name)).toEqual(['gone', 'stale', 'live']);
    const session = await server.query<{ session: Record<string, unknown> }, unknown>(
      'query($id: ID!) { session(id: $id) { name role provider skills { proficiency label skill { id } } team { id } runs { totalCount } project { id } } }',
      { id: live },
    );
    expect(session.session).toEqual({
      name: 'live',
      role: 'LEAD',
      provider: 'claude',
      skills: [{ proficiency: 4, label: 'advanced', skill: { id: skill } }],
      team: null,
      runs: { totalCount: 0 },
      project: { id: project },
    });
  });

  test('planChat delivers messages as they are posted to the plan', async () => {
    const { id: project } = await server.factory.project();
    const { planId } = await planWithTasks(server, project, 0);
    const other = await planWithTasks(server, project, 0);
    const probe = server.subscribe<
      { planChat: { type: string; message: { kind: string; author: string; body: string } } },
      unknown
    >('subscription($p: ID!) { planChat(planId: $p) { type message { kind author body } } }', {
      p: planId,
    });
    const post = (id: string, body: string) =>
      server.studio.services.plans.postMessage(parsePublicIdOf('Plan', id) as string, {
        kind: PlanMessageKind.QUESTION,
        author: PlanMessageAuthor.USER,
        body,
      });
    await expectEventually(async () => {
      await post(planId, 'ping');
      expect(probe.values.length).toBeGreaterThan(0);
    });
    await post(other.planId, 'elsewhere');
    await post(planId, 'Which database?');
    await probe.waitFor(probe.values.length + 1);
    probe.close();
    expect(probe.values.at(-1)?.planChat).toEqual({
      type: 'MESSAGE_POSTED',
      message: { kind: 'QUESTION', author: 'USER', body: 'Which database?' },
    });
    expect(probe.values.some((v) => v.planChat.message.body === 'elsewhere')).toBe(false);
    const history = await server.query<
      { plan: { conversation: { messages: { nodes: Array<{ body: string }> } } } },
      unknown
    >(
      'query($id: ID!) { plan(id: $id) { conversation { messages(last: 1) { nodes { body } } } } }',
      { id: planId },
    );
    expect(history.plan.conversation.messages.nodes).toEqual([{ body: 'Which database?' }]);
  });

  test('context files keep their previous contents as versions', async () => {
    const key = parsePublicIdOf('Project', projectId) as string;
    const write = (content: string) =>
      server.studio.services.knowledge.writeContextFile(key, {
        kind: ContextFileKind.CODEBASE,
        name: 'overview.md',
        content,
      });
    await write('v1');
    await write('v2');
    await write('v2');
    await write('v3');
    const data = await server.query<
      {
        project: {
          contextFiles: Array<{
            id: string;
            name: string;
            content: string;
            version: number;
            versions: Array<{ version: number; content: string }>;
          }>;
        };
      },
      unknown
    >(
      'query($id: ID!) { project(id: $id) { contextFiles { id name content version versions { version content } } } }',
      { id: projectId },
    );
    const [file] = data.project.contextFiles;
    expect(file).toMatchObject({
      name: 'overview.md',
      content: 'v3',
      version: 3,
      versions: [
        { version: 2, content: 'v2' },
        { version: 1, content: 'v1' },
      ],
    });
    const node = await server.query<{ node: { __typename: string } }, unknown>(
      'query($id: ID!) { node(id: $id) { __typename } }',
      {
        id: file?.id,
      },
    );
    expect(node.node.__typename).toBe('ContextFile');
  });

  test('knowledge artifacts keep a pgvector embedding and filter by type, language and framework', async () => {
    const manager = server.studio.database.dataSource.manager;
    const embedding = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => (i % 7) / 7);
    const base = {
      workspaceId: parsePublicIdOf('Workspace', workspaceId) as string,
      projectId: parsePublicIdOf('Project', projectId) as string,
      summary: 'does things',
      fileRefs: [{ path: 'src/a.ts', startLine: 1, endLine: 9 }],
      structure: null,
      sourceMeta: null,
      embedding,
      embeddingModel: 'local-lexical-v1',
    };
    await manager.save(KnowledgeArtifactEntity, [
      {
        ...base,
        id: uuidv7(),
        type: KnowledgeArtifactType.SERVICE,
        name: 'BillingService',
        language: 'TypeScript',
        framework: 'NestJS',
      },
      {
        ...base,
        id: uuidv7(),
        type: KnowledgeArtifactType.COMPONENT,
        name: 'Button',
        language: 'TypeScript',
        framework: 'Svelte',
      },
      {
        ...base,
        id: uuidv7(),
        type: KnowledgeArtifactType.HELPER,
        name: 'slugify',
        language: 'Python',
        framework: null,
      },
    ]);
    const names = async (filter: Record<string, unknown>) =>
      (
        await server.query<{ project: { knowledge: { nodes: Array<{ name: string }> } } }, unknown>(
          'query($id: ID!, $f: KnowledgeFilter) { project(id: $id) { knowledge(filter: $f) { nodes { name } } } }',
          { id: projectId, f: filter },
        )
      ).project.knowledge.nodes.map((n) => n.name);
    expect(await names({ language: 'typescript' })).toEqual(['BillingService', 'Button']);
    expect(await names({ type: ['HELPER', 'SERVICE'] })).toEqual(['BillingService', 'slugify']);
    expect(await names({ framework: 'svelte', language: 'TypeScript' })).toEqual(['Button']);
    const [stored] = await manager.query<Array<{ embedding: string }>>(
      `SELECT embedding::text AS embedding FROM knowledge_artifact WHERE name = 'slugify'`,
    );
    const vector = JSON.parse(stored?.embedding ?? '[]') as number[];
    expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(vector[6]).toBeCloseTo(6 / 7, 5);
    const nearest = await manager.query<Array<{ name: string }>>(
      `SELECT name FROM knowledge_artifact WHERE project_id = $1 ORDER BY embedding <=> $2::vector LIMIT 1`,
      [base.projectId, `[${embedding.join(',')}]`],
    );
    expect(nearest).toHaveLength(1);
  });
});
