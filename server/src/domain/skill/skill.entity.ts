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
import { MemberEntity } from '../user/member.entity.js';
import { WorkspaceEntity } from '../workspace/workspace.entity.js';

/** A workspace-scoped skill that tasks require and members and sessions hold. */
@Entity('skill')
@Index('skill_workspace_slug_key', ['workspaceId', 'slug'], { unique: true })
export class SkillEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  workspaceId: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: WorkspaceEntity;

  @Column('text')
  slug: string;

  @Column('text')
  name: string;

  /** `#rrggbb`. */
  @Column('text')
  color: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** How well a member knows a skill, 1 (beginner) to 5 (expert). */
@Entity('member_skill')
@Check('member_skill_proficiency_check', '"proficiency" BETWEEN 1 AND 5')
export class MemberSkillEntity {
  @PrimaryColumn('uuid')
  memberId: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id' })
  member?: MemberEntity;

  @Index('member_skill_skill_idx')
  @PrimaryColumn('uuid')
  skillId: string;

  @ManyToOne(() => SkillEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'skill_id' })
  skill?: SkillEntity;

  @Column('smallint')
  proficiency: number;
}
