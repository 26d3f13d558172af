import { backoffDelay } from './backoff.js';

/**
 * One project connection's states (DESIGN §9): disconnected → connecting → authenticating →
 * subscribing → idle ⇄ running, paused while its plan is (or a run waits out a rate limit),
 * and stopped for good (asked to, or refused for authentication).
 */
export type ConnectionState =
  | 'disconnected'
  | 'connecting'
  | 'authenticating'
  | 'subscribing'
  | 'idle'
  | 'running'
  | 'paused'
  | 'stopped';

export type ConnectionEvent =
  | { readonly type: 'START' }
  /** The socket is open (graphql-ws connection acknowledged). */
  | { readonly type: 'CONNECTED' }
  /** The session is registered (or resumed) under this identity. */
  | { readonly type: 'AUTHENTICATED'; readonly sessionId: string }
  /** sessionRuns is live. */
  | { readonly type: 'SUBSCRIBED' }
  | { readonly type: 'RUN_CLAIMED'; readonly runId: string }
  | { readonly type: 'RUN_FINISHED'; readonly runId: string }
  /** The plan paused, or the run paused until a provider's rate limit resets. */
  | { readonly type: 'PAUSED' }
  | { readonly type: 'RESUMED' }
  /** The socket closed or a call failed in a way a retry may fix. */
  | { readonly type: 'LOST'; readonly reason: string }
  /** Studio refused the credentials or the session (close 4401/4403, UNAUTHENTICATED). */
  | { readonly type: 'REFUSED'; readonly reason: string }
  /** Studio refused what this connection asks for (an unknown skill, a project gone): exit 1. */
  | { readonly type: 'FATAL'; readonly reason: string }
  | { readonly type: 'STOP' };

/** What the engine does on a transition; the machine itself does nothing. */
export type ConnectionEffect =
  | { readonly type: 'OPEN_SOCKET' }
  | { readonly type: 'REGISTER_SESSION' }
  | { readonly type: 'SUBSCRIBE_RUNS' }
  /** Claim a pushed run, or the next untargeted one, when idle. */
  | { readonly type: 'CLAIM_NEXT' }
  | { readonly type: 'RECONNECT_IN'; readonly ms: number }
  | { readonly type: 'CLOSE'; readonly exitCode: 0 | 1 | 4 };

export interface ConnectionMachine {
  readonly state: ConnectionState;
  /** Reconnect attempts since the last time the connection was live. */
  readonly attempt: number;
  readonly sessionId: string | undefined;
  /** The run held while running (and while paused mid-run, or cut off mid-run). */
  readonly runId: string | undefined;
  readonly lastError: string | undefined;
}

type Row = {
  readonly from: readonly ConnectionState[];
  readonly on: ConnectionEvent['type'];
  readonly to: ConnectionState;
  /** The row applies only when this holds (the first matching row wins). */
  readonly when?: (machine: ConnectionMachine) => boolean;
};

/** A run is held: claimed and not yet reported finished. */
const holding = (machine: ConnectionMachine): boolean => machine.runId !== undefined;

const LIVE: readonly ConnectionState[] = ['idle', 'running', 'paused'];
const ON_THE_WAY: readonly ConnectionState[] = ['connecting', 'authenticating', 'subscribing'];

