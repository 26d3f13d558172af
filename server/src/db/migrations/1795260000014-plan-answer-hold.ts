import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * While the model answers a plan's conversation on one Studio replica, the conversation says
 * until when (docs/planning.md, "Plan chat"): any replica refuses a new message before then,
 * the answer renews it with each batch of text and clears it when it is recorded or fails. A
 * replica that stops mid-answer leaves a time that passes, so the conversation reopens.
 */
export class PlanAnswerHold1795260000014 implements MigrationInterface {
  name = 'PlanAnswerHold1795260000014';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "plan_conversation" ADD "answering_until" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "plan_conversation" DROP COLUMN "answering_until"`);
  }
}
