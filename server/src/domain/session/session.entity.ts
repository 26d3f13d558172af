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
import { ProjectEntity } from '../project/project.entity.js';
import { SkillEntity } from '../skill/skill.entity.js';
import { MemberEntity } from '../user/member.entity.js';

export enum SessionRole {
  /** Orchestrates: may request a team, spawns and reaps workers, runs the release. */
  LEAD = 'LEAD',
  /** Executes dispatched or delegated runs. */
  WORKER = 'WORKER',
}

/** A lead and its workers, sharing one channel. */
@Entity('team')
export class TeamEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('team_project_idx')
  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  /** A lead has at most one team; allocating again changes its counts. */
  @Index('team_lead_idx', { unique: true })
  @Column('uuid')
  leadSessionId: string;

  /** The shared channel name, e.g. `private-team.<id>`. */
  @Column('text')
  channel: string;

  /** Workers the team holds in all: devWorkers + reviewWorkers + testWorkers. */
  @Column('int')
  workerCount: number;

  @Column('int', { default: 0 })
  devWorkers: number;

  @Column('int', { default: 0 })
  reviewWorkers: number;

  @Column('int', { default: 0 })
  testWorkers: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** One daemon connection to a project: a lead or a worker, with the skills it offers. */
@Entity('agent_session')
@Index('agent_session_project_idx', ['projectId', 'endedAt'])
export class AgentSessionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  /** The member who runs the daemon (null for the local operator's). */
  @Column('uuid', { nullable: true })
  memberId: string | null;

  @ManyToOne(() => MemberEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'member_id' })
  member?: MemberEntity | null;

  /** The bot name shown in reports. */
  @Column('text')
  name: string;

  @Column({ type: 'enum', enum: SessionRole, enumName: 'session_role' })
  role: SessionRole;

  /** The daemon machine's stable id. */
  @Column('text')
  machineId: string;

  /** The agent provider it runs (claude, codex, gemini, aider, openai, manual, command). */
  @Column('text', { nullable: true })
  provider: string | null;

  @Column('uuid', { nullable: true })
  teamId: string | null;

  @ManyToOne(() => TeamEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'team_id' })
  team?: TeamEntity | null;

  /** Ended (not kept) when its daemon disconnects. */
  @Column('boolean', { default: false })
  ephemeral: boolean;

  @Column('timestamptz')
  lastHeartbeatAt: Date;

  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A skill a session offers, at a proficiency 1–5. */
@Entity('session_skill')
@Check('session_skill_proficiency_check', '"proficiency" BETWEEN 1 AND 5')
export class SessionSkillEntity {
  @PrimaryColumn('uuid')
  sessionId: string;

  @ManyToOne(() => AgentSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: AgentSessionEntity;

  @Index('session_skill_skill_idx')
  @PrimaryColumn('uuid')
  skillId: string;

  @ManyToOne(() => SkillEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'skill_id' })
  skill?: SkillEntity;

  @Column('smallint')
  proficiency: number;
}
