import {
  RunsRunOutputDocument,
  RunsRunOutputStreamDocument,
  type OutputStream,
  type RunsOutputChunkFragment,
} from '$lib/generated/graphql';
import { untrack } from 'svelte';
import { request, subscribe } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';
import { parseAnsi, type AnsiSegment, type AnsiStyle } from './ansi';

/** What the console says about its connection. */
export type ConsoleState = 'loading' | 'connecting' | 'live' | 'reconnecting' | 'failed';

/** A chunk as the console shows it: its stream, and its text split by ANSI style. */
export interface ConsoleChunk {
  readonly seq: number;
  readonly stream: OutputStream;
  readonly segments: readonly AnsiSegment[];
}

/** The back-fill's page size (the API's maximum). */
const PAGE = 100;

/**
 * A run's output, live: back-filled with the runOutput query, then streamed by the runOutput
 * subscription from the last seq loaded. After a dropped connection graphql-ws subscribes
 * again and the variables it sends then carry `after` = the last seq shown, so Studio replays
 * what was missed; a chunk at or below that seq is ignored, so nothing is shown twice.
 */
export class RunConsole {
  chunks = $state.raw<readonly ConsoleChunk[]>([]);
  state = $state<ConsoleState>('loading');
  error = $state<string | undefined>(undefined);
  lastSeq = $state(0);

  readonly runId: string;
  #stop: (() => void) | undefined;
  #started = false;
  /** The ANSI style each stream's last chunk ended with: colours carry across chunks. */
  #styles: Record<string, AnsiStyle> = {};

  constructor(runId: string) {
    this.runId = runId;
  }

  /**
   * Back-fills, then subscribes; returns the function that stops (for $effect). Untracked: an
   * effect that starts the console must not start it again each time a chunk arrives.
   */
  start(): () => void {
    this.#started = true;
    untrack(() => void this.#open());
    return () => this.stop();
  }

  async #open(): Promise<void> {
    this.#stop?.();
    this.#stop = undefined;
    this.error = undefined;
    this.state = 'loading';
    try {
      for (;;) {
        const { runOutput } = await request(RunsRunOutputDocument, {
          runId: this.runId,
          after: this.lastSeq,
          first: PAGE,
        });
        if (!this.#started) return;
        this.receive(runOutput.nodes);
        if (!runOutput.pageInfo.hasNextPage || runOutput.nodes.length === 0) break;
      }
    } catch (error) {
      if (!this.#started) return;
      this.state = 'failed';
      this.error = requestErrorMessage(error);
      return;
    }
    this.state = 'connecting';
    this.#stop = subscribe(
      RunsRunOutputStreamDocument,
      () => ({ runId: this.runId, after: this.lastSeq }),
      {
        next: ({ runOutput }) => this.receive([runOutput]),
        connection: (state) => {
          this.state = state === 'connected' ? 'live' : state;
        },
        error: (error) => {
          this.#stop = undefined;
          this.state = 'failed';
          this.error = error.message;
        },
        complete: () => {
          this.#stop = undefined;
          this.state = 'failed';
          this.error = 'Studio ended the output stream.';
        },
      },
    );
  }

  /** Back-fills what was missed and subscribes again (after a failure). */
  retry(): void {
    this.#started = true;
    void this.#open();
  }

  stop(): void {
    this.#started = false;
    this.#stop?.();
    this.#stop = undefined;
  }

  /** Adds chunks in seq order; one at or below the last seq shown is a repeat and is skipped. */
  receive(chunks: readonly RunsOutputChunkFragment[]): void {
    const added: ConsoleChunk[] = [];
    let last = this.lastSeq;
    for (const chunk of chunks) {
      if (chunk.seq <= last) continue;
      last = chunk.seq;
      const { segments, style } = parseAnsi(chunk.chunk, this.#styles[chunk.stream]);
      this.#styles[chunk.stream] = style;
      added.push({ seq: chunk.seq, stream: chunk.stream, segments });
    }
    if (added.length === 0) return;
    this.chunks = [...this.chunks, ...added];
    this.lastSeq = last;
  }
}
