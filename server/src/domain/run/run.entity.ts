import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { PlanEntity } from '../plan/plan.entity.js';
import { ProjectEntity } from '../project/project.entity.js';
import { AgentSessionEntity } from '../session/session.entity.js';
import { TaskEntity } from '../task/task.entity.js';
import { ModelTier, RunPurpose, RunStatus } from './run.types.js';

/** Why a run went to whom: the candidates considered, their scores, why the winner won. */
export interface DispatchReason {
  readonly rule: string;
  readonly candidates: ReadonlyArray<{
    readonly sessionId: string;
    readonly name: string;
    readonly eligible: boolean;
    readonly score: number | null;
    readonly note: string;
  }>;
  readonly winner: string | null;
  readonly explanation: string;
}

/** One unit of agent (or deterministic) work, leased to one session at a time. */
@Entity('agent_run')
@Index('agent_run_queue_idx', ['projectId', 'status', 'targetSessionId'])
// The claim's scan: queued runs of a project in queue order, so LIMIT 1 stops at the first.
// The reaper's scan: held runs by lease expiry.
@Index('agent_run_lease_idx', ['leaseExpiresAt'], { where: "status IN ('CLAIMED', 'RUNNING')" })
@Index('agent_run_queued_idx', ['projectId', 'targetSessionId', 'queuedAt', 'id'], {
  where: "status = 'QUEUED'",
})
// The untargeted half of the claim: open runs of a project in queue order.
@Index('agent_run_open_idx', ['projectId', 'queuedAt', 'id'], {
  where: "status = 'QUEUED' AND target_session_id IS NULL",
})
@Index('agent_run_task_idx', ['taskId', 'id'])
@Index('agent_run_session_idx', ['sessionId', 'id'])
export class AgentRunEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column('uuid', { nullable: true })
  planId: string | null;

  @ManyToOne(() => PlanEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: PlanEntity | null;

  @Column('uuid', { nullable: true })
  taskId: string | null;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: TaskEntity | null;

  @Column({ type: 'enum', enum: RunPurpose, enumName: 'run_purpose' })
  purpose: RunPurpose;

  @Column({ type: 'enum', enum: RunStatus, enumName: 'run_status', default: RunStatus.QUEUED })
  status: RunStatus;

  @Column({ type: 'enum', enum: ModelTier, enumName: 'model_tier' })
  tier: ModelTier;

  /** 1 for the first try; +1 each time an expired lease sends it back to the queue. */
  @Column('int', { default: 1 })
  attempt: number;

  /** The fencing token: incremented by every claim; later calls must carry it. */
  @Column('int', { default: 0 })
  leaseVersion: number;

  @Column('timestamptz', { nullable: true })
  leaseExpiresAt: Date | null;

  /** The session holding (or last holding) the lease. */
  @Column('uuid', { nullable: true })
  sessionId: string | null;

  @ManyToOne(() => AgentSessionEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'session_id' })
  session?: AgentSessionEntity | null;

  /** The session the dispatcher chose; null lets any eligible session claim it. */
  @Column('uuid', { nullable: true })
  targetSessionId: string | null;

  @ManyToOne(() => AgentSessionEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'target_session_id' })
  targetSession?: AgentSessionEntity | null;

  @Column('jsonb', { nullable: true })
  dispatchReason: DispatchReason | null;

  /**
   * What the run was handed beyond its task: a lead's delegation packet (delegateRun), or the
   * subtask directive a REFINE run re-plans from (postSubtask).
   */
  @Column('jsonb', { nullable: true })
  instructions: Record<string, unknown> | null;

  /** The lead's run this one was delegated from (delegateRun); null for dispatched runs. */
  @Index('agent_run_parent_idx', { where: 'parent_run_id IS NOT NULL' })
  @Column('uuid', { nullable: true })
  parentRunId: string | null;

  @ManyToOne(() => AgentRunEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_run_id' })
  parentRun?: AgentRunEntity | null;

  /** A person did the work (the daemon's manual provider): no automatic review follows. */
  @Column('boolean', { default: false })
  attended: boolean;

  /** The files a MERGE run found in conflict (null for any other outcome). */
  @Column('jsonb', { nullable: true })
  conflictFiles: string[] | null;

  @Column('text', { nullable: true })
  model: string | null;

  @Column('int', { default: 0 })
  tokensIn: number;

  @Column('int', { default: 0 })
  tokensOut: number;

  @Column('numeric', {
    precision: 12,
    scale: 6,
    default: 0,
    transformer: { to: (value: number) => value, from: (value: string) => Number(value) },
  })
  costUsd: number;

  /** The last output chunk's sequence number (0 before any output). */
  @Column('int', { default: 0 })
  outputSeq: number;

  @Column('timestamptz')
  queuedAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  /** When a PAUSED run (e.g. a provider rate limit) goes back to the queue. */
  @Column('timestamptz', { nullable: true })
  resumeAt: Date | null;

  @Column('int', { nullable: true })
  exitCode: number | null;

  @Column('text', { nullable: true })
  exitReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export enum OutputStream {
  STDOUT = 'STDOUT',
  STDERR = 'STDERR',
  /** Lines the daemon adds itself (git steps, provider start and exit). */
  SYSTEM = 'SYSTEM',
}

/** One chunk of a run's output; `seq` counts 1, 2, 3, … per run. */
@Entity('run_output')
export class RunOutputEntity {
  @PrimaryColumn('uuid')
  runId: string;

  @ManyToOne(() => AgentRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: AgentRunEntity;

  @PrimaryColumn('int')
  seq: number;

  @Column({ type: 'enum', enum: OutputStream, enumName: 'output_stream' })
  stream: OutputStream;

  @Column('text')
  chunk: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
