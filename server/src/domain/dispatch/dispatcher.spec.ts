import { describe, expect, test } from '@jest/globals';
import { toPublicId } from '../common/public-id.js';
import { chooseSession, rankMembers, type Candidate } from './dispatcher.js';

const RUST = '00000000-0000-7000-8000-000000000001';
const GO = '00000000-0000-7000-8000-000000000002';
let next = 0;
function session(
  name: string,
  skills: Record<string, number>,
  extra: Partial<Candidate> = {},
): Candidate {
  next++;
  return {
    id: `00000000-0000-7000-8000-${String(next).padStart(12, '0')}`,
    name,
    inFlight: 0,
    lastActiveAt: null,
    createdAt: new Date(2026, 0, 1, 0, 0, next),
    skills: new Map(Object.entries(skills)),
    ...extra,
  };
}

describe('chooseSession', () => {
  test('eligible sessions hold every task skill at the required proficiency', () => {
    const novice = session('novice', { [RUST]: 3, [GO]: 5 });
    const halfway = session('halfway', { [RUST]: 5 });
    const expert = session('expert', { [RUST]: 4, [GO]: 4 });
    const { winner, reason } = chooseSession([novice, halfway, expert], {
      skillIds: [RUST, GO],
      requiredProficiency: 4,
    });
    expect(winner?.name).toBe('expert');
    expect(reason.candidates.map((c) => [c.name, c.eligible, c.score, c.note])).toEqual([
      ['novice', false, null, 'lacks 1 skill(s) at proficiency 4'],
      ['halfway', false, null, 'lacks 1 skill(s) at proficiency 4'],
      ['expert', true, 4, 'chosen'],
    ]);
    expect(reason.winner).toBe(toPublicId('AgentSession', expert.id));
    expect(reason.explanation).toBe('expert is idle and ranks first of 1 idle eligible session(s)');
  });

  test('idle first, then the higher mean proficiency, then the longest idle, then the oldest', () => {
    const busy = session('busy', { [RUST]: 5 }, { inFlight: 1 });
    const good = session('good', { [RUST]: 4 });
    const best = session('best', { [RUST]: 5 }, { lastActiveAt: new Date(2026, 0, 2) });
    const bestRested = session(
      'best-rested',
      { [RUST]: 5 },
      { lastActiveAt: new Date(2026, 0, 1) },
    );
    const needs = { skillIds: [RUST], requiredProficiency: 3 };
    expect(chooseSession([busy, good, best, bestRested], needs).winner?.name).toBe('best-rested');
    const twinA = session('twin-a', { [RUST]: 5 });
    const twinB = session('twin-b', { [RUST]: 5 });
    expect(chooseSession([twinB, twinA], needs).winner?.name).toBe('twin-a');
    const { reason } = chooseSession([busy, good], needs);
    expect(reason.candidates.map((c) => c.note)).toEqual(['busy with 1 run(s)', 'chosen']);
  });

  test('without an idle eligible session the run is left open, and the reason says why', () => {
    const busy = session('busy', { [RUST]: 5 }, { inFlight: 2 });
    expect(chooseSession([busy], { skillIds: [RUST], requiredProficiency: 3 })).toMatchObject({
      winner: undefined,
      reason: {
        winner: null,
        explanation: 'all 1 eligible session(s) are busy: the run is open to the first to claim it',
      },
    });
    expect(
      chooseSession([busy], { skillIds: [GO], requiredProficiency: 1 }).reason.explanation,
    ).toBe("no connected session holds the task's skills: the run waits for one that does");
    expect(chooseSession([], { skillIds: [], requiredProficiency: 3 }).winner).toBeUndefined();
  });

  test('a task without skills scores every idle session 0 and takes the longest idle', () => {
    const recent = session('recent', {}, { lastActiveAt: new Date(2026, 0, 5) });
    const never = session('never', {});
    const { winner, reason } = chooseSession([recent, never], {
      skillIds: [],
      requiredProficiency: 3,
    });
    expect(winner?.name).toBe('never');
    expect(reason.candidates.map((c) => c.score)).toEqual([0, 0]);
  });
});

describe('rankMembers', () => {
  test('the same eligibility and score; idle before busy, then score, then the longest idle', () => {
    const busyExpert = session('busy expert', { [RUST]: 5 }, { inFlight: 2 });
    const idleAble = session('idle able', { [RUST]: 3 });
    const idleStrong = session(
      'idle strong',
      { [RUST]: 4 },
      { lastActiveAt: new Date(2026, 5, 1) },
    );
    const idleStrongRested = session(
      'idle strong, rested',
      { [RUST]: 4 },
      { lastActiveAt: new Date(2026, 1, 1) },
    );
    const novice = session('novice', { [RUST]: 2 });
    const ranked = rankMembers([busyExpert, idleAble, idleStrong, idleStrongRested, novice], {
      skillIds: [RUST],
      requiredProficiency: 3,
    });
    expect(ranked.map((m) => [m.name, m.rank, m.score, m.note])).toEqual([
      ['idle strong, rested', 1, 4, 'best of 4 eligible'],
      ['idle strong', 2, 4, 'ranked 2 of 4'],
      ['idle able', 3, 3, 'ranked 3 of 4'],
      ['busy expert', 4, 5, 'ranked 4 of 4, 2 task(s) in flight'],
      ['novice', null, null, 'lacks 1 skill(s) at proficiency 3'],
    ]);
  });
});
