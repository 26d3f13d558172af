import {
  DaemonAppendRunOutputDocument,
  DaemonHeartbeatRunDocument,
  DaemonPostSubtaskDocument,
  type OutputStream,
} from '../generated/graphql.js';
import type { Logger } from './logger.js';
import { settled, UserErrorsFailure, type StudioCalls } from './studio-calls.js';

/** The run and the fencing token every call on it carries. */
export interface Lease {
  readonly runId: string;
  readonly leaseVersion: number;
}

/** A run's lease is 90 s; heartbeats every 30 s keep it with two to spare. */
export const RUN_HEARTBEAT_MS = 30_000;
/** Output is gathered this long before it is sent, so a chatty provider makes few calls. */
const FLUSH_MS = 250;
/** Under Studio's 64 KiB per chunk. */
const CHUNK_CHARS = 60_000;
const CHUNKS_PER_CALL = 20;

/**
 * Reports one run under its lease: the console output in order (gathered, then sent in
 * chunks), subtask directives, and a heartbeat every 30 s. Calls are made one after another
 * and retried while Studio is unreachable, so nothing is lost across a restart; a
 * STALE_LEASE answer means another session holds the run now: `onStale` is called once and
 * nothing more is sent.
 */
export class RunReporter {
  private pending: Array<{ stream: OutputStream; text: string }> = [];
  private chain: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private staleSeen = false;
  private readonly stopped = new AbortController();
  /** Subtask directives posted, with what Studio made of each. */
  readonly subtasks: Array<{ directive: string; outcome: string }> = [];

  constructor(
    private readonly calls: StudioCalls,
    readonly lease: Lease,
    private readonly log: Logger,
    private readonly onStale: () => void,
  ) {}

  get stale(): boolean {
    return this.staleSeen;
  }

  /** Starts the run's heartbeat (and sends one now: CLAIMED → RUNNING). */
  start(): Promise<void> {
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), RUN_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    return this.heartbeat();
  }

  line(text: string, stream: OutputStream = 'STDOUT'): void {
    if (this.staleSeen) return;
    this.pending.push({ stream, text });
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.enqueue(() => this.send());
    }, FLUSH_MS);
  }

  subtask(directive: string): void {
    this.enqueue(async () => {
      await this.send();
      const { postSubtask } = await this.persist(DaemonPostSubtaskDocument, {
        input: { ...this.lease, directive },
      });
      settled(postSubtask);
      const outcome = postSubtask.outcome ?? 'UNKNOWN';
      this.subtasks.push({ directive, outcome });
      this.log.info('subtask posted', {
        outcome,
        ...(postSubtask.task ? { task: postSubtask.task.id } : {}),
        ...(postSubtask.problem ? { problem: postSubtask.problem } : {}),
      });
    });
  }

  /** Sends everything gathered so far and waits for it. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.enqueue(() => this.send());
    await this.chain;
  }

  /** Flushes, stops the heartbeat; later lines are dropped. */
  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.flush();
    this.stopped.abort();
  }

  private async heartbeat(): Promise<void> {
    if (this.staleSeen) return;
    try {
      const { heartbeatRun } = await this.calls.request(DaemonHeartbeatRunDocument, this.lease);
      settled(heartbeatRun);
    } catch (error) {
      this.failed('heartbeat', error);
    }
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.staleSeen) return;
      try {
        await work();
      } catch (error) {
        this.failed('report', error);
      }
    });
  }

  private async send(): Promise<void> {
    while (this.pending.length > 0 && !this.staleSeen) {
      const chunks = this.takeChunks();
      const { appendRunOutput } = await this.persist(DaemonAppendRunOutputDocument, {
        input: { ...this.lease, chunks },
      });
      settled(appendRunOutput);
    }
  }

  /** The gathered lines as chunks (one per stream change, each under the size cap). */
  private takeChunks(): Array<{ chunk: string; stream: OutputStream }> {
    const chunks: Array<{ chunk: string; stream: OutputStream }> = [];
    while (this.pending.length > 0 && chunks.length < CHUNKS_PER_CALL) {
      const first = this.pending[0] as { stream: OutputStream; text: string };
      let chunk = '';
      while (this.pending.length > 0) {
        const next = this.pending[0] as { stream: OutputStream; text: string };
        if (next.stream !== first.stream) break;
        const piece = `${next.text}\n`;
        if (chunk !== '' && chunk.length + piece.length > CHUNK_CHARS) break;
        this.pending.shift();
        if (piece.length > CHUNK_CHARS) {
          // one enormous line: split it, the rest goes back in front
          chunk = piece.slice(0, CHUNK_CHARS);
          this.pending.unshift({ stream: next.stream, text: piece.slice(CHUNK_CHARS, -1) });
          break;
        }
        chunk += piece;
      }
      chunks.push({ chunk, stream: first.stream });
    }
    return chunks;
  }

  private persist: StudioCalls['persist'] = (document, variables) =>
    this.calls.persist(document, variables, {
      signal: this.stopped.signal,
      onRetry: (error) => this.log.warn('Studio unreachable; retrying', { error: String(error) }),
    });

  private failed(what: string, error: unknown): void {
    if (error instanceof UserErrorsFailure && error.code === 'STALE_LEASE') {
      if (!this.staleSeen) {
        this.staleSeen = true;
        this.pending = [];
        this.log.warn('the lease is stale: another session holds the run now', { what });
        this.onStale();
      }
      return;
    }
    this.log.warn(`${what} failed`, {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
