import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams record their worker counts by role and belong to one lead; runs carry what they were
 * handed beyond their task (a delegation packet, a subtask directive) and the lead's run they
 * were delegated from.
 */
export class TeamsAndDelegation1795260000003 implements MigrationInterface {
  name = 'TeamsAndDelegation1795260000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "team" ADD "dev_workers" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "team" ADD "review_workers" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "team" ADD "test_workers" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `ALTER TABLE "team" ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "team_lead_idx" ON "team"  ("lead_session_id") `);
    await queryRunner.query(`ALTER TABLE "agent_run" ADD "instructions" jsonb`);
    await queryRunner.query(`ALTER TABLE "agent_run" ADD "parent_run_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "agent_run_parent_idx" ON "agent_run"  ("parent_run_id") WHERE parent_run_id IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_run" ADD CONSTRAINT "FK_ab4c5f77aed025df89c5df6939b" FOREIGN KEY ("parent_run_id") REFERENCES "agent_run"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "agent_run" DROP CONSTRAINT "FK_ab4c5f77aed025df89c5df6939b"`,
    );
    await queryRunner.query(`DROP INDEX "public"."agent_run_parent_idx"`);
    await queryRunner.query(`ALTER TABLE "agent_run" DROP COLUMN "parent_run_id"`);
    await queryRunner.query(`ALTER TABLE "agent_run" DROP COLUMN "instructions"`);
    await queryRunner.query(`DROP INDEX "public"."team_lead_idx"`);
    await queryRunner.query(`ALTER TABLE "team" DROP COLUMN "updated_at"`);
    await queryRunner.query(`ALTER TABLE "team" DROP COLUMN "test_workers"`);
    await queryRunner.query(`ALTER TABLE "team" DROP COLUMN "review_workers"`);
    await queryRunner.query(`ALTER TABLE "team" DROP COLUMN "dev_workers"`);
  }
}