/** The whole lifecycle in one table; anything not in it is ignored (and logged by the engine). */
export const CONNECTION_TRANSITIONS: readonly Row[] = [
  { from: ['disconnected'], on: 'START', to: 'connecting' },
  { from: ['connecting'], on: 'CONNECTED', to: 'authenticating' },
  { from: ['authenticating'], on: 'AUTHENTICATED', to: 'subscribing' },
  // back with a run still held (it went on while the socket was down): running, not idle
  { from: ['subscribing'], on: 'SUBSCRIBED', to: 'running', when: holding },
  { from: ['subscribing'], on: 'SUBSCRIBED', to: 'idle' },
  { from: ['idle'], on: 'RUN_CLAIMED', to: 'running' },
  { from: ['running'], on: 'RUN_FINISHED', to: 'idle' },
  { from: ['idle', 'running'], on: 'PAUSED', to: 'paused' },
  { from: ['paused'], on: 'RESUMED', to: 'idle' },
  // a run that finishes while paused (a plan paused mid-run) leaves it paused
  { from: ['paused'], on: 'RUN_FINISHED', to: 'paused' },
  // a held run reported finished while the socket is down: the state stays where it is
  { from: ['disconnected'], on: 'RUN_FINISHED', to: 'disconnected' },
  { from: ['connecting'], on: 'RUN_FINISHED', to: 'connecting' },
  { from: ['authenticating'], on: 'RUN_FINISHED', to: 'authenticating' },
  { from: ['subscribing'], on: 'RUN_FINISHED', to: 'subscribing' },
  { from: [...ON_THE_WAY, ...LIVE], on: 'LOST', to: 'disconnected' },
  { from: ['disconnected', ...ON_THE_WAY, ...LIVE], on: 'REFUSED', to: 'stopped' },
  { from: ['disconnected', ...ON_THE_WAY, ...LIVE], on: 'FATAL', to: 'stopped' },
  { from: ['disconnected', ...ON_THE_WAY, ...LIVE], on: 'STOP', to: 'stopped' },
];

export const INITIAL_CONNECTION: ConnectionMachine = {
  state: 'disconnected',
  attempt: 0,
  sessionId: undefined,
  runId: undefined,
  lastError: undefined,
};

/**
 * The next machine and what to do, or undefined when the table has no such move. Reconnects
 * back off exponentially with jitter up to 30 s; a live connection resets the count. A run held
 * when the connection drops stays held: its result is reported, under its lease, once back.
 */
export function nextConnection(
  machine: ConnectionMachine,
  event: ConnectionEvent,
  random: () => number = Math.random,
): { machine: ConnectionMachine; effects: ConnectionEffect[] } | undefined {
  const row = CONNECTION_TRANSITIONS.find(
    (candidate) =>
      candidate.on === event.type &&
      candidate.from.includes(machine.state) &&
      (candidate.when?.(machine) ?? true),
  );
  if (!row) return undefined;
  const next: ConnectionMachine = { ...machine, state: row.to };
  switch (event.type) {
    case 'START':
      return { machine: next, effects: [{ type: 'OPEN_SOCKET' }] };
    case 'CONNECTED':
      return { machine: next, effects: [{ type: 'REGISTER_SESSION' }] };
    case 'AUTHENTICATED':
      return {
        machine: { ...next, sessionId: event.sessionId },
        effects: [{ type: 'SUBSCRIBE_RUNS' }],
      };
    case 'SUBSCRIBED':
      return {
        machine: { ...next, attempt: 0, lastError: undefined },
        // back with a run still held: finish reporting it before claiming more
        effects: machine.runId ? [] : [{ type: 'CLAIM_NEXT' }],
      };
    case 'RUN_CLAIMED':
      return { machine: { ...next, runId: event.runId }, effects: [] };
    case 'RUN_FINISHED':
      return {
        machine: { ...next, runId: undefined },
        effects: row.to === 'idle' ? [{ type: 'CLAIM_NEXT' }] : [],
      };
    case 'PAUSED':
      return { machine: next, effects: [] };
    case 'RESUMED':
      return { machine: next, effects: machine.runId ? [] : [{ type: 'CLAIM_NEXT' }] };
    case 'LOST': {
      const ms = backoffDelay(machine.attempt, random);
      return {
        machine: { ...next, attempt: machine.attempt + 1, lastError: event.reason },
        effects: [{ type: 'RECONNECT_IN', ms }],
      };
    }
    case 'REFUSED':
      return {
        machine: { ...next, lastError: event.reason },
        effects: [{ type: 'CLOSE', exitCode: 4 }],
      };
    case 'FATAL':
      return {
        machine: { ...next, lastError: event.reason },
        effects: [{ type: 'CLOSE', exitCode: 1 }],
      };
    case 'STOP':
      return { machine: next, effects: [{ type: 'CLOSE', exitCode: 0 }] };
  }
}
