import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The claim's scan: queued runs of a project, by target, in queue order. */

export class QueuedIndex1795260000001 implements MigrationInterface {
  name = 'QueuedIndex1795260000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "agent_run_queued_idx" ON "agent_run"  ("project_id", "target_session_id", "queued_at", "id") WHERE status = 'QUEUED'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."agent_run_queued_idx"`);
  }
}
