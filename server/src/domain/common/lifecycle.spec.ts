import { describe, expect, test } from '@jest/globals';
import { PLAN_LIFECYCLE, PlanStatus } from '../plan/plan-lifecycle.js';
import { TASK_LIFECYCLE, TaskStatus } from '../task/task-lifecycle.js';
import { DomainError, ErrorCode } from './errors.js';
import type { TransitionBy } from './lifecycle.js';

/** The expected tables, written out by hand: `from: { to: who }`. Everything else is illegal. */
const PLAN: Partial<Record<PlanStatus, Partial<Record<PlanStatus, TransitionBy[]>>>> = {
  DRAFT: { ACTIVE: ['user'], CANCELLED: ['user'] },
  ACTIVE: { PAUSED: ['user', 'system'], COMPLETED: ['system'], CANCELLED: ['user'] },
  PAUSED: { ACTIVE: ['user'], CANCELLED: ['user'] },
  COMPLETED: { ARCHIVED: ['user'] },
  CANCELLED: { ARCHIVED: ['user'] },
  ARCHIVED: {},
};

const TASK: Partial<Record<TaskStatus, Partial<Record<TaskStatus, TransitionBy[]>>>> = {
  DRAFT: { DISPATCHED: ['system'], CANCELLED: ['user', 'system'] },
  DISPATCHED: {
    IN_PROGRESS: ['system'],
    DRAFT: ['system'],
    WAITING_FOR_RESUME: ['user', 'system'],
    NEEDS_OPERATOR: ['system'],
    CANCELLED: ['user', 'system'],
  },
  IN_PROGRESS: {
    AWAITING_REVIEW: ['system'],
    DISPATCHED: ['system'],
    WAITING_FOR_RESUME: ['user', 'system'],
    NEEDS_OPERATOR: ['system'],
    CANCELLED: ['user', 'system'],
  },
  AWAITING_REVIEW: {
    MERGED: ['system'],
    DISPATCHED: ['system'],
    WAITING_FOR_RESUME: ['user', 'system'],
    NEEDS_OPERATOR: ['system'],
    CANCELLED: ['user', 'system'],
  },
  MERGED: { COMPLETED: ['system'] },
  COMPLETED: {},
  WAITING_FOR_RESUME: { DRAFT: ['user'], CANCELLED: ['user', 'system'] },
  NEEDS_OPERATOR: {
    DRAFT: ['user'],
    AWAITING_REVIEW: ['user'],
    DISPATCHED: ['system'],
    CANCELLED: ['user', 'system'],
  },
  CANCELLED: {},
};

function pairs<S extends string>(states: readonly S[]): Array<[S, S, TransitionBy]> {
  return states.flatMap((from) =>
    states.flatMap((to) =>
      (['user', 'system'] as const).map((by) => [from, to, by] as [S, S, TransitionBy]),
    ),
  );
}

describe('the plan lifecycle', () => {
  test.each(pairs(Object.values(PlanStatus)))('%s → %s by %s', (from, to, by) => {
    const expected = PLAN[from]?.[to]?.includes(by) ?? false;
    expect(PLAN_LIFECYCLE.can(from, to, by)).toBe(expected);
    if (expected) {
      expect(() => PLAN_LIFECYCLE.assert(from, to, by)).not.toThrow();
    } else {
      expect(() => PLAN_LIFECYCLE.assert(from, to, by)).toThrow(DomainError);
    }
  });
});

describe('the task lifecycle', () => {
  test.each(pairs(Object.values(TaskStatus)))('%s → %s by %s', (from, to, by) => {
    const expected = TASK[from]?.[to]?.includes(by) ?? false;
    expect(TASK_LIFECYCLE.can(from, to, by)).toBe(expected);
  });

  test('an illegal move names the states and what is possible, as a CONFLICT on status', () => {
    let error: DomainError | undefined;
    try {
      TASK_LIFECYCLE.assert(TaskStatus.DRAFT, TaskStatus.MERGED, 'user');
    } catch (caught) {
      error = caught as DomainError;
    }
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, field: ['status'] });
    expect(error?.message).toBe(
      'a task cannot go from DRAFT to MERGED; from DRAFT it can go to CANCELLED',
    );
  });

  test('says when Studio itself takes a transition a person asked for', () => {
    expect(() =>
      TASK_LIFECYCLE.assert(TaskStatus.DISPATCHED, TaskStatus.IN_PROGRESS, 'user'),
    ).toThrow(
      'a task cannot go from DISPATCHED to IN_PROGRESS by hand (Studio does that itself); ' +
        'from DISPATCHED it can go to WAITING_FOR_RESUME, CANCELLED',
    );
  });

  test('final states say so', () => {
    expect(() => TASK_LIFECYCLE.assert(TaskStatus.COMPLETED, TaskStatus.DRAFT, 'user')).toThrow(
      'from COMPLETED it can go to nothing (it is final)',
    );
    expect(() => PLAN_LIFECYCLE.assert(PlanStatus.ACTIVE, PlanStatus.ACTIVE, 'user')).toThrow(
      'the plan is already ACTIVE',
    );
  });
});
