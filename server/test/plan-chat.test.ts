import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf, toPublicId } from '../src/domain/common/public-id.js';
import {
  ContextFileKind,
  KnowledgeArtifactType,
  RepoContextEntity,
} from '../src/domain/knowledge/knowledge.entity.js';
import { PlanMessageAuthor, PlanMessageKind } from '../src/domain/plan/plan.entity.js';
import { AgentRunEntity } from '../src/domain/run/run.entity.js';
import { RunPurpose, RunStatus } from '../src/domain/run/run.types.js';
import { queueRun } from './support/agents.js';
import { expectEventually } from './support/expect-eventually.js';
import type { SubscriptionProbe } from './support/graphql-client.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { OpenAiStandIn } from './support/openai-stand-in.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Message {
  id: string;
  kind: string;
  author: string;
  body: string;
  proposal: Record<string, unknown> | null;
}
interface ChatUpdate {
  planChat: {
    type: string;
    seq: number;
    message: Message;
    delta: { offset: number; text: string } | null;
  };
}
const MESSAGE = 'id kind author body proposal';
const PLAN_CHAT = `subscription($planId: ID!) { planChat(planId: $planId) { type seq message { ${MESSAGE} } delta { offset text } } }`;

const PROPOSAL = {
  title: 'Checkout v2',
  summary: 'A faster checkout.',
  phases: [
    {
      key: 'api',
      name: 'API',
      tasks: [
        { key: 'cart', title: 'Cart endpoint', skills: ['typescript:4'], estimateMinutes: 120 },
        { key: 'pay', title: 'Payment endpoint', dependsOn: ['cart'] },
      ],
    },
  ],
};

async function newPlan(server: TestServer, projectId: string): Promise<string> {
  const { plan } = await ok<{ plan: { id: string } }>(
    server,
    'createPlan',
    { projectId, name: 'Checkout' },
    'plan { id }',
  );
  return plan.id;
}

async function conversation(server: TestServer, planId: string): Promise<Message[]> {
  const data = await server.query<
    { plan: { conversation: { messages: { nodes: Message[] } } } },
    unknown
  >(
    `query($id: ID!) { plan(id: $id) { conversation { messages(first: 100) { nodes { ${MESSAGE} } } } } }`,
    { id: planId },
  );
  return data.plan.conversation.messages.nodes;
}

async function phaseAndTaskCount(server: TestServer, planId: string) {
  const data = await server.query<
    { plan: { phases: unknown[]; tasks: { totalCount: number } } },
    unknown
  >('query($id: ID!) { plan(id: $id) { phases { id } tasks { totalCount } } }', { id: planId });
  return { phases: data.plan.phases.length, tasks: data.plan.tasks.totalCount };
}

const send = (server: TestServer, planId: string, text: string) =>
  mutation<{ message: Message | null; planner: string | null }>(
    server,
    'sendPlanMessage',
    { planId, text },
    `message { ${MESSAGE} } planner`,
  );

/** Waits until the planner has answered: the conversation holds `count` messages. */
const settled = (server: TestServer, planId: string, count: number) =>
  expectEventually(async () => {
    const messages = await conversation(server, planId);
    expect(messages.length).toBeGreaterThanOrEqual(count);
    return messages;
  });

/** A planChat subscription known to be attached: it has seen a sentinel posted after it. */
async function attachedChat(server: TestServer, planId: string) {
  const probe = server.subscribe<ChatUpdate, unknown>(PLAN_CHAT, { planId });
  const key = parsePublicIdOf('Plan', planId) as string;
  await expectEventually(async () => {
    await server.studio.services.plans.postMessage(key, {
      kind: PlanMessageKind.FOLLOW_UP,
      author: PlanMessageAuthor.SYSTEM,
      body: 'sentinel',
    });
    expect(probe.values.length).toBeGreaterThan(0);
  });
  return probe;
}

function updatesAfterSentinels(probe: SubscriptionProbe<ChatUpdate>) {
  return probe.values
    .map((value) => value.planChat)
    .filter((update) => update.message.body !== 'sentinel');
}

