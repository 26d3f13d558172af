import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SignedOutError } from '../auth/token-source.js';
import {
  INITIAL_CONNECTION,
  nextConnection,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionMachine,
} from '../connection/connection-machine.js';
import { StudioError } from '../connection/studio-client.js';
import {
  DaemonClaimRunDocument,
  DaemonEndSessionDocument,
  DaemonHeartbeatSessionDocument,
  DaemonRegisterSessionDocument,
  DaemonSessionRunsDocument,
  type DaemonSessionRunsSubscription,
  type RegisterSessionInput,
} from '../generated/graphql.js';
import type { Logger } from './logger.js';
import type { DaemonRun } from './prompts.js';
import type { RunEnd, RunExecutor } from './run-executor.js';
import { messageOf } from './run-executor.js';
import { settled, transient, UserErrorsFailure, type StudioCalls } from './studio-calls.js';

/** A session heartbeat every 30 s (Studio calls a session dead after 90 s without one). */
export const SESSION_HEARTBEAT_MS = 30_000;
/** A ping on the socket every 10 s; no pong within 5 s and the socket is given up. */
const PING_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;

export interface ConnectionOptions {
  readonly project: { readonly id: string; readonly name: string };
  readonly calls: StudioCalls;
  /** The session to register (projectId is filled in). */
  readonly session: Omit<RegisterSessionInput, 'projectId'>;
  readonly executor: RunExecutor;
  readonly log: Logger;
  readonly heartbeatMs?: number;
  /** Told of every state change and run (the TUI, the tests' logs). */
  readonly onChange?: (connection: ProjectConnection) => void;
}

/**
 * One project's connection to Studio, driven by the connection state machine: it opens the
 * socket, registers (or resumes) its session, follows `sessionRuns`, claims and does one run
 * at a time, heartbeats every 30 s, and reconnects with backoff when the socket drops. The
 * machine decides; this class only carries out the effects and feeds back what happened.
 */
export class ProjectConnection {
  private machineState: ConnectionMachine = INITIAL_CONNECTION;
  private socket: Client | undefined;
  private socketGeneration = 0;
  private stopSubscription: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private resume: NodeJS.Timeout | undefined;
  private claiming = false;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private sessionId: string | undefined;
  private finished!: (code: 0 | 1 | 4) => void;
  /** The exit code once the connection stopped for good. */
  readonly done: Promise<0 | 1 | 4>;
  /** The run in hand and what became of the last ones (newest last), for the TUI and status. */
  current: DaemonRun | undefined;
  readonly history: Array<{ run: DaemonRun; end: RunEnd }> = [];

  constructor(private readonly options: ConnectionOptions) {
    this.done = new Promise((resolve) => (this.finished = resolve));
  }

  get machine(): ConnectionMachine {
    return this.machineState;
  }

  get project(): ConnectionOptions['project'] {
    return this.options.project;
  }

  get session(): string | undefined {
    return this.sessionId;
  }

  start(): void {
    this.dispatch({ type: 'START' });
  }

  /**
   * Stops for good: no more claims; a run in hand is handed back to the queue (its provider
   * stopped, nothing counted against it); the session is ended; the socket closed.
   */
  async stop(): Promise<void> {
    if (this.machineState.state === 'stopped') return;
    this.stopping.abort();
    await this.running;
    await this.endSession();
    this.dispatch({ type: 'STOP' });
  }

  private dispatch(event: ConnectionEvent): void {
    const next = nextConnection(this.machineState, event);
    if (!next) {
      this.options.log.debug('ignored', { event: event.type, state: this.machineState.state });
      return;
    }
    const from = this.machineState.state;
    this.machineState = next.machine;
    if (from !== next.machine.state) {
      this.options.log.debug('state', { from, to: next.machine.state, event: event.type });
      if (from === 'subscribing') this.options.log.info('live', { state: next.machine.state });
    }
    this.options.onChange?.(this);
    for (const effect of next.effects) this.effect(effect);
  }

  private effect(effect: ConnectionEffect): void {
    switch (effect.type) {
      case 'OPEN_SOCKET':
        this.openSocket();
        return;
      case 'REGISTER_SESSION':
        void this.register();
        return;
      case 'SUBSCRIBE_RUNS':
        this.subscribe();
        return;
      case 'CLAIM_NEXT':
        void this.claim(undefined);
        return;
      case 'RECONNECT_IN':
        this.closeSocket();
        this.options.log.info('reconnecting', {
          inMs: effect.ms,
          attempt: this.machineState.attempt,
          reason: this.machineState.lastError,
        });
        this.reconnect = setTimeout(() => this.dispatch({ type: 'START' }), effect.ms);
        return;
      case 'CLOSE':
        this.closeSocket();
        for (const timer of [this.heartbeat, this.reconnect, this.resume]) clearTimeout(timer);
        clearInterval(this.heartbeat);
        if (effect.exitCode !== 0) {
          this.options.log.error('connection stopped', { reason: this.machineState.lastError });
          // a refusal also stops a run in hand: it is handed back
          this.stopping.abort();
        }
        void (this.running ?? Promise.resolve()).then(() => this.finished(effect.exitCode));
        return;
    }
  }

