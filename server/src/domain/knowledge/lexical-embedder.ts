import type { Embedder } from './embedder.js';
import { EMBEDDING_DIMENSIONS } from './knowledge.entity.js';

/**
 * The label of the vectors below. Any change to what they contain (tokens, weights, hash) must
 * bump it: the re-embed job then recomputes every stored vector.
 */
export const LOCAL_LEXICAL_MODEL = 'local-lexical-v1';

/** How much each kind of feature counts before sublinear tf weighting. */
const WEIGHT = { word: 1, bigram: 0.8, trigram: 0.3 } as const;

/**
 * English function words (a list like NLTK's, shortened): they say nothing about code and,
 * being in most summaries, would make every vector resemble every other. Dropped, never hashed.
 */
const STOPWORDS = new Set(
  (
    'a about after again all also an and any are as at be been before being both but by can ' +
    'could did do does doing down during each few for from further had has have having he her ' +
    'here him his how i if in into is it its itself just me more most my no nor not now of off ' +
    'on once only or other our out over own same she should so some such than that the their ' +
    'them then there these they this those through to too under until up very was we were what ' +
    'when where which while who whom why will with would you your'
  ).split(' '),
);

/** An identifier or word: letters, digits and underscores. */
const IDENTIFIER = /[\p{L}\p{N}_]+/gu;
/** Where camelCase and PascalCase words meet: `parse|Proposal`, `HTTP|Server`, `v2|Api`. */
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/**
 * The words of a text, lower-cased, with identifiers split into their parts: `parseProposal`,
 * `parse_proposal` and `ParseProposal` all give `parse`, `proposal`. `joined` lists the whole
 * identifiers of more than one part (`parseproposal`), so the unsplit spelling matches too.
 */
export function words(text: string): { parts: string[]; joined: string[] } {
  const parts: string[] = [];
  const joined: string[] = [];
  for (const match of text.normalize('NFKC').matchAll(IDENTIFIER)) {
    const pieces = match[0]
      .split('_')
      .flatMap((segment) => segment.split(CAMEL_BOUNDARY))
      .map((piece) => piece.toLowerCase())
      .filter((piece) => piece !== '');
    if (pieces.length > 1) joined.push(pieces.join(''));
    for (const piece of pieces) if (!STOPWORDS.has(piece)) parts.push(piece);
  }
  return { parts, joined };
}

/** 32-bit FNV-1a over UTF-16 code units, finished with murmur3's fmix32 for better low bits. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A second, independent hash decides a feature's sign, so collisions cancel out on average. */
const SIGN_SEED = 0x9747b28c;

/**
 * The built-in embedder: deterministic feature hashing of word unigrams and bigrams and
 * character 3-grams into EMBEDDING_DIMENSIONS signed buckets, with sublinear term frequency
 * (1 + ln tf) and L2 normalization. It needs nothing outside the process and is lexical, not
 * semantic: `parse proposal` finds `parseProposal` and `ProposalParser`, but `read config`
 * does not find `loadSettings`. A text without words is the zero vector.
 */
export class LocalLexicalEmbedder implements Embedder {
  readonly model = LOCAL_LEXICAL_MODEL;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  readonly local = true;

  embed(texts: readonly string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((text) => this.embedOne(text)));
  }

  embedOne(text: string): number[] {
    const counts = new Map<string, { weight: number; count: number }>();
    const add = (feature: string, weight: number) => {
      const entry = counts.get(feature);
      if (entry) entry.count++;
      else counts.set(feature, { weight, count: 1 });
    };
    const { parts, joined } = words(text);
    for (const word of parts) {
      add(`w:${word}`, WEIGHT.word);
      const padded = `^${word}$`;
      for (let i = 0; i + 3 <= padded.length; i++)
        add(`c:${padded.slice(i, i + 3)}`, WEIGHT.trigram);
    }
    for (const word of joined) add(`w:${word}`, WEIGHT.word);
    for (let i = 0; i + 1 < parts.length; i++) add(`b:${parts[i]} ${parts[i + 1]}`, WEIGHT.bigram);

    const vector = new Float64Array(EMBEDDING_DIMENSIONS);
    for (const [feature, { weight, count }] of counts) {
      const bucket = hash32(feature) % EMBEDDING_DIMENSIONS;
      const sign = hash32(feature, SIGN_SEED) & 1 ? -1 : 1;
      vector[bucket] = (vector[bucket] as number) + sign * weight * (1 + Math.log(count));
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm);
    return Array.from(vector, (value) => (norm === 0 ? 0 : value / norm));
  }
}
