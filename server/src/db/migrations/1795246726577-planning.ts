import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, members, skills, plans with their conversation, phases, tasks and comments. */

export class Planning1795246726577 implements MigrationInterface {
  name = 'Planning1795246726577';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TYPE "public"."plan_status" AS ENUM(
                'DRAFT',
                'ACTIVE',
                'PAUSED',
                'COMPLETED',
                'ARCHIVED',
                'CANCELLED'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "plan" (
                "id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "name" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "status" "public"."plan_status" NOT NULL DEFAULT 'DRAFT',
                "branch" text,
                "epic_bootstrapped_at" TIMESTAMP WITH TIME ZONE,
                "proposed_plan" jsonb,
                "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_54a2b686aed3b637654bf7ddbb3" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "plan_project_idx" ON "plan" ("project_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "plan_conversation" (
                "id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "REL_f7386ba30e13a118ecf132994f" UNIQUE ("plan_id"),
                CONSTRAINT "PK_26836cffedcfc4dd070397443d9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."plan_message_kind" AS ENUM(
                'PROPOSAL',
                'QUESTION',
                'FOLLOW_UP',
                'CLARIFICATION'
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."plan_message_author" AS ENUM('USER', 'PLANNER', 'SYSTEM')
        `);
    await queryRunner.query(`
            CREATE TABLE "plan_message" (
                "id" uuid NOT NULL,
                "conversation_id" uuid NOT NULL,
                "kind" "public"."plan_message_kind" NOT NULL,
                "author" "public"."plan_message_author" NOT NULL,
                "body" text NOT NULL,
                "proposal" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5fc0456a4fe7fc50ec6c618ffbc" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "plan_message_conversation_idx" ON "plan_message" ("conversation_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "phase" (
                "id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "name" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "position" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a9cac5076fb19818ed0f871bea8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "phase_plan_position_idx" ON "phase" ("plan_id", "position")
        `);
    await queryRunner.query(`
            CREATE TABLE "user" (
                "id" uuid NOT NULL,
                "email" text NOT NULL,
                "name" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_e12875dfb3b1d92d7d7c5377e22" UNIQUE ("email"),
                CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."member_role" AS ENUM(
                'OWNER',
                'ADMIN',
                'ARCHITECT',
                'LEAD',
                'DEVELOPER',
                'VIEWER'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "member" (
                "id" uuid NOT NULL,
                "workspace_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" "public"."member_role" NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_97cbbe986ce9d14ca5894fdc072" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "member_user_idx" ON "member" ("user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "member_workspace_user_key" ON "member" ("workspace_id", "user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "skill" (
                "id" uuid NOT NULL,
                "workspace_id" uuid NOT NULL,
                "slug" text NOT NULL,
                "name" text NOT NULL,
                "color" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a0d33334424e64fb78dc3ce7196" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "skill_workspace_slug_key" ON "skill" ("workspace_id", "slug")
        `);
    await queryRunner.query(`
            CREATE TABLE "member_skill" (
                "member_id" uuid NOT NULL,
                "skill_id" uuid NOT NULL,
                "proficiency" smallint NOT NULL,
                CONSTRAINT "member_skill_proficiency_check" CHECK (
                    "proficiency" BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_e3916eb42f14c6968c857e8b5a4" PRIMARY KEY ("member_id", "skill_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "member_skill_skill_idx" ON "member_skill" ("skill_id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."task_status" AS ENUM(
                'DRAFT',
                'DISPATCHED',
                'IN_PROGRESS',
                'AWAITING_REVIEW',
                'MERGED',
                'COMPLETED',
                'WAITING_FOR_RESUME',
                'NEEDS_OPERATOR',
                'CANCELLED'
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."task_priority" AS ENUM('LOW', 'MEDIUM', 'HIGH', 'URGENT')
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."task_type" AS ENUM(
                'FEATURE',
                'BUGFIX',
                'REFACTOR',
                'TEST',
                'DOCS',
                'CHORE',
                'RESEARCH'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "task" (
                "id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "phase_id" uuid NOT NULL,
                "parent_task_id" uuid,
                "title" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "status" "public"."task_status" NOT NULL DEFAULT 'DRAFT',
                "priority" "public"."task_priority" NOT NULL DEFAULT 'MEDIUM',
                "type" "public"."task_type" NOT NULL DEFAULT 'FEATURE',
                "required_proficiency" smallint NOT NULL DEFAULT '3',
                "estimate_minutes" integer,
                "actual_minutes" integer,
                "can_run_parallel" boolean NOT NULL DEFAULT true,
                "splittable" boolean NOT NULL DEFAULT false,
                "branch_name" text,
                "pr_url" text,
                "assignee_member_id" uuid,
                "position" integer NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "review_sent_at" TIMESTAMP WITH TIME ZONE,
                "review_approved_at" TIMESTAMP WITH TIME ZONE,
                "revision_count" integer NOT NULL DEFAULT '0',
                "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "task_required_proficiency_check" CHECK (
                    "required_proficiency" BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_fb213f79ee45060ba925ecd576e" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "task_plan_idx" ON "task" ("plan_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "task_parent_idx" ON "task" ("parent_task_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "task_assignee_idx" ON "task" ("assignee_member_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "task_project_status_idx" ON "task" ("project_id", "status")
        `);
    await queryRunner.query(`
            CREATE INDEX "task_phase_position_idx" ON "task" ("phase_id", "position")
        `);
    await queryRunner.query(`
            CREATE TABLE "task_skill" (
                "task_id" uuid NOT NULL,
                "skill_id" uuid NOT NULL,
                CONSTRAINT "PK_62d81e81d339406f9f7b8e9b9cb" PRIMARY KEY ("task_id", "skill_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "task_skill_skill_idx" ON "task_skill" ("skill_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "task_dependency" (
                "task_id" uuid NOT NULL,
                "depends_on_task_id" uuid NOT NULL,
                CONSTRAINT "task_dependency_not_self_check" CHECK ("task_id" <> "depends_on_task_id"),
                CONSTRAINT "PK_0f2d7856be81553295fe0ab17a5" PRIMARY KEY ("task_id", "depends_on_task_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "task_dependency_depends_on_idx" ON "task_dependency" ("depends_on_task_id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."comment_author" AS ENUM('MEMBER', 'AGENT', 'SYSTEM')
        `);
    await queryRunner.query(`
            CREATE TABLE "task_comment" (
                "id" uuid NOT NULL,
                "task_id" uuid NOT NULL,
                "author_kind" "public"."comment_author" NOT NULL,
                "author_member_id" uuid,
                "body" text NOT NULL,
                "evaluation" jsonb,
                "resolution" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_28da4411b195bfc3c451cfa21ff" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "task_comment_task_idx" ON "task_comment" ("task_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "plan"
            ADD CONSTRAINT "FK_e2c3a0fbbdd1bb503151afb5a71" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "plan_conversation"
            ADD CONSTRAINT "FK_f7386ba30e13a118ecf132994fc" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "plan_message"
            ADD CONSTRAINT "FK_34cf79370baa89c1b16cf7e8f36" FOREIGN KEY ("conversation_id") REFERENCES "plan_conversation"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "phase"
            ADD CONSTRAINT "FK_407e01021be7af554144c128a48" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "member"
            ADD CONSTRAINT "FK_2fa5b4d4199a7e51c30ab9fca17" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "member"
            ADD CONSTRAINT "FK_efc766611e939bdbe6f7088984d" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "skill"
            ADD CONSTRAINT "FK_9ddb5bfde970ef0c72911c2379c" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "member_skill"
            ADD CONSTRAINT "FK_d66dfbd03e74c82af02d6af52cd" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "member_skill"
            ADD CONSTRAINT "FK_796d84ea0132daadaf75d23672a" FOREIGN KEY ("skill_id") REFERENCES "skill"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task"
            ADD CONSTRAINT "FK_1f53e7ffe94530f9e0221224d29" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task"
            ADD CONSTRAINT "FK_861fe9e94ad32e4f9b010e2cf48" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task"
            ADD CONSTRAINT "FK_9cd3a06502b8f203015fc73d0d9" FOREIGN KEY ("phase_id") REFERENCES "phase"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task"
            ADD CONSTRAINT "FK_01c122fbf6a1e855a2622957f5f" FOREIGN KEY ("parent_task_id") REFERENCES "task"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task"
            ADD CONSTRAINT "FK_8cbd4afb7633311a34e66c4bf5d" FOREIGN KEY ("assignee_member_id") REFERENCES "member"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task_skill"
            ADD CONSTRAINT "FK_65e4ae8caacb18f0ec8cce48853" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task_skill"
            ADD CONSTRAINT "FK_7980d9a81b8a7f114e3ad71e5ec" FOREIGN KEY ("skill_id") REFERENCES "skill"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task_dependency"
            ADD CONSTRAINT "FK_96cc9656f4eede3de32c5e28150" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task_dependency"
            ADD CONSTRAINT "FK_f1ffa686ef86ae79c5079222eb9" FOREIGN KEY ("depends_on_task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task_comment"
            ADD CONSTRAINT "FK_55866536e2125e25624db4d963b" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "task_comment"
            ADD CONSTRAINT "FK_c8379a71791260fdd451f835f0e" FOREIGN KEY ("author_member_id") REFERENCES "member"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "task_comment" DROP CONSTRAINT "FK_c8379a71791260fdd451f835f0e"
        `);
    await queryRunner.query(`
            ALTER TABLE "task_comment" DROP CONSTRAINT "FK_55866536e2125e25624db4d963b"
        `);
    await queryRunner.query(`
            ALTER TABLE "task_dependency" DROP CONSTRAINT "FK_f1ffa686ef86ae79c5079222eb9"
        `);
    await queryRunner.query(`
            ALTER TABLE "task_dependency" DROP CONSTRAINT "FK_96cc9656f4eede3de32c5e28150"
        `);
    await queryRunner.query(`
            ALTER TABLE "task_skill" DROP CONSTRAINT "FK_7980d9a81b8a7f114e3ad71e5ec"
        `);
    await queryRunner.query(`
            ALTER TABLE "task_skill" DROP CONSTRAINT "FK_65e4ae8caacb18f0ec8cce48853"
        `);
    await queryRunner.query(`
            ALTER TABLE "task" DROP CONSTRAINT "FK_8cbd4afb7633311a34e66c4bf5d"
        `);
    await queryRunner.query(`
            ALTER TABLE "task" DROP CONSTRAINT "FK_01c122fbf6a1e855a2622957f5f"
        `);
    await queryRunner.query(`
            ALTER TABLE "task" DROP CONSTRAINT "FK_9cd3a06502b8f203015fc73d0d9"
        `);
    await queryRunner.query(`
            ALTER TABLE "task" DROP CONSTRAINT "FK_861fe9e94ad32e4f9b010e2cf48"
        `);
    await queryRunner.query(`
            ALTER TABLE "task" DROP CONSTRAINT "FK_1f53e7ffe94530f9e0221224d29"
        `);
    await queryRunner.query(`
            ALTER TABLE "member_skill" DROP CONSTRAINT "FK_796d84ea0132daadaf75d23672a"
        `);
    await queryRunner.query(`
            ALTER TABLE "member_skill" DROP CONSTRAINT "FK_d66dfbd03e74c82af02d6af52cd"
        `);
    await queryRunner.query(`
            ALTER TABLE "skill" DROP CONSTRAINT "FK_9ddb5bfde970ef0c72911c2379c"
        `);
    await queryRunner.query(`
            ALTER TABLE "member" DROP CONSTRAINT "FK_efc766611e939bdbe6f7088984d"
        `);
    await queryRunner.query(`
            ALTER TABLE "member" DROP CONSTRAINT "FK_2fa5b4d4199a7e51c30ab9fca17"
        `);
    await queryRunner.query(`
            ALTER TABLE "phase" DROP CONSTRAINT "FK_407e01021be7af554144c128a48"
        `);
    await queryRunner.query(`
            ALTER TABLE "plan_message" DROP CONSTRAINT "FK_34cf79370baa89c1b16cf7e8f36"
        `);
    await queryRunner.query(`
            ALTER TABLE "plan_conversation" DROP CONSTRAINT "FK_f7386ba30e13a118ecf132994fc"
        `);
    await queryRunner.query(`
            ALTER TABLE "plan" DROP CONSTRAINT "FK_e2c3a0fbbdd1bb503151afb5a71"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_comment_task_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "task_comment"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."comment_author"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_dependency_depends_on_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "task_dependency"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_skill_skill_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "task_skill"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_phase_position_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_project_status_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_assignee_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_parent_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."task_plan_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "task"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."task_type"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."task_priority"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."task_status"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."member_skill_skill_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "member_skill"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."skill_workspace_slug_key"
        `);
    await queryRunner.query(`
            DROP TABLE "skill"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."member_workspace_user_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."member_user_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "member"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."member_role"
        `);
    await queryRunner.query(`
            DROP TABLE "user"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."phase_plan_position_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "phase"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."plan_message_conversation_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "plan_message"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."plan_message_author"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."plan_message_kind"
        `);
    await queryRunner.query(`
            DROP TABLE "plan_conversation"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."plan_project_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "plan"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."plan_status"
        `);
  }
}