  private openSocket(): void {
    this.closeSocket();
    const generation = ++this.socketGeneration;
    const current = () => generation === this.socketGeneration;
    let pongTimer: NodeJS.Timeout | undefined;
    let socket: WebSocket | undefined;
    const studio = this.options.calls.studio;
    this.socket = createClient({
      url: new URL('/graphql', studio.replace(/^http/, 'ws')).toString(),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      keepAlive: PING_MS,
      connectionParams: async () => ({
        authorization: `Bearer ${await this.options.calls.tokens.accessToken()}`,
      }),
      onNonLazyError: () => undefined,
      on: {
        connected: (opened) => {
          socket = opened as WebSocket;
          if (current()) this.dispatch({ type: 'CONNECTED' });
        },
        ping: (received) => {
          if (received) return;
          pongTimer = setTimeout(() => socket?.close(4408, 'no pong from Studio'), PONG_TIMEOUT_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          if (!current()) return;
          const { code, reason } = event as { code?: number; reason?: string };
          void this.lost(code, reason);
        },
        error: (error) => {
          if (current() && error instanceof SignedOutError) {
            this.dispatch({ type: 'REFUSED', reason: error.message });
          }
        },
      },
    });
  }

  /** The socket closed: a refused token is renewed first; only a refused renewal stops us. */
  private async lost(code: number | undefined, reason: string | undefined): Promise<void> {
    const why = `socket closed (${code ?? 'no code'}${reason ? ` ${reason}` : ''})`;
    if (code === 4401 || code === 4403) {
      try {
        await this.options.calls.tokens.renew();
      } catch (error) {
        if (error instanceof SignedOutError) {
          this.dispatch({ type: 'REFUSED', reason: `${why}; ${error.message}` });
          return;
        }
      }
    }
    this.dispatch({ type: 'LOST', reason: why });
  }

  private closeSocket(): void {
    this.socketGeneration++;
    this.stopSubscription?.();
    this.stopSubscription = undefined;
    const socket = this.socket;
    this.socket = undefined;
    void socket?.dispose();
  }

  /** Resumes the session when Studio still has it alive, else registers a new one. */
  private async register(): Promise<void> {
    const generation = this.socketGeneration;
    try {
      if (this.sessionId) {
        try {
          const { heartbeatSession } = await this.options.calls.request(
            DaemonHeartbeatSessionDocument,
            { sessionId: this.sessionId },
          );
          if (heartbeatSession.session?.alive && heartbeatSession.userErrors.length === 0) {
            this.options.log.info('session resumed', { session: this.sessionId });
            return this.authenticated(generation, this.sessionId);
          }
        } catch (error) {
          if (transient(error) || error instanceof SignedOutError) throw error;
        }
        this.options.log.info('session ended while away: registering a new one');
      }
      const { registerSession } = await this.options.calls.request(DaemonRegisterSessionDocument, {
        input: { ...this.options.session, projectId: this.options.project.id },
      });
      const session = settled(registerSession).session;
      if (!session) throw new UserErrorsFailure('INTERNAL', 'Studio registered no session');
      this.sessionId = session.id;
      this.options.log.info('session registered', { session: session.id, role: session.role });
      this.authenticated(generation, session.id);
    } catch (error) {
      if (generation !== this.socketGeneration) return;
      this.failure(error, 'registering the session');
    }
  }

  private authenticated(generation: number, sessionId: string): void {
    if (generation !== this.socketGeneration) return;
    this.startHeartbeat();
    this.dispatch({ type: 'AUTHENTICATED', sessionId });
  }

  /** A failed call: a refusal stops the connection, the rest make it reconnect. */
  private failure(error: unknown, doing: string): void {
    const message = `${doing}: ${messageOf(error)}`;
    if (error instanceof SignedOutError) this.dispatch({ type: 'REFUSED', reason: message });
    else if (
      error instanceof StudioError &&
      ['UNAUTHENTICATED', 'FORBIDDEN'].includes(error.code ?? '')
    )
      this.dispatch({ type: 'REFUSED', reason: message });
    else if (error instanceof UserErrorsFailure && error.code === 'FORBIDDEN')
      this.dispatch({ type: 'REFUSED', reason: message });
    else if (error instanceof UserErrorsFailure || (error instanceof StudioError && error.fatal))
      this.dispatch({ type: 'FATAL', reason: message });
    else this.dispatch({ type: 'LOST', reason: message });
  }

  private subscribe(): void {
    const socket = this.socket;
    const sessionId = this.sessionId;
    if (!socket || !sessionId) return;
    const generation = this.socketGeneration;
    this.stopSubscription = socket.subscribe<DaemonSessionRunsSubscription>(
      { query: print(DaemonSessionRunsDocument), variables: { sessionId } },
      {
        next: (result) => {
          const run = result.data?.sessionRuns;
          if (run && this.machineState.state === 'idle') void this.claim(run.id);
        },
        error: (error) => {
          if (generation !== this.socketGeneration) return;
          if (Array.isArray(error)) {
            const first = (error as Array<{ message: string; extensions?: { code?: string } }>)[0];
            const code = first?.extensions?.code;
            const reason = `sessionRuns: ${first?.message ?? 'refused'}`;
            if (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED')
              this.dispatch({ type: 'REFUSED', reason });
            else if (code === 'NOT_FOUND') {
              // the session is gone (ended elsewhere): a new one on the next connection
              this.sessionId = undefined;
              this.dispatch({ type: 'LOST', reason });
            } else this.dispatch({ type: 'FATAL', reason });
          }
          // a transport error also closes the socket: `closed` reports it
        },
        complete: () => {
          if (generation === this.socketGeneration)
            this.dispatch({ type: 'LOST', reason: 'sessionRuns ended' });
        },
      },
    );
    this.dispatch({ type: 'SUBSCRIBED' });
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(
      () => void this.beat(),
      this.options.heartbeatMs ?? SESSION_HEARTBEAT_MS,
    );
  }

  /** The session's heartbeat; when idle, also a look for untargeted runs any session may take. */
  private async beat(): Promise<void> {
    const state = this.machineState.state;
    if (!this.sessionId || !['idle', 'running', 'paused'].includes(state)) return;
    try {
      const { heartbeatSession } = await this.options.calls.request(
        DaemonHeartbeatSessionDocument,
        {
          sessionId: this.sessionId,
        },
      );
      settled(heartbeatSession);
      if (heartbeatSession.session && !heartbeatSession.session.alive) {
        throw new UserErrorsFailure('NOT_FOUND', 'the session has ended');
      }
    } catch (error) {
      if (transient(error)) {
        this.options.log.warn('heartbeat failed', { error: messageOf(error) });
        return;
      }
      if (error instanceof UserErrorsFailure && error.code !== 'FORBIDDEN') {
        this.options.log.warn('the session ended; registering again', { error: error.message });
        this.sessionId = undefined;
        this.dispatch({ type: 'LOST', reason: error.message });
        return;
      }
      this.failure(error, 'heartbeat');
      return;
    }
    if (this.machineState.state === 'idle') void this.claim(undefined);
  }

  /** Claims a pushed run (or the next one) and does it in the background. */
  private async claim(runId: string | undefined): Promise<void> {
    if (this.claiming || this.stopping.signal.aborted || this.machineState.state !== 'idle') return;
    const sessionId = this.sessionId;
    if (!sessionId) return;
    this.claiming = true;
    try {
      const { claimRun } = await this.options.calls.request(DaemonClaimRunDocument, {
        sessionId,
        runId: runId ?? null,
      });
      if (claimRun.userErrors.length > 0) {
        this.options.log.debug('claim refused', {
          run: runId,
          error: claimRun.userErrors[0]?.message,
        });
        return;
      }
      const run = claimRun.run;
      if (!run || claimRun.leaseVersion === null || claimRun.leaseVersion === undefined) return;
      this.begin(run, claimRun.leaseVersion);
    } catch (error) {
      if (transient(error)) this.options.log.warn('claim failed', { error: messageOf(error) });
      else this.failure(error, 'claiming a run');
    } finally {
      this.claiming = false;
    }
  }

  /** Does a run this session holds (claimed, or accepted by hand) and reports it. */
  begin(run: DaemonRun, leaseVersion: number): void {
    this.current = run;
    this.dispatch({ type: 'RUN_CLAIMED', runId: run.id });
    this.running = this.options.executor
      .perform(run, leaseVersion, this.stopping.signal)
      .catch((error: unknown): RunEnd => {
        if (error instanceof SignedOutError) {
          this.dispatch({ type: 'REFUSED', reason: error.message });
        }
        this.options.log.error('run abandoned', { run: run.id, error: messageOf(error) });
        return { kind: 'failed', reason: messageOf(error) };
      })
      .then((end) => {
        this.current = undefined;
        this.history.push({ run, end });
        if (this.history.length > 50) this.history.shift();
        if (end.kind === 'paused') {
          this.dispatch({ type: 'PAUSED' });
          const wait = Math.max(0, end.until.getTime() - Date.now());
          this.resume = setTimeout(() => this.dispatch({ type: 'RESUMED' }), wait);
        }
        this.running = undefined;
        this.dispatch({ type: 'RUN_FINISHED', runId: run.id });
      });
  }

  private async endSession(): Promise<void> {
    const sessionId = this.sessionId;
    if (!sessionId) return;
    try {
      const ended = this.options.calls.request(DaemonEndSessionDocument, { sessionId });
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      this.options.log.info('session ended', { session: sessionId });
    } catch (error) {
      this.options.log.warn('could not end the session', { error: messageOf(error) });
    }
  }
}
