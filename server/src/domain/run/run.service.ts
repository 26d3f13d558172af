import type { Logger } from '../../logging/logger.js';
import type { PubSub } from '../../pubsub/pubsub.js';
import type { Page, PageRequest } from '../../db/pagination.js';
import { badInput, DomainError, ErrorCode } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { requireSeq } from '../common/validation.js';
import { LogStream } from '../common/log-stream.js';
import { toPublicId } from '../common/public-id.js';
import type { Tx } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import {
  AgentRunEntity,
  type OutputStream,
  RunOutputEntity,
  type DispatchReason,
} from './run.entity.js';
import type { RunFilter, RunRepository } from './run.repository.js';
import { type RunPurpose, RunStatus, tierOf } from './run.types.js';

export interface NewRun {
  readonly projectId: string;
  readonly planId?: string | null;
  readonly taskId?: string | null;
  readonly purpose: RunPurpose;
  readonly targetSessionId?: string | null;
  readonly dispatchReason?: DispatchReason | null;
  readonly model?: string | null;
  /** A delegation packet or a subtask directive (AgentRunEntity.instructions). */
  readonly instructions?: Record<string, unknown> | null;
  /** The lead's run it is delegated from. */
  readonly parentRunId?: string | null;
  /** A retry of a failed run counts on from its attempt (default 1). */
  readonly attempt?: number;
}

export interface OutputChunk {
  readonly stream: OutputStream;
  readonly chunk: string;
}

/** Largest chunk stored as one row; daemons split longer output. */
export const MAX_CHUNK_LENGTH = 64 * 1024;

export function runOutputChannel(runId: string): string {
  return `run-output.${runId}`;
}

function parseChunk(message: string): RunOutputEntity {
  const raw = JSON.parse(message) as RunOutputEntity & { createdAt: string };
  return Object.assign(new RunOutputEntity(), { ...raw, createdAt: new Date(raw.createdAt) });
}

/**
 * Runs as records: queueing one (the dispatcher decides where it goes), reading them, and each
 * run's output — an ordered log of chunks that subscribers replay and then follow live.
 */
export class RunService {
  constructor(
    private readonly runs: RunRepository,
    private readonly events: EventLog,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
  ) {}

  get(id: string): Promise<AgentRunEntity | undefined> {
    return this.runs.findById(id);
  }

  getMany(ids: readonly string[]): Promise<AgentRunEntity[]> {
    return this.runs.findByIds(ids);
  }

  list(projectId: string, filter: RunFilter, request: PageRequest): Promise<Page<AgentRunEntity>> {
    return this.runs.page(projectId, filter, request);
  }

  count(projectId: string, filter: RunFilter): Promise<number> {
    return this.runs.count(projectId, filter);
  }

  runsOfTasks(
    taskIds: readonly string[],
    limit: number,
    fromEnd: boolean,
  ): Promise<AgentRunEntity[]> {
    return this.runs.runsOfTasks(taskIds, limit, fromEnd);
  }

  countsOfTasks(taskIds: readonly string[]): Promise<Map<string, number>> {
    return this.runs.countsOfTasks(taskIds);
  }

  queuedFor(sessionId: string): Promise<AgentRunEntity[]> {
    return this.runs.queuedFor(sessionId);
  }

  /** Queues a run in the caller's transaction; emits RunQueued. */
  async enqueue(tx: Tx, run: NewRun): Promise<AgentRunEntity> {
    const entity = Object.assign(new AgentRunEntity(), {
      id: uuidv7(),
      projectId: run.projectId,
      planId: run.planId ?? null,
      taskId: run.taskId ?? null,
      purpose: run.purpose,
      status: RunStatus.QUEUED,
      tier: tierOf(run.purpose),
      attempt: run.attempt ?? 1,
      leaseVersion: 0,
      attended: false,
      conflictFiles: null,
      leaseExpiresAt: null,
      sessionId: null,
      targetSessionId: run.targetSessionId ?? null,
      dispatchReason: run.dispatchReason ?? null,
      instructions: run.instructions ?? null,
      parentRunId: run.parentRunId ?? null,
      model: run.model ?? null,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      outputSeq: 0,
      queuedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      resumeAt: null,
      exitCode: null,
      exitReason: null,
    });
    const saved = await this.runs.insert(tx.manager, entity);
    await this.events.append(tx, run.projectId, 'RunQueued', {
      runId: toPublicId('Run', saved.id),
      purpose: saved.purpose,
      ...(saved.taskId ? { taskId: toPublicId('Task', saved.taskId) } : {}),
      ...(saved.planId ? { planId: toPublicId('Plan', saved.planId) } : {}),
      targetSessionId: saved.targetSessionId
        ? toPublicId('AgentSession', saved.targetSessionId)
        : null,
      ...(saved.parentRunId ? { parentRunId: toPublicId('Run', saved.parentRunId) } : {}),
      ...(saved.attempt > 1 ? { attempt: saved.attempt } : {}),
    });
    return saved;
  }

  /**
   * Appends chunks to a run's output in the caller's transaction, numbering them after the
   * last; published after commit. (Lease checks are the dispatcher's, before calling this.)
   */
  async appendOutput(
    tx: Tx,
    runId: string,
    chunks: readonly OutputChunk[],
  ): Promise<RunOutputEntity[]> {
    if (chunks.length === 0) return [];
    chunks.forEach((chunk, index) => {
      if (chunk.chunk.length > MAX_CHUNK_LENGTH) {
        throw badInput(
          `chunks[${index}]`,
          `chunks[${index}] is longer than ${MAX_CHUNK_LENGTH} characters`,
        );
      }
    });
    const last = await this.runs.reserveOutput(tx.manager, runId, chunks.length);
    if (last === undefined)
      throw new DomainError(ErrorCode.NOT_FOUND, 'runId: no such run', ['runId']);
    const first = last - chunks.length + 1;
    const saved = await this.runs.insertOutput(
      tx.manager,
      chunks.map((chunk, index) =>
        Object.assign(new RunOutputEntity(), {
          runId,
          seq: first + index,
          stream: chunk.stream,
          chunk: chunk.chunk,
        }),
      ),
    );
    tx.afterCommit(async () => {
      for (const row of saved) {
        await this.pubsub
          .publish(runOutputChannel(runId), JSON.stringify({ ...row, run: undefined }))
          .catch((error: unknown) =>
            this.logger.warn({ err: error, runId }, 'output not published'),
          );
      }
    });
    return saved;
  }

  outputAfter(runId: string, after: number, first: number): Promise<RunOutputEntity[]> {
    requireSeq('after', after);
    return this.runs.outputAfter(runId, after, first);
  }

  lastOutputSeq(runId: string): Promise<number> {
    return this.runs.lastOutputSeq(runId);
  }

  /** A run's output after `after` (replayed), then live, each chunk once and in order. */
  async streamOutput(
    runId: string,
    after?: number,
  ): Promise<AsyncIterableIterator<RunOutputEntity>> {
    if (after !== undefined) {
      requireSeq('after', after);
      const last = await this.runs.lastOutputSeq(runId);
      if (after > last)
        throw badInput('after', `after is ${after}, beyond the run's last chunk (${last})`);
    }
    return new LogStream<RunOutputEntity>(
      {
        channel: runOutputChannel(runId),
        fetchAfter: (from, limit) => this.runs.outputAfter(runId, from, limit),
        lastSeq: () => this.runs.lastOutputSeq(runId),
        seqOf: (row) => row.seq,
        parse: parseChunk,
      },
      after,
      this.pubsub,
      this.logger,
    ).start();
  }
}
