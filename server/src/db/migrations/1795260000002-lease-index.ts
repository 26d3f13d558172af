import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The reaper's scan: held runs by lease expiry. */

export class LeaseIndex1795260000002 implements MigrationInterface {
  name = 'LeaseIndex1795260000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "agent_run_lease_idx" ON "agent_run"  ("lease_expires_at") WHERE status IN ('CLAIMED', 'RUNNING')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."agent_run_lease_idx"`);
  }
}