describe('plan chat with an OpenAI-compatible endpoint', () => {
  let server: TestServer;
  let model: OpenAiStandIn;
  let projectId: string;
  let workspaceId: string;

  beforeAll(async () => {
    model = await new OpenAiStandIn().start();
    server = await startTestServer({
      env: {
        OPENAI_BASE_URL: model.baseUrl,
        OPENAI_API_KEY: 'sk-standin',
        MAESTRO_MODEL_HARD: 'planner-large',
      },
    });
    const project = await server.factory.project();
    projectId = project.id;
    workspaceId = project.workspaceId;
    await ok(server, 'createSkill', { workspaceId, name: 'TypeScript' }, 'skill { id slug }');
    const projectKey = parsePublicIdOf('Project', projectId) as string;
    await server.studio.database.dataSource.manager.insert(RepoContextEntity, {
      projectId: projectKey,
      framework: 'Fastify',
      techStack: ['TypeScript', 'PostgreSQL'],
      architectureSummary: 'A modular monolith with a cart service.',
      directoryMap: { 'src/cart': 'the cart service' },
    });
    await server.studio.services.knowledge.writeContextFile(projectKey, {
      kind: ContextFileKind.WORKFLOW,
      name: 'release-steps',
      content: 'Every change ships behind a feature flag.',
    });
    await server.studio.services.knowledge.upsertArtifacts(projectKey, [
      {
        type: KnowledgeArtifactType.SERVICE,
        name: 'CartTotals',
        language: 'TypeScript',
        summary: 'Computes checkout cart totals with taxes and discounts.',
        fileRefs: [{ path: 'src/cart/totals.ts' }],
        structure: null,
      },
      {
        type: KnowledgeArtifactType.PATTERN,
        name: 'Feature flags per release',
        language: 'TypeScript',
        summary: 'New behaviour ships behind a flag read through flags.isOn().',
        fileRefs: [{ path: 'src/flags.ts' }],
        structure: { kind: 'pattern', writtenBy: 'claude' },
      },
    ]);
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  test('the answer streams to subscribers as it is recorded; deltas arrive before the final message', async () => {
    const planId = await newPlan(server, projectId);
    const probe = await attachedChat(server, planId);
    let release = (): void => undefined;
    const hold = new Promise<void>((resolve) => (release = resolve));
    model.script({
      kind: 'stream',
      pieces: ['Which payment ', 'provider do you use', ' for the checkout?'],
      holdAfter: 1,
      hold,
    });
    const sent = await send(server, planId, 'Plan a faster checkout cart with totals.');
    expect(sent.userErrors).toEqual([]);
    expect(sent.planner).toBe('OPENAI');
    expect(sent.message).toMatchObject({
      author: 'USER',
      kind: 'FOLLOW_UP',
      body: 'Plan a faster checkout cart with totals.',
    });

    // mid-stream: the planner's message exists, and what subscribers got is in it
    const midway = await expectEventually(() => {
      const updates = updatesAfterSentinels(probe);
      expect(updates.map((u) => u.type)).toEqual([
        'MESSAGE_POSTED',
        'MESSAGE_STARTED',
        'MESSAGE_DELTA',
      ]);
      return updates;
    });
    expect(midway[2]?.delta).toEqual({ offset: 0, text: 'Which payment ' });
    const during = await conversation(server, planId);
    expect(during.at(-1)).toMatchObject({ author: 'PLANNER', body: 'Which payment ' });

    // a second message while the planner answers is refused
    const refused = await send(server, planId, 'And another thing.');
    expect(refused.message).toBeNull();
    expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['planId'] });
    expect(refused.userErrors[0]?.message).toMatch(/still answering/);

    release();
    const updates = await expectEventually(() => {
      const all = updatesAfterSentinels(probe);
      expect(all.at(-1)?.type).toBe('MESSAGE_POSTED');
      expect(all.at(-1)?.message.author).toBe('PLANNER');
      return all;
    });
    probe.close();
    const deltas = updates.filter((u) => u.type === 'MESSAGE_DELTA');
    const text = deltas.map((u) => u.delta?.text).join('');
    expect(text).toBe('Which payment provider do you use for the checkout?');
    expect(deltas.map((u) => u.delta?.offset)).toEqual(
      deltas.map((_, i) => deltas.slice(0, i).reduce((n, d) => n + (d.delta?.text.length ?? 0), 0)),
    );
    const final = updates.at(-1)?.message;
    expect(final).toMatchObject({ kind: 'QUESTION', body: text, proposal: null });
    // the recorded message is the streamed one: a reconnecting client back-fills it whole
    const messages = await conversation(server, planId);
    expect(messages.filter((m) => m.body !== 'sentinel').map((m) => [m.author, m.kind])).toEqual([
      ['USER', 'FOLLOW_UP'],
      ['PLANNER', 'QUESTION'],
    ]);
    expect(messages.at(-1)?.id).toBe(final?.id);

    // the model was asked with the project's facts and the conversation
    const request = model.requests.at(-1);
    expect(request).toMatchObject({
      model: 'planner-large',
      stream: true,
      authorization: 'Bearer sk-standin',
    });
    const system = request?.messages[0]?.content ?? '';
    expect(request?.messages[0]?.role).toBe('system');
    expect(system).toContain('Framework: Fastify');
    expect(system).toContain('A modular monolith with a cart service.');
    expect(system).toContain('## WORKFLOW: release-steps');
    expect(system).toContain('CartTotals');
    expect(system).toContain('src/cart/totals.ts');
    // a pattern is a convention: in the prompt though the message shares no word with it
    expect(system).toContain(
      '- PATTERN Feature flags per release (TypeScript) in src/flags.ts: New behaviour ships behind a flag read through flags.isOn().',
    );
    expect(system).toContain('- typescript: TypeScript');
    expect(system).toContain('"phases"');
    expect(request?.messages.slice(1)).toEqual([
      { role: 'user', content: 'Plan a faster checkout cart with totals.' },
    ]);

    // the answer to the planner's question is a clarification, and the history goes along
    model.script({ kind: 'stream', pieces: ['Noted.'] });
    const clarified = await send(server, planId, 'Stripe.');
    expect(clarified.message?.kind).toBe('CLARIFICATION');
    await settled(server, planId, messages.length + 2);
    expect(model.requests.at(-1)?.messages.slice(1)).toEqual([
      { role: 'user', content: 'Plan a faster checkout cart with totals.' },
      { role: 'assistant', content: 'Which payment provider do you use for the checkout?' },
      { role: 'user', content: 'Stripe.' },
    ]);
  });

  test('a subscriber resuming with after gets what it missed, in order, then live updates', async () => {
    const planId = await newPlan(server, projectId);
    const probe = await attachedChat(server, planId);
    model.script({ kind: 'stream', pieces: ['Cart first, ', 'then payments.'] });
    await send(server, planId, 'Plan the cart.');
    const missed = await expectEventually(() => {
      const all = updatesAfterSentinels(probe);
      expect(all.at(-1)).toMatchObject({ type: 'MESSAGE_POSTED', message: { author: 'PLANNER' } });
      return all;
    });
    probe.close();
    const first = missed[0] as ChatUpdate['planChat'];
    expect(first).toMatchObject({ type: 'MESSAGE_POSTED', message: { author: 'USER' } });

    // another plan's conversation in the same project does not leak into the replay
    const other = await newPlan(server, projectId);
    model.script({ kind: 'stream', pieces: ['Elsewhere.'] });
    await send(server, other, 'Another plan.');
    await settled(server, other, 2);

    const resumed = server.subscribe<ChatUpdate, unknown>(
      `subscription($planId: ID!, $after: SafeInt) { planChat(planId: $planId, after: $after) { type seq message { ${MESSAGE} } delta { offset text } } }`,
      { planId, after: first.seq - 1 },
    );
    const replayed = (await resumed.waitFor(missed.length)).map((value) => value.planChat);
    expect(replayed.map((u) => [u.seq, u.type, u.message.id, u.delta])).toEqual(
      missed.map((u) => [u.seq, u.type, u.message.id, u.delta]),
    );
    // the replayed message is the message as it is now: the planner's, whole and settled
    expect(replayed[1]?.message.body).toBe('Cart first, then payments.');

    // and the same subscription goes on live
    model.script({ kind: 'stream', pieces: ['Noted.'] });
    await send(server, planId, 'Stripe.');
    const live = await expectEventually(() => {
      const all = resumed.values.map((value) => value.planChat).slice(missed.length);
      expect(all.at(-1)).toMatchObject({
        type: 'MESSAGE_POSTED',
        message: { author: 'PLANNER', body: 'Noted.' },
      });
      return all;
    });
    resumed.close();
    expect(live[0]).toMatchObject({ type: 'MESSAGE_POSTED', message: { body: 'Stripe.' } });
    expect(live.every((u) => u.seq > (missed.at(-1)?.seq ?? Infinity))).toBe(true);
    expect(new Set(resumed.values.map((value) => value.planChat.seq)).size).toBe(
      resumed.values.length,
    );
  });

  test('another replica refuses a message while one streams the answer, and takes one after', async () => {
    const database = await server.testDatabase?.openAnother();
    if (!database) throw new Error('the test server has no database of its own');
    const replica = await startTestServer({
      database,
      env: { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'sk-standin' },
    });
    try {
      const planId = await newPlan(server, projectId);
      let release = (): void => undefined;
      const hold = new Promise<void>((resolve) => (release = resolve));
      model.script({ kind: 'stream', pieces: ['Thinking ', 'it over.'], holdAfter: 1, hold });
      expect((await send(server, planId, 'First, on replica A.')).userErrors).toEqual([]);
      await expectEventually(async () =>
        expect((await conversation(server, planId)).at(-1)).toMatchObject({ author: 'PLANNER' }),
      );

      const refused = await send(replica, planId, 'Meanwhile, on replica B.');
      expect(refused.message).toBeNull();
      expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['planId'] });
      expect(refused.userErrors[0]?.message).toMatch(
        /still answering the previous message \(on another Studio replica, which holds the conversation until \d{4}-\d\d-\d\dT/,
      );

      release();
      await expectEventually(async () =>
        expect((await conversation(server, planId)).at(-1)).toMatchObject({
          author: 'PLANNER',
          body: 'Thinking it over.',
        }),
      );
      model.script({ kind: 'stream', pieces: ['Noted.'] });
      expect((await send(replica, planId, 'Now on replica B.')).userErrors).toEqual([]);
      const messages = await settled(server, planId, 4);
      expect(messages.map((m) => m.body)).toEqual([
        'First, on replica A.',
        'Thinking it over.',
        'Now on replica B.',
        'Noted.',
      ]);
    } finally {
      await replica.close();
    }
  });

  test('a hold left by a replica that stopped mid-answer refuses messages until it lapses', async () => {
    const planId = await newPlan(server, projectId);
    const key = parsePublicIdOf('Plan', planId) as string;
    const holdFor = (seconds: number) =>
      server.studio.database.dataSource.query(
        `UPDATE plan_conversation SET answering_until = now() + make_interval(secs => $2) WHERE plan_id = $1`,
        [key, seconds],
      );
    await holdFor(600);
    const refused = await send(server, planId, 'Anyone there?');
    expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['planId'] });
    expect(await conversation(server, planId)).toEqual([]);

    await holdFor(-1);
    model.script({ kind: 'stream', pieces: ['Here now.'] });
    expect((await send(server, planId, 'Anyone there?')).userErrors).toEqual([]);
    await settled(server, planId, 2);
    const [row] = await server.studio.database.dataSource.query<{ answering_until: Date | null }[]>(
      'SELECT answering_until FROM plan_conversation WHERE plan_id = $1',
      [key],
    );
    expect(row?.answering_until).toBeNull();
  });

  test('planChat checks after before streaming', async () => {
    const planId = await newPlan(server, projectId);
    const cases: Array<[number, string]> = [
      [1_000_000, "after is 1000000, beyond the project's last event"],
      [-1, 'after must be a sequence number, 0 or more'],
    ];
    for (const [after, message] of cases) {
      const probe = server.subscribe<ChatUpdate, unknown>(
        'subscription($planId: ID!, $after: SafeInt) { planChat(planId: $planId, after: $after) { seq } }',
        { planId, after },
      );
      const errors = (await probe.waitForError()) as Array<{ message: string }>;
      probe.close();
      expect(errors[0]?.message).toContain(message);
    }
  });

  test('a proposal reply becomes a PROPOSAL message carrying the parsed proposal; nothing is built', async () => {
    const planId = await newPlan(server, projectId);
    const reply = `Here is the plan:\n\n\`\`\`json\n${JSON.stringify(PROPOSAL, null, 2)}\n\`\`\`\n`;
    model.script({ kind: 'stream', pieces: [reply.slice(0, 40), reply.slice(40)] });
    expect((await send(server, planId, 'Plan the checkout.')).planner).toBe('OPENAI');
    const messages = await settled(server, planId, 2);
    const answer = await expectEventually(async () => {
      const last = (await conversation(server, planId)).at(-1);
      expect(last?.kind).toBe('PROPOSAL');
      return last;
    });
    expect(messages[0]?.author).toBe('USER');
    expect(answer?.author).toBe('PLANNER');
    expect(answer?.body).toBe(reply);
    expect(answer?.proposal).toMatchObject({
      title: 'Checkout v2',
      phases: [
        {
          key: 'api',
          name: 'API',
          tasks: [
            { key: 'cart', title: 'Cart endpoint', estimateMinutes: 120 },
            { key: 'pay', title: 'Payment endpoint', dependsOn: ['cart'] },
          ],
        },
      ],
    });
    expect(await phaseAndTaskCount(server, planId)).toEqual({ phases: 0, tasks: 0 });
  });

  test('a malformed proposal leaves the planner’s text and a clear error; no half-built plan', async () => {
    const planId = await newPlan(server, projectId);
    const broken =
      '```json\n{\n  "phases": [\n    { "name": "API", "tasks": [ { "title": "Cart" }, ] }\n  ]\n}\n```';
    model.script({ kind: 'stream', pieces: [broken] });
    await send(server, planId, 'Plan the checkout.');
    const messages = await expectEventually(async () => {
      const all = await conversation(server, planId);
      expect(all).toHaveLength(3);
      return all;
    });
    expect(messages[1]).toMatchObject({
      author: 'PLANNER',
      kind: 'FOLLOW_UP',
      body: broken,
      proposal: null,
    });
    expect(messages[2]?.author).toBe('SYSTEM');
    expect(messages[2]?.body).toContain('could not be read, so nothing was built');
    expect(messages[2]?.body).toContain('line 4: invalid JSON');
    expect(await phaseAndTaskCount(server, planId)).toEqual({ phases: 0, tasks: 0 });

    const structural = '{"phases": [{"tasks": [{"title": "Cart", "estimateMinutes": -5}]}]}';
    model.script({ kind: 'stream', pieces: [structural] });
    await send(server, planId, 'Try again.');
    const again = await expectEventually(async () => {
      const all = await conversation(server, planId);
      expect(all).toHaveLength(6);
      return all;
    });
    expect(again[5]?.body).toContain('phases[0].name');
    expect(again[5]?.body).toContain('phases[0].tasks[0].estimateMinutes');
    expect(await phaseAndTaskCount(server, planId)).toEqual({ phases: 0, tasks: 0 });
  });

  test('an HTTP error from the endpoint leaves a plain SYSTEM message, and chat goes on', async () => {
    const planId = await newPlan(server, projectId);
    model.script({ kind: 'status', status: 500, message: 'the model is overloaded' });
    await send(server, planId, 'Plan the checkout.');
    const messages = await settled(server, planId, 2);
    expect(messages).toHaveLength(2);
    expect(messages[1]?.author).toBe('SYSTEM');
    expect(messages[1]?.body).toMatch(
      /^The planner could not answer: the model endpoint http:\/\/127\.0\.0\.1:\d+\/v1 answered HTTP 500/,
    );
    expect(messages[1]?.body).toContain('the model is overloaded');
    // not busy any more
    model.script({ kind: 'stream', pieces: ['Fine?'] });
    expect((await send(server, planId, 'Again.')).userErrors).toEqual([]);
    await settled(server, planId, 4);
  });

  test('a stream cut before the model finished keeps the partial text, marked incomplete', async () => {
    const planId = await newPlan(server, projectId);
    model.script({ kind: 'stream', pieces: ['Phase one: the cart', ' API, then'], cut: true });
    await send(server, planId, 'Plan the checkout.');
    const messages = await expectEventually(async () => {
      const all = await conversation(server, planId);
      expect(all).toHaveLength(3);
      return all;
    });
    expect(messages[1]).toMatchObject({ author: 'PLANNER', kind: 'FOLLOW_UP', proposal: null });
    expect('Phase one: the cart API, then').toContain(messages[1]?.body ?? 'x');
    expect(messages[2]?.author).toBe('SYSTEM');
    expect(messages[2]?.body).toMatch(
      /^The planner’s reply above is incomplete: the stream from the model endpoint \S+ (broke|ended before the model finished)/,
    );
    expect(messages[2]?.body).toContain('Nothing was built from it');
    expect(await phaseAndTaskCount(server, planId)).toEqual({ phases: 0, tasks: 0 });
  });

  test('sendPlanMessage refuses bad input naming the field, and needs plan.write', async () => {
    const planId = await newPlan(server, projectId);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ planId, text: '   ' }, 'text', 'BAD_USER_INPUT'],
      [{ planId, text: 'x'.repeat(20_001) }, 'text', 'BAD_USER_INPUT'],
      [{ planId: 'pln_0000000000000000000000', text: 'hi' }, 'planId', 'NOT_FOUND'],
      [{ planId: 'not-an-id', text: 'hi' }, 'planId', 'BAD_USER_INPUT'],
    ];
    for (const [input, field, code] of cases) {
      const payload = await mutation(server, 'sendPlanMessage', input, 'message { id } planner');
      expect(payload.userErrors[0]).toMatchObject({ field: [field], code });
    }
    const viewer = await addMember(server, workspaceId, MemberRole.VIEWER);
    const token = await accessTokenFor(server, viewer.userKey);
    const forbidden = await server.requestAs<
      { sendPlanMessage: { userErrors: { code: string }[] } },
      unknown
    >(
      token,
      'mutation($i: SendPlanMessageInput!) { sendPlanMessage(input: $i) { userErrors { code } } }',
      {
        i: { planId, text: 'hi' },
      },
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await conversation(server, planId)).toEqual([]);
    expect(model.requests.every((r) => !r.messages.some((m) => m.content === 'hi'))).toBe(true);
  });
});

