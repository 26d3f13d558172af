import OpenAI from 'openai';
import type { Embedder } from './embedder.js';
import { EMBEDDING_DIMENSIONS } from './knowledge.entity.js';

export interface OpenAICompatibleOptions {
  /** The API's base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as a bearer token; none for servers that want none. */
  readonly apiKey: string | undefined;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries of a failed request, by the SDK, with backoff (default 2). */
  readonly maxRetries?: number;
}

/** Texts per request: well under OpenAI's 2,048 inputs, and small enough to retry cheaply. */
const BATCH = 128;

/** The endpoint answered with something that is not one 384-number vector per text. */
export class EmbeddingsResponseError extends Error {
  override name = 'EmbeddingsResponseError';
}

/**
 * Embeddings from any OpenAI-compatible `POST {baseUrl}/embeddings` (OpenAI, Azure-style
 * proxies, Ollama, vLLM, llama.cpp, LiteLLM, …) through the `openai` SDK. It asks for 384
 * `dimensions` and for `float` encoding: the SDK would otherwise ask for base64 and decode it
 * itself, which servers that ignore `encoding_format` break. A base64 answer is decoded all the
 * same. A model that cannot shorten its vectors to 384 is an error, not a silent truncation.
 */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly dimensions = EMBEDDING_DIMENSIONS;
  readonly local = false;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: OpenAICompatibleOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // The SDK refuses to start without a key; a local server wants none, so none is sent.
      apiKey: options.apiKey ?? 'none',
      ...(options.apiKey === undefined ? { defaultHeaders: { authorization: null } } : {}),
      organization: null,
      project: null,
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
    });
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      vectors.push(...(await this.batch(texts.slice(start, start + BATCH))));
    }
    return vectors;
  }

  private async batch(texts: readonly string[]): Promise<number[][]> {
    // An empty input is refused by OpenAI; a single space embeds as "nothing".
    const input = texts.map((text) => (text.trim() === '' ? ' ' : text));
    const response = await this.client.embeddings.create({
      model: this.model,
      input,
      dimensions: EMBEDDING_DIMENSIONS,
      encoding_format: 'float',
    });
    const data = Array.isArray(response.data) ? response.data : [];
    if (data.length !== texts.length) {
      throw new EmbeddingsResponseError(
        `the embeddings endpoint returned ${data.length} vectors for ${texts.length} texts`,
      );
    }
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return ordered.map((item) => {
      const vector = decode(item.embedding);
      if (vector.length !== EMBEDDING_DIMENSIONS) {
        throw new EmbeddingsResponseError(
          `the embeddings endpoint returned vectors of ${vector.length} dimensions for ${this.model}; ` +
            `Maestro stores ${EMBEDDING_DIMENSIONS} (use a model that accepts "dimensions", e.g. text-embedding-3-small)`,
        );
      }
      return vector;
    });
  }
}

/** A float array, or base64 of little-endian float32s (what `encoding_format: base64` gives). */
function decode(embedding: unknown): number[] {
  if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
    if (!embedding.every(Number.isFinite)) {
      throw new EmbeddingsResponseError('the embeddings endpoint returned a non-finite number');
    }
    return embedding;
  }
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length % 4 !== 0) {
      throw new EmbeddingsResponseError('the embeddings endpoint returned malformed base64');
    }
    const floats: number[] = [];
    for (let offset = 0; offset < bytes.length; offset += 4) floats.push(bytes.readFloatLE(offset));
    return floats;
  }
  throw new EmbeddingsResponseError('the embeddings endpoint returned no vector');
}
