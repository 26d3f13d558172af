import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The approximate nearest-neighbour index of knowledge search's vector half: HNSW over the
 * embeddings as half-precision vectors (cosine distance), which halves the index (about
 * 1.3 kB an artifact: 130 MB for 100,000) at no measurable cost in recall; the search re-sorts
 * its candidates by the full-precision distance.
 *
 * m = 32 and ef_construction = 400 rather than pgvector's 16 and 64: the lexical embedder's
 * vectors are hard for HNSW (short queries, distances that differ little). bench/knowledge at
 * 100,000 artifacts, recall@10 of the vector half against an exact scan:
 *
 * - m = 16, ef_construction = 200: 0.84 at hnsw.ef_search = 200;
 * - m = 32, ef_construction = 200: 0.94–0.95 at 150, 0.957–0.965 at 200;
 * - m = 32, ef_construction = 400: 0.964 at 150, 0.978 at 200. A search at 150 visits about
 *   8,300 index pages where the previous graph needed 9,800 at 200 for less recall; the build
 *   takes about twice as long (180 s → 377–389 s) and each insert about 1.5 times (21.7 →
 *   32.4 ms).
 *
 * bench/knowledge rebuilds it with this statement after a bulk load.
 */
export const KNOWLEDGE_EMBEDDING_INDEX = `CREATE INDEX "knowledge_artifact_embedding_idx" ON "knowledge_artifact" USING hnsw (("embedding"::halfvec(384)) halfvec_cosine_ops) WITH (m = 32, ef_construction = 400)`;

/**
 * pgvector builds the graph in memory up to maintenance_work_mem and on disk beyond it, many
 * times slower; 1 GB holds the graph of several hundred thousand artifacts (it is a cap, not an
 * allocation).
 */
const KNOWLEDGE_INDEX_BUILD_MEMORY = `SET LOCAL maintenance_work_mem = '1GB'`;

const PREVIOUS_EMBEDDING_INDEX = `CREATE INDEX "knowledge_artifact_embedding_idx" ON "knowledge_artifact" USING hnsw (("embedding"::halfvec(384)) halfvec_cosine_ops) WITH (m = 32, ef_construction = 200)`;

/** Rebuilds knowledge_artifact_embedding_idx with ef_construction = 400 (was 200). */
export class KnowledgeIndexBuild1795260000012 implements MigrationInterface {
  name = 'KnowledgeIndexBuild1795260000012';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(KNOWLEDGE_INDEX_BUILD_MEMORY);
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_embedding_idx"`);
    await queryRunner.query(KNOWLEDGE_EMBEDDING_INDEX);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(KNOWLEDGE_INDEX_BUILD_MEMORY);
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_embedding_idx"`);
    await queryRunner.query(PREVIOUS_EMBEDDING_INDEX);
  }
}
