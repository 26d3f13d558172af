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
import { MemberRole } from '../access/permissions.js';
import { WorkspaceEntity } from '../workspace/workspace.entity.js';
import { UserEntity } from './user.entity.js';

/**
 * What a member sees: every project of the workspace, or only the projects they hold a
 * project membership of (members who joined through a project invite).
 */
export enum MemberScope {
  WORKSPACE = 'WORKSPACE',
  PROJECTS = 'PROJECTS',
}

/** A user's membership of a workspace, with their role. */
@Entity('member')
@Index('member_workspace_user_key', ['workspaceId', 'userId'], { unique: true })
export class MemberEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  workspaceId: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: WorkspaceEntity;

  @Index('member_user_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role' })
  role: MemberRole;

  @Column({
    type: 'enum',
    enum: MemberScope,
    enumName: 'member_scope',
    default: MemberScope.WORKSPACE,
  })
  scope: MemberScope;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
