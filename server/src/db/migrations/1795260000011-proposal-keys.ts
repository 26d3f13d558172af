import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proposal keys on tasks and phases (docs/planning.md, "Re-planning"): the key a proposal gave
 * a task or phase, kept so a later proposal matches it by key — a renamed task is then a
 * change, not a removal and an addition. Null for what was made by hand (matched by title).
 * Not unique: a cancelled task keeps its key, and a new task may take it again.
 */
export class ProposalKeys1795260000011 implements MigrationInterface {
  name = 'ProposalKeys1795260000011';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "task" ADD "key" text`);
    await queryRunner.query(`ALTER TABLE "phase" ADD "key" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "phase" DROP COLUMN "key"`);
    await queryRunner.query(`ALTER TABLE "task" DROP COLUMN "key"`);
  }
}
