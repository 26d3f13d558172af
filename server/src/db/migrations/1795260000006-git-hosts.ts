import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Git hosts: a project keeps its host token sealed (SecretBox), the host's API URL, and
 * whether each task gets a pull request of its own; a plan
 * that releases through a pull request records when it asked for one, its URL, and the last
 * error opening it.
 */
export class GitHosts1795260000006 implements MigrationInterface {
  name = 'GitHosts1795260000006';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "project" ADD "host_token" text, ADD "host_api_url" text, ADD "pull_request_per_task" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `ALTER TABLE "plan" ADD "release_requested_at" TIMESTAMP WITH TIME ZONE, ADD "release_pr_url" text, ADD "release_error" text`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "plan" DROP COLUMN "release_error", DROP COLUMN "release_pr_url", DROP COLUMN "release_requested_at"`,
    );
    await queryRunner.query(
      `ALTER TABLE "project" DROP COLUMN "pull_request_per_task", DROP COLUMN "host_api_url", DROP COLUMN "host_token"`,
    );
  }
}
