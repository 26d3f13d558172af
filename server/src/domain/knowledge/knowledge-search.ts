import type { DataSource, EntityManager } from 'typeorm';
import { isZeroVector } from './embedder.js';
import { EMBEDDING_DIMENSIONS, type KnowledgeArtifactType } from './knowledge.entity.js';
import { words } from './lexical-embedder.js';

/** The filters knowledge reads share (the `knowledge` connection and knowledgeSearch). */
export interface KnowledgeFilter {
  readonly types?: readonly KnowledgeArtifactType[] | undefined;
  /** Case-insensitive. */
  readonly language?: string | undefined;
  /** Case-insensitive. */
  readonly framework?: string | undefined;
}

/**
 * Reciprocal rank fusion's constant (Cormack, Clarke and Büttcher, 2009): a hit's score is
 * Σ 1 / (RRF_K + rank) over the rankings it appears in. 60 is the paper's value; it keeps the
 * first few ranks of either half from drowning out agreement between both.
 */
export const RRF_K = 60;
/** Each half ranks max(MIN_CANDIDATES, first × CANDIDATES_PER_HIT) candidates. */
export const MIN_CANDIDATES = 50;
export const CANDIDATES_PER_HIT = 5;
/**
 * With a type, language or framework filter the vector half ranks fewer:
 * max(MIN_FILTERED_CANDIDATES, first × FILTERED_CANDIDATES_PER_HIT). The HNSW walk yields
 * neighbours regardless of the filter, and the iterative scan walks on until enough pass it,
 * so the walk grows as candidates ÷ selectivity: 50 candidates of a language held by one
 * artifact in twenty took five passes. bench/knowledge, filtered queries at 100,000: p50 about
 * halved, recall@10 0.978 → 0.951 (the text half still ranks its full share). Ranking only
 * `first` (10) was measured too: filtered p95 a fifth lower, but their recall@10 0.91.
 */
export const MIN_FILTERED_CANDIDATES = 20;
export const FILTERED_CANDIDATES_PER_HIT = 2;
/**
 * HNSW's candidate list while searching (pgvector's `hnsw.ef_search`, default 40), raised to
 * the number of candidates asked for when that is larger. bench/knowledge measures recall@10
 * of the vector half against an exact scan: at 100,000 artifacts, on the index of
 * 1795260000012-knowledge-index-build (m = 32, ef_construction = 400), 0.935 at 100, 0.964 at
 * 150 and 0.978 at 200; the walk's cost grows with it (about 7,800–8,300 index pages
 * visited at 150, 10,500 at 200).
 */
export const DEFAULT_EF_SEARCH = 150;
/** pgvector's upper bound for hnsw.ef_search. */
const MAX_EF_SEARCH = 1000;
/** Query words used by the full-text half; more are ignored. */
const MAX_TERMS = 32;
/**
 * A word in more than this share of artifacts is common: it ranks the full-text half's
 * candidates but does not select them (see textQuery).
 */
export const COMMON_TERM_SHARE = 0.01;
/**
 * The full-text half ranks at most this many candidates: a bound for queries whose every word
 * is common and found together often (which ones are then ranked is the index's order, not
 * the best). Each candidate is a heap visit to read its tsvector. bench/knowledge at 100,000,
 * the half alone: 5,000 gave p95 14 ms and p99 25–31 ms; 1,000 gives p95 7 ms and p99 10–12 ms.
 * Against ranking every match, 18 of its 200 queries get a top ten of slightly lower ts_rank
 * (1.7 % on average; at 5,000, one query), because common words' matches mostly tie.
 */
export const MATCH_CAP = 1000;

/** One ranked id: its fused score and its rank in each half (null when absent from it). */
export interface RankedId {
  readonly id: string;
  readonly score: number;
  readonly vectorRank: number | null;
  readonly textRank: number | null;
}

export interface HybridQuery {
  readonly projectId: string;
  /** The query's embedding by `model`, or null to rank by text alone. */
  readonly vector: readonly number[] | null;
  readonly model: string;
  readonly text: string;
  readonly filter: KnowledgeFilter;
  readonly first: number;
}

/** Positional parameters, numbered as they are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function filterSql(params: Params, filter: KnowledgeFilter): string {
  let sql = '';
  if (filter.types?.length) {
    sql += ` AND k.type = ANY(${params.add([...filter.types])}::knowledge_artifact_type[])`;
  }
  if (filter.language) sql += ` AND lower(k.language) = lower(${params.add(filter.language)})`;
  if (filter.framework) sql += ` AND lower(k.framework) = lower(${params.add(filter.framework)})`;
  return sql;
}

/** pgvector's text form of a vector. */
export function vectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

/** How common a word is: the share of artifacts (0–1) whose search document holds it. */
export type TermShare = (term: string) => number;

/** The full-text half's two tsqueries (to_tsquery syntax, `simple` configuration). */
export interface TextQuery {
  /** Which artifacts are candidates. */
  readonly match: string;
  /** How candidates are ranked (ts_rank): every query word, OR-ed. */
  readonly rank: string;
}

