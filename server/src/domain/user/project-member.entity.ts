import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { MemberRole } from '../access/permissions.js';
import { ProjectEntity } from '../project/project.entity.js';
import { MemberEntity } from './member.entity.js';

/**
 * A member's role on one project. It replaces their workspace role inside that project (owners
 * and admins keep theirs), and it is how members whose scope is PROJECTS see anything at all.
 */
@Entity('project_member')
@Index('project_member_project_member_key', ['projectId', 'memberId'], { unique: true })
export class ProjectMemberEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Index('project_member_member_idx')
  @Column('uuid')
  memberId: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id' })
  member?: MemberEntity;

  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role' })
  role: MemberRole;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
