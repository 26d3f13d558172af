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
import { WorkspaceEntity } from '../workspace/workspace.entity.js';

export enum RepositoryHost {
  GITHUB = 'GITHUB',
  GITLAB = 'GITLAB',
  LOCAL = 'LOCAL',
  GENERIC = 'GENERIC',
}

export enum ReleaseMode {
  /** The release run merges the epic into the base branch with --no-ff. */
  MERGE = 'MERGE',
  /** The release run opens a pull request from the epic (e.g. the base branch is protected). */
  PULL_REQUEST = 'PULL_REQUEST',
}

@Entity('project')
@Index('project_workspace_slug_key', ['workspaceId', 'slug'], { unique: true })
@Index('project_workspace_remote_key', ['workspaceId', 'normalizedRemote'], { unique: true })
export class ProjectEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  workspaceId: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: WorkspaceEntity;

  @Column('text')
  name: string;

  @Column('text')
  slug: string;

  /** The remote as given, with any credentials removed. */
  @Column('text')
  remoteUrl: string;

  /** `<host>:<owner>/<repo>` (lower case), or `local:<absolute path>`. */
  @Column('text')
  normalizedRemote: string;

  @Column({ type: 'enum', enum: RepositoryHost, enumName: 'repository_host' })
  host: RepositoryHost;

  @Column('text')
  baseBranch: string;

  @Column({ type: 'enum', enum: ReleaseMode, enumName: 'release_mode' })
  releaseMode: ReleaseMode;

  /** The provider REVIEW runs ask for (e.g. a different one than the developers use). */
  @Column('text', { nullable: true })
  reviewerProvider: string | null;

  /** The model REVIEW runs ask for; null: the provider's EASY tier. */
  @Column('text', { nullable: true })
  reviewerModel: string | null;

  /** The host API token, sealed with MAESTRO_SECRET (SecretBox); never returned by the API. */
  @Column('text', { nullable: true })
  hostToken: string | null;

  /** The host's API base URL; null: the public service's, or the remote host's own. */
  @Column('text', { nullable: true })
  hostApiUrl: string | null;

  /** Each task's work also gets a pull request into the epic (its prUrl). */
  @Column('boolean', { default: false })
  pullRequestPerTask: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