/**
 * The full-text half's query. Words are the text's words as the embedder sees them (stop words
 * dropped, identifiers split, plus each identifier whole), letters and digits only, so they
 * are safe inside quotes. Every word ranks (OR: a hit need not hold them all; ts_rank favours
 * hits with more of them, in the name over the summary). But words held by more than
 * COMMON_TERM_SHARE of artifacts do not select: candidates are the artifacts holding any of the
 * other words — or, when every word is common, all of them. So a common word ("user",
 * "service") never makes the half rank a large part of the table. Undefined when the text
 * has no words.
 */
export function textQuery(text: string, share: TermShare = () => 0): TextQuery | undefined {
  const { parts, joined } = words(text);
  let terms = [...new Set([...parts, ...joined])];
  if (terms.length === 0) {
    // nothing but stop words: search for them after all
    terms = [...new Set([...text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]))];
  }
  terms = terms.slice(0, MAX_TERMS);
  if (terms.length === 0) return undefined;
  const quoted = (list: readonly string[], operator: string) =>
    list.map((term) => `'${term}'`).join(` ${operator} `);
  const uncommon = terms.filter((term) => share(term) <= COMMON_TERM_SHARE);
  return {
    match: uncommon.length > 0 ? quoted(uncommon, '|') : quoted(terms, '&'),
    rank: quoted(terms, '|'),
  };
}

/**
 * Word shares from PostgreSQL's own statistics on `search_document` (pg_stats'
 * most_common_elems, which ANALYZE and autovacuum keep), across all projects, cached for a few
 * minutes. A word the statistics do not list is rarer than any they do. Without statistics (a
 * new table), every word counts as uncommon.
 */
export class TermStatistics {
  private cached: { at: number; shares: ReadonlyMap<string, number> } | undefined;
  private loading: Promise<ReadonlyMap<string, number>> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async share(): Promise<TermShare> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      this.cached = { at: now, shares: await this.loading };
    }
    const { shares } = this.cached;
    return (term) => shares.get(term) ?? 0;
  }

  private async load(): Promise<ReadonlyMap<string, number>> {
    // Statistics only sharpen the query: without them (an error reading pg_stats) every word
    // selects, which is correct, only slower.
    const rows = await this.dataSource
      .query<Array<{ term: string; share: number }>>(
        `SELECT u.term, u.share
         FROM pg_stats s,
              unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(term, share)
        WHERE s.schemaname = current_schema() AND s.tablename = 'knowledge_artifact'
          AND s.attname = 'search_document' AND u.term IS NOT NULL`,
      )
      .catch(() => []);
    return new Map(rows.map((row) => [row.term, Number(row.share)]));
  }
}

/** The HNSW index's expression type: the embedding in half precision. */
const HALF = `halfvec(${EMBEDDING_DIMENSIONS})`;

/**
 * The vector half: the `limit` nearest artifacts of the project by cosine distance, among
 * those embedded by `model` and passing the filters. ORDER BY … LIMIT walks the HNSW index
 * (knowledge_artifact_embedding_idx, on the half-precision embedding) unless the planner finds
 * the filters more selective; `distance` is the full-precision one the halves are ranked by.
 */
function nearestSql(
  params: Params,
  query: HybridQuery,
  vector: readonly number[],
  limit: string,
  exact = false,
) {
  const literal = params.add(vectorLiteral(vector));
  // the exact scan (ground truth) orders by the full-precision distance itself
  const order = exact
    ? `k.embedding <=> ${literal}::vector`
    : `k.embedding::${HALF} <=> ${literal}::${HALF}`;
  return `SELECT k.id, k.embedding <=> ${literal}::vector AS distance
            FROM knowledge_artifact k
           WHERE k.project_id = ${params.add(query.projectId)}
             AND k.embedding_model = ${params.add(query.model)}
             AND k.embedding IS NOT NULL${filterSql(params, query.filter)}
           ORDER BY ${order}
           LIMIT ${limit}`;
}

/**
 * The full-text half: the project's candidates (at most MATCH_CAP of them), best ts_rank
 * first. The name is weighted A, the summary B, language and framework C (the trigger).
 */
function matchesSql(params: Params, query: HybridQuery, text: TextQuery, limit: string) {
  return `SELECT c.id, ts_rank(c.search_document, to_tsquery('simple', ${params.add(text.rank)})) AS relevance
            FROM (SELECT k.id, k.search_document
                    FROM knowledge_artifact k
                   WHERE k.project_id = ${params.add(query.projectId)}
                     AND k.search_document @@ to_tsquery('simple', ${params.add(text.match)})${filterSql(params, query.filter)}
                   LIMIT ${params.add(MATCH_CAP)}) c
           ORDER BY relevance DESC, c.id
           LIMIT ${limit}`;
}

/**
 * Hybrid search over knowledge artifacts in one statement: the vector half (HNSW nearest
 * neighbours) and the full-text half (ts_rank over the trigger-maintained tsvector) each rank
 * max(50, first × 5) candidates, and reciprocal rank fusion (RRF_K) merges them.
 */
export class HybridSearch {
  readonly efSearch: number;
  private readonly statistics: TermStatistics;

