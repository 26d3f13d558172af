import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { ApiTokenScope } from '../access/api-token-scope.js';
import { MemberRole } from '../access/permissions.js';

export { ApiTokenScope };
import { ProjectEntity } from '../project/project.entity.js';
import { UserEntity } from '../user/user.entity.js';
import { WorkspaceEntity } from '../workspace/workspace.entity.js';

/**
 * One refresh token. Every refresh rotates: the presented token is marked `rotatedAt` and a new
 * one of the same family is issued. Presenting a rotated token again revokes the whole family.
 * Only the SHA-256 of the token is stored.
 */
@Entity('refresh_token')
export class RefreshTokenEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The sign-in this token descends from; revoking it signs that session out everywhere. */
  @Index('refresh_token_family_idx')
  @Column('uuid')
  familyId: string;

  @Index('refresh_token_user_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('text', { unique: true })
  tokenHash: string;

  /** `browser`, `api` or `cli`. */
  @Column('text')
  client: string;

  @Column('text', { nullable: true })
  machineId: string | null;

  @Column('text', { nullable: true })
  machineName: string | null;

  @Column('text', { nullable: true })
  address: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  rotatedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  /** `logout`, `reuse` or `password_changed`. */
  @Column('text', { nullable: true })
  revokedReason: string | null;
}

/** A named credential for a bot or integration, bound to a workspace or one project. */
@Entity('api_token')
@Index('api_token_workspace_idx', ['workspaceId', 'id'])
export class ApiTokenEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  workspaceId: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: WorkspaceEntity;

  @Column('uuid', { nullable: true })
  projectId: string | null;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column('text')
  name: string;

  @Column({ type: 'enum', enum: ApiTokenScope, enumName: 'api_token_scope', array: true })
  scopes: ApiTokenScope[];

  @Column('text', { unique: true })
  tokenHash: string;

  /** The first characters of the token, so people can tell tokens apart (`mtk_AbC12…`). */
  @Column('text')
  prefix: string;

  @Column('uuid')
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}

export enum InviteKind {
  WORKSPACE = 'WORKSPACE',
  PROJECT = 'PROJECT',
  CLI = 'CLI',
}

/**
 * An invitation. Workspace and project invites carry a role and an opaque token (stored
 * hashed); a CLI invite is a one-time JWT whose `jti` is this row's id. Each works once.
 */
@Entity('invite')
@Index('invite_workspace_idx', ['workspaceId', 'id'])
export class InviteEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'enum', enum: InviteKind, enumName: 'invite_kind' })
  kind: InviteKind;

  @Column('uuid')
  workspaceId: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: WorkspaceEntity;

  @Column('uuid', { nullable: true })
  projectId: string | null;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role', nullable: true })
  role: MemberRole | null;

  /** When set, only the account with this (lower-case) email may accept. */
  @Column('text', { nullable: true })
  email: string | null;

  /** Null for CLI invites, which are verified as JWTs. */
  @Column('text', { unique: true, nullable: true })
  tokenHash: string | null;

  @Column('uuid')
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  redeemedAt: Date | null;

  @Column('uuid', { nullable: true })
  redeemedById: string | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}

/** Failed sign-ins counted per key (`account:<email>` or `address:<ip>`), in a window. */
@Entity('login_throttle')
export class LoginThrottleEntity {
  @PrimaryColumn('text')
  key: string;

  @Column('integer')
  failures: number;

  @Column('timestamptz')
  windowStartedAt: Date;

  @Column('timestamptz', { nullable: true })
  lockedUntil: Date | null;
}

/** A one-time first-run setup token (hashed); all are deleted when the first user exists. */
@Entity('setup_token')
export class SetupTokenEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { unique: true })
  tokenHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
