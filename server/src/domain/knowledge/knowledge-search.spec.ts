import { describe, expect, test } from '@jest/globals';
import { KnowledgeArtifactType } from './knowledge.entity.js';
import {
  CANDIDATES_PER_HIT,
  COMMON_TERM_SHARE,
  HybridSearch,
  MIN_CANDIDATES,
  textQuery,
  vectorLiteral,
} from './knowledge-search.js';

describe('textQuery', () => {
  test('every word ranks and, without statistics, selects: OR-ed, stop words dropped', () => {
    expect(textQuery('Where is the proposal parser?')).toEqual({
      match: "'proposal' | 'parser'",
      rank: "'proposal' | 'parser'",
    });
  });

  test('identifiers give their parts and themselves whole', () => {
    expect(textQuery('parseProposal')?.rank).toBe("'parse' | 'proposal' | 'parseproposal'");
    expect(textQuery('http_client v2')?.rank).toBe("'http' | 'client' | 'v2' | 'httpclient'");
  });

  test('common words rank but do not select; when all are common, all of them must match', () => {
    const share = (term: string) => ({ user: 0.4, service: 0.12, token: 0.02 })[term] ?? 0;
    expect(textQuery('user token refresh', share)).toEqual({
      match: "'refresh'",
      rank: "'user' | 'token' | 'refresh'",
    });
    expect(textQuery('user service', share)).toEqual({
      match: "'user' & 'service'",
      rank: "'user' | 'service'",
    });
    // at the threshold a word still selects
    expect(textQuery('token', () => COMMON_TERM_SHARE)?.match).toBe("'token'");
  });

  test('only letters and digits reach the tsquery, so quotes and operators cannot', () => {
    const query = textQuery(`it's a 'trap' | !x & (y) <-> z:* \\`);
    expect(query?.rank).toBe("'s' | 'trap' | 'x' | 'y' | 'z'");
    expect(textQuery("'''")).toBeUndefined();
    expect(textQuery('   ')).toBeUndefined();
  });

  test('a text of nothing but stop words searches for them after all', () => {
    expect(textQuery('the and of')?.rank).toBe("'the' | 'and' | 'of'");
  });

  test('at most 32 words', () => {
    const many = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    expect(textQuery(many)?.rank.split(' | ')).toHaveLength(32);
  });
});

describe('hybrid search settings', () => {
  test('each half ranks max(50, first × 5) candidates', () => {
    expect(MIN_CANDIDATES).toBe(50);
    expect(CANDIDATES_PER_HIT).toBe(5);
    expect(HybridSearch.candidates(1)).toBe(50);
    expect(HybridSearch.candidates(10)).toBe(50);
    expect(HybridSearch.candidates(11)).toBe(55);
    expect(HybridSearch.candidates(50)).toBe(250);
    expect(HybridSearch.vectorCandidates(10, {})).toBe(50);
  });

  test('under a type, language or framework filter the vector half ranks max(20, first × 2)', () => {
    expect(HybridSearch.vectorCandidates(10, { language: 'Ruby' })).toBe(20);
    expect(HybridSearch.vectorCandidates(10, { framework: 'Rails' })).toBe(20);
    expect(HybridSearch.vectorCandidates(25, { types: [KnowledgeArtifactType.SERVICE] })).toBe(50);
    // an empty type list filters nothing
    expect(HybridSearch.vectorCandidates(10, { types: [] })).toBe(50);
  });

  test('vectors are written in pgvector text form', () => {
    expect(vectorLiteral([0, 0.5, -1])).toBe('[0,0.5,-1]');
  });
});
