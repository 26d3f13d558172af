import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parsePublicIdOf } from '../../server/src/domain/common/public-id.js';
import { RunPurpose } from '../../server/src/domain/run/run.types.js';
import { expectEventually } from '../../server/test/support/expect-eventually.js';
import { bareRepository } from '../../server/test/support/git-daemon.js';
import { ok } from '../../server/test/support/mutations.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { daemonEnv, DaemonProcess, signedInHome } from './support/daemons.js';

interface Message {
  author: string;
  kind: string;
  body: string;
  proposal: Record<string, unknown> | null;
}
interface RunView {
  purpose: string;
  status: string;
  exitReason: string | null;
}

const PROPOSAL = {
  title: 'Greetings',
  phases: [
    {
      key: 'words',
      name: 'Words',
      tasks: [
        { key: 'hello', title: 'Say hello', estimateMinutes: 30 },
        { key: 'bye', title: 'Say goodbye', dependsOn: ['hello'] },
      ],
    },
  ],
};

/**
 * Plan chat answered by a daemon: Studio has no model endpoint, so a message becomes a
 * PLANNING run; the daemon's provider (the claude stand-in, steered by STAND-IN lines in the
 * user's message, which reach it inside Studio's prompt) answers, and the daemon posts the
 * answer with postPlanProposal before completing the run.
 */
describe('plan chat through a connected daemon', () => {
  let server: TestServer;
  let root: string;
  let home: string;
  let daemon: DaemonProcess;
  let projectId: string;

  beforeAll(async () => {
    server = await startTestServer();
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-plan-chat-'));
    const origin = await bareRepository(root, ['one']);
    projectId = (
      await server.factory.project({ workspaceId: server.owner.workspaceId, remoteUrl: origin })
    ).id;
    home = await signedInHome(server, 'planner-box');
    daemon = new DaemonProcess(
      'planner',
      ['--all', '--provider', 'claude', '--name', 'planner-bot'],
      daemonEnv(home),
    );
    await expectEventually(
      async () => {
        const data = await server.query<{ project: { sessions: { name: string }[] } }, unknown>(
          'query($id: ID!) { project(id: $id) { sessions { name } } }',
          { id: projectId },
        );
        expect(data.project.sessions.map((s) => s.name)).toEqual(['planner-bot']);
      },
      { timeoutMs: 20_000 },
    );
  });
  afterAll(async () => {
    await daemon?.stop().catch(() => undefined);
    await daemon?.kill9().catch(() => undefined);
    await server.close();
    for (const dir of [root, home]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  const messagesOf = async (planId: string): Promise<Message[]> =>
    (
      await server.query<{ plan: { conversation: { messages: { nodes: Message[] } } } }, unknown>(
        'query($id: ID!) { plan(id: $id) { conversation { messages(first: 50) { nodes { author kind body proposal } } } } }',
        { id: planId },
      )
    ).plan.conversation.messages.nodes;
  const runsOf = async (): Promise<RunView[]> =>
    (
      await server.query<{ runs: { nodes: RunView[] } }, unknown>(
        'query($id: ID!) { runs(projectId: $id, first: 50) { nodes { purpose status exitReason } } }',
        { id: projectId },
      )
    ).runs.nodes;
  const send = (planId: string, text: string) =>
    ok<{ planner: string }>(server, 'sendPlanMessage', { planId, text }, 'planner');
  const waitForMessages = (planId: string, count: number) =>
    expectEventually(
      async () => {
        const messages = await messagesOf(planId);
        expect(messages.length).toBeGreaterThanOrEqual(count);
        return messages;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

  test('a PLANNING run answers the message and posts the proposal into the conversation', async () => {
    const { plan } = await ok<{ plan: { id: string } }>(
      server,
      'createPlan',
      { projectId, name: 'Greetings' },
      'plan { id }',
    );
    const sent = await send(
      plan.id,
      `Plan the greetings.\nSTAND-IN: answer ${JSON.stringify(PROPOSAL)}`,
    );
    expect(sent.planner).toBe('DAEMON');
    const messages = await waitForMessages(plan.id, 2);
    expect(messages.map((m) => [m.author, m.kind])).toEqual([
      ['USER', 'FOLLOW_UP'],
      ['PLANNER', 'PROPOSAL'],
    ]);
    expect(messages[1]?.body).toBe(JSON.stringify(PROPOSAL));
    expect(messages[1]?.proposal).toMatchObject({
      title: 'Greetings',
      phases: [{ key: 'words', tasks: [{ key: 'hello' }, { key: 'bye', dependsOn: ['hello'] }] }],
    });
    await expectEventually(
      async () =>
        expect((await runsOf()).filter((run) => run.purpose === 'PLANNING')).toEqual([
          { purpose: 'PLANNING', status: 'SUCCEEDED', exitReason: JSON.stringify(PROPOSAL) },
        ]),
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    // a malformed proposal: the planner's text, Studio's note with the line, nothing built
    await send(plan.id, 'Add a phase.\nSTAND-IN: answer ## Words\\n- Say hello\\n  estimate: soon');
    const after = await waitForMessages(plan.id, 5);
    expect(after.slice(2).map((m) => [m.author, m.kind])).toEqual([
      ['USER', 'FOLLOW_UP'],
      ['PLANNER', 'FOLLOW_UP'],
      ['SYSTEM', 'FOLLOW_UP'],
    ]);
    expect(after[3]?.body).toBe('## Words\n- Say hello\n  estimate: soon');
    expect(after[4]?.body).toContain('line 3');
    const { plan: built } = await server.query<
      { plan: { phases: unknown[]; tasks: { totalCount: number } } },
      unknown
    >('query($id: ID!) { plan(id: $id) { phases { id } tasks { totalCount } } }', { id: plan.id });
    expect(built).toEqual({ phases: [], tasks: { totalCount: 0 } });
  }, 180_000);

  test('a REFINE run posts its reply into its plan’s conversation the same way', async () => {
    const { plan } = await ok<{ plan: { id: string } }>(
      server,
      'createPlan',
      { projectId, name: 'Refined' },
      'plan { id }',
    );
    // queued as a replan directive queues it, but targeted, so it is pushed rather than polled
    const { transactions, dispatcher } = server.studio.services;
    await transactions.run((tx) =>
      dispatcher.enqueueFor(tx, {
        projectId: parsePublicIdOf('Project', projectId) as string,
        planId: parsePublicIdOf('Plan', plan.id),
        purpose: RunPurpose.REFINE,
        instructions: { kind: 'replan', directive: { title: 'Split the greeting' } },
      }),
    );
    const messages = await waitForMessages(plan.id, 1);
    // the stand-in's default text answer: no proposal, so a follow-up from the planner
    expect(messages).toEqual([
      {
        author: 'PLANNER',
        kind: 'FOLLOW_UP',
        body: 'Reviewed the changes.\nVERDICT: APPROVED',
        proposal: null,
      },
    ]);
  }, 180_000);
});
