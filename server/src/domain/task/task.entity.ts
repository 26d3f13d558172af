import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { PhaseEntity, PlanEntity } from '../plan/plan.entity.js';
import { ProjectEntity } from '../project/project.entity.js';
import { SkillEntity } from '../skill/skill.entity.js';
import { MemberEntity } from '../user/member.entity.js';
import { TaskPriority, TaskStatus, TaskType } from './task-lifecycle.js';

/** A unit of work in a plan's phase; tasks nest (`parent`) and depend on tasks (a DAG). */
@Entity('task')
@Index('task_phase_position_idx', ['phaseId', 'position'])
@Index('task_project_status_idx', ['projectId', 'status'])
@Check('task_required_proficiency_check', '"required_proficiency" BETWEEN 1 AND 5')
export class TaskEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The plan's project, kept here for filtering, events and access checks. */
  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Index('task_plan_idx')
  @Column('uuid')
  planId: string;

  @ManyToOne(() => PlanEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: PlanEntity;

  @Column('uuid')
  phaseId: string;

  @ManyToOne(() => PhaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'phase_id' })
  phase?: PhaseEntity;

  @Index('task_parent_idx')
  @Column('uuid', { nullable: true })
  parentTaskId: string | null;

  @ManyToOne(() => TaskEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_task_id' })
  parentTask?: TaskEntity | null;

  @Column('text')
  title: string;

  /** The key the proposal it came from gave it (re-planning matches by it); null if none. */
  @Column('text', { nullable: true })
  key: string | null;

  @Column('text', { default: '' })
  description: string;

  @Column({ type: 'enum', enum: TaskStatus, enumName: 'task_status', default: TaskStatus.DRAFT })
  status: TaskStatus;

  @Column({
    type: 'enum',
    enum: TaskPriority,
    enumName: 'task_priority',
    default: TaskPriority.MEDIUM,
  })
  priority: TaskPriority;

  @Column({ type: 'enum', enum: TaskType, enumName: 'task_type', default: TaskType.FEATURE })
  type: TaskType;

  @Column('smallint', { default: 3 })
  requiredProficiency: number;

  @Column('int', { nullable: true })
  estimateMinutes: number | null;

  @Column('int', { nullable: true })
  actualMinutes: number | null;

  @Column('boolean', { default: true })
  canRunParallel: boolean;

  @Column('boolean', { default: false })
  splittable: boolean;

  @Column('text', { nullable: true })
  branchName: string | null;

  @Column('text', { nullable: true })
  prUrl: string | null;

  @Index('task_assignee_idx')
  @Column('uuid', { nullable: true })
  assigneeMemberId: string | null;

  @ManyToOne(() => MemberEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'assignee_member_id' })
  assignee?: MemberEntity | null;

  /** 0, 1, 2, … within the phase. */
  @Column('int')
  position: number;

  @Column('timestamptz', { nullable: true })
  acceptedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  reviewSentAt: Date | null;

  @Column('timestamptz', { nullable: true })
  reviewApprovedAt: Date | null;

  @Column('int', { default: 0 })
  revisionCount: number;

  @Column('timestamptz')
  statusChangedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A skill a task needs (at the task's requiredProficiency). */
@Entity('task_skill')
export class TaskSkillEntity {
  @PrimaryColumn('uuid')
  taskId: string;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: TaskEntity;

  @Index('task_skill_skill_idx')
  @PrimaryColumn('uuid')
  skillId: string;

  @ManyToOne(() => SkillEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'skill_id' })
  skill?: SkillEntity;
}

/** `taskId` cannot start before `dependsOnTaskId` is merged or completed. */
@Entity('task_dependency')
@Check('task_dependency_not_self_check', '"task_id" <> "depends_on_task_id"')
export class TaskDependencyEntity {
  @PrimaryColumn('uuid')
  taskId: string;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: TaskEntity;

  @Index('task_dependency_depends_on_idx')
  @PrimaryColumn('uuid')
  dependsOnTaskId: string;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'depends_on_task_id' })
  dependsOnTask?: TaskEntity;
}

export enum CommentAuthor {
  MEMBER = 'MEMBER',
  AGENT = 'AGENT',
  SYSTEM = 'SYSTEM',
}

/** A comment on a task: by a person, an agent, or Studio (e.g. a reviewer's rejection). */
@Entity('task_comment')
@Index('task_comment_task_idx', ['taskId', 'id'])
export class TaskCommentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  taskId: string;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: TaskEntity;

  @Column({ type: 'enum', enum: CommentAuthor, enumName: 'comment_author' })
  authorKind: CommentAuthor;

  @Column('uuid', { nullable: true })
  authorMemberId: string | null;

  @ManyToOne(() => MemberEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_member_id' })
  authorMember?: MemberEntity | null;

  @Column('text')
  body: string;

  /** A structured AI evaluation of the comment (comment-eval runs). */
  @Column('jsonb', { nullable: true })
  evaluation: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  resolution: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