describe('plan chat without an endpoint', () => {
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

  const register = async () =>
    (
      await ok<{ session: { id: string } }>(
        server,
        'registerSession',
        {
          projectId,
          role: 'WORKER',
          name: `bot-${Math.random().toString(36).slice(2, 8)}`,
          machineId: `m-${Math.random().toString(36).slice(2, 8)}`,
          provider: 'claude',
        },
        'session { id }',
      )
    ).session.id;
  const claim = (sessionId: string, runId: string) =>
    ok<{ run: { id: string; purpose: string }; leaseVersion: number }>(
      server,
      'claimRun',
      { sessionId, runId },
      'run { id purpose } leaseVersion',
    );
  const post = (input: Record<string, unknown>) =>
    mutation<{ message: Message | null; notice: Message | null }>(
      server,
      'postPlanProposal',
      input,
      `message { ${MESSAGE} } notice { ${MESSAGE} }`,
    );

  test('with no daemon connected either, the conversation says plainly that no planner is available', async () => {
    const planId = await newPlan(server, projectId);
    const sent = await send(server, planId, 'Plan the checkout.');
    expect(sent.planner).toBe('NONE');
    const messages = await conversation(server, planId);
    expect(messages.map((m) => m.author)).toEqual(['USER', 'SYSTEM']);
    expect(messages[1]?.body).toMatch(/^No planner is available for this project/);
    expect(messages[1]?.body).toContain('OPENAI_BASE_URL');
    expect(messages[1]?.body).toContain('maestro connect');
    expect(messages[1]?.body).toContain('createPlanFromProposal');
  });

  test('with a daemon connected, a PLANNING run carries the prompt and posts the reply under its lease', async () => {
    const sessionId = await register();
    const planId = await newPlan(server, projectId);
    const sent = await send(server, planId, 'Plan the checkout cart.');
    expect(sent.planner).toBe('DAEMON');
    const runs = await server.studio.database.dataSource.manager.findBy(AgentRunEntity, {
      planId: parsePublicIdOf('Plan', planId) as string,
    });
    expect(runs).toHaveLength(1);
    const run = runs[0] as AgentRunEntity;
    expect(run.purpose).toBe(RunPurpose.PLANNING);
    expect(run.instructions).toMatchObject({ kind: 'plan-chat', messageId: sent.message?.id });
    const prompt = String(run.instructions?.prompt);
    expect(prompt).toContain('"phases"');
    expect(prompt).toContain('### User\n\nPlan the checkout cart.');

    const busy = await send(server, planId, 'Hello?');
    expect(busy.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['planId'] });

    const { run: claimed, leaseVersion } = await claim(sessionId, toPublicId('Run', run.id));
    const runId = claimed.id;
    expect(claimed.purpose).toBe('PLANNING');

    const stale = await post({
      runId,
      leaseVersion: leaseVersion + 1,
      text: JSON.stringify(PROPOSAL),
    });
    expect(stale.userErrors[0]?.code).toBe('STALE_LEASE');
    for (const [input, field] of [
      [{ runId, leaseVersion, text: '  ' }, 'text'],
      [{ runId, leaseVersion, text: 'x'.repeat(200_001) }, 'text'],
      [{ runId: 'run_0000000000000000000000', leaseVersion, text: 'x' }, 'runId'],
    ] as const) {
      const refused = await post(input);
      expect(refused.userErrors[0]?.field).toEqual([field]);
    }
    expect((await conversation(server, planId)).map((m) => m.author)).toEqual(['USER']);

    const posted = await post({
      runId,
      leaseVersion,
      text: `Plan:\n\n\`\`\`json\n${JSON.stringify(PROPOSAL)}\n\`\`\``,
    });
    expect(posted.userErrors).toEqual([]);
    expect(posted.notice).toBeNull();
    expect(posted.message).toMatchObject({ author: 'PLANNER', kind: 'PROPOSAL' });
    expect(posted.message?.proposal).toMatchObject({ title: 'Checkout v2' });
    // the daemon retrying a call whose answer it missed records nothing twice
    const retried = await post({
      runId,
      leaseVersion,
      text: `Plan:\n\n\`\`\`json\n${JSON.stringify(PROPOSAL)}\n\`\`\``,
    });
    expect(retried.message?.id).toBe(posted.message?.id);
    expect((await conversation(server, planId)).map((m) => m.author)).toEqual(['USER', 'PLANNER']);
    expect(await phaseAndTaskCount(server, planId)).toEqual({ phases: 0, tasks: 0 });

    const malformed = await post({
      runId,
      leaseVersion,
      text: '## API\n- [a] Cart\n  estimate: soon\n',
    });
    expect(malformed.message).toMatchObject({ author: 'PLANNER', kind: 'FOLLOW_UP' });
    expect(malformed.notice?.author).toBe('SYSTEM');
    expect(malformed.notice?.body).toContain('line 3');
    expect(malformed.notice?.body).toContain('estimate');
  });

  test('a PLANNING run that fails without a reply is said in the conversation; one that replied adds nothing', async () => {
    const sessionId = await register();
    const planId = await newPlan(server, projectId);
    const planKey = parsePublicIdOf('Plan', planId) as string;
    const openRun = async () => {
      const runs = await server.studio.database.dataSource.manager.findBy(AgentRunEntity, {
        planId: planKey,
        status: RunStatus.QUEUED,
      });
      expect(runs).toHaveLength(1);
      return claim(sessionId, toPublicId('Run', (runs[0] as AgentRunEntity).id));
    };
    const authors = async () =>
      (await conversation(server, planId)).map((m) => `${m.author} ${m.kind}`);

    // failRun: the daemon's provider crashed
    expect((await send(server, planId, 'Plan the cart.')).planner).toBe('DAEMON');
    const first = await openRun();
    await ok(
      server,
      'failRun',
      {
        runId: first.run.id,
        leaseVersion: first.leaseVersion,
        reason: 'claude exited with code 1',
      },
      'run { status }',
    );
    const afterFail = await conversation(server, planId);
    expect(afterFail.map((m) => m.author)).toEqual(['USER', 'SYSTEM']);
    expect(afterFail[1]?.body).toContain("The daemon's planner could not answer");
    expect(afterFail[1]?.body).toContain('claude exited with code 1');
    expect(afterFail[1]?.body).toContain('Send the message again');

    // the reaper: the daemon went silent on the run's last attempt
    expect((await send(server, planId, 'Plan the cart, again.')).planner).toBe('DAEMON');
    const second = await openRun();
    await server.studio.database.dataSource.query(
      "UPDATE agent_run SET attempt = 3, lease_expires_at = now() - interval '1 second' WHERE id = $1",
      [parsePublicIdOf('Run', second.run.id)],
    );
    await server.studio.services.reaper.tick();
    const afterReap = await conversation(server, planId);
    expect(afterReap.at(-1)).toMatchObject({ author: 'SYSTEM' });
    expect(afterReap.at(-1)?.body).toContain('lease expired after 3 attempts');

    // a run that posted its reply and then failed: the reply stands, no notice
    expect((await send(server, planId, 'One more time?')).planner).toBe('DAEMON');
    const third = await openRun();
    const lease = { runId: third.run.id, leaseVersion: third.leaseVersion };
    expect((await post({ ...lease, text: 'Which payment provider?' })).message?.kind).toBe(
      'QUESTION',
    );
    await ok(server, 'failRun', { ...lease, reason: 'push failed' }, 'run { status }');
    expect((await authors()).slice(-2)).toEqual(['USER FOLLOW_UP', 'PLANNER QUESTION']);
  });

  test('a plan that has tasks is in the prompt as it is, in the proposal format, to be revised', async () => {
    await register();
    const { planId, taskIds } = await planWithTasks(server, projectId, 2);
    const { task } = await ok<{ task: { title: string } }>(
      server,
      'updateTask',
      { taskId: taskIds[1], title: 'Cart API', dependsOn: [taskIds[0]] },
      'task { title }',
    );
    expect((await send(server, planId, 'Add a cart page.')).planner).toBe('DAEMON');
    const [run] = await server.studio.database.dataSource.manager.findBy(AgentRunEntity, {
      planId: parsePublicIdOf('Plan', planId) as string,
    });
    const prompt = String(run?.instructions?.prompt);
    expect(prompt).toContain('# The plan as it is');
    expect(prompt).toContain('The plan already has 2 tasks.');
    expect(prompt).toContain(`"title": "${task.title}"`);
    expect(prompt).toMatch(/"dependsOn": \[\s*"[^"]+"\s*\]/);
  });

  test('a cancelled plan takes no more messages: CONFLICT on planId, nothing recorded', async () => {
    const planId = await newPlan(server, projectId);
    await ok(server, 'setPlanStatus', { planId, status: 'CANCELLED' }, 'plan { status }');
    const refused = await send(server, planId, 'Plan it anyway.');
    expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['planId'] });
    expect(refused.userErrors[0]?.message).toContain('the plan is CANCELLED');
    expect(await conversation(server, planId)).toEqual([]);
  });

  test('postPlanProposal takes only PLANNING and REFINE runs, and needs agent.run', async () => {
    const sessionId = await register();
    const execution = await queueRun(server, { projectId, purpose: RunPurpose.EXECUTION });
    const { run, leaseVersion } = await claim(sessionId, toPublicId('Run', execution.id));
    const refused = await post({ runId: run.id, leaseVersion, text: 'A plan.' });
    expect(refused.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: ['runId'] });
    expect(refused.userErrors[0]?.message).toContain('EXECUTION');

    const viewer = await addMember(server, workspaceId, MemberRole.VIEWER);
    const token = await accessTokenFor(server, viewer.userKey);
    const forbidden = await server.requestAs<
      { postPlanProposal: { userErrors: { code: string }[] } },
      unknown
    >(
      token,
      'mutation($i: PostPlanProposalInput!) { postPlanProposal(input: $i) { userErrors { code } } }',
      {
        i: { runId: run.id, leaseVersion, text: 'A plan.' },
      },
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
