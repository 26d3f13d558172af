import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The untargeted half of the claim walks the project's open runs oldest first and stops at the
 * first one it can lock and run. This partial index gives it that order, so it reads a few rows
 * instead of sorting the whole queue (bench/dispatch: about 2 × with runs of real tasks).
 */
export class OpenRunsIndex1795260000007 implements MigrationInterface {
  name = 'OpenRunsIndex1795260000007';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "agent_run_open_idx" ON "agent_run" ("project_id", "queued_at", "id") WHERE status = 'QUEUED' AND target_session_id IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."agent_run_open_idx"`);
  }
}
