import { describe, expect, test } from '@jest/globals';
import { artifactText, isZeroVector } from './embedder.js';
import { EMBEDDING_DIMENSIONS } from './knowledge.entity.js';
import { hash32, LOCAL_LEXICAL_MODEL, LocalLexicalEmbedder, words } from './lexical-embedder.js';

const embedder = new LocalLexicalEmbedder();
const vec = (text: string) => embedder.embedOne(text);

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot; // both are unit vectors
}

function norm(a: readonly number[]): number {
  return Math.sqrt(a.reduce((sum, value) => sum + value * value, 0));
}

describe('LocalLexicalEmbedder', () => {
  test('labels itself as the local lexical model with 384 dimensions', () => {
    expect(embedder.model).toBe(LOCAL_LEXICAL_MODEL);
    expect(embedder.model).toBe('local-lexical-v1');
    expect(embedder.dimensions).toBe(384);
    expect(embedder.local).toBe(true);
  });

  test('is deterministic: the same text gives the same vector, in any batch', async () => {
    const text = 'ProposalParser: parses the planner JSON into phases and tasks';
    const [first, second] = await embedder.embed([text, 'something else']);
    const [again] = await new LocalLexicalEmbedder().embed([text]);
    expect(first).toEqual(again);
    expect(first).not.toEqual(second);
    expect(first).toHaveLength(EMBEDDING_DIMENSIONS);
  });

  test('the hash is stable across runs (pinned values), so stored vectors stay comparable', () => {
    expect(hash32('w:parse')).toBe(hash32('w:parse'));
    expect([hash32(''), hash32('a'), hash32('w:parse')]).toEqual([
      2872998923, 444641715, 2210731544,
    ]);
  });

  test('vectors are L2-normalized; a text without words is the zero vector', () => {
    for (const text of ['b', 'parseProposal', 'x '.repeat(500), 'Ünïcödé wörds 123']) {
      expect(norm(vec(text))).toBeCloseTo(1, 10);
    }
    for (const text of ['', '   ', '!!! ---', 'the and of']) {
      const zero = vec(text);
      expect(zero).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(isZeroVector(zero)).toBe(true);
    }
  });

  test('similar texts are closer than unrelated ones', () => {
    const query = vec('send an email notification to the user');
    const near = vec('EmailNotifier: sends notification emails to users');
    const far = vec('matrix multiplication kernel for the GPU');
    expect(cosine(query, near)).toBeGreaterThan(cosine(query, far) + 0.2);
    // morphology through character 3-grams: parser ~ parse
    expect(cosine(vec('parser'), vec('parse'))).toBeGreaterThan(
      cosine(vec('parser'), vec('button')),
    );
  });

  test('identifiers are split: parseProposal matches "parse proposal", in every spelling', () => {
    const query = vec('parse proposal');
    const unrelated = vec('render button');
    for (const name of ['parseProposal', 'parse_proposal', 'ParseProposal', 'PARSE_PROPOSAL']) {
      expect([name, cosine(query, vec(name)) > 0.85]).toEqual([name, true]);
      expect(cosine(query, vec(name))).toBeGreaterThan(cosine(unrelated, vec(name)) + 0.5);
    }
    // word order matters a little (bigrams), so the exact phrase wins over the reversed one
    expect(cosine(query, vec('parseProposal'))).toBeGreaterThan(
      cosine(query, vec('ProposalParse')),
    );
  });

  test('the word splitter', () => {
    expect(words('parseProposal HTTPServer snake_case_name v2Api utf8Decode')).toEqual({
      parts: [
        'parse',
        'proposal',
        'http',
        'server',
        'snake',
        'case',
        'name',
        'v2',
        'api',
        'utf8',
        'decode',
      ],
      joined: ['parseproposal', 'httpserver', 'snakecasename', 'v2api', 'utf8decode'],
    });
    expect(words('The parser of the plan').parts).toEqual(['parser', 'plan']);
    expect(words('').parts).toEqual([]);
  });

  test('artifactText holds name, summary, language, framework and structure keys', () => {
    expect(
      artifactText({
        name: 'BillingService',
        summary: 'Charges cards.',
        language: 'TypeScript',
        framework: 'NestJS',
        structure: { charge: 1, refund: 2 },
      }),
    ).toBe('BillingService\nCharges cards.\nTypeScript NestJS\ncharge refund');
    expect(
      artifactText({ name: 'x', summary: '', language: null, framework: null, structure: null }),
    ).toBe('x');
  });
});
