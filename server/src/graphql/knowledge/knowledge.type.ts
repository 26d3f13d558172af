import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toPublicId } from '../../domain/common/public-id.js';
import type { Embedder } from '../../domain/knowledge/embedder.js';
import type { KnowledgeHit } from '../../domain/knowledge/knowledge.service.js';
import { RRF_K } from '../../domain/knowledge/knowledge-search.js';
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

@ObjectType('KnowledgeHit', {
  description: `A knowledgeSearch result. score is reciprocal rank fusion: Σ 1/(${RRF_K} + rank) over the vector and full-text rankings the artifact appears in.`,
})
export class KnowledgeHitType {
  @Field(() => KnowledgeArtifactGraphType)
  artifact: KnowledgeArtifactGraphType;

  @Field(() => Float, { description: 'The fused score; higher is better.' })
  score: number;

  @Field(() => Int, {
    nullable: true,
    description:
      "1-based rank among the nearest vectors by cosine distance (the current embedder's); null when not among them.",
  })
  vectorRank: number | null;

  @Field(() => Int, {
    nullable: true,
    description: '1-based rank by full-text relevance (ts_rank); null when no query word matched.',
  })
  textRank: number | null;

  static from(hit: KnowledgeHit): KnowledgeHitType {
    return Object.assign(new KnowledgeHitType(), {
      artifact: KnowledgeArtifactGraphType.from(hit.artifact),
      score: hit.score,
      vectorRank: hit.vectorRank,
      textRank: hit.textRank,
    });
  }
}

@ObjectType('KnowledgeEmbedder', {
  description: 'What embeds knowledge artifacts and search queries on this Studio.',
})
export class KnowledgeEmbedderType {
  @Field({
    description:
      'The label stored with each vector (KnowledgeArtifact.embeddingModel), e.g. local-lexical-v1.',
  })
  model: string;

  @Field(() => Int)
  dimensions: number;

  @Field({
    description:
      'True for the built-in lexical embedder: it matches words and identifier parts, not meaning. False for an OpenAI-compatible embeddings endpoint.',
  })
  local: boolean;

  @Field()
  description: string;

  static from(embedder: Embedder): KnowledgeEmbedderType {
    return Object.assign(new KnowledgeEmbedderType(), {
      model: embedder.model,
      dimensions: embedder.dimensions,
      local: embedder.local,
      description: embedder.local
        ? 'Built-in local lexical embedder: feature hashing of words, word pairs and character 3-grams (not semantic).'
        : `An OpenAI-compatible embeddings endpoint (model ${embedder.model}, ${embedder.dimensions} dimensions).`,
    });
  }
}
