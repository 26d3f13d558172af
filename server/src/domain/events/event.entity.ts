import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { bigintAsNumber } from '../../db/transformers.js';
import { ProjectEntity } from '../project/project.entity.js';

/** One entry of a project's event log; `seq` is gap-free and ordered by commit per project. */
@Entity('event')
@Index('event_project_seq_key', ['projectId', 'seq'], { unique: true })
// partial, on payload->>'taskId': migration 1795260000013-review-verdict-index
@Index('event_review_task_idx', { synchronize: false })
export class EventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column('bigint', { transformer: bigintAsNumber })
  seq: number;

  @Column('text')
  type: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  occurredAt: Date;
}

/** The per-project sequence counter; its row lock orders concurrent appends by commit. */
@Entity('event_stream')
export class EventStreamEntity {
  @PrimaryColumn('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column('bigint', { transformer: bigintAsNumber })
  lastSeq: number;
}
