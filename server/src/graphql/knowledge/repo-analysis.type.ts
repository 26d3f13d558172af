import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ContextFileKind, KnowledgeArtifactType } from '../../domain/knowledge/knowledge.entity.js';
import { JSONObject } from '../common/scalars.js';
import { UserError } from '../common/user-error.type.js';
import { RunLeaseInput } from '../dispatch/dispatch.type.js';
import { AgentRunType } from '../run/run.type.js';
import { RepoContextType } from './knowledge.type.js';

@InputType('StartRepoAnalysisInput')
export class StartRepoAnalysisInput {
  @Field(() => ID)
  projectId: string;
}

@ObjectType('StartRepoAnalysisPayload')
export class StartRepoAnalysisPayload {
  @Field(() => AgentRunType, {
    nullable: true,
    description: 'The REPO_ANALYSIS run: the new one, or the one already open.',
  })
  run: AgentRunType | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True when an analysis of the project was already queued or in flight: that run is returned and none is queued.',
  })
  alreadyQueued: boolean | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@InputType('RepoDirectoryInput', { description: 'One directory of the directory map.' })
export class RepoDirectoryInput {
  @Field({ description: 'Relative to the repository root, e.g. `server/src/` (1-500 characters).' })
  path: string;

  @Field({ description: 'What it holds (at most 500 characters).' })
  role: string;
}

@InputType('RepoContextInput')
export class RepoContextInput {
  @Field(() => String, {
    nullable: true,
    description: 'The main framework (at most 100 characters).',
  })
  framework?: string | null;

  @Field(() => [String], {
    description: 'Languages, runtimes, frameworks (at most 50, 1-100 characters each).',
  })
  techStack: string[];

  @Field({ description: 'At most 20,000 characters.' })
  architectureSummary: string;

  @Field(() => [RepoDirectoryInput], { description: 'At most 500 directories, each path once.' })
  directoryMap: RepoDirectoryInput[];
}

@InputType('ContextFileInput')
export class ContextFileInput {
  @Field(() => ContextFileKind)
  kind: ContextFileKind;

  @Field({ description: '1-200 characters; (kind, name) is the file.' })
  name: string;

  @Field({ description: 'At most 1,000,000 characters; the same content is no new version.' })
  content: string;
}

@InputType('FileReferenceInput')
export class FileReferenceInput {
  @Field({ description: 'Relative to the repository root (1-1000 characters).' })
  path: string;

  @Field(() => Int, { nullable: true })
  startLine?: number | null;

  @Field(() => Int, { nullable: true })
  endLine?: number | null;
}

@InputType('KnowledgeArtifactInput')
export class KnowledgeArtifactInput {
  @Field(() => KnowledgeArtifactType)
  type: KnowledgeArtifactType;

  @Field({ description: '1-200 characters.' })
  name: string;

  @Field(() => String, { nullable: true })
  language?: string | null;

  @Field(() => String, { nullable: true })
  framework?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 10,000 characters.' })
  summary?: string | null;

  @Field(() => [FileReferenceInput], {
    description: 'Where it lives (at most 100); the first path is part of its identity.',
  })
  files: FileReferenceInput[];

  @Field(() => JSONObject, { nullable: true, description: 'At most 10,000 characters of JSON.' })
  structure?: Record<string, unknown> | null;
}

@InputType('PostRepoAnalysisInput')
export class PostRepoAnalysisInput extends RunLeaseInput {
  @Field(() => RepoContextInput)
  repoContext: RepoContextInput;

  @Field(() => [ContextFileInput], { description: 'At most 20.' })
  contextFiles: ContextFileInput[];

  @Field(() => [KnowledgeArtifactInput], {
    description:
      'Every artifact the analysis found (at most 1000): analysed artifacts not listed are removed (PATTERN ones only with replacesPatterns).',
  })
  artifacts: KnowledgeArtifactInput[];

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      "Whether this post's PATTERN artifacts are the whole set: true when an AI read the code for patterns (even if it found none), so analysed patterns it does not list are removed. False (the default): a static analysis cannot see patterns, and an earlier analysis's are kept.",
  })
  replacesPatterns?: boolean | null;
}

@ObjectType('PostRepoAnalysisPayload')
export class PostRepoAnalysisPayload {
  @Field(() => RepoContextType, { nullable: true })
  repoContext: RepoContextType | null;

  @Field(() => Boolean, { nullable: true })
  repoContextChanged: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Context files with a new version.' })
  contextFilesChanged: number | null;

  @Field(() => Int, { nullable: true, description: 'Context files whose content was the same.' })
  contextFilesUnchanged: number | null;

  @Field(() => Int, { nullable: true })
  artifactsCreated: number | null;

  @Field(() => Int, { nullable: true })
  artifactsUpdated: number | null;

  @Field(() => Int, { nullable: true })
  artifactsUnchanged: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Artifacts an earlier analysis wrote that this one no longer found.',
  })
  artifactsRemoved: number | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
