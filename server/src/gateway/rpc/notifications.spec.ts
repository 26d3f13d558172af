import { describe, expect, test } from '@jest/globals';
import type { PrivateChannel } from '../pusher/gateway-types.js';
import { notificationOf, type LoggedEvent } from './notifications.js';

const project: PrivateChannel = { kind: 'project', id: 'prj_1', name: 'private-project.prj_1' };
const team: PrivateChannel = { kind: 'team', id: 'tem_1', name: 'private-team.tem_1' };
const lookups = {
  commentBody: (id: string) => Promise.resolve(id === 'cmt_1' ? 'Use the v2 endpoint' : undefined),
};
const event = (seq: number, type: string, payload: Record<string, unknown>): LoggedEvent => ({
  seq,
  type,
  payload,
});

describe('event log → gateway notifications', () => {
  test.each([
    [
      event(1, 'RunQueued', {
        runId: 'run_1',
        purpose: 'EXECUTION',
        taskId: 'tsk_1',
        planId: 'pln_1',
        targetSessionId: 'ses_1',
      }),
      {
        method: 'run.dispatched',
        params: {
          runId: 'run_1',
          purpose: 'EXECUTION',
          taskId: 'tsk_1',
          planId: 'pln_1',
          targetSessionId: 'ses_1',
          seq: 1,
        },
      },
    ],
    [
      event(2, 'RunQueued', {
        runId: 'run_2',
        purpose: 'RELEASE',
        planId: 'pln_1',
        targetSessionId: null,
        attempt: 2,
      }),
      {
        method: 'run.dispatched',
        params: {
          runId: 'run_2',
          purpose: 'RELEASE',
          taskId: null,
          planId: 'pln_1',
          targetSessionId: null,
          attempt: 2,
          seq: 2,
        },
      },
    ],
    [
      event(3, 'RunResumed', { runId: 'run_1', purpose: 'EXECUTION', taskId: 'tsk_1' }),
      {
        method: 'run.dispatched',
        params: {
          runId: 'run_1',
          purpose: 'EXECUTION',
          taskId: 'tsk_1',
          planId: null,
          targetSessionId: null,
          resumed: true,
          seq: 3,
        },
      },
    ],
    [
      event(4, 'RunCancelled', {
        runId: 'run_1',
        purpose: 'EXECUTION',
        sessionId: 'ses_1',
        leaseVersion: 2,
        reason: 'the plan was cancelled',
      }),
      {
        method: 'run.cancelled',
        params: {
          runId: 'run_1',
          purpose: 'EXECUTION',
          taskId: null,
          sessionId: 'ses_1',
          leaseVersion: 2,
          reason: 'the plan was cancelled',
          seq: 4,
        },
      },
    ],
    [
      event(5, 'PlanStatusChanged', {
        planId: 'pln_1',
        from: 'ACTIVE',
        to: 'PAUSED',
        reason: 'lunch',
      }),
      { method: 'plan.paused', params: { planId: 'pln_1', reason: 'lunch', seq: 5 } },
    ],
    [
      event(6, 'PlanStatusChanged', { planId: 'pln_1', from: 'PAUSED', to: 'ACTIVE' }),
      { method: 'plan.resumed', params: { planId: 'pln_1', seq: 6 } },
    ],
    [
      event(7, 'TaskCommentAdded', { taskId: 'tsk_1', commentId: 'cmt_1', authorKind: 'MEMBER' }),
      {
        method: 'steering.directive',
        params: { taskId: 'tsk_1', commentId: 'cmt_1', body: 'Use the v2 endpoint', seq: 7 },
      },
    ],
  ])('on a project channel: %j', async (logged, expected) => {
    expect(await notificationOf(logged, project, lookups)).toEqual({ jsonrpc: '2.0', ...expected });
  });

  test.each([
    event(1, 'PlanStatusChanged', { planId: 'pln_1', from: 'DRAFT', to: 'ACTIVE' }),
    event(2, 'TaskCommentAdded', { taskId: 'tsk_1', commentId: 'cmt_2', authorKind: 'SYSTEM' }),
    event(3, 'TaskCommentAdded', { taskId: 'tsk_1', commentId: 'cmt_gone', authorKind: 'MEMBER' }),
    event(4, 'TaskCreated', { taskId: 'tsk_1' }),
  ])('not a notification on a project channel: %j', async (logged) => {
    expect(await notificationOf(logged, project, lookups)).toBeUndefined();
  });

  test('a team channel carries its own team’s spawn and delegations, nothing else', async () => {
    const allocated = event(8, 'TeamAllocated', {
      teamId: 'tem_1',
      leadSessionId: 'ses_1',
      channel: 'team-abc',
      dev: 2,
      review: 1,
      test: 0,
      workerCount: 3,
    });
    expect(await notificationOf(allocated, team, lookups)).toEqual({
      jsonrpc: '2.0',
      method: 'team.spawn',
      params: {
        teamId: 'tem_1',
        leadSessionId: 'ses_1',
        channel: 'team-abc',
        dev: 2,
        review: 1,
        test: 0,
        workerCount: 3,
        seq: 8,
      },
    });
    const delegated = event(9, 'RunDelegated', {
      runId: 'run_9',
      parentRunId: 'run_1',
      taskId: 'tsk_1',
      leadSessionId: 'ses_1',
      workerSessionId: 'ses_2',
      teamId: 'tem_1',
      title: 'Write the tests',
      role: 'TEST',
    });
    expect((await notificationOf(delegated, team, lookups))?.method).toBe('delegate.packet');
    // the lead hears of its team on the project channel too
    expect((await notificationOf(allocated, project, lookups))?.method).toBe('team.spawn');
    expect(
      await notificationOf(
        { ...allocated, payload: { ...allocated.payload, teamId: 'tem_2' } },
        team,
        lookups,
      ),
    ).toBeUndefined();
    expect(
      await notificationOf(
        event(10, 'RunQueued', { runId: 'run_3', purpose: 'EXECUTION', teamId: 'tem_1' }),
        team,
        lookups,
      ),
    ).toBeUndefined();
  });
});
