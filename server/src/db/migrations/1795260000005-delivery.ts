import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review loop, merge and release: a run reports whether a person did the work (attended
 * completions are not reviewed automatically) and a conflicting merge its files; a plan
 * records its release; a project names the reviewer's provider and model.
 */
export class Delivery1795260000005 implements MigrationInterface {
  name = 'Delivery1795260000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "agent_run" ADD "attended" boolean NOT NULL DEFAULT false, ADD "conflict_files" jsonb`,
    );
    await queryRunner.query(
      `ALTER TABLE "plan" ADD "released_at" TIMESTAMP WITH TIME ZONE, ADD "release_summary" jsonb`,
    );
    await queryRunner.query(
      `ALTER TABLE "project" ADD "reviewer_provider" text, ADD "reviewer_model" text`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "project" DROP COLUMN "reviewer_model", DROP COLUMN "reviewer_provider"`,
    );
    await queryRunner.query(
      `ALTER TABLE "plan" DROP COLUMN "release_summary", DROP COLUMN "released_at"`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_run" DROP COLUMN "conflict_files", DROP COLUMN "attended"`,
    );
  }
}
