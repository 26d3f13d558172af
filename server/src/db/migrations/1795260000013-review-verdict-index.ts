import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A task's review verdicts are its ReviewApproved and ReviewRejected events (`Task.verdicts`,
 * a release's approval and rejection counts). This partial index finds them by the task's
 * public id in the payload, so reading them costs the verdicts found, not the project's log.
 */
export class ReviewVerdictIndex1795260000013 implements MigrationInterface {
  name = 'ReviewVerdictIndex1795260000013';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "event_review_task_idx" ON "event" ((payload->>'taskId'), "seq")
       WHERE "type" IN ('ReviewApproved', 'ReviewRejected')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "event_review_task_idx"`);
  }
}
