import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import {
  ContextFileKind,
  KnowledgeArtifactType,
  type KnowledgeArtifactEntity,
  type ProjectContextFileEntity,
  type ProjectContextFileVersionEntity,
  type RepoContextEntity,
} from '../../domain/knowledge/knowledge.entity.js';
import { Connection } from '../common/connection.js';
import { NodeInterface } from '../common/node.type.js';
import { JSONObject } from '../common/scalars.js';

registerEnumType(ContextFileKind, { name: 'ContextFileKind' });
registerEnumType(KnowledgeArtifactType, { name: 'KnowledgeArtifactType' });

@ObjectType('RepoContext', { description: 'What analysis learned about a repository as a whole.' })
export class RepoContextType {
  @Field(() => String, { nullable: true })
  framework: string | null;

  @Field(() => [String])
  techStack: string[];

  @Field()
  architectureSummary: string;

  @Field(() => JSONObject, { description: 'Directory → what it holds.' })
  directoryMap: Record<string, string>;

  @Field()
  updatedAt: Date;

  static from(entity: RepoContextEntity): RepoContextType {
    return Object.assign(new RepoContextType(), {
      framework: entity.framework,
      techStack: entity.techStack,
      architectureSummary: entity.architectureSummary,
      directoryMap: entity.directoryMap,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('ContextFileVersion', { description: 'A past content of a context file.' })
export class ContextFileVersionType {
  @Field(() => Int)
  version: number;

  @Field()
  content: string;

  @Field({ description: 'When this content was replaced.' })
  createdAt: Date;

  static from(entity: ProjectContextFileVersionEntity): ContextFileVersionType {
    return Object.assign(new ContextFileVersionType(), {
      version: entity.version,
      content: entity.content,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('ContextFile', {
  implements: NodeInterface,
  description: 'A versioned context document of a project.',
})
export class ContextFileType extends NodeInterface {
  @Field(() => ContextFileKind)
  kind: ContextFileKind;

  @Field()
  name: string;

  @Field()
  content: string;

  @Field(() => Int, { description: '1 for the first content; +1 per change.' })
  version: number;

  @Field()
  updatedAt: Date;

  key: string;
  projectKey: string;

  static from(entity: ProjectContextFileEntity): ContextFileType {
    return Object.assign(new ContextFileType(), {
      id: toPublicId('ContextFile', entity.id),
      key: entity.id,
      projectKey: entity.projectId,
      kind: entity.kind,
      name: entity.name,
      content: entity.content,
      version: entity.version,
      updatedAt: entity.updatedAt,
    });
  }
}

@ObjectType('KnowledgeArtifact', {
  implements: NodeInterface,
  description: 'Reusable code that agents should extend rather than rewrite.',
})
export class KnowledgeArtifactGraphType extends NodeInterface {
  @Field(() => KnowledgeArtifactType)
  type: KnowledgeArtifactType;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  language: string | null;

  @Field(() => String, { nullable: true })
  framework: string | null;

  @Field()
  summary: string;

  @Field(() => [JSONObject], {
    description: '{ path, startLine?, endLine? } for each place it lives.',
  })
  fileRefs: Array<Record<string, unknown>>;

  @Field(() => JSONObject, { nullable: true })
  structure: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description: 'The embedder of its vector, e.g. local-lexical-v1.',
  })
  embeddingModel: string | null;

  @Field()
  createdAt: Date;

  projectKey: string;

  static from(entity: KnowledgeArtifactEntity): KnowledgeArtifactGraphType {
    return Object.assign(new KnowledgeArtifactGraphType(), {
      id: toPublicId('KnowledgeArtifact', entity.id),
      projectKey: entity.projectId,
      type: entity.type,
      name: entity.name,
      language: entity.language,
      framework: entity.framework,
      summary: entity.summary,
      fileRefs: entity.fileRefs,
      structure: entity.structure,
      embeddingModel: entity.embeddingModel,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('KnowledgeArtifactConnection')
export class KnowledgeArtifactConnection extends Connection(
  KnowledgeArtifactGraphType,
  'KnowledgeArtifact',
) {}

@InputType('KnowledgeFilter')
export class KnowledgeFilterInput {
  @Field(() => [KnowledgeArtifactType], { nullable: true })
  type?: KnowledgeArtifactType[] | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive.' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive.' })
  framework?: string | null;
}
