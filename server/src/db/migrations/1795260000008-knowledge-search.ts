import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The HNSW index as this migration first built it (m = 32, ef_construction = 200; see
 * 1795260000012-knowledge-index-build for what replaced it and why).
 */
const FIRST_EMBEDDING_INDEX = `CREATE INDEX "knowledge_artifact_embedding_idx" ON "knowledge_artifact" USING hnsw (("embedding"::halfvec(384)) halfvec_cosine_ops) WITH (m = 32, ef_construction = 200)`;

/**
 * Hybrid knowledge search (docs/knowledge.md):
 *
 * - `search_document`, the full-text half's tsvector, kept by a trigger (not a generated column,
 *   which TypeORM would track in a metadata table of its own): the name (weight A, with its
 *   camelCase parts, so `parseProposal` is found by `parse` and `proposal`), the summary (B,
 *   likewise), language and framework (C), under the `simple` configuration so identifiers
 *   are neither stemmed nor dropped as stop words; a GIN index on it;
 * - an HNSW index on `embedding` for the vector half (FIRST_EMBEDDING_INDEX, rebuilt by
 *   1795260000012-knowledge-index-build);
 * - embeddings stored out of line (toast_tuple_target = 1024; a vector is 1.5 kB, and the
 *   type's storage is already EXTERNAL): rows shrink to about 700 bytes (the heap of 100,000
 *   artifacts is 70 MB, not 227 MB), so what the full-text half and filtered reads visit stays
 *   in shared buffers, while the HNSW walk reads vectors from the index, not the table;
 * - a btree index on `embedding_model`, so the re-embed job finds vectors of another model
 *   without reading the table;
 * - indexes on a project's lower-cased language and framework (the filters' own expressions):
 *   a filter that leaves few artifacts (a rare framework: 1,200 of 100,000, 5 ms) is read
 *   through them and sorted exactly, rather than by a scan of the whole table, and the
 *   planner has statistics to choose between that and the HNSW walk.
 */
export class KnowledgeSearch1795260000008 implements MigrationInterface {
  name = 'KnowledgeSearch1795260000008';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "knowledge_artifact" ADD "search_document" tsvector`);
    await queryRunner.query(`ALTER TABLE "knowledge_artifact" SET (toast_tuple_target = 1024)`);
    // The words of camelCase and PascalCase identifiers in a text, split: parseProposal →
    // "parse Proposal", HTTPServer → "HTTP Server". Words without a case change give nothing.
    await queryRunner.query(`
      CREATE FUNCTION "knowledge_identifier_parts"(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(
                 regexp_replace(
                   regexp_replace(m[1], '([[:lower:][:digit:]])([[:upper:]])', '\\1 \\2', 'g'),
                   '([[:upper:]])([[:upper:]][[:lower:]])', '\\1 \\2', 'g'),
                 ' '), '')
          FROM regexp_matches(coalesce(value, ''),
                 '([[:alnum:]]*(?:[[:lower:][:digit:]][[:upper:]]|[[:upper:]][[:upper:]][[:lower:]])[[:alnum:]]*)',
                 'g') AS m
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION "knowledge_artifact_search_document"() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_document :=
            setweight(to_tsvector('simple', NEW.name || ' ' || knowledge_identifier_parts(NEW.name)), 'A') ||
            setweight(to_tsvector('simple', NEW.summary || ' ' || knowledge_identifier_parts(NEW.summary)), 'B') ||
            setweight(to_tsvector('simple', concat_ws(' ', NEW.language, NEW.framework)), 'C');
          RETURN NEW;
        END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "knowledge_artifact_search_document"
        BEFORE INSERT OR UPDATE OF name, summary, language, framework ON "knowledge_artifact"
        FOR EACH ROW EXECUTE FUNCTION "knowledge_artifact_search_document"()`);
    // Rows written before this migration get their document (the trigger fires on the update).
    await queryRunner.query(`UPDATE "knowledge_artifact" SET name = name`);
    await queryRunner.query(
      `CREATE INDEX "knowledge_artifact_search_idx" ON "knowledge_artifact" USING gin ("search_document")`,
    );
    await queryRunner.query(FIRST_EMBEDDING_INDEX);
    await queryRunner.query(
      `CREATE INDEX "knowledge_artifact_model_idx" ON "knowledge_artifact" ("embedding_model")`,
    );
    await queryRunner.query(
      `CREATE INDEX "knowledge_artifact_language_idx" ON "knowledge_artifact" ("project_id", lower("language"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "knowledge_artifact_framework_idx" ON "knowledge_artifact" ("project_id", lower("framework"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_framework_idx"`);
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_language_idx"`);
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_model_idx"`);
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_embedding_idx"`);
    await queryRunner.query(`DROP INDEX "public"."knowledge_artifact_search_idx"`);
    await queryRunner.query(
      `DROP TRIGGER "knowledge_artifact_search_document" ON "knowledge_artifact"`,
    );
    await queryRunner.query(`DROP FUNCTION "knowledge_artifact_search_document"()`);
    await queryRunner.query(`DROP FUNCTION "knowledge_identifier_parts"(text)`);
    await queryRunner.query(`ALTER TABLE "knowledge_artifact" RESET (toast_tuple_target)`);
    await queryRunner.query(`ALTER TABLE "knowledge_artifact" DROP COLUMN "search_document"`);
  }
}
