import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MemberRole } from '../src/domain/access/permissions.js';
import { parsePublicIdOf } from '../src/domain/common/public-id.js';
import {
  bareRepository,
  git,
  GitDaemon,
  standInAgent,
  type ClaimedRun,
} from './support/git-daemon.js';
import { accessTokenFor, addMember } from './support/members.js';
import { mutation, ok } from './support/mutations.js';
import { planWithTasks } from './support/plans.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface TaskView {
  id: string;
  title: string;
  status: string;
  revisionCount: number;
  reviewApprovedAt: string | null;
  branchName: string | null;
  comments: { nodes: { body: string; authorKind: string }[] };
}

const TASK =
  'id title status revisionCount reviewApprovedAt branchName comments(first: 10) { nodes { body authorKind } }';

describe('delivery: bootstrap, review, merge and release on a real repository', () => {
  let server: TestServer;
  let root: string;
  beforeAll(async () => {
    server = await startTestServer();
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-delivery-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const project = async (name: string, lines: string[]) => {
    const dir = await mkdtemp(path.join(root, `${name}-`));
    const origin = await bareRepository(dir, lines);
    const created = await server.factory.project({
      workspaceId: server.owner.workspaceId,
      remoteUrl: origin,
    });
    return { projectId: created.id, origin, dir };
  };
  const tasksOf = async (planId: string): Promise<Map<string, TaskView>> => {
    const data = await server.query<{ plan: { phases: { tasks: TaskView[] }[] } }, unknown>(
      `query($id: ID!) { plan(id: $id) { phases { tasks { ${TASK} } } } }`,
      { id: planId },
    );
    return new Map(data.plan.phases.flatMap((p) => p.tasks).map((t) => [t.title, t]));
  };
  const planOf = (planId: string) =>
    server.query<
      {
        plan: {
          status: string;
          branch: string;
          epicBootstrappedAt: string | null;
          releasedAt: string | null;
          releaseSummary: Record<string, number> | null;
        };
      },
      unknown
    >(
      `query($id: ID!) { plan(id: $id) { status branch epicBootstrappedAt releasedAt
         releaseSummary { tasks merged cancelled approvals rejections revisions runs tokensIn tokensOut durationSeconds } } }`,
      { id: planId },
    );
  const verdictsOf = async (taskId: string) =>
    (
      await server.query<
        {
          task: {
            verdicts: {
              seq: number;
              approved: boolean;
              reason: string | null;
              revision: number | null;
              run: { purpose: string } | null;
              by: { role: string } | null;
            }[];
          };
        },
        unknown
      >(
        'query($id: ID!) { task(id: $id) { verdicts { seq approved reason revision run { purpose } by { role } } } }',
        { id: taskId },
      )
    ).task.verdicts;
  /** The project's event log, oldest first (read from the table: it outgrows a page). */
  const eventTypes = (projectId: string) =>
    server.studio.database.dataSource.query<{ type: string; payload: Record<string, unknown> }[]>(
      'SELECT type, payload FROM event WHERE project_id = $1 ORDER BY seq',
      [parsePublicIdOf('Project', projectId)],
    );
  const remoteBranches = async (origin: string) =>
    (await git(origin, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'))
      .split('\n')
      .filter(Boolean)
      .sort();

  test('a 3-task plan goes from DRAFT to COMPLETED: one rejection, merges, one --no-ff release, branches gone', async () => {
    const { projectId, origin, dir } = await project('e2e', ['one', 'two', 'three']);
    const plan = await planWithTasks(server, projectId, 3);
    const [first, , third] = plan.taskIds as [string, string, string];
    // Task 3 waits for Task 1.
    await ok(server, 'updateTask', { taskId: third, dependsOn: [first] }, 'task { id }');

    const files: Record<string, string> = {
      'Task 1': 'alpha.txt',
      'Task 2': 'beta.txt',
      'Task 3': 'gamma.txt',
    };
    const reviews = new Map<string, number>();
    const daemon = await GitDaemon.connect(server, projectId, {
      work: (run: ClaimedRun, _dir: string) => {
        const title = run.task?.title as string;
        const revision = run.instructions?.kind === 'REVISION' ? ' (revised)' : '';
        return standInAgent(dir, `${title.replace(' ', '-')}-${run.attempt}-${Date.now()}`, {
          file: files[title] as string,
          text: `${title} work${revision}`,
        });
      },
      review: (run: ClaimedRun) => {
        const title = run.task?.title as string;
        const seen = (reviews.get(title) ?? 0) + 1;
        reviews.set(title, seen);
        return title === 'Task 2' && seen === 1
          ? 'Read the diff.\nVERDICT: REJECTED — beta.txt needs a second line\n'
          : 'Read the diff.\n**VERDICT: APPROVED**\n';
      },
    });

    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    // Nothing runs before the epic exists: the only queued run is the bootstrap.
    const before = await tasksOf(plan.planId);
    expect([...before.values()].map((t) => t.status)).toEqual(['DRAFT', 'DRAFT', 'DRAFT']);
    const { plan: activated } = await planOf(plan.planId);
    expect(activated.branch).toMatch(/^epic\/plan-[a-z0-9]{6}$/);
    expect(activated.epicBootstrappedAt).toBeNull();

    await daemon.drain();

    const { plan: done } = await planOf(plan.planId);
    expect(done.status).toBe('COMPLETED');
    expect(done.epicBootstrappedAt).not.toBeNull();
    expect(done.releasedAt).not.toBeNull();
    expect(done.releaseSummary).toMatchObject({
      tasks: 3,
      merged: 3,
      cancelled: 0,
      approvals: 3,
      rejections: 1,
      revisions: 1,
    });
    expect(done.releaseSummary?.tokensIn).toBe(100 * (done.releaseSummary?.runs ?? 0));

    const tasks = await tasksOf(plan.planId);
    expect([...tasks.values()].map((t) => [t.title, t.status, t.revisionCount])).toEqual([
      ['Task 1', 'COMPLETED', 0],
      ['Task 2', 'COMPLETED', 1],
      ['Task 3', 'COMPLETED', 0],
    ]);
    expect(tasks.get('Task 2')?.comments.nodes).toEqual([
      {
        authorKind: 'SYSTEM',
        body: 'Review rejected (revision 1 of 3): beta.txt needs a second line',
      },
    ]);
    // Task 2's verdicts: the reviewer's rejection, then its approval, each with its REVIEW run.
    const verdicts = await verdictsOf(tasks.get('Task 2')?.id as string);
    expect(verdicts.map((v) => [v.approved, v.reason, v.revision, v.run?.purpose, v.by])).toEqual([
      [false, 'beta.txt needs a second line', 1, 'REVIEW', null],
      [true, null, null, 'REVIEW', null],
    ]);
    expect(verdicts[0]!.seq).toBeLessThan(verdicts[1]!.seq);
    expect((await verdictsOf(tasks.get('Task 1')?.id as string)).map((v) => v.approved)).toEqual([
      true,
    ]);
    // Task 3 ran only after Task 1 was merged; the release came last, then the cleanup.
    const log = daemon.log;
    expect(log[0]).toBe('BOOTSTRAP_EPIC');
    expect(log.indexOf('EXECUTION Task 3')).toBeGreaterThan(log.indexOf('MERGE Task 1'));
    expect(log.slice(-2)).toEqual(['RELEASE', 'RELEASE_CLEANUP']);
    expect(log.filter((entry) => entry === 'EXECUTION Task 2')).toHaveLength(2);

    // The base branch holds all three changes under one --no-ff merge of the epic.
    const clone = path.join(dir, 'check');
    await git(dir, 'clone', '-q', origin, clone);
    const mainLog = await git(clone, 'log', '--first-parent', '--format=%s', 'main');
    expect(mainLog.split('\n')).toEqual([`Release ${done.branch}`, 'initial commit']);
    expect((await git(clone, 'rev-list', '--parents', '-n', '1', 'main')).split(' ')).toHaveLength(
      3,
    );
    expect(await readFile(path.join(clone, 'alpha.txt'), 'utf8')).toBe('Task 1 work\n');
    expect(await readFile(path.join(clone, 'beta.txt'), 'utf8')).toBe(
      'Task 2 work\nTask 2 work (revised)\n',
    );
    expect(await readFile(path.join(clone, 'gamma.txt'), 'utf8')).toBe('Task 3 work\n');
    // The task and epic branches are gone.
    expect(await remoteBranches(origin)).toEqual(['main']);

    const types = (await eventTypes(projectId)).map((e) => e.type);
    for (const type of [
      'EpicBootstrapped',
      'ReviewApproved',
      'ReviewRejected',
      'PlanReleased',
      'ReleaseCleanedUp',
    ]) {
      expect(types).toContain(type);
    }
  });

  test('two tasks editing the same line: the merge conflicts, the developer resolves it, straight to merge, then the release', async () => {
    const { projectId, origin, dir } = await project('conflict', ['one', 'two', 'three']);
    const plan = await planWithTasks(server, projectId, 2);
    const reviewed: string[] = [];
    const agents = {
      work: (run: ClaimedRun) =>
        standInAgent(dir, `${(run.task?.title as string).replace(' ', '-')}-${Date.now()}`, {
          line: 2,
          text: `two by ${run.task?.title}`,
        }),
      review: (run: ClaimedRun) => {
        reviewed.push(run.task?.title as string);
        return 'VERDICT: APPROVED';
      },
    };
    const [a, b] = [
      await GitDaemon.connect(server, projectId, agents),
      await GitDaemon.connect(server, projectId, agents),
    ];
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    // One daemon bootstraps the epic; then each takes a task, both forked from the same epic.
    expect(await a.step()).toBe(true);
    await Promise.all([a.step(), b.step()]);
    while ((await a.drain()) + (await b.drain()) > 0);
    const events = await eventTypes(projectId);
    const conflicts = events.filter((e) => e.type === 'MergeConflicted');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.payload).toMatchObject({ files: ['app.txt'], conflicts: 1 });
    // Each task was reviewed once: the resolution went straight to merge.
    expect(reviewed.sort()).toEqual(['Task 1', 'Task 2']);
    const { plan: done } = await planOf(plan.planId);
    expect(done.status).toBe('COMPLETED');
    const clone = path.join(dir, 'check');
    await git(dir, 'clone', '-q', origin, clone);
    const app = await readFile(path.join(clone, 'app.txt'), 'utf8');
    expect(app).toContain('two by Task 1');
    expect(app).toContain('two by Task 2');
    expect(app).not.toMatch(/<<<<<<<|>>>>>>>/);
    expect(await remoteBranches(origin)).toEqual(['main']);
  });

  test('a review without a verdict fails and is retried; three failures send the task to an operator, who approves by hand', async () => {
    const { projectId, dir } = await project('no-verdict', ['one']);
    const plan = await planWithTasks(server, projectId, 1);
    const daemon = await GitDaemon.connect(server, projectId, {
      work: (run: ClaimedRun) =>
        standInAgent(dir, `work-${Date.now()}`, { file: 'x.txt', text: `x ${run.attempt}` }),
      review: () => 'Looks fine to me, I suppose.',
    });
    await ok(server, 'setPlanStatus', { planId: plan.planId, status: 'ACTIVE' }, 'plan { status }');
    await daemon.drain();
    const task = (await tasksOf(plan.planId)).get('Task 1') as TaskView;
    expect(task.status).toBe('NEEDS_OPERATOR');
    expect(daemon.log.filter((entry) => entry === 'REVIEW Task 1')).toHaveLength(3);
    const failed = (await eventTypes(projectId)).filter((e) => e.type === 'RunFailed');
    expect(failed.map((e) => e.payload.reason)).toEqual(
      Array(3).fill(expect.stringContaining('no verdict')),
    );

    // A developer may not act as an operator; bad input names the field.
    const developer = await addMember(server, server.owner.workspaceId, MemberRole.DEVELOPER);
    const denied = await server.requestAs<
      Record<string, { userErrors: { code: string }[] }>,
      unknown
    >(
      await accessTokenFor(server, developer.userKey),
      `mutation($i: ApproveTaskInput!) { approveTask(input: $i) { task { id } userErrors { code message } } }`,
      { i: { taskId: task.id, reason: 'fine' } },
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const blank = await mutation(server, 'approveTask', { taskId: task.id, reason: '  ' });
    expect(blank.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: ['reason'] });

    const approved = await ok<{ task: { status: string; reviewApprovedAt: string | null } }>(
      server,
      'approveTask',
      { taskId: task.id, reason: 'read it myself: it is fine' },
      'task { status reviewApprovedAt }',
    );
    expect(approved.task.status).toBe('AWAITING_REVIEW');
    expect(approved.task.reviewApprovedAt).not.toBeNull();
    const again = await mutation(server, 'approveTask', { taskId: task.id, reason: 'twice' });
    expect(again.userErrors[0]?.message).toContain('already approved');
    const [byHand] = await verdictsOf(task.id);
    expect(byHand).toMatchObject({
      approved: true,
      reason: 'read it myself: it is fine',
      revision: null,
      run: null,
      by: { role: 'OWNER' },
    });
    await daemon.drain();
    expect((await planOf(plan.planId)).plan.status).toBe('COMPLETED');
    const audit = await server.query<
      { workspace: { auditLog: { nodes: { action: string }[] } } },
      unknown
    >(
      `query($w: ID!) { workspace(id: $w) { auditLog(first: 100, actions: ["task.approved"]) { nodes { action } } } }`,
      { w: server.owner.workspaceId },
    );
    expect(audit.workspace.auditLog.nodes.map((n) => n.action)).toEqual(['task.approved']);
    // Moving plans and tasks by hand is audited with the change.
    const moves = await server.query<
      {
        workspace: {
          auditLog: {
            nodes: { action: string; target: string; details: Record<string, unknown> }[];
          };
        };
      },
      unknown
    >(
      `query($w: ID!) { workspace(id: $w) { auditLog(first: 100, actions: ["plan.status_changed"]) { nodes { action target details } } } }`,
      { w: server.owner.workspaceId },
    );
    expect(moves.workspace.auditLog.nodes).toContainEqual({
      action: 'plan.status_changed',
      target: plan.planId,
      details: { from: 'DRAFT', to: 'ACTIVE' },
    });
  });
});
