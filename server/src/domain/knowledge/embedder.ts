import type { EMBEDDING_DIMENSIONS } from './knowledge.entity.js';
import { LocalLexicalEmbedder } from './lexical-embedder.js';
import { OpenAICompatibleEmbedder, type OpenAICompatibleOptions } from './openai-embedder.js';

/**
 * Turns texts into vectors of EMBEDDING_DIMENSIONS numbers, compared by cosine distance. Every
 * stored vector is labelled with the `model` that made it (KnowledgeArtifact.embeddingModel):
 * vectors of different models live in different spaces and are never compared.
 */
export interface Embedder {
  /** What produced the vectors, e.g. `local-lexical-v1` or `text-embedding-3-small`. */
  readonly model: string;
  readonly dimensions: typeof EMBEDDING_DIMENSIONS;
  /** True for the built-in lexical embedder (word and character n-grams, no meaning). */
  readonly local: boolean;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** What is embedded for an artifact: its name, summary, language, framework and structure keys. */
export function artifactText(artifact: {
  readonly name: string;
  readonly summary: string;
  readonly language: string | null;
  readonly framework: string | null;
  readonly structure: Record<string, unknown> | null;
}): string {
  const structureKeys =
    artifact.structure &&
    typeof artifact.structure === 'object' &&
    !Array.isArray(artifact.structure)
      ? Object.keys(artifact.structure)
      : [];
  return [
    artifact.name,
    artifact.summary,
    [artifact.language, artifact.framework].filter(Boolean).join(' '),
    structureKeys.join(' '),
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** True when every component is 0 (the vector of a text with no words): it has no direction. */
export function isZeroVector(vector: readonly number[]): boolean {
  return vector.every((value) => value === 0);
}

/**
 * The embedder a Studio uses: the OpenAI-compatible endpoint when one is configured
 * (MAESTRO_EMBEDDINGS_URL), else the built-in local lexical embedder.
 */
export function createEmbedder(remote: OpenAICompatibleOptions | undefined): Embedder {
  return remote ? new OpenAICompatibleEmbedder(remote) : new LocalLexicalEmbedder();
}
