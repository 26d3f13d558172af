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
import { WorkspaceEntity } from '../workspace/workspace.entity.js';

/** The dimension of stored embeddings (the local lexical embedder's, and what remote models are asked for). */
export const EMBEDDING_DIMENSIONS = 384;

/** What repository analysis learned about a project as a whole. */
@Entity('repo_context')
export class RepoContextEntity {
  @PrimaryColumn('uuid')
  projectId: string;

  @OneToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column('text', { nullable: true })
  framework: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  techStack: string[];

  @Column('text', { default: '' })
  architectureSummary: string;

  /** Directory → what it holds. */
  @Column('jsonb', { default: () => "'{}'" })
  directoryMap: Record<string, string>;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export enum ContextFileKind {
  CODEBASE = 'CODEBASE',
  WORKFLOW = 'WORKFLOW',
  NOTES = 'NOTES',
}

/** A versioned context document of a project; the previous content is kept as a version. */
@Entity('project_context_file')
@Index('project_context_file_key', ['projectId', 'kind', 'name'], { unique: true })
export class ProjectContextFileEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'enum', enum: ContextFileKind, enumName: 'context_file_kind' })
  kind: ContextFileKind;

  @Column('text')
  name: string;

  @Column('text')
  content: string;

  /** 1 for the first content; +1 per change. */
  @Column('int')
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A past content of a context file. */
@Entity('project_context_file_version')
@Index('project_context_file_version_key', ['fileId', 'version'], { unique: true })
export class ProjectContextFileVersionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  fileId: string;

  @ManyToOne(() => ProjectContextFileEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'file_id' })
  file?: ProjectContextFileEntity;

  @Column('int')
  version: number;

  @Column('text')
  content: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export enum KnowledgeArtifactType {
  FUNCTION = 'FUNCTION',
  HELPER = 'HELPER',
  SERVICE = 'SERVICE',
  COMPONENT = 'COMPONENT',
  WIDGET = 'WIDGET',
  MODULE = 'MODULE',
  INTERFACE = 'INTERFACE',
  PATTERN = 'PATTERN',
}

/** Reusable code an agent should extend rather than rewrite, found by analysis. */
@Entity('knowledge_artifact')
@Index('knowledge_artifact_project_idx', ['projectId', 'type'])
// Vectors of another model than the current embedder's, for the re-embed job.
@Index('knowledge_artifact_model_idx', ['embeddingModel'])
// HNSW (cosine) on `embedding`, GIN on `search_document`, and (project, lower(language)) and
// (project, lower(framework)) for search's filters: TypeORM cannot describe them, so they live
// in the migration (1795260000008-knowledge-search) alone.
@Index('knowledge_artifact_embedding_idx', { synchronize: false })
@Index('knowledge_artifact_search_idx', { synchronize: false })
@Index('knowledge_artifact_language_idx', { synchronize: false })
@Index('knowledge_artifact_framework_idx', { synchronize: false })
export class KnowledgeArtifactEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  workspaceId: string;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: WorkspaceEntity;

  @Column('uuid')
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'enum', enum: KnowledgeArtifactType, enumName: 'knowledge_artifact_type' })
  type: KnowledgeArtifactType;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  language: string | null;

  @Column('text', { nullable: true })
  framework: string | null;

  @Column('text', { default: '' })
  summary: string;

  /** Files (and line ranges) where it lives. */
  @Column('jsonb', { default: () => "'[]'" })
  fileRefs: Array<{ path: string; startLine?: number; endLine?: number }>;

  @Column('jsonb', { nullable: true })
  structure: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  sourceMeta: Record<string, unknown> | null;

  /**
   * Not loaded by reads (`select: false`): nothing outside search needs the 384 numbers, and
   * reading them means fetching the vector out of line and parsing its text form (a knowledge
   * search loads its hits in 0.8 ms rather than 2.1 ms). Writes still set it.
   */
  @Column('vector', { length: EMBEDDING_DIMENSIONS, nullable: true, select: false })
  embedding?: number[] | null;

  /** Which embedder produced `embedding` (e.g. `local-lexical-v1`). */
  @Column('text', { nullable: true })
  embeddingModel: string | null;

  /**
   * The full-text half of knowledge search: name, summary, language and framework, weighted,
   * under the `simple` configuration. A trigger writes it; the application never does.
   */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  searchDocument?: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
