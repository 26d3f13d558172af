import { describe, expect, test } from '@jest/globals';
import {
  CONNECTION_TRANSITIONS,
  INITIAL_CONNECTION,
  nextConnection,
  type ConnectionEvent,
  type ConnectionMachine,
  type ConnectionState,
} from './connection-machine.js';

const STATES: ConnectionState[] = [
  'disconnected',
  'connecting',
  'authenticating',
  'subscribing',
  'idle',
  'running',
  'paused',
  'stopped',
];
const EVENTS: ConnectionEvent[] = [
  { type: 'START' },
  { type: 'CONNECTED' },
  { type: 'AUTHENTICATED', sessionId: 'ses_1' },
  { type: 'SUBSCRIBED' },
  { type: 'RUN_CLAIMED', runId: 'run_1' },
  { type: 'RUN_FINISHED', runId: 'run_1' },
  { type: 'PAUSED' },
  { type: 'RESUMED' },
  { type: 'LOST', reason: 'socket closed (1006)' },
  { type: 'REFUSED', reason: 'UNAUTHENTICATED' },
  { type: 'FATAL', reason: 'unknown skill' },
  { type: 'STOP' },
];

/** Every legal move, written out: state → event → next state. */
const EXPECTED: Record<
  ConnectionState,
  Partial<Record<ConnectionEvent['type'], ConnectionState>>
> = {
  disconnected: {
    START: 'connecting',
    RUN_FINISHED: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  connecting: {
    CONNECTED: 'authenticating',
    RUN_FINISHED: 'connecting',
    LOST: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  authenticating: {
    AUTHENTICATED: 'subscribing',
    RUN_FINISHED: 'authenticating',
    LOST: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  subscribing: {
    SUBSCRIBED: 'idle',
    RUN_FINISHED: 'subscribing',
    LOST: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  idle: {
    RUN_CLAIMED: 'running',
    PAUSED: 'paused',
    LOST: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  running: {
    RUN_FINISHED: 'idle',
    PAUSED: 'paused',
    LOST: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  paused: {
    RESUMED: 'idle',
    RUN_FINISHED: 'paused',
    LOST: 'disconnected',
    REFUSED: 'stopped',
    FATAL: 'stopped',
    STOP: 'stopped',
  },
  stopped: {},
};

const at = (state: ConnectionState, extra: Partial<ConnectionMachine> = {}): ConnectionMachine => ({
  ...INITIAL_CONNECTION,
  state,
  ...extra,
});

describe('the connection state machine', () => {
  test.each(STATES.flatMap((state) => EVENTS.map((event) => [state, event.type, event] as const)))(
    '%s on %s',
    (state, _type, event) => {
      const expected = EXPECTED[state][event.type];
      const result = nextConnection(at(state), event, () => 0.5);
      expect(result?.machine.state).toBe(expected);
    },
  );

  test('the table is what the cases say (no row unlisted)', () => {
    // guarded rows are checked below, with the machine they apply to
    const rows = CONNECTION_TRANSITIONS.filter((row) => !row.when).flatMap((row) =>
      row.from.map((from) => `${from} ${row.on} ${row.to}`),
    );
    const listed = STATES.flatMap((state) =>
      Object.entries(EXPECTED[state]).map(([on, to]) => `${state} ${on} ${to}`),
    );
    expect(rows.sort()).toEqual(listed.sort());
  });

  test('a fresh connection walks to idle and claims', () => {
    let machine = INITIAL_CONNECTION;
    const effects: string[] = [];
    for (const event of EVENTS.slice(0, 4)) {
      const next = nextConnection(machine, event);
      if (!next) throw new Error(`refused ${event.type} in ${machine.state}`);
      machine = next.machine;
      effects.push(...next.effects.map((effect) => effect.type));
    }
    expect(machine).toMatchObject({ state: 'idle', sessionId: 'ses_1', attempt: 0 });
    expect(effects).toEqual(['OPEN_SOCKET', 'REGISTER_SESSION', 'SUBSCRIBE_RUNS', 'CLAIM_NEXT']);
  });

  test('losing the connection backs off with jitter, capped at 30 s, and a live connection resets it', () => {
    const delays: number[] = [];
    let machine = at('idle');
    for (let n = 0; n < 10; n++) {
      const lost = nextConnection(machine, { type: 'LOST', reason: 'down' }, () => 1);
      if (!lost) throw new Error('LOST refused');
      const effect = lost.effects[0];
      delays.push(effect?.type === 'RECONNECT_IN' ? effect.ms : -1);
      machine = { ...lost.machine, state: 'idle' };
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(machine.attempt).toBe(10);
    const live = nextConnection({ ...machine, state: 'subscribing' }, { type: 'SUBSCRIBED' });
    expect(live?.machine).toMatchObject({ attempt: 0, lastError: undefined });
    // half the ceiling at least (full jitter above it)
    expect(nextConnection(at('idle'), { type: 'LOST', reason: 'x' }, () => 0)?.effects).toEqual([
      { type: 'RECONNECT_IN', ms: 250 },
    ]);
  });

  test('a run held across a reconnect is reported before anything else is claimed', () => {
    const cut = nextConnection(at('running', { runId: 'run_7' }), { type: 'LOST', reason: 'x' });
    expect(cut?.machine).toMatchObject({ state: 'disconnected', runId: 'run_7' });
    const back = nextConnection(
      { ...(cut?.machine as ConnectionMachine), state: 'subscribing' },
      { type: 'SUBSCRIBED' },
    );
    expect(back?.effects).toEqual([]);
    expect(back?.machine.state).toBe('running');
  });

  test('a held run reported while the socket is down: back idle, and claiming', () => {
    const cut = nextConnection(at('running', { runId: 'run_7' }), { type: 'LOST', reason: 'x' });
    const reported = nextConnection(cut?.machine as ConnectionMachine, {
      type: 'RUN_FINISHED',
      runId: 'run_7',
    });
    expect(reported).toMatchObject({
      machine: { state: 'disconnected', runId: undefined },
      effects: [],
    });
    const back = nextConnection(
      { ...(reported?.machine as ConnectionMachine), state: 'subscribing' },
      { type: 'SUBSCRIBED' },
    );
    expect(back?.machine.state).toBe('idle');
    expect(back?.effects).toEqual([{ type: 'CLAIM_NEXT' }]);
  });

  test('refusal stops with exit code 4; a stop with 0; paused claims nothing until resumed', () => {
    expect(
      nextConnection(at('connecting'), { type: 'REFUSED', reason: 'UNAUTHENTICATED' })?.effects,
    ).toEqual([{ type: 'CLOSE', exitCode: 4 }]);
    expect(nextConnection(at('idle'), { type: 'FATAL', reason: 'no such skill' })?.effects).toEqual(
      [{ type: 'CLOSE', exitCode: 1 }],
    );
    expect(nextConnection(at('idle'), { type: 'STOP' })?.effects).toEqual([
      { type: 'CLOSE', exitCode: 0 },
    ]);
    expect(nextConnection(at('idle'), { type: 'PAUSED' })?.effects).toEqual([]);
    expect(nextConnection(at('paused'), { type: 'RESUMED' })?.effects).toEqual([
      { type: 'CLAIM_NEXT' },
    ]);
    expect(
      nextConnection(at('paused', { runId: 'run_1' }), { type: 'RUN_FINISHED', runId: 'run_1' }),
    ).toMatchObject({
      machine: { state: 'paused', runId: undefined },
      effects: [],
    });
  });
});
