import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ProjectEntity } from '../project/project.entity.js';
import { PlanStatus } from './plan-lifecycle.js';

/** A goal turned into phases and tasks, released to the base branch as one unit. */
@Entity('plan')
@Index('plan_project_idx', ['projectId', 'id'])
export class PlanEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  description: string;

  @Column({ type: 'enum', enum: PlanStatus, enumName: 'plan_status', default: PlanStatus.DRAFT })
  status: PlanStatus;

  /** The pinned epic branch, `epic/<slug>-<6 random>`, set on activation. */
  @Column('text', { nullable: true })
  branch: string | null;

  @Column('timestamptz', { nullable: true })
  epicBootstrappedAt: Date | null;

  /** When the release landed on the base branch (the plan became COMPLETED). */
  @Column('timestamptz', { nullable: true })
  releasedAt: Date | null;

  /** What the release delivered (ReleaseSummary): tasks, verdicts, revisions, tokens, time. */
  @Column('jsonb', { nullable: true })
  releaseSummary: Record<string, unknown> | null;

  /** A release through a pull request: when it was asked for (every task resolved). */
  @Column('timestamptz', { nullable: true })
  releaseRequestedAt: Date | null;

  /** The release pull (merge) request, once opened. */
  @Column('text', { nullable: true })
  releasePrUrl: string | null;

  /** Why the release pull request could not be opened yet (retried every 15 s). */
  @Column('text', { nullable: true })
  releaseError: string | null;

  /** The planner's proposal while the plan is drafted. */
  @Column('jsonb', { nullable: true })
  proposedPlan: Record<string, unknown> | null;

  @Column('timestamptz')
  statusChangedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** The planning conversation of a plan (one per plan). */
@Entity('plan_conversation')
export class PlanConversationEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Unique: the one-to-one join makes it so. */
  @Column('uuid')
  planId: string;

  @OneToOne(() => PlanEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: PlanEntity;

  /**
   * While the model answers on some replica: until when that answer holds the conversation
   * (renewed with each batch, cleared when it ends); a time past means the replica stopped.
   */
  @Column('timestamptz', { nullable: true })
  answeringUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export enum PlanMessageKind {
  PROPOSAL = 'PROPOSAL',
  QUESTION = 'QUESTION',
  FOLLOW_UP = 'FOLLOW_UP',
  CLARIFICATION = 'CLARIFICATION',
}

export enum PlanMessageAuthor {
  USER = 'USER',
  PLANNER = 'PLANNER',
  SYSTEM = 'SYSTEM',
}

/** One message of a planning conversation, in order of id. */
@Entity('plan_message')
@Index('plan_message_conversation_idx', ['conversationId', 'id'])
export class PlanMessageEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  conversationId: string;

  @ManyToOne(() => PlanConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: PlanConversationEntity;

  @Column({ type: 'enum', enum: PlanMessageKind, enumName: 'plan_message_kind' })
  kind: PlanMessageKind;

  @Column({ type: 'enum', enum: PlanMessageAuthor, enumName: 'plan_message_author' })
  author: PlanMessageAuthor;

  @Column('text')
  body: string;

  /** The structured proposal a PROPOSAL message carries. */
  @Column('jsonb', { nullable: true })
  proposal: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** An ordered stage of a plan. */
@Entity('phase')
@Index('phase_plan_position_idx', ['planId', 'position'])
export class PhaseEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  planId: string;

  @ManyToOne(() => PlanEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: PlanEntity;

  @Column('text')
  name: string;

  /** The key the proposal it came from gave it (re-planning matches by it); null if none. */
  @Column('text', { nullable: true })
  key: string | null;

  @Column('text', { default: '' })
  description: string;

  /** 0, 1, 2, … within the plan. */
  @Column('int')
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