  constructor(
    private readonly dataSource: DataSource,
    options: { efSearch?: number } = {},
  ) {
    this.efSearch = options.efSearch ?? DEFAULT_EF_SEARCH;
    this.statistics = new TermStatistics(dataSource);
  }

  /** How many candidates the full-text half ranks (and the vector half without a filter). */
  static candidates(first: number): number {
    return Math.max(MIN_CANDIDATES, first * CANDIDATES_PER_HIT);
  }

  /** How many candidates the vector half ranks: fewer under a filter (MIN_FILTERED_CANDIDATES). */
  static vectorCandidates(first: number, filter: KnowledgeFilter): number {
    const filtered = Boolean(filter.types?.length || filter.language || filter.framework);
    return filtered
      ? Math.max(MIN_FILTERED_CANDIDATES, first * FILTERED_CANDIDATES_PER_HIT)
      : HybridSearch.candidates(first);
  }

  async search(query: HybridQuery): Promise<RankedId[]> {
    const candidates = HybridSearch.candidates(query.first);
    const vector = query.vector && !isZeroVector(query.vector) ? query.vector : null;
    const tsquery = textQuery(query.text, await this.statistics.share());
    if (!vector && !tsquery) return [];
    const nearestCandidates = HybridSearch.vectorCandidates(query.first, query.filter);
    const params = new Params();
    const limit = params.add(candidates);
    const nearest = vector
      ? nearestSql(params, query, vector, params.add(nearestCandidates))
      : 'SELECT NULL::uuid AS id, NULL::float8 AS distance WHERE false';
    const matches = tsquery
      ? matchesSql(params, query, tsquery, limit)
      : 'SELECT NULL::uuid AS id, NULL::real AS relevance WHERE false';
    const k = params.add(RRF_K);
    const sql = `WITH nearest AS MATERIALIZED (${nearest}),
          matches AS MATERIALIZED (${matches}),
          by_vector AS (SELECT id, row_number() OVER (ORDER BY distance, id) AS rank FROM nearest),
          by_text AS (SELECT id, row_number() OVER (ORDER BY relevance DESC, id) AS rank FROM matches)
        SELECT coalesce(v.id, t.id) AS id, v.rank AS vector_rank, t.rank AS text_rank,
               coalesce(1.0 / (${k} + v.rank), 0) + coalesce(1.0 / (${k} + t.rank), 0) AS score
          FROM by_vector v FULL JOIN by_text t ON t.id = v.id
         ORDER BY score DESC, least(v.rank, t.rank), 1
         LIMIT ${params.add(query.first)}`;
    const rows = await this.withSettings(nearestCandidates, false, (manager) =>
      manager.query<
        Array<{ id: string; vector_rank: string | null; text_rank: string | null; score: string }>
      >(sql, params.values),
    );
    return rows.map((row) => ({
      id: row.id,
      score: Number(row.score),
      vectorRank: row.vector_rank === null ? null : Number(row.vector_rank),
      textRank: row.text_rank === null ? null : Number(row.text_rank),
    }));
  }

  /**
   * The vector half alone, nearest first, as search() runs it — or, with `exact`, by a
   * sequential scan with index scans off (the ground truth bench/knowledge measures recall by).
   */
  async nearest(
    query: HybridQuery,
    limit: number,
    exact = false,
  ): Promise<Array<{ id: string; distance: number }>> {
    if (!query.vector || isZeroVector(query.vector)) return [];
    const params = new Params();
    const sql = nearestSql(params, query, query.vector, params.add(limit), exact);
    const rows = await this.withSettings(limit, exact, (manager) =>
      manager.query<Array<{ id: string; distance: number }>>(sql, params.values),
    );
    return rows
      .map((row) => ({ id: row.id, distance: Number(row.distance) }))
      .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
  }

  /** The plan of the vector half as search() runs it (EXPLAIN), for benchmarks and operators. */
  async explainNearest(query: HybridQuery): Promise<string[]> {
    if (!query.vector) return [];
    const params = new Params();
    const limit = HybridSearch.vectorCandidates(query.first, query.filter);
    const sql = nearestSql(params, query, query.vector, params.add(limit));
    const rows = await this.withSettings(limit, false, (manager) =>
      manager.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${sql}`, params.values),
    );
    return rows.map((row) => row['QUERY PLAN']);
  }

  /**
   * Runs `work` in a transaction whose HNSW settings hold for it alone (set_config(…, true) is
   * SET LOCAL): ef_search, and iterative scans, so filters that reject most of the nearest
   * neighbours still leave `limit` of them (pgvector ≥ 0.8; results are re-sorted by distance).
   */
  private withSettings<T>(
    limit: number,
    exact: boolean,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const ef = Math.min(MAX_EF_SEARCH, Math.max(this.efSearch, limit));
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT set_config('hnsw.ef_search', $1, true),
                set_config('hnsw.iterative_scan', 'relaxed_order', true),
                set_config('enable_indexscan', $2, true)`,
        [String(ef), exact ? 'off' : 'on'],
      );
      return work(manager);
    });
  }
}
